// redact() and the bridge's log line writer.
#include "bridge/relay/redact.h"

#include <array>
#include <cctype>
#include <iostream>
#include <mutex>

namespace cradle::bridge {

namespace {

bool startsWithNoCase(std::string_view text, std::size_t at, std::string_view word) {
  if (text.size() - at < word.size()) {
    return false;
  }
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[at + i])) !=
        std::tolower(static_cast<unsigned char>(word[i]))) {
      return false;
    }
  }
  return true;
}

// Skips to the end of a value: up to whitespace, ',', ';', '&' or a quote.
std::size_t valueEnd(std::string_view text, std::size_t at) {
  while (at < text.size()) {
    const char c = text[at];
    if (c == ' ' || c == '\t' || c == ',' || c == ';' || c == '&' || c == '"' || c == '\'' ||
        c == '\n' || c == '\r') {
      break;
    }
    ++at;
  }
  return at;
}

}  // namespace

std::string redact(std::string_view text) {
  // Words followed by a value to hide. For keys, the value follows ':' or '=' (with spaces).
  static constexpr std::array<std::string_view, 4> Keys = {"password", "secret", "token", "passwd"};
  static constexpr std::array<std::string_view, 2> Schemes = {"basic ", "bearer "};
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (startsWithNoCase(text, i, "authorization")) {
      out += "[auth header]";
      i += 13;
      // The whole header value: to the end of the line.
      std::size_t j = i;
      while (j < text.size() && (text[j] == ' ' || text[j] == ':' || text[j] == '=')) {
        ++j;
      }
      if (j > i) {
        const std::size_t end = text.find_first_of("\r\n", j);
        out += ": [redacted]";
        i = end == std::string_view::npos ? text.size() : end;
      }
      continue;
    }
    bool matched = false;
    for (std::string_view scheme : Schemes) {
      if (startsWithNoCase(text, i, scheme)) {
        out.append(text.substr(i, scheme.size()));
        out += "[redacted]";
        i = valueEnd(text, i + scheme.size());
        matched = true;
        break;
      }
    }
    if (!matched) {
      for (std::string_view key : Keys) {
        if (!startsWithNoCase(text, i, key)) {
          continue;
        }
        std::size_t j = i + key.size();
        while (j < text.size() && std::isalpha(static_cast<unsigned char>(text[j]))) {
          ++j;  // "passwords", "secrets", "tokens"
        }
        std::size_t k = j;
        while (k < text.size() && text[k] == ' ') {
          ++k;
        }
        if (k < text.size() && (text[k] == ':' || text[k] == '=')) {
          ++k;
          while (k < text.size() && text[k] == ' ') {
            ++k;
          }
          out.append(text.substr(i, k - i));
          out += "[redacted]";
          i = valueEnd(text, k);
          matched = true;
        }
        break;
      }
    }
    if (matched) {
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    out += (c < 0x20 && c != '\t') || c == 0x7F ? '?' : text[i];
    ++i;
  }
  return out;
}

void logLine(std::string_view text) {
  static std::mutex mutex;
  const std::string line = "cradle: " + redact(text) + "\n";
  std::lock_guard<std::mutex> lock(mutex);
  std::cerr << line << std::flush;
}

}  // namespace cradle::bridge

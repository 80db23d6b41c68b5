// ASCII-only helpers for protocol words (header names, query parameters, policy names): case
// folding, white-space trimming, hex digits.
#pragma once

#include <string>
#include <string_view>

namespace cradle::eas {

constexpr char asciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (asciiLower(a[i]) != asciiLower(b[i])) {
      return false;
    }
  }
  return true;
}

inline std::string asciiLowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = asciiLower(c);
  }
  return out;
}

constexpr bool isAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// s without leading and trailing SP, HTAB, CR and LF.
constexpr std::string_view trimAsciiSpace(std::string_view s) {
  while (!s.empty() && isAsciiSpace(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && isAsciiSpace(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// 0..15 for a hex digit (either case), -1 otherwise.
constexpr int hexDigitValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace cradle::eas

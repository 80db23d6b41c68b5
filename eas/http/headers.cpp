// MS-ASHTTP header values, OPTIONS headers and protocol version negotiation.
#include "eas/http/headers.h"

#include <algorithm>

#include "eas/ascii.h"

namespace cradle::eas {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool isOws(char c) { return c == ' ' || c == '\t'; }
bool isControl(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7F;
}
// RFC 7230 3.2.6 tchar.
bool isTchar(char c) {
  if (isAlpha(c) || isDigit(c)) {
    return true;
  }
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

Error badHeader(std::size_t offset, std::string_view name, std::string detail) {
  std::string text(name);
  text += ": ";
  text += detail;
  return makeError(ErrorCode::BadRequest, offset, std::move(text));
}

// A value with surrounding OWS removed, remembering where it started in the original.
struct Trimmed {
  std::string_view text;
  std::size_t start;
};

Trimmed trim(std::string_view value, std::size_t base = 0) {
  std::size_t b = 0;
  std::size_t e = value.size();
  while (b < e && isOws(value[b])) {
    ++b;
  }
  while (e > b && isOws(value[e - 1])) {
    --e;
  }
  return {value.substr(b, e - b), base + b};
}

// Refuses CR, LF, NUL and the other control characters anywhere in a value (header splitting).
Status checkNoControl(std::string_view value, std::string_view name) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (isControl(value[i]) && value[i] != '\t') {
      return badHeader(i, name, "control character in value");
    }
  }
  return {};
}

// Splits a comma-separated list into trimmed elements with their offsets.
std::vector<Trimmed> splitList(std::string_view value) {
  std::vector<Trimmed> out;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = value.find(',', start);
    std::size_t end = comma == std::string_view::npos ? value.size() : comma;
    out.push_back(trim(value.substr(start, end - start), start));
    if (comma == std::string_view::npos) {
      break;
    }
    start = comma + 1;
  }
  return out;
}

// Decimal digits only, at most maxDigits, value <= max.
std::optional<uint64_t> parseDecimal(std::string_view s, std::size_t maxDigits, uint64_t max) {
  if (s.empty() || s.size() > maxDigits) {
    return std::nullopt;
  }
  uint64_t v = 0;
  for (char c : s) {
    if (!isDigit(c)) {
      return std::nullopt;
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max) {
    return std::nullopt;
  }
  return v;
}

// "<digits>.<digits>" with 1..3 digits each side: the shape of every EAS version string.
bool looksLikeVersion(std::string_view s) {
  std::size_t dot = s.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 3 || s.size() - dot - 1 == 0 ||
      s.size() - dot - 1 > 3) {
    return false;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i != dot && !isDigit(s[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool headerNameEquals(std::string_view a, std::string_view b) { return equalsIgnoreCase(a, b); }

std::optional<std::string_view> findHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (headerNameEquals(n, name)) {
      return std::string_view(v);
    }
  }
  return std::nullopt;
}

Result<std::optional<std::string_view>> findUniqueHeader(const HeaderList& headers,
                                                         std::string_view name) {
  std::optional<std::string_view> found;
  for (const auto& [n, v] : headers) {
    if (headerNameEquals(n, name)) {
      if (found) {
        return badHeader(0, name, "header repeated");
      }
      found = std::string_view(v);
    }
  }
  return found;
}

Result<ProtocolVersion> parseProtocolVersionHeader(std::string_view value) {
  Trimmed t = trim(value);
  // MS-ASHTTP 2.2.1.1.2.6: one of "2.5", "12.0", "12.1", "14.0", "14.1", "16.0", "16.1".
  std::optional<ProtocolVersion> v = parseProtocolVersion(t.text);
  if (!v) {
    return badHeader(t.start, header::AsProtocolVersion,
                     "unknown protocol version \"" + std::string(t.text) + "\"");
  }
  return *v;
}

Result<uint32_t> parsePolicyKey(std::string_view value) {
  Trimmed t = trim(value);
  // MS-ASPROV 2.2.2.42: "a string representation of a 32-bit unsigned integer".
  std::optional<uint64_t> v = parseDecimal(t.text, 10, UINT32_MAX);
  if (!v) {
    return badHeader(t.start, header::PolicyKey, "not a decimal 32-bit unsigned integer");
  }
  return static_cast<uint32_t>(*v);
}

std::string formatPolicyKey(uint32_t key) { return std::to_string(key); }

Result<bool> parseAcceptMultiPart(std::string_view value) {
  Trimmed t = trim(value);
  if (t.text == "T") {
    return true;
  }
  if (t.text == "F") {
    return false;
  }
  return badHeader(t.start, header::AcceptMultiPart, "expected T or F");
}

std::string_view toString(MediaType t) {
  switch (t) {
    case MediaType::Wbxml:
      return "application/vnd.ms-sync.wbxml";
    case MediaType::Multipart:
      return "application/vnd.ms-sync.multipart";
    case MediaType::Rfc822:
      return "message/rfc822";
    case MediaType::Xml:
      return "text/xml";
  }
  return "";
}

Result<MediaType> parseContentType(std::string_view value) {
  if (Status s = checkNoControl(value, header::ContentType); !s) {
    return std::move(s).takeError();
  }
  std::size_t semi = value.find(';');
  Trimmed t = trim(value.substr(0, semi));
  std::size_t slash = t.text.find('/');
  bool shapeOk = slash != std::string_view::npos && slash != 0 && slash + 1 < t.text.size();
  for (char c : t.text) {
    shapeOk = shapeOk && (isTchar(c) || c == '/');
  }
  if (!shapeOk) {
    return badHeader(t.start, header::ContentType, "not a type/subtype media type");
  }
  for (MediaType m : {MediaType::Wbxml, MediaType::Multipart, MediaType::Rfc822, MediaType::Xml}) {
    if (headerNameEquals(t.text, toString(m))) {
      return m;
    }
  }
  return badHeader(t.start, header::ContentType,
                   "media type \"" + std::string(t.text) + "\" is not an EAS body type");
}

std::optional<MediaType> requestMediaType(Command cmd, ProtocolVersion v) {
  switch (cmd) {
    case Command::GetAttachment:
      return std::nullopt;  // MS-ASCMD 2.2.1.7: the attachment is named in the query, no body
    case Command::SendMail:
    case Command::SmartForward:
    case Command::SmartReply:
      return atLeast(v, ProtocolVersion::V14_0) ? MediaType::Wbxml : MediaType::Rfc822;
    default:
      return MediaType::Wbxml;
  }
}

Result<UserAgent> parseUserAgent(std::string_view value) {
  if (Status s = checkNoControl(value, header::UserAgent); !s) {
    return std::move(s).takeError();
  }
  Trimmed t = trim(value);
  std::string_view first = t.text.substr(0, t.text.find_first_of(" \t"));
  if (first.empty()) {
    return badHeader(t.start, header::UserAgent, "empty");
  }
  UserAgent ua;
  std::size_t slash = first.find('/');
  ua.product = std::string(first.substr(0, slash));
  if (slash != std::string_view::npos) {
    ua.version = std::string(first.substr(slash + 1));
  }
  // RFC 7231 5.5.3: product = token ["/" product-version], product-version = token.
  if (ua.product.empty() || (slash != std::string_view::npos && ua.version.empty())) {
    return badHeader(t.start, header::UserAgent, "empty product or version");
  }
  for (std::size_t i = 0; i < first.size(); ++i) {
    if (i != slash && !isTchar(first[i])) {
      return badHeader(t.start + i, header::UserAgent, "character not allowed in a product token");
    }
  }
  return ua;
}

Result<std::vector<ProtocolVersion>> parseProtocolVersionList(std::string_view value) {
  std::vector<ProtocolVersion> out;
  for (const Trimmed& item : splitList(value)) {
    if (!looksLikeVersion(item.text)) {
      return badHeader(item.start, header::AsProtocolVersions,
                       "malformed version \"" + std::string(item.text) + "\"");
    }
    std::optional<ProtocolVersion> v = parseProtocolVersion(item.text);
    if (v && std::find(out.begin(), out.end(), *v) == out.end()) {
      out.push_back(*v);
    }
  }
  return out;
}

std::string formatProtocolVersionList(std::span<const ProtocolVersion> versions) {
  std::string out;
  for (ProtocolVersion v : versions) {
    if (!out.empty()) {
      out += ',';
    }
    out += toString(v);
  }
  return out;
}

Result<std::vector<Command>> parseCommandList(std::string_view value) {
  std::vector<Command> out;
  for (const Trimmed& item : splitList(value)) {
    bool letters = !item.text.empty() && std::all_of(item.text.begin(), item.text.end(), isAlpha);
    if (!letters) {
      return badHeader(item.start, header::AsProtocolCommands,
                       "malformed command name \"" + std::string(item.text) + "\"");
    }
    std::optional<Command> c = parseCommandName(item.text);
    if (c && std::find(out.begin(), out.end(), *c) == out.end()) {
      out.push_back(*c);
    }
  }
  return out;
}

std::string formatCommandList(std::span<const Command> commands) {
  std::string out;
  for (Command c : commands) {
    if (!out.empty()) {
      out += ',';
    }
    out += toString(c);
  }
  return out;
}

Result<std::vector<uint32_t>> parseServerVersion(std::string_view value) {
  Trimmed t = trim(value);
  std::vector<uint32_t> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = t.text.find('.', start);
    std::size_t end = dot == std::string_view::npos ? t.text.size() : dot;
    std::optional<uint64_t> v = parseDecimal(t.text.substr(start, end - start), 5, 99999);
    if (!v || parts.size() == 4) {
      return badHeader(t.start + start, header::ServerActiveSync,
                       "expected 1 to 4 dot-separated numbers");
    }
    parts.push_back(static_cast<uint32_t>(*v));
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  return parts;
}

Result<uint32_t> parseRetryAfter(std::string_view value) {
  Trimmed t = trim(value);
  // RFC 7231 7.1.3 delay-seconds; EAS servers (Exchange, Z-Push RETRY_AFTER_DELAY) send seconds.
  std::optional<uint64_t> v = parseDecimal(t.text, 10, UINT32_MAX);
  if (!v) {
    return badHeader(t.start, header::RetryAfter, "not a number of seconds");
  }
  return static_cast<uint32_t>(*v);
}

Result<std::string> parseLocation(std::string_view value) {
  Trimmed t = trim(value);
  std::string_view rest;
  if (t.text.substr(0, 8) == "https://") {
    rest = t.text.substr(8);
  } else if (t.text.substr(0, 7) == "http://") {
    rest = t.text.substr(7);
  } else {
    return badHeader(t.start, header::Location, "not an absolute http(s) URL");
  }
  if (rest.empty() || rest.front() == '/') {
    return badHeader(t.start, header::Location, "URL has no host");
  }
  for (std::size_t i = 0; i < t.text.size(); ++i) {
    auto u = static_cast<unsigned char>(t.text[i]);
    if (u <= 0x20 || u >= 0x7F) {
      return badHeader(t.start + i, header::Location, "character not allowed in a URL");
    }
  }
  return std::string(t.text);
}

OptionsInfo optionsFor(ProtocolVersion highest, std::string serverVersion) {
  OptionsInfo info;
  info.serverVersion = std::move(serverVersion);
  for (ProtocolVersion v : AllProtocolVersions) {
    if (atLeast(highest, v)) {
      info.versions.push_back(v);
    }
  }
  info.commands = commandsForVersion(highest);
  return info;
}

HeaderList buildOptionsHeaders(const OptionsInfo& info) {
  HeaderList h;
  // MS-ASHTTP 4.1 example: Allow and Public both "OPTIONS,POST".
  h.emplace_back(header::Allow, "OPTIONS,POST");
  h.emplace_back(header::Public, "OPTIONS,POST");
  if (!info.serverVersion.empty()) {
    h.emplace_back(header::ServerActiveSync, info.serverVersion);
  }
  h.emplace_back(header::AsProtocolVersions, formatProtocolVersionList(info.versions));
  h.emplace_back(header::AsProtocolCommands, formatCommandList(info.commands));
  return h;
}

Result<OptionsInfo> parseOptionsHeaders(const HeaderList& headers) {
  OptionsInfo info;
  auto versions = findUniqueHeader(headers, header::AsProtocolVersions);
  if (!versions) {
    return std::move(versions).takeError();
  }
  auto commands = findUniqueHeader(headers, header::AsProtocolCommands);
  if (!commands) {
    return std::move(commands).takeError();
  }
  // MS-ASHTTP 3.2.5.2: the response MUST contain both headers.
  if (!*versions) {
    return badHeader(0, header::AsProtocolVersions, "missing from the OPTIONS response");
  }
  if (!*commands) {
    return badHeader(0, header::AsProtocolCommands, "missing from the OPTIONS response");
  }
  auto v = parseProtocolVersionList(**versions);
  if (!v) {
    return std::move(v).takeError();
  }
  auto c = parseCommandList(**commands);
  if (!c) {
    return std::move(c).takeError();
  }
  info.versions = std::move(*v);
  info.commands = std::move(*c);
  auto server = findUniqueHeader(headers, header::ServerActiveSync);
  if (!server) {
    return std::move(server).takeError();
  }
  if (*server) {
    auto parts = parseServerVersion(**server);
    if (!parts) {
      return std::move(parts).takeError();
    }
    info.serverVersion = std::string(trim(**server).text);
  }
  return info;
}

Result<ProtocolVersion> negotiateVersion(std::span<const ProtocolVersion> server,
                                         std::span<const ProtocolVersion> client) {
  std::optional<ProtocolVersion> best;
  for (ProtocolVersion v : server) {
    bool common = std::find(client.begin(), client.end(), v) != client.end();
    if (common && (!best || atLeast(v, *best))) {
      best = v;
    }
  }
  if (!best) {
    return makeError(ErrorCode::BadRequest, 0,
                     "no protocol version in common (server offers \"" +
                         formatProtocolVersionList(server) + "\", client speaks \"" +
                         formatProtocolVersionList(client) + "\")");
  }
  return *best;
}

Result<ProtocolVersion> negotiateVersion(std::string_view serverVersionsHeader,
                                         std::span<const ProtocolVersion> client) {
  auto server = parseProtocolVersionList(serverVersionsHeader);
  if (!server) {
    return std::move(server).takeError();
  }
  return negotiateVersion(*server, client);
}

}  // namespace cradle::eas

// Request line model: the plain and the base64-encoded query of MS-ASHTTP 2.2.1.1.1.
#include "eas/http/request.h"

#include <algorithm>
#include <array>

#include "eas/ascii.h"
#include "eas/base64.h"

namespace cradle::eas {
namespace {

constexpr std::size_t MaxBase64Field = 255;  // every base64 length field is one byte

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool isAlnum(char c) { return isAlpha(c) || isDigit(c); }
// ABNF VCHAR: visible ASCII, 0x21..0x7E.
bool isVchar(char c) {
  auto u = static_cast<unsigned char>(c);
  return u >= 0x21 && u <= 0x7E;
}
bool isControl(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7F;
}
bool isUnreserved(char c) { return isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

bool startsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && equalsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

int hexValue(char c) {
  if (isDigit(c)) {
    return c - '0';
  }
  char l = asciiLower(c);
  if (l >= 'a' && l <= 'f') {
    return l - 'a' + 10;
  }
  return -1;
}

Error badRequest(std::size_t offset, std::string detail) {
  return makeError(ErrorCode::BadRequest, offset, std::move(detail));
}
Error badValue(std::string detail) { return makeError(ErrorCode::BadValue, 0, std::move(detail)); }

// Strict percent-decoding of one query component that starts at `base` in the target. Decoded
// control characters are refused: they have no business in an id and would let a value split a
// log line or a forwarded header.
Result<std::string> percentDecode(std::string_view raw, std::size_t base, bool plusIsSpace) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      int hi = i + 1 < raw.size() ? hexValue(raw[i + 1]) : -1;
      int lo = i + 2 < raw.size() ? hexValue(raw[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return badRequest(base + i, "bad percent escape (expected % and two hex digits)");
      }
      c = static_cast<char>((hi << 4) | lo);
      if (isControl(c)) {
        return badRequest(base + i, "percent escape decodes to a control character");
      }
      out += c;
      i += 2;
    } else if (c == '+' && plusIsSpace) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

void percentEncodeTo(std::string& out, std::string_view value) {
  static constexpr char Hex[] = "0123456789ABCDEF";
  for (char c : value) {
    if (isUnreserved(c)) {
      out += c;
    } else {
      auto u = static_cast<unsigned char>(c);
      out += '%';
      out += Hex[u >> 4];
      out += Hex[u & 0x0F];
    }
  }
}

bool allAlnum(std::string_view s) { return std::all_of(s.begin(), s.end(), isAlnum); }
bool allVchar(std::string_view s) { return std::all_of(s.begin(), s.end(), isVchar); }
bool anyControl(std::string_view s) { return std::any_of(s.begin(), s.end(), isControl); }

// The plain parameters this library models, in the order buildPlainTarget writes them.
enum class Param : uint8_t {
  Cmd,
  User,
  DeviceId,
  DeviceType,
  AttachmentName,
  CollectionId,
  ItemId,
  LongId,
  Occurrence,
  SaveInSent,
};
constexpr std::array<std::string_view, 10> ParamNames = {
    "Cmd",          "User",   "DeviceId", "DeviceType", "AttachmentName",
    "CollectionId", "ItemId", "LongId",   "Occurrence", "SaveInSent"};

std::optional<Param> paramFromName(std::string_view name) {
  for (std::size_t i = 0; i < ParamNames.size(); ++i) {
    if (equalsIgnoreCase(ParamNames[i], name)) {
      return static_cast<Param>(i);
    }
  }
  return std::nullopt;
}

// The string-valued command parameters with their base64 tags (MS-ASHTTP 2.2.1.1.1.1.3).
struct StringParam {
  uint8_t tag;
  Param param;
  std::optional<std::string> EasRequest::*field;
};
constexpr std::array<StringParam, 5> StringParams = {{
    {0, Param::AttachmentName, &EasRequest::attachmentName},
    {1, Param::CollectionId, &EasRequest::collectionId},
    {3, Param::ItemId, &EasRequest::itemId},
    {4, Param::LongId, &EasRequest::longId},
    {6, Param::Occurrence, &EasRequest::occurrence},
}};
constexpr uint8_t TagOptions = 7;
constexpr uint8_t TagUser = 8;
constexpr uint8_t OptionSaveInSent = 0x01;  // MS-ASHTTP 2.2.1.1.1.1.3 Options flags
constexpr uint8_t OptionAcceptMultiPart = 0x02;

std::optional<ProtocolVersion> versionFromByte(uint8_t b) {
  switch (b) {
    case 25:
      return ProtocolVersion::V2_5;
    case 120:
      return ProtocolVersion::V12_0;
    case 121:
      return ProtocolVersion::V12_1;
    case 140:
      return ProtocolVersion::V14_0;
    case 141:
      return ProtocolVersion::V14_1;
    case 160:
      return ProtocolVersion::V16_0;
    case 161:
      return ProtocolVersion::V16_1;
    default:
      return std::nullopt;
  }
}

Result<EasRequest> parsePlainQuery(std::string_view query, std::size_t base) {
  EasRequest r;
  r.form = QueryForm::Plain;
  std::array<bool, ParamNames.size()> seen{};
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t amp = query.find('&', start);
    std::size_t end = amp == std::string_view::npos ? query.size() : amp;
    std::string_view seg = query.substr(start, end - start);
    std::size_t segAt = base + start;
    if (seg.empty()) {
      return badRequest(segAt, "empty query parameter");
    }
    for (std::size_t i = 0; i < seg.size(); ++i) {
      if (!isVchar(seg[i])) {
        return badRequest(segAt + i, "character not allowed in a query (space, control or 8-bit)");
      }
    }
    std::size_t eq = seg.find('=');
    if (eq == std::string_view::npos) {
      return badRequest(segAt, "query parameter without '='");
    }
    std::string_view name = seg.substr(0, eq);
    // MS-ASHTTP 2.2.1.1.1.2: parameter-name = 1*ALPHA.
    if (name.empty() || !std::all_of(name.begin(), name.end(), isAlpha)) {
      return badRequest(segAt, "parameter name must be letters");
    }
    std::size_t valueAt = segAt + eq + 1;
    auto decoded = percentDecode(seg.substr(eq + 1), valueAt, true);
    if (!decoded) {
      return std::move(decoded).takeError();
    }
    std::string value = std::move(*decoded);
    if (value.empty()) {
      return badRequest(valueAt, "empty value for parameter " + std::string(name));
    }
    std::optional<Param> p = paramFromName(name);
    if (!p) {
      for (const auto& [n, v] : r.extraParams) {
        if (equalsIgnoreCase(n, name)) {
          return badRequest(segAt, "parameter " + std::string(name) + " repeated");
        }
      }
      r.extraParams.emplace_back(std::string(name), std::move(value));
    } else {
      auto index = static_cast<std::size_t>(*p);
      if (seen[index]) {
        return badRequest(segAt, "parameter " + std::string(ParamNames[index]) + " repeated");
      }
      seen[index] = true;
      switch (*p) {
        case Param::Cmd: {
          std::optional<Command> c = parseCommandName(value);
          if (!c) {
            return badRequest(valueAt, "unknown command \"" + value + "\"");
          }
          r.cmd = *c;
          break;
        }
        case Param::User:
          r.user = std::move(value);
          break;
        case Param::DeviceId:
          // MS-ASHTTP 2.2.1.1.1.2: device-id = 1*32(ALPHA / DIGIT); see MaxDeviceIdLength.
          if (!allAlnum(value) || value.size() > MaxDeviceIdLength) {
            return badRequest(valueAt, "DeviceId must be 1 to " +
                                           std::to_string(MaxDeviceIdLength) +
                                           " letters or digits");
          }
          r.deviceId = std::move(value);
          break;
        case Param::DeviceType:
          // device-type = 1*VCHAR.
          if (!allVchar(value)) {
            return badRequest(valueAt, "DeviceType must be visible ASCII");
          }
          r.deviceType = std::move(value);
          break;
        case Param::SaveInSent:
          // MS-ASHTTP 2.2.1.1.1.2.5: "T" or "F", F by default.
          if (value != "T" && value != "F") {
            return badRequest(valueAt, "SaveInSent must be T or F");
          }
          r.saveInSent = value == "T";
          break;
        default:
          for (const StringParam& sp : StringParams) {
            if (sp.param == *p) {
              r.*sp.field = std::move(value);
            }
          }
          break;
      }
    }
    if (amp == std::string_view::npos) {
      break;
    }
    start = amp + 1;
  }
  for (Param required : {Param::Cmd, Param::User, Param::DeviceId, Param::DeviceType}) {
    if (!seen[static_cast<std::size_t>(required)]) {
      return badRequest(base + query.size(),
                        "missing required parameter " +
                            std::string(ParamNames[static_cast<std::size_t>(required)]));
    }
  }
  return r;
}

// Reads the binary blob of MS-ASHTTP 2.2.1.1.1.1 with offsets mapped back into the target.
class BlobReader {
 public:
  BlobReader(std::string_view blob, std::size_t base) : blob_(blob), base_(base) {}

  bool atEnd() const { return pos_ == blob_.size(); }
  std::size_t pos() const { return pos_; }

  Error error(std::size_t blobOffset, std::string detail) const {
    // Byte k of the blob is encoded in the 4-character group starting at (k / 3) * 4.
    return badRequest(base_ + (blobOffset / 3) * 4,
                      "base64 query byte " + std::to_string(blobOffset) + ": " + detail);
  }

  Result<uint8_t> byte(std::string_view what) {
    if (pos_ >= blob_.size()) {
      return error(pos_, "truncated before " + std::string(what));
    }
    return static_cast<uint8_t>(blob_[pos_++]);
  }

  Result<std::string_view> bytes(std::size_t n, std::string_view what) {
    if (blob_.size() - pos_ < n) {
      return error(pos_, "truncated inside " + std::string(what) + " (" + std::to_string(n) +
                             " bytes announced, " + std::to_string(blob_.size() - pos_) + " left)");
    }
    std::string_view out = blob_.substr(pos_, n);
    pos_ += n;
    return out;
  }

 private:
  std::string_view blob_;
  std::size_t base_;
  std::size_t pos_ = 0;
};

// Unwraps a Result into `var` or returns its error (local to the blob parser below).
#define CRADLE_TRY_ASSIGN(var, expr)           \
  auto var##Result = (expr);                   \
  if (!var##Result) {                          \
    return std::move(var##Result).takeError(); \
  }                                            \
  auto var = *var##Result

Result<EasRequest> parseBlob(std::string_view blob, std::size_t base) {
  EasRequest r;
  r.form = QueryForm::Base64;
  BlobReader in(blob, base);

  // Protocol version: decimal major*10+minor (MS-ASHTTP 2.2.1.1.1.1).
  CRADLE_TRY_ASSIGN(versionByte, in.byte("protocol version"));
  std::optional<ProtocolVersion> v = versionFromByte(versionByte);
  if (!v) {
    return in.error(0, "unknown protocol version " + std::to_string(versionByte));
  }
  if (!atLeast(*v, ProtocolVersion::V12_1)) {
    // "If the client uses protocol version 2.5 or 12.0, the plain text query value MUST be used."
    return in.error(
        0, "the base64 query is not allowed for protocol version " + std::string(toString(*v)));
  }
  r.version = v;

  CRADLE_TRY_ASSIGN(code, in.byte("command code"));
  std::optional<Command> cmd = commandFromCode(code);
  if (!cmd) {
    return in.error(1, "unknown command code " + std::to_string(code));
  }
  r.cmd = *cmd;

  CRADLE_TRY_ASSIGN(locale, in.bytes(2, "locale"));
  // Locale is a little-endian uint16 (0x0409 en-US is sent as 09 04).
  r.locale = static_cast<uint16_t>(static_cast<uint8_t>(locale[0]) |
                                   (static_cast<uint8_t>(locale[1]) << 8));

  std::size_t at = in.pos();
  CRADLE_TRY_ASSIGN(idLength, in.byte("device id length"));
  if (idLength == 0) {
    return in.error(at, "device id length is 0 (MUST be > 0)");
  }
  CRADLE_TRY_ASSIGN(id, in.bytes(idLength, "device id"));
  r.rawDeviceId = std::string(id);
  r.deviceId = canonicalDeviceId(id);

  at = in.pos();
  CRADLE_TRY_ASSIGN(keyLength, in.byte("policy key length"));
  if (keyLength != 0 && keyLength != 4) {
    return in.error(at, "policy key length " + std::to_string(keyLength) + " (must be 0 or 4)");
  }
  if (keyLength == 4) {
    CRADLE_TRY_ASSIGN(key, in.bytes(4, "policy key"));
    // Little-endian uint32, as Z-Push and Horde unpack it ('V').
    uint32_t k = 0;
    for (std::size_t i = 4; i-- > 0;) {
      k = (k << 8) | static_cast<uint8_t>(key[i]);
    }
    r.policyKey = k;
  }

  at = in.pos();
  CRADLE_TRY_ASSIGN(typeLength, in.byte("device type length"));
  if (typeLength == 0) {
    return in.error(at, "device type length is 0");
  }
  std::size_t typeAt = in.pos();
  CRADLE_TRY_ASSIGN(type, in.bytes(typeLength, "device type"));
  if (!allVchar(type)) {
    return in.error(typeAt, "device type is not visible ASCII");
  }
  r.deviceType = std::string(type);

  std::array<bool, 9> seen{};
  while (!in.atEnd()) {
    std::size_t tagAt = in.pos();
    CRADLE_TRY_ASSIGN(tag, in.byte("parameter tag"));
    CRADLE_TRY_ASSIGN(length, in.byte("parameter length"));
    std::size_t valueAt = in.pos();
    CRADLE_TRY_ASSIGN(value, in.bytes(length, "parameter value"));
    if (tag >= seen.size() || tag == 2 || tag == 5) {
      // Tags 2 (CollectionName) and 5 (ParentId) appear in Z-Push's constants but not in the
      // spec's table, and no handler reads them; they are refused like any unknown tag.
      return in.error(tagAt, "unknown parameter tag " + std::to_string(tag));
    }
    if (seen[tag]) {
      return in.error(tagAt, "parameter tag " + std::to_string(tag) + " repeated");
    }
    seen[tag] = true;
    if (tag == TagOptions) {
      // Horde accepts an Options parameter of length 0; it carries no flag.
      if (length > 1) {
        return in.error(tagAt, "Options parameter longer than 1 byte");
      }
      if (length == 1) {
        auto flags = static_cast<uint8_t>(value[0]);
        if ((flags & ~(OptionSaveInSent | OptionAcceptMultiPart)) != 0) {
          return in.error(valueAt, "unknown Options flag bits");
        }
        r.saveInSent = (flags & OptionSaveInSent) != 0;
        r.acceptMultiPart = (flags & OptionAcceptMultiPart) != 0;
      }
      continue;
    }
    if (length == 0) {
      return in.error(tagAt, "empty value for parameter tag " + std::to_string(tag));
    }
    if (anyControl(value)) {
      return in.error(valueAt, "control character in parameter tag " + std::to_string(tag));
    }
    if (tag == TagUser) {
      r.user = std::string(value);
      continue;
    }
    for (const StringParam& sp : StringParams) {
      if (sp.tag == tag) {
        r.*sp.field = std::string(value);
      }
    }
  }
  return r;
}

#undef CRADLE_TRY_ASSIGN

Result<EasRequest> parseBase64Query(std::string_view query, std::size_t base) {
  // Clients normally send the blob raw (the spec example does, and Z-Push base64-decodes the raw
  // QUERY_STRING); a percent-encoded blob ("%2B", "%3D") is accepted as well. '+' stays '+'.
  auto text = percentDecode(query, base, false);
  if (!text) {
    return std::move(text).takeError();
  }
  std::string& b64 = *text;
  for (std::size_t i = 0; i < b64.size(); ++i) {
    char c = b64[i];
    if (!isAlnum(c) && c != '+' && c != '/' && c != '=') {
      return badRequest(base + std::min(i, query.size()), "character not allowed in base64");
    }
  }
  // RFC 2045 pads to a multiple of 4; a blob without its '=' padding is completed rather than
  // refused (the length still has to be a possible base64 length).
  if (b64.size() % 4 == 1) {
    return badRequest(base + query.size(), "base64 query has an impossible length");
  }
  while (b64.size() % 4 != 0) {
    b64 += '=';
  }
  std::optional<std::string> blob = base64Decode(b64);
  if (!blob) {
    return badRequest(base, "base64 query is not valid base64 (misplaced padding or stray bits)");
  }
  return parseBlob(*blob, base);
}

// A query is plain text when it holds '&' or an '=' that is not part of trailing base64 padding.
bool isPlainQuery(std::string_view query) {
  std::size_t end = query.size();
  while (end > 0 && query[end - 1] == '=') {
    --end;
  }
  std::string_view body = query.substr(0, end);
  return body.find('&') != std::string_view::npos || body.find('=') != std::string_view::npos;
}

Status checkValue(std::string_view value, std::string_view name, std::size_t maxLength) {
  if (value.empty()) {
    return badValue(std::string(name) + " is empty");
  }
  if (anyControl(value)) {
    return badValue(std::string(name) + " contains a control character");
  }
  if (value.size() > maxLength) {
    return badValue(std::string(name) + " is longer than " + std::to_string(maxLength) + " bytes");
  }
  return {};
}

Status applyVersionHeader(EasRequest& r, const HeaderList& headers) {
  auto h = findUniqueHeader(headers, header::AsProtocolVersion);
  if (!h) {
    return std::move(h).takeError();
  }
  if (!*h) {
    if (r.form == QueryForm::Plain) {
      return badRequest(0, "MS-ASProtocolVersion: required with a plain query");
    }
    return {};
  }
  auto v = parseProtocolVersionHeader(**h);
  if (!v) {
    return std::move(v).takeError();
  }
  if (r.version && *r.version != *v) {
    return badRequest(0, "MS-ASProtocolVersion: " + std::string(toString(*v)) +
                             " contradicts the base64 query's " +
                             std::string(toString(*r.version)));
  }
  r.version = *v;
  return {};
}

Status applyPolicyKeyHeader(EasRequest& r, const HeaderList& headers) {
  auto h = findUniqueHeader(headers, header::PolicyKey);
  if (!h) {
    return std::move(h).takeError();
  }
  if (!*h) {
    return {};
  }
  auto key = parsePolicyKey(**h);
  if (!key) {
    return std::move(key).takeError();
  }
  if (r.policyKey && *r.policyKey != *key) {
    return badRequest(0, "X-MS-PolicyKey: contradicts the base64 query's policy key");
  }
  r.policyKey = *key;
  return {};
}

Status applyAcceptMultiPartHeader(EasRequest& r, const HeaderList& headers) {
  auto h = findUniqueHeader(headers, header::AcceptMultiPart);
  if (!h) {
    return std::move(h).takeError();
  }
  if (!*h) {
    return {};
  }
  auto flag = parseAcceptMultiPart(**h);
  if (!flag) {
    return std::move(flag).takeError();
  }
  r.acceptMultiPart = r.acceptMultiPart || *flag;
  return {};
}

}  // namespace

std::string canonicalDeviceId(std::string_view bytes) {
  if (allAlnum(bytes)) {
    return std::string(bytes);
  }
  static constexpr char Hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto u = static_cast<unsigned char>(c);
    out += Hex[u >> 4];
    out += Hex[u & 0x0F];
  }
  return out;
}

Result<EasRequest> parseRequestTarget(std::string_view target) {
  std::size_t pathAt = 0;
  // MS-ASHTTP 2.2.1.1.1: the URI may be absolute (scheme, host, path, query).
  for (std::string_view scheme : {"http://", "https://"}) {
    if (startsWithIgnoreCase(target, scheme)) {
      std::size_t slash = target.find('/', scheme.size());
      if (slash == std::string_view::npos) {
        return badRequest(target.size(), "absolute URI without a path");
      }
      pathAt = slash;
    }
  }
  std::size_t question = target.find('?', pathAt);
  std::string_view path = target.substr(
      pathAt, question == std::string_view::npos ? std::string_view::npos : question - pathAt);
  if (!equalsIgnoreCase(path, ActiveSyncPath)) {
    return badRequest(pathAt, "path is not " + std::string(ActiveSyncPath));
  }
  if (question == std::string_view::npos || question + 1 == target.size()) {
    return badRequest(target.size(), "request line has no query");
  }
  std::string_view query = target.substr(question + 1);
  std::size_t base = question + 1;
  if (isPlainQuery(query)) {
    return parsePlainQuery(query, base);
  }
  return parseBase64Query(query, base);
}

Result<EasRequest> parseRequest(std::string_view target, const HeaderList& headers) {
  auto r = parseRequestTarget(target);
  if (!r) {
    return r;
  }
  for (auto apply : {applyVersionHeader, applyPolicyKeyHeader, applyAcceptMultiPartHeader}) {
    if (Status s = apply(*r, headers); !s) {
      return std::move(s).takeError();
    }
  }
  return r;
}

Status validateRequest(const EasRequest& r, QueryForm form) {
  if (commandInfo(r.cmd).command != r.cmd) {
    return badValue("cmd is not a known command");
  }
  bool base64 = form == QueryForm::Base64;
  std::size_t maxLength = base64 ? MaxBase64Field : SIZE_MAX;
  if (!base64 || !r.user.empty()) {
    if (Status s = checkValue(r.user, "User", maxLength); !s) {
      return s;
    }
  }
  if (base64 && !r.rawDeviceId.empty()) {
    if (r.rawDeviceId.size() > MaxBase64Field) {
      return badValue("rawDeviceId is longer than 255 bytes");
    }
    if (canonicalDeviceId(r.rawDeviceId) != r.deviceId) {
      return badValue("deviceId is not the canonical form of rawDeviceId");
    }
  } else {
    std::size_t maxId = base64 ? MaxBase64Field : MaxDeviceIdLength;
    if (r.deviceId.empty() || !allAlnum(r.deviceId) || r.deviceId.size() > maxId) {
      return badValue("DeviceId must be 1 to " + std::to_string(maxId) + " letters or digits");
    }
  }
  if (r.deviceType.empty() || !allVchar(r.deviceType) ||
      (base64 && r.deviceType.size() > MaxBase64Field)) {
    return badValue("DeviceType must be 1 to 255 visible ASCII characters");
  }
  for (const StringParam& sp : StringParams) {
    const std::optional<std::string>& v = r.*sp.field;
    if (v) {
      if (Status s = checkValue(*v, ParamNames[static_cast<std::size_t>(sp.param)], maxLength);
          !s) {
        return s;
      }
    }
  }
  if (base64) {
    if (!r.version || !atLeast(*r.version, ProtocolVersion::V12_1)) {
      // MS-ASHTTP 2.2.1.1.1.1: base64 only for 12.1, 14.0, 14.1, 16.0, 16.1.
      return badValue("the base64 query needs protocol version 12.1 or later");
    }
    if (!commandCode(r.cmd)) {
      return badValue(std::string(toString(r.cmd)) + " has no base64 command code");
    }
    if (!r.extraParams.empty()) {
      return badValue("parameter " + r.extraParams.front().first +
                      " cannot be carried by the base64 query");
    }
    return {};
  }
  for (std::size_t i = 0; i < r.extraParams.size(); ++i) {
    const auto& [name, value] = r.extraParams[i];
    if (name.empty() || !std::all_of(name.begin(), name.end(), isAlpha) || paramFromName(name)) {
      return badValue("extra parameter name \"" + name + "\" is not a free name of letters");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (equalsIgnoreCase(r.extraParams[j].first, name)) {
        return badValue("extra parameter " + name + " repeated");
      }
    }
    if (Status s = checkValue(value, name, maxLength); !s) {
      return s;
    }
  }
  return {};
}

Result<std::string> buildPlainTarget(const EasRequest& r) {
  if (Status s = validateRequest(r, QueryForm::Plain); !s) {
    return std::move(s).takeError();
  }
  std::string out(ActiveSyncPath);
  auto append = [&out](std::string_view name, std::string_view value) {
    out += out.size() == ActiveSyncPath.size() ? '?' : '&';
    out += name;
    out += '=';
    percentEncodeTo(out, value);
  };
  append("Cmd", toString(r.cmd));
  append("User", r.user);
  append("DeviceId", r.deviceId);
  append("DeviceType", r.deviceType);
  for (const StringParam& sp : StringParams) {
    if (const std::optional<std::string>& v = r.*sp.field; v) {
      append(ParamNames[static_cast<std::size_t>(sp.param)], *v);
    }
  }
  if (r.saveInSent) {
    append("SaveInSent", "T");
  }
  for (const auto& [name, value] : r.extraParams) {
    append(name, value);
  }
  return out;
}

Result<std::string> buildBase64Target(const EasRequest& r) {
  if (Status s = validateRequest(r, QueryForm::Base64); !s) {
    return std::move(s).takeError();
  }
  std::string blob;
  auto putField = [&blob](std::string_view bytes) {
    blob += static_cast<char>(bytes.size());  // validated <= 255
    blob += bytes;
  };
  blob += static_cast<char>(static_cast<uint16_t>(*r.version));  // 121, 140, ... fit a byte
  blob += static_cast<char>(*commandCode(r.cmd));
  blob += static_cast<char>(r.locale & 0xFF);
  blob += static_cast<char>(r.locale >> 8);
  putField(r.rawDeviceId.empty() ? r.deviceId : r.rawDeviceId);
  if (r.policyKey) {
    blob += static_cast<char>(4);
    for (int shift = 0; shift < 32; shift += 8) {
      blob += static_cast<char>((*r.policyKey >> shift) & 0xFF);
    }
  } else {
    blob += static_cast<char>(0);
  }
  putField(r.deviceType);
  for (const StringParam& sp : StringParams) {
    if (const std::optional<std::string>& v = r.*sp.field; v) {
      blob += static_cast<char>(sp.tag);
      putField(*v);
    }
  }
  uint8_t options = static_cast<uint8_t>((r.saveInSent ? OptionSaveInSent : 0) |
                                         (r.acceptMultiPart ? OptionAcceptMultiPart : 0));
  if (options != 0) {
    blob += static_cast<char>(TagOptions);
    blob += static_cast<char>(1);
    blob += static_cast<char>(options);
  }
  if (!r.user.empty()) {
    blob += static_cast<char>(TagUser);
    putField(r.user);
  }
  std::string out(ActiveSyncPath);
  out += '?';
  out += base64Encode(blob);
  return out;
}

Result<std::string> buildTarget(const EasRequest& r) {
  return r.form == QueryForm::Base64 ? buildBase64Target(r) : buildPlainTarget(r);
}

Result<HeaderList> buildRequestHeaders(const EasRequest& r) {
  HeaderList h;
  if (r.form == QueryForm::Base64) {
    return h;  // MS-ASHTTP 2.2.1.1.2.6: SHOULD NOT send MS-ASProtocolVersion with base64
  }
  if (!r.version) {
    return badValue("a plain-query request needs a protocol version for MS-ASProtocolVersion");
  }
  h.emplace_back(header::AsProtocolVersion, toString(*r.version));
  if (r.policyKey) {
    h.emplace_back(header::PolicyKey, formatPolicyKey(*r.policyKey));
  }
  if (r.acceptMultiPart) {
    h.emplace_back(header::AcceptMultiPart, "T");
  }
  return h;
}

Status checkRequestVersion(const EasRequest& r, std::span<const ProtocolVersion> serverVersions) {
  if (!r.version) {
    return badRequest(0, "request carries no protocol version");
  }
  if (std::find(serverVersions.begin(), serverVersions.end(), *r.version) == serverVersions.end()) {
    return badRequest(0, "protocol version " + std::string(toString(*r.version)) +
                             " is not offered (server speaks \"" +
                             formatProtocolVersionList(serverVersions) + "\")");
  }
  if (!commandSupported(r.cmd, *r.version)) {
    return badRequest(0, std::string(toString(r.cmd)) + " does not exist in protocol version " +
                             std::string(toString(*r.version)));
  }
  if (r.form == QueryForm::Base64 && !atLeast(*r.version, ProtocolVersion::V12_1)) {
    return badRequest(0, "base64 query with protocol version " + std::string(toString(*r.version)));
  }
  return {};
}

}  // namespace cradle::eas

// The EAS request line model: parse and build the plain and the base64-encoded query (MS-ASHTTP).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eas/http/commands.h"
#include "eas/http/headers.h"
#include "eas/result.h"
#include "eas/version.h"

namespace cradle::eas {

// MS-ASHTTP 2.2.1.1.1: the virtual directory every client posts to.
inline constexpr std::string_view ActiveSyncPath = "/Microsoft-Server-ActiveSync";

// Which query form a request line used (MS-ASHTTP 2.2.1.1.1.1 base64, 2.2.1.1.1.2 plain text).
enum class QueryForm : uint8_t { Plain, Base64 };

// Longest device id accepted in a plain query. The ABNF says 1*32(ALPHA / DIGIT); we accept up
// to 64 letters/digits because the canonical form of a binary id of 17..32 bytes (base64 query)
// is its hex text, and the bridge must be able to forward it in a plain query.
inline constexpr std::size_t MaxDeviceIdLength = 64;

// The canonical text of a device id (the one form the bridge stores, logs and forwards):
//   - bytes that are all ASCII letters/digits (what a plain query can carry) stay as they are;
//   - anything else (a binary id from the base64 query, e.g. a 16-byte GUID) becomes its
//     uppercase hex text.
// So a WM 6.1 device that sends the GUID 6F24CA...8D as 16 raw bytes in the base64 query and as
// the text "6F24CA...8D" in a plain query has one id. Letter case is kept as sent (no folding):
// a device that sends its hex id in lower case in plain queries and raw in base64 queries would
// get two ids, but the spec requires every request to carry the same id string (2.2.1.1.1.2.3).
// Empty input gives an empty string.
std::string canonicalDeviceId(std::string_view bytes);

// One EAS request line, in either query form, plus the header values that belong to it.
// Produced by parseRequestTarget()/parseRequest() from untrusted input, or filled in by a client
// (device-sim) or the bridge before building a target for the other side.
struct EasRequest {
  Command cmd = Command::Sync;
  std::string user;         // plain: User= (required); base64: parameter tag 8 (optional)
  std::string deviceId;     // canonicalDeviceId() form
  std::string rawDeviceId;  // base64 form only: the device id bytes as sent; empty otherwise
  std::string deviceType;   // as sent: "PocketPC", "SmartPhone", or "PPC"/"SP" in base64 queries
  std::optional<uint32_t> policyKey;       // base64 field, or X-MS-PolicyKey (parseRequest)
  std::optional<ProtocolVersion> version;  // base64 field, or MS-ASProtocolVersion (parseRequest)
  uint16_t locale = 0x0409;                // base64 field only (LCID); en-US by default
  // Command parameters (MS-ASHTTP 2.2.1.1.1.2.5 plain names, 2.2.1.1.1.1.3 base64 tags).
  std::optional<std::string> attachmentName;  // tag 0, GetAttachment
  std::optional<std::string> collectionId;    // tag 1, SmartForward/SmartReply
  std::optional<std::string> itemId;          // tag 3
  std::optional<std::string> longId;          // tag 4
  std::optional<std::string> occurrence;      // tag 6
  bool saveInSent = false;       // plain SaveInSent=T (F is the default); base64 Options 0x01
  bool acceptMultiPart = false;  // MS-ASAcceptMultiPart: T; base64 Options 0x02
  // Plain query only: parameters this library does not know (name made of letters), kept in
  // order so that a proxy forwards them unchanged. The base64 form cannot carry them.
  std::vector<std::pair<std::string, std::string>> extraParams;
  QueryForm form = QueryForm::Plain;

  bool operator==(const EasRequest&) const = default;
};

// Parses "/Microsoft-Server-ActiveSync?<query>" (the path compares case-insensitively; an absolute
// "http(s)://host/..." URI is accepted too) in either form: a query holding '&' or '=' outside
// trailing base64 padding is plain text, anything else is base64.
// Plain: parameters in any order; names case-insensitive; strict percent-decoding ("%" + two hex
// digits, "+" is a space as in Exchange's and PHP's form decoding); Cmd, User, DeviceId and
// DeviceType required; duplicates, empty values and control characters refused. version and
// policyKey stay unset (they travel in headers: see parseRequest).
// Base64: the version byte must be 121/140/141/160/161; lengths are checked against the blob;
// the device id is stored raw and canonical; unknown parameter tags, duplicate tags, unknown
// Options bits are refused. A blob may be percent-encoded and may lack its '=' padding.
// Every error is BadRequest; the offset is into `target` (for a base64 blob: the start of the
// 4-character group holding the offending byte; the detail names the blob byte).
Result<EasRequest> parseRequestTarget(std::string_view target);

// parseRequestTarget() completed with the request headers:
//   plain: MS-ASProtocolVersion (required), X-MS-PolicyKey, MS-ASAcceptMultiPart;
//   base64: MS-ASProtocolVersion / X-MS-PolicyKey, if sent anyway, must agree with the blob
//   (a key only in the header is taken); MS-ASAcceptMultiPart: T sets acceptMultiPart.
// Header errors are BadRequest with the offset inside the header value.
Result<EasRequest> parseRequest(std::string_view target, const HeaderList& headers);

// Checks that a request can be written in `form`: user (plain), deviceId (letters/digits,
// 1..MaxDeviceIdLength), deviceType (visible ASCII) present; no control characters in values;
// base64: version set and >= 12.1, a command with a base64 code, every value <= 255 bytes, no
// extraParams, rawDeviceId (when set) matching deviceId. Errors are BadValue.
Status validateRequest(const EasRequest& r, QueryForm form);

// "/Microsoft-Server-ActiveSync?Cmd=...&User=...&DeviceId=...&DeviceType=...[&params]":
// Cmd first as in the ABNF, values percent-encoded (everything but ALPHA DIGIT - . _ ~).
Result<std::string> buildPlainTarget(const EasRequest& r);
// "/Microsoft-Server-ActiveSync?<base64>": parameters in tag order, Options only when a flag is
// set, User (tag 8) only when non-empty, device id bytes = rawDeviceId if set, else deviceId.
Result<std::string> buildBase64Target(const EasRequest& r);
// Dispatches on r.form.
Result<std::string> buildTarget(const EasRequest& r);

// The EAS headers that go with a built target: plain form: MS-ASProtocolVersion (version must be
// set), X-MS-PolicyKey when policyKey is set, MS-ASAcceptMultiPart: T when set; base64 form: none
// (all of it is in the blob). Content-Type and User-Agent are the caller's (requestMediaType()).
Result<HeaderList> buildRequestHeaders(const EasRequest& r);

// Server side: is this request's version one the server speaks, and does its command exist in
// that version? BadRequest when not (the version is missing, not offered, or too old for cmd).
Status checkRequestVersion(const EasRequest& r, std::span<const ProtocolVersion> serverVersions);

}  // namespace cradle::eas

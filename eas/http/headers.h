// MS-ASHTTP header values: request headers, OPTIONS response headers, version negotiation.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eas/http/commands.h"
#include "eas/result.h"
#include "eas/version.h"

namespace cradle::eas {

// Headers as name/value pairs in wire order; names compare case-insensitively (RFC 7230 3.2).
using HeaderList = std::vector<std::pair<std::string, std::string>>;

namespace header {
inline constexpr std::string_view AsProtocolVersion = "MS-ASProtocolVersion";  // 2.2.1.1.2.6
inline constexpr std::string_view PolicyKey = "X-MS-PolicyKey";                // 2.2.1.1.2.8
inline constexpr std::string_view ContentType = "Content-Type";
inline constexpr std::string_view UserAgent = "User-Agent";
inline constexpr std::string_view AcceptMultiPart = "MS-ASAcceptMultiPart";      // 2.2.1.1.2.5
inline constexpr std::string_view AsProtocolVersions = "MS-ASProtocolVersions";  // 2.2.4.1.2.2
inline constexpr std::string_view AsProtocolCommands = "MS-ASProtocolCommands";  // 2.2.4.1.2.1
inline constexpr std::string_view ServerActiveSync = "MS-Server-ActiveSync";     // 2.2.2.1.2
inline constexpr std::string_view Location = "X-MS-Location";                    // 2.2.2.1.2
inline constexpr std::string_view RetryAfter = "Retry-After";                    // RFC 7231 7.1.3
inline constexpr std::string_view RefreshProtocol = "X-MS-RP";  // server asks for a new OPTIONS
inline constexpr std::string_view Allow = "Allow";
inline constexpr std::string_view Public = "Public";
}  // namespace header

bool headerNameEquals(std::string_view a, std::string_view b);
// First value of the header, or nullopt.
std::optional<std::string_view> findHeader(const HeaderList& headers, std::string_view name);
// The value when the header appears at most once; BadRequest (offset 0) when it repeats, since
// two different values of an EAS header are an ambiguity a proxy must not resolve by guessing.
Result<std::optional<std::string_view>> findUniqueHeader(const HeaderList& headers,
                                                         std::string_view name);

// Every parser below takes one header value, trims optional white space (SP, HTAB) around it and
// returns BadRequest with the offset inside the value on any malformation.

// MS-ASProtocolVersion: exactly one known version ("2.5" ... "16.1").
Result<ProtocolVersion> parseProtocolVersionHeader(std::string_view value);

// X-MS-PolicyKey: decimal uint32 (no sign, at most 10 digits, <= 4294967295). "0" parses as 0,
// which servers read as "not provisioned"; the caller decides.
Result<uint32_t> parsePolicyKey(std::string_view value);
std::string formatPolicyKey(uint32_t key);

// MS-ASAcceptMultiPart: "T" or "F".
Result<bool> parseAcceptMultiPart(std::string_view value);

// The bodies EAS carries. Content-Type parameters (";charset=...") are accepted and ignored.
enum class MediaType : uint8_t {
  Wbxml,      // application/vnd.ms-sync.wbxml
  Multipart,  // application/vnd.ms-sync.multipart (ItemOperations with MS-ASAcceptMultiPart)
  Rfc822,     // message/rfc822 (SendMail/SmartReply/SmartForward up to 12.1)
  Xml,        // text/xml (Autodiscover)
};
std::string_view toString(MediaType t);  // the media type as written in Content-Type
Result<MediaType> parseContentType(std::string_view value);
// The request body type of a command, or nullopt when the request has no body (GetAttachment).
// MS-ASCMD 2.2.1.16: SendMail/SmartForward/SmartReply take raw MIME before 14.0, WBXML from 14.0.
std::optional<MediaType> requestMediaType(Command cmd, ProtocolVersion v);

// User-Agent: the first product token, e.g. "MSFT-PPC/5.2.5082" -> {"MSFT-PPC", "5.2.5082"}.
// Anything after the first space (more products, comments) is accepted and ignored.
struct UserAgent {
  std::string product;
  std::string version;  // empty when the token has no "/version"
  bool operator==(const UserAgent&) const = default;
};
Result<UserAgent> parseUserAgent(std::string_view value);

// MS-ASProtocolVersions / X-MS-RP: comma-separated list. Well-formed versions this library does not
// speak ("1.0", "2.0", "2.1" from older Exchange) are skipped; duplicates are dropped; the known
// ones are returned in header order. A malformed or empty element is an error.
Result<std::vector<ProtocolVersion>> parseProtocolVersionList(std::string_view value);
std::string formatProtocolVersionList(std::span<const ProtocolVersion> versions);  // "2.5,12.0"

// MS-ASProtocolCommands: comma-separated command names. Unknown names made of letters (a newer
// server's command) are skipped; anything else malformed is an error.
Result<std::vector<Command>> parseCommandList(std::string_view value);
std::string formatCommandList(std::span<const Command> commands);

// MS-Server-ActiveSync: dotted build number, 1..4 numeric parts ("6.5.7638.1", "14.00.0536.000").
Result<std::vector<uint32_t>> parseServerVersion(std::string_view value);
inline constexpr std::string_view Exchange2003Sp2Build = "6.5.7638.1";

// Retry-After as EAS uses it: delay in seconds (the HTTP-date form is refused).
Result<uint32_t> parseRetryAfter(std::string_view value);
// X-MS-Location: an absolute http(s) URL without white space or control characters.
Result<std::string> parseLocation(std::string_view value);

// What an OPTIONS response announces (MS-ASHTTP 2.2.4, 3.2.5.2).
struct OptionsInfo {
  std::string serverVersion;  // MS-Server-ActiveSync; empty = header absent
  std::vector<ProtocolVersion> versions;
  std::vector<Command> commands;
  bool operator==(const OptionsInfo&) const = default;
};
// The versions up to `highest` and the commands they have (how Z-Push derives its answer).
OptionsInfo optionsFor(ProtocolVersion highest, std::string serverVersion);
// Allow, Public, MS-Server-ActiveSync (when set), MS-ASProtocolVersions, MS-ASProtocolCommands.
HeaderList buildOptionsHeaders(const OptionsInfo& info);
// MS-ASProtocolVersions and MS-ASProtocolCommands are required (3.2.5.2 "MUST contain both").
Result<OptionsInfo> parseOptionsHeaders(const HeaderList& headers);

// Client side: the highest version both sides support; BadRequest when they share none.
Result<ProtocolVersion> negotiateVersion(std::span<const ProtocolVersion> server,
                                         std::span<const ProtocolVersion> client);
// Same, from the server's MS-ASProtocolVersions header value.
Result<ProtocolVersion> negotiateVersion(std::string_view serverVersionsHeader,
                                         std::span<const ProtocolVersion> client);

}  // namespace cradle::eas

// HTTP outcomes EAS gives meaning to (MS-ASHTTP 2.2.2.1.1, 3.1.5.2), as values mapped to the wire.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "eas/http/headers.h"
#include "eas/result.h"
#include "eas/version.h"

namespace cradle::eas {

// HTTP status codes with an EAS meaning. Any other code may be held too (the enum has a fixed
// underlying type): a proxy's 502 still round-trips, it just has no row in the table.
enum class HttpStatus : uint16_t {
  Ok = 200,
  BadRequest = 400,
  Unauthorized = 401,
  Forbidden = 403,
  NotFound = 404,
  NeedProvisioning = 449,  // "Retry after sending a PROVISION command", protocol <= 12.1
  Redirect = 451,          // with X-MS-Location
  Blocked = 456,
  ExpiredPassword = 457,
  InternalServerError = 500,
  NotImplemented = 501,
  ServiceUnavailable = 503,   // optionally with Retry-After
  InsufficientStorage = 507,  // mailbox full
};

// What a client must do on receiving the status.
enum class HttpAction : uint8_t {
  ReadBody,              // 200: the command's own Status is in the body
  DoNotRetryUnchanged,   // 400: the same request fails the same way
  Reauthenticate,        // 401: ask for credentials again
  StopAndReport,         // 403, 456, 457, 507: the user or the admin must act
  Reconfigure,           // 404: wrong URL or not an EAS server
  ProvisionThenRetry,    // 449: Provision (both phases), then resend with the new policy key
  SwitchServerAndRetry,  // 451: use X-MS-Location from now on, resend there
  BackOffAndRetry,       // 500 (and unknown 5xx): retry later
  StopUsingCommand,      // 501: the server does not implement this command
  RetryAfterDelay,       // 503: wait Retry-After seconds (or back off), then retry
};

struct HttpStatusInfo {
  HttpStatus status;
  std::string_view reason;   // reason phrase for the status line
  std::string_view meaning;  // one line for logs and the UI
  HttpAction action;
};

// The row for a known status, nullopt for a code EAS gives no meaning to.
std::optional<HttpStatusInfo> httpStatusInfo(HttpStatus status);
// The action for any status: the table's, else by class (2xx ReadBody, 4xx DoNotRetryUnchanged,
// 5xx BackOffAndRetry, anything else Reconfigure).
HttpAction clientAction(HttpStatus status);

// One HTTP outcome of an EAS request, as a value. The server side builds it, the wire mapping is
// here and nowhere else; the client side gets it back from a status + headers pair.
struct HttpOutcome {
  HttpStatus status = HttpStatus::Ok;
  std::optional<uint32_t> retryAfter;   // seconds, Retry-After (503)
  std::optional<std::string> location;  // X-MS-Location (451)
  bool operator==(const HttpOutcome&) const = default;
};

// "HTTP/1.1 449 Retry after sending a PROVISION command" (unknown codes get "Unknown").
std::string statusLine(const HttpOutcome& outcome);
// The headers that carry the outcome: Retry-After when retryAfter is set, X-MS-Location when
// location is set. (Content-Type, Content-Length and the body are the caller's.)
HeaderList outcomeHeaders(const HttpOutcome& outcome);
// Back from the wire: picks up Retry-After and X-MS-Location and validates them. BadRequest when
// a value is malformed, a header repeats, or a 451 comes without X-MS-Location. A Retry-After on
// another status is kept (harmless); the status code must be 100..599.
Result<HttpOutcome> parseOutcome(uint16_t status, const HeaderList& headers);
// The status code of "HTTP/1.x NNN reason"; BadRequest with the offset otherwise.
Result<uint16_t> parseStatusLine(std::string_view line);

// The server asks for provisioning with HTTP 449 up to protocol 12.1; from 14.0 it answers 200
// with the global Status 142/143/144 in the body (MS-ASPROV 4.1.1, MS-ASCMD 2.2.2).
bool provisioningByHttpStatus(ProtocolVersion v);

}  // namespace cradle::eas

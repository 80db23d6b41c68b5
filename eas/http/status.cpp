// HTTP outcomes: the status table, the status line and headers, and the way back.
#include "eas/http/status.h"

#include <array>

namespace cradle::eas {
namespace {

using S = HttpStatus;
using A = HttpAction;

// MS-ASHTTP 2.2.2.1.1 (status line table) and 3.1.5.2 (client handling); 449 from MS-ASPROV
// 3.1.5.1 / MS-ASCMD 2.2.2 (its phrase is the one Exchange and Z-Push send); 503 + Retry-After
// and 507 from the dossier section 1.5 (Exchange and Z-Push behaviour).
constexpr std::array<HttpStatusInfo, 13> Table = {{
    {S::Ok, "OK", "the command succeeded; its own Status is in the body", A::ReadBody},
    {S::BadRequest, "Bad Request", "malformed request; repeating it unchanged fails again",
     A::DoNotRetryUnchanged},
    {S::Unauthorized, "Unauthorized", "credentials missing or refused", A::Reauthenticate},
    {S::Forbidden, "Forbidden", "the user is not enabled for ActiveSync", A::StopAndReport},
    {S::NotFound, "Not Found", "wrong URI, or the server is not an ActiveSync server",
     A::Reconfigure},
    {S::NeedProvisioning, "Retry after sending a PROVISION command",
     "policy key missing or out of date: provision, then retry", A::ProvisionThenRetry},
    {S::Redirect, "Redirect", "the mailbox is served by the server in X-MS-Location",
     A::SwitchServerAndRetry},
    {S::Blocked, "Blocked", "the user's account is blocked", A::StopAndReport},
    {S::ExpiredPassword, "Expired Password", "the user's password has expired", A::StopAndReport},
    {S::InternalServerError, "Internal Server Error", "the server failed; retry later",
     A::BackOffAndRetry},
    {S::NotImplemented, "Not Implemented", "the server does not implement this command",
     A::StopUsingCommand},
    {S::ServiceUnavailable, "Service Unavailable",
     "the server is busy or down; retry after Retry-After seconds", A::RetryAfterDelay},
    {S::InsufficientStorage, "Insufficient Storage", "the mailbox is full", A::StopAndReport},
}};

Error badResponse(std::size_t offset, std::string detail) {
  return makeError(ErrorCode::BadRequest, offset, std::move(detail));
}

}  // namespace

std::optional<HttpStatusInfo> httpStatusInfo(HttpStatus status) {
  for (const HttpStatusInfo& row : Table) {
    if (row.status == status) {
      return row;
    }
  }
  return std::nullopt;
}

HttpAction clientAction(HttpStatus status) {
  if (auto info = httpStatusInfo(status)) {
    return info->action;
  }
  auto code = static_cast<uint16_t>(status);
  if (code >= 200 && code < 300) {
    return A::ReadBody;
  }
  if (code >= 400 && code < 500) {
    return A::DoNotRetryUnchanged;
  }
  if (code >= 500 && code < 600) {
    return A::BackOffAndRetry;
  }
  return A::Reconfigure;
}

std::string statusLine(const HttpOutcome& outcome) {
  std::string line = "HTTP/1.1 ";
  line += std::to_string(static_cast<uint16_t>(outcome.status));
  line += ' ';
  auto info = httpStatusInfo(outcome.status);
  line += info ? info->reason : std::string_view("Unknown");
  return line;
}

HeaderList outcomeHeaders(const HttpOutcome& outcome) {
  HeaderList h;
  if (outcome.retryAfter) {
    h.emplace_back(header::RetryAfter, std::to_string(*outcome.retryAfter));
  }
  if (outcome.location) {
    h.emplace_back(header::Location, *outcome.location);
  }
  return h;
}

Result<HttpOutcome> parseOutcome(uint16_t status, const HeaderList& headers) {
  if (status < 100 || status > 599) {
    return badResponse(0, "HTTP status " + std::to_string(status) + " out of range");
  }
  HttpOutcome out;
  out.status = static_cast<HttpStatus>(status);
  auto retry = findUniqueHeader(headers, header::RetryAfter);
  if (!retry) {
    return std::move(retry).takeError();
  }
  if (*retry) {
    auto seconds = parseRetryAfter(**retry);
    if (!seconds) {
      return std::move(seconds).takeError();
    }
    out.retryAfter = *seconds;
  }
  auto location = findUniqueHeader(headers, header::Location);
  if (!location) {
    return std::move(location).takeError();
  }
  if (*location) {
    auto url = parseLocation(**location);
    if (!url) {
      return std::move(url).takeError();
    }
    out.location = std::move(*url);
  }
  // MS-ASHTTP 3.1.5.2.2: a 451 tells the client where to go; without the header it cannot act.
  if (out.status == HttpStatus::Redirect && !out.location) {
    return badResponse(0, "451 Redirect without X-MS-Location");
  }
  return out;
}

Result<uint16_t> parseStatusLine(std::string_view line) {
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || (line[7] != '0' && line[7] != '1') ||
      line[8] != ' ') {
    return badResponse(0, "status line does not start with \"HTTP/1.x \"");
  }
  uint16_t code = 0;
  for (std::size_t i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') {
      return badResponse(i, "status code is not three digits");
    }
    code = static_cast<uint16_t>(code * 10 + (line[i] - '0'));
  }
  if (line.size() > 12 && line[12] != ' ') {
    return badResponse(12, "status code is not three digits");
  }
  if (code < 100) {
    return badResponse(9, "status code below 100");
  }
  return code;
}

bool provisioningByHttpStatus(ProtocolVersion v) { return !atLeast(v, ProtocolVersion::V14_0); }

}  // namespace cradle::eas

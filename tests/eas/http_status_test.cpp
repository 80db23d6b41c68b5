// HTTP outcomes: status table, status line and headers, and the way back from the wire.
#include <catch2/catch.hpp>
#include <string>

#include "eas/http/status.h"

namespace cradle::eas {
namespace {

template <class T>
void requireBadRequest(const Result<T>& r, std::optional<std::size_t> offset = {}) {
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::BadRequest);
  if (offset) {
    CHECK(r.error().offset == *offset);
  }
}

// Sends an outcome through the wire mapping and back.
HttpOutcome roundTrip(const HttpOutcome& o) {
  auto code = parseStatusLine(statusLine(o));
  REQUIRE(code.ok());
  auto back = parseOutcome(*code, outcomeHeaders(o));
  REQUIRE(back.ok());
  return *back;
}

}  // namespace

TEST_CASE("status table: meaning and client action", "[eas][http]") {
  using S = HttpStatus;
  using A = HttpAction;
  const std::pair<S, A> expected[] = {
      {S::Ok, A::ReadBody},
      {S::BadRequest, A::DoNotRetryUnchanged},
      {S::Unauthorized, A::Reauthenticate},
      {S::Forbidden, A::StopAndReport},
      {S::NotFound, A::Reconfigure},
      {S::NeedProvisioning, A::ProvisionThenRetry},
      {S::Redirect, A::SwitchServerAndRetry},
      {S::Blocked, A::StopAndReport},
      {S::ExpiredPassword, A::StopAndReport},
      {S::InternalServerError, A::BackOffAndRetry},
      {S::NotImplemented, A::StopUsingCommand},
      {S::ServiceUnavailable, A::RetryAfterDelay},
      {S::InsufficientStorage, A::StopAndReport},
  };
  for (const auto& [status, action] : expected) {
    INFO(static_cast<int>(status));
    auto info = httpStatusInfo(status);
    REQUIRE(info.has_value());
    CHECK(info->status == status);
    CHECK_FALSE(info->reason.empty());
    CHECK_FALSE(info->meaning.empty());
    CHECK(clientAction(status) == action);
  }
  // Codes EAS gives no meaning to fall back on their class.
  CHECK_FALSE(httpStatusInfo(static_cast<S>(502)).has_value());
  CHECK(clientAction(static_cast<S>(502)) == A::BackOffAndRetry);
  CHECK(clientAction(static_cast<S>(418)) == A::DoNotRetryUnchanged);
  CHECK(clientAction(static_cast<S>(204)) == A::ReadBody);
  CHECK(clientAction(static_cast<S>(302)) == A::Reconfigure);
}

TEST_CASE("outcomes map to the wire and back", "[eas][http]") {
  SECTION("449 provisioning") {
    HttpOutcome o{HttpStatus::NeedProvisioning, {}, {}};
    CHECK(statusLine(o) == "HTTP/1.1 449 Retry after sending a PROVISION command");
    CHECK(outcomeHeaders(o).empty());
    CHECK(roundTrip(o) == o);
  }
  SECTION("451 redirect with X-MS-Location") {
    HttpOutcome o{
        HttpStatus::Redirect, {}, "https://mail2.contoso.com/Microsoft-Server-ActiveSync"};
    CHECK(statusLine(o) == "HTTP/1.1 451 Redirect");
    CHECK(outcomeHeaders(o) ==
          HeaderList{{"X-MS-Location", "https://mail2.contoso.com/Microsoft-Server-ActiveSync"}});
    CHECK(roundTrip(o) == o);
  }
  SECTION("503 with Retry-After") {
    HttpOutcome o{HttpStatus::ServiceUnavailable, 300u, {}};
    CHECK(statusLine(o) == "HTTP/1.1 503 Service Unavailable");
    CHECK(outcomeHeaders(o) == HeaderList{{"Retry-After", "300"}});
    CHECK(roundTrip(o) == o);
    HttpOutcome bare{HttpStatus::ServiceUnavailable, {}, {}};
    CHECK(roundTrip(bare) == bare);
  }
  SECTION("every known status") {
    for (int code : {200, 400, 401, 403, 404, 449, 456, 457, 500, 501, 507}) {
      HttpOutcome o{static_cast<HttpStatus>(code), {}, {}};
      CHECK(roundTrip(o) == o);
    }
  }
  SECTION("unknown status keeps its code") {
    HttpOutcome o{static_cast<HttpStatus>(502), {}, {}};
    CHECK(statusLine(o) == "HTTP/1.1 502 Unknown");
    CHECK(roundTrip(o) == o);
  }
  SECTION("headers from a real response, any case") {
    auto o = parseOutcome(503, {{"retry-after", " 120 "}, {"Content-Length", "0"}});
    REQUIRE(o.ok());
    CHECK(o->retryAfter == 120u);
  }
}

TEST_CASE("outcome parse errors", "[eas][http]") {
  requireBadRequest(parseOutcome(451, {}), 0);
  requireBadRequest(parseOutcome(503, {{"Retry-After", "soon"}}), 0);
  requireBadRequest(parseOutcome(503, {{"Retry-After", "1"}, {"Retry-After", "2"}}), 0);
  requireBadRequest(parseOutcome(451, {{"X-MS-Location", "mail2.contoso.com"}}), 0);
  requireBadRequest(
      parseOutcome(451, {{"X-MS-Location", "https://a/"}, {"X-MS-Location", "https://b/"}}), 0);
  requireBadRequest(parseOutcome(42, {}), 0);
  requireBadRequest(parseOutcome(600, {}), 0);
}

TEST_CASE("status line parsing", "[eas][http]") {
  CHECK(*parseStatusLine("HTTP/1.1 200 OK") == 200);
  CHECK(*parseStatusLine("HTTP/1.0 449 Retry after sending a PROVISION command") == 449);
  CHECK(*parseStatusLine("HTTP/1.1 503") == 503);
  requireBadRequest(parseStatusLine(""), 0);
  requireBadRequest(parseStatusLine("HTTP/2 200 OK"), 0);
  requireBadRequest(parseStatusLine("HTTP/1.1  200 OK"), 9);
  requireBadRequest(parseStatusLine("HTTP/1.1 2x0 OK"), 10);
  requireBadRequest(parseStatusLine("HTTP/1.1 2000"), 12);
  requireBadRequest(parseStatusLine("HTTP/1.1 099 Low"), 9);
}

TEST_CASE("449 is the provisioning signal up to 12.1 only", "[eas][http]") {
  CHECK(provisioningByHttpStatus(ProtocolVersion::V2_5));
  CHECK(provisioningByHttpStatus(ProtocolVersion::V12_0));
  CHECK(provisioningByHttpStatus(ProtocolVersion::V12_1));
  CHECK_FALSE(provisioningByHttpStatus(ProtocolVersion::V14_0));
  CHECK_FALSE(provisioningByHttpStatus(ProtocolVersion::V16_1));
}

}  // namespace cradle::eas

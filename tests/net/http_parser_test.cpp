// HttpParser and the writers: framing, limits, malformed input, byte-by-byte equals whole.
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "net/http_message.h"

using namespace cradle::net;

namespace {

struct Parsed {
  HttpParser::State state = HttpParser::State::NeedMore;
  int errorStatus = 0;
  std::string error;
  std::vector<HttpRequest> requests;
  std::vector<HttpResponse> responses;
};

// Feeds `wire` in pieces of `step` bytes (0: all at once); collects every complete message.
Parsed parse(HttpParser::Kind kind, std::string_view wire, std::size_t step,
             HttpLimits limits = {}) {
  HttpParser parser(kind, limits);
  Parsed out;
  std::string pending;
  std::size_t offset = 0;
  while (offset < wire.size() || !pending.empty()) {
    const std::size_t n = step == 0 ? wire.size() - offset : std::min(step, wire.size() - offset);
    pending.append(wire.substr(offset, n));
    offset += n;
    std::size_t consumed = 0;
    out.state = parser.feed(pending, consumed);
    pending.erase(0, consumed);
    if (out.state == HttpParser::State::Error) {
      out.errorStatus = parser.errorStatus();
      out.error = parser.error();
      return out;
    }
    if (out.state == HttpParser::State::Complete) {
      if (kind == HttpParser::Kind::Request) {
        out.requests.push_back(parser.takeRequest());
      } else {
        out.responses.push_back(parser.takeResponse());
      }
      continue;
    }
    if (n == 0) {
      break;  // no progress possible without more input
    }
  }
  out.state = parser.state();
  if (kind == HttpParser::Kind::Response && out.state == HttpParser::State::NeedMore &&
      offset == wire.size()) {
    out.state = parser.finish();
    if (out.state == HttpParser::State::Complete) {
      out.responses.push_back(parser.takeResponse());
    } else if (out.state == HttpParser::State::Error) {
      out.errorStatus = parser.errorStatus();
      out.error = parser.error();
    }
  }
  return out;
}

Parsed parseRequests(std::string_view wire, std::size_t step = 0, HttpLimits limits = {}) {
  return parse(HttpParser::Kind::Request, wire, step, limits);
}

void requireSameRequests(const Parsed& a, const Parsed& b) {
  REQUIRE(a.state == b.state);
  REQUIRE(a.errorStatus == b.errorStatus);
  REQUIRE(a.requests.size() == b.requests.size());
  for (std::size_t i = 0; i < a.requests.size(); ++i) {
    CHECK(a.requests[i].method == b.requests[i].method);
    CHECK(a.requests[i].target == b.requests[i].target);
    CHECK(a.requests[i].versionMinor == b.requests[i].versionMinor);
    CHECK(a.requests[i].headers == b.requests[i].headers);
    CHECK(a.requests[i].body == b.requests[i].body);
  }
}

const std::string ChunkedPost =
    "POST /Microsoft-Server-ActiveSync?Cmd=Sync HTTP/1.1\r\n"
    "Host: mail.example.org\r\n"
    "Transfer-Encoding: chunked\r\n"
    "Content-Type: application/vnd.ms-sync.wbxml\r\n"
    "\r\n"
    "5;ext=1\r\nhello\r\n"
    "7\r\n, world\r\n"
    "0\r\n"
    "X-Trailer: yes\r\n"
    "\r\n";

}  // namespace

TEST_CASE("a simple GET parses into a request value", "[net][http_parser]") {
  Parsed p = parseRequests("GET /index?x=1 HTTP/1.1\r\nHost: a\r\nX-Two:  spaced value \t\r\n\r\n");
  REQUIRE(p.requests.size() == 1);
  const HttpRequest& r = p.requests[0];
  CHECK(r.method == "GET");
  CHECK(r.target == "/index?x=1");
  CHECK(r.versionMinor == 1);
  REQUIRE(r.headers.size() == 2);
  CHECK(r.headers[1].first == "X-Two");
  CHECK(r.headers[1].second == "spaced value");
  CHECK(r.body.empty());
  CHECK(r.keepAlive());
}

TEST_CASE("Content-Length bodies, whole and byte by byte", "[net][http_parser]") {
  const std::string wire = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world";
  Parsed whole = parseRequests(wire);
  Parsed bytes = parseRequests(wire, 1);
  REQUIRE(whole.requests.size() == 1);
  CHECK(whole.requests[0].body == "hello world");
  requireSameRequests(whole, bytes);
}

TEST_CASE("chunked bodies are de-chunked; trailers are dropped", "[net][http_parser]") {
  Parsed whole = parseRequests(ChunkedPost);
  REQUIRE(whole.requests.size() == 1);
  CHECK(whole.requests[0].body == "hello, world");
  CHECK_FALSE(findHeader(whole.requests[0].headers, "X-Trailer"));
  for (std::size_t step : {1U, 2U, 3U, 7U, 13U}) {
    INFO("step " << step);
    requireSameRequests(whole, parseRequests(ChunkedPost, step));
  }
}

TEST_CASE("bare LF line ends and leading empty lines are accepted", "[net][http_parser]") {
  Parsed p = parseRequests("\r\n\nGET / HTTP/1.1\nHost: h\nContent-Length: 2\n\nok");
  REQUIRE(p.requests.size() == 1);
  CHECK(p.requests[0].body == "ok");
}

TEST_CASE("pipelined requests: feed stops at the end of each message", "[net][http_parser]") {
  const std::string one = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string two = "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
  HttpParser parser(HttpParser::Kind::Request);
  std::size_t consumed = 0;
  REQUIRE(parser.feed(one + two, consumed) == HttpParser::State::Complete);
  CHECK(consumed == one.size());
  CHECK(parser.takeRequest().target == "/1");
  REQUIRE(parser.feed(two, consumed) == HttpParser::State::Complete);
  CHECK(consumed == two.size());
  HttpRequest r = parser.takeRequest();
  CHECK(r.target == "/2");
  CHECK(r.body == "abc");

  Parsed whole = parseRequests(one + two + one);
  CHECK(whole.requests.size() == 3);
  requireSameRequests(whole, parseRequests(one + two + one, 1));
}

TEST_CASE("random split points give the same messages", "[net][http_parser]") {
  const std::string wire = ChunkedPost +
                           "PUT /x HTTP/1.0\r\nContent-Length: 4\r\nConnection: keep-alive\r\n\r\n"
                           "abcd" +
                           "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
  Parsed whole = parseRequests(wire);
  REQUIRE(whole.requests.size() == 3);
  std::mt19937 rng(12345);
  for (int round = 0; round < 200; ++round) {
    HttpParser parser(HttpParser::Kind::Request);
    std::vector<HttpRequest> got;
    std::string pending;
    std::size_t offset = 0;
    while (offset < wire.size()) {
      const std::size_t n = std::min<std::size_t>(1 + rng() % 40, wire.size() - offset);
      pending.append(wire, offset, n);
      offset += n;
      for (;;) {
        std::size_t consumed = 0;
        auto state = parser.feed(pending, consumed);
        pending.erase(0, consumed);
        REQUIRE(state != HttpParser::State::Error);
        if (state != HttpParser::State::Complete) {
          break;
        }
        got.push_back(parser.takeRequest());
      }
    }
    REQUIRE(got.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(got[i].body == whole.requests[i].body);
      CHECK(got[i].headers == whole.requests[i].headers);
    }
  }
}

TEST_CASE("malformed request lines and heads answer 400", "[net][http_parser]") {
  const char* cases[] = {
      "GARBAGE\r\n\r\n",
      "GET\r\n\r\n",
      "GET /\r\n\r\n",
      "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET / HTTP/1.1 extra\r\nHost: h\r\n\r\n",
      "GET / HTTQ/1.1\r\nHost: h\r\n\r\n",
      "GET / HTTP/1.12\r\nHost: h\r\n\r\n",
      "G(T / HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nName : x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n folded\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX: a\x01b\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n",
      "GET / HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\nabcd",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
  };
  for (const char* wire : cases) {
    INFO(wire);
    Parsed whole = parseRequests(wire);
    CHECK(whole.state == HttpParser::State::Error);
    CHECK(whole.errorStatus == 400);
    CHECK_FALSE(whole.error.empty());
    Parsed bytes = parseRequests(wire, 1);
    CHECK(bytes.state == HttpParser::State::Error);
    CHECK(bytes.errorStatus == 400);
  }
  // Repeated identical Content-Length values are allowed (RFC 9110 8.6).
  Parsed same = parseRequests(
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok");
  REQUIRE(same.requests.size() == 1);
  CHECK(same.requests[0].body == "ok");
}

TEST_CASE("unsupported codings answer 501 and other HTTP versions 505", "[net][http_parser]") {
  Parsed gzip = parseRequests("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n");
  CHECK(gzip.state == HttpParser::State::Error);
  CHECK(gzip.errorStatus == 501);
  Parsed both =
      parseRequests("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
  CHECK(both.errorStatus == 501);
  Parsed v2 = parseRequests("GET / HTTP/2.0\r\nHost: h\r\n\r\n");
  CHECK(v2.errorStatus == 505);
  Parsed v10 = parseRequests("GET / HTTP/1.0\r\n\r\n");  // no Host needed in 1.0
  REQUIRE(v10.requests.size() == 1);
  CHECK(v10.requests[0].versionMinor == 0);
  CHECK_FALSE(v10.requests[0].keepAlive());
}

TEST_CASE("every limit is enforced with its status", "[net][http_parser]") {
  HttpLimits limits;
  limits.maxHeaderBytes = 200;
  limits.maxHeaders = 3;
  limits.maxBodyBytes = 10;

  SECTION("head bytes: 431") {
    const std::string wire =
        "GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(300, 'a') + "\r\n\r\n";
    for (std::size_t step : {0U, 1U}) {
      Parsed p = parseRequests(wire, step, limits);
      CHECK(p.state == HttpParser::State::Error);
      CHECK(p.errorStatus == 431);
    }
    // Just under the limit passes.
    const std::string fits = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
    CHECK(parseRequests(fits, 0, limits).requests.size() == 1);
  }
  SECTION("header count: 431") {
    Parsed ok = parseRequests("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", 0, limits);
    CHECK(ok.requests.size() == 1);
    Parsed p =
        parseRequests("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 0, limits);
    CHECK(p.errorStatus == 431);
  }
  SECTION("Content-Length body: 413 before the body arrives") {
    HttpParser parser(HttpParser::Kind::Request, limits);
    std::size_t consumed = 0;
    const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n";
    CHECK(parser.feed(head, consumed) == HttpParser::State::Error);
    CHECK(parser.errorStatus() == 413);
    Parsed fits = parseRequests(
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", 0, limits);
    CHECK(fits.requests.size() == 1);
    Parsed huge = parseRequests(
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n", 0, limits);
    CHECK(huge.state == HttpParser::State::Error);
  }
  SECTION("chunked body: 413 when the sum passes the limit") {
    const std::string wire =
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "6\r\nabcdef\r\n6\r\nghijkl\r\n0\r\n\r\n";
    for (std::size_t step : {0U, 1U}) {
      Parsed p = parseRequests(wire, step, limits);
      CHECK(p.errorStatus == 413);
    }
    Parsed giant = parseRequests(
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", 0,
        limits);
    CHECK(giant.errorStatus == 413);
  }
  SECTION("trailers count against the head limit: 431") {
    const std::string wire =
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: " +
        std::string(300, 'x') + "\r\n\r\n";
    CHECK(parseRequests(wire, 0, limits).errorStatus == 431);
  }
}

TEST_CASE("responses: lengths, chunked, read to EOF, no-body statuses", "[net][http_parser]") {
  const auto kind = HttpParser::Kind::Response;
  SECTION("Content-Length") {
    const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    Parsed p = parse(kind, wire, 0);
    REQUIRE(p.responses.size() == 1);
    CHECK(p.responses[0].status == 200);
    CHECK(p.responses[0].reason == "OK");
    CHECK(p.responses[0].body == "hello");
    CHECK(p.responses[0].keepAlive());
    Parsed b = parse(kind, wire, 1);
    REQUIRE(b.responses.size() == 1);
    CHECK(b.responses[0].body == "hello");
  }
  SECTION("chunked") {
    Parsed p = parse(
        kind, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 1);
    REQUIRE(p.responses.size() == 1);
    CHECK(p.responses[0].body == "abc");
    CHECK(p.responses[0].keepAlive());
  }
  SECTION("read to EOF completes on finish()") {
    Parsed p = parse(kind, "HTTP/1.0 200 OK\r\n\r\nuntil the end", 0);
    REQUIRE(p.responses.size() == 1);
    CHECK(p.responses[0].body == "until the end");
    CHECK(p.responses[0].versionMinor == 0);
    CHECK_FALSE(p.responses[0].keepAlive());
  }
  SECTION("truncated Content-Length body is an error on finish()") {
    Parsed p = parse(kind, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort", 0);
    CHECK(p.state == HttpParser::State::Error);
    CHECK(p.error.find("closed") != std::string::npos);
  }
  SECTION("204 and 304 have no body; the next response follows at once") {
    Parsed p = parse(
        kind,
        "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
        0);
    REQUIRE(p.responses.size() == 3);
    CHECK(p.responses[0].status == 204);
    CHECK(p.responses[1].status == 304);
    CHECK(p.responses[2].body == "x");
  }
  SECTION("HEAD: expectNoBody()") {
    HttpParser parser(kind);
    parser.expectNoBody();
    std::size_t consumed = 0;
    const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
    REQUIRE(parser.feed(wire, consumed) == HttpParser::State::Complete);
    CHECK(consumed == wire.size());
    CHECK(parser.takeResponse().body.empty());
  }
  SECTION("malformed status lines") {
    for (const char* wire :
         {"HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n", "HTTP/2 200 OK\r\n\r\n",
          "ICY 200 OK\r\n\r\n", "HTTP/1.1 200OK\r\n\r\n"}) {
      INFO(wire);
      CHECK(parse(kind, wire, 0).state == HttpParser::State::Error);
    }
    Parsed noReason = parse(kind, "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 0);
    REQUIRE(noReason.responses.size() == 1);
    CHECK(noReason.responses[0].reason.empty());
  }
}

TEST_CASE("keep-alive follows the version and the Connection header", "[net][http_message]") {
  HttpRequest r;
  CHECK(r.keepAlive());
  r.headers = {{"Connection", "Upgrade, Close"}};
  CHECK_FALSE(r.keepAlive());
  r.versionMinor = 0;
  r.headers = {};
  CHECK_FALSE(r.keepAlive());
  r.headers = {{"connection", "keep-alive"}};
  CHECK(r.keepAlive());

  HttpResponse s;
  s.headers = {{"Content-Length", "3"}};
  CHECK(s.keepAlive());
  s.headers = {{"Content-Length", "3"}, {"Connection", "close"}};
  CHECK_FALSE(s.keepAlive());
  s.headers = {};  // framed by EOF
  CHECK_FALSE(s.keepAlive());
  s.headers = {{"Transfer-Encoding", "chunked"}};
  CHECK(s.keepAlive());
  s.headers = {{"Transfer-Encoding", "gzip"}};  // read to EOF
  CHECK_FALSE(s.keepAlive());
  s.headers = {};
  s.status = 204;
  CHECK(s.keepAlive());
}

TEST_CASE("findHeader and setHeader ignore case; setHeader replaces every copy",
          "[net][http_message]") {
  HeaderList h = {{"Content-Type", "a"}, {"X-A", "1"}, {"content-type", "b"}};
  REQUIRE(findHeader(h, "CONTENT-TYPE"));
  CHECK(*findHeader(h, "content-TYPE") == "a");
  CHECK_FALSE(findHeader(h, "Missing"));
  setHeader(h, "content-type", "c");
  REQUIRE(h.size() == 2);
  CHECK(h[0].second == "c");
  setHeader(h, "X-New", "n");
  CHECK(h.size() == 3);
  CHECK(*findHeader(h, "x-new") == "n");
}

TEST_CASE("writers add Content-Length and Connection; parsers read them back",
          "[net][http_message]") {
  HttpResponse r;
  r.status = 404;
  r.headers = {
      {"Content-Length", "999"}, {"Connection", "keep-alive"}, {"X-Y", "v\r\nInjected: 1"}};
  r.body = "nope";
  const std::string wire = serializeResponse(r, false);
  CHECK(wire.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
  CHECK(wire.find("Content-Length: 4\r\n") != std::string::npos);
  CHECK(wire.find("999") == std::string::npos);
  CHECK(wire.find("Connection: close\r\n") != std::string::npos);
  CHECK(wire.find("keep-alive") == std::string::npos);
  CHECK(wire.find("\r\nInjected") == std::string::npos);
  Parsed back = parse(HttpParser::Kind::Response, wire, 0);
  REQUIRE(back.responses.size() == 1);
  CHECK(back.responses[0].body == "nope");
  CHECK_FALSE(back.responses[0].keepAlive());

  HttpResponse empty;
  CHECK(serializeResponse(empty).find("Content-Length: 0\r\n") != std::string::npos);
  HttpResponse noContent;
  noContent.status = 204;
  noContent.body = "ignored";
  CHECK(serializeResponse(noContent) == "HTTP/1.1 204 No Content\r\n\r\n");
  HttpResponse custom;
  custom.status = 599;
  CHECK(serializeResponse(custom).rfind("HTTP/1.1 599 Unknown\r\n", 0) == 0);
  custom.reason = "Mine";
  CHECK(serializeResponse(custom).rfind("HTTP/1.1 599 Mine\r\n", 0) == 0);

  const std::string head = serializeResponseHead(r, 1234, true);
  CHECK(head.find("Content-Length: 1234\r\n") != std::string::npos);
  CHECK(head.size() >= 4);
  CHECK(head.substr(head.size() - 4) == "\r\n\r\n");

  HttpRequest q;
  q.method = "POST";
  q.target = "/Microsoft-Server-ActiveSync?Cmd=Ping";
  q.headers = {{"Host", "h"}, {"Transfer-Encoding", "chunked"}};
  q.body = std::string("\0\x01\x02", 3);
  Parsed req = parseRequests(serializeRequest(q));
  REQUIRE(req.requests.size() == 1);
  CHECK(req.requests[0].target == q.target);
  CHECK(req.requests[0].body == q.body);
  CHECK(*findHeader(req.requests[0].headers, "Content-Length") == "3");
  CHECK_FALSE(findHeader(req.requests[0].headers, "Transfer-Encoding"));
}

TEST_CASE("standard reason phrases", "[net][http_message]") {
  CHECK(standardReason(200) == "OK");
  CHECK(standardReason(431) == "Request Header Fields Too Large");
  CHECK(standardReason(449) == "Retry With");
  CHECK(standardReason(503) == "Service Unavailable");
  CHECK(standardReason(299).empty());
}

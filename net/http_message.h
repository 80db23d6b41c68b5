// HTTP/1.1 messages as values, and the incremental parsers and writers for them (RFC 9112).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cradle::net {

// Header fields in arrival order; names compare case-insensitively. Same shape as
// cradle::eas::HeaderList so a part that uses both can pass them through unchanged.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

std::optional<std::string_view> findHeader(const HeaderList& headers, std::string_view name);
void setHeader(HeaderList& headers, std::string_view name, std::string value);  // replace or add

struct HttpRequest {
  std::string method;  // "POST"
  std::string target;  // "/Microsoft-Server-ActiveSync?Cmd=Ping&..."
  int versionMinor = 1;
  HeaderList headers;
  std::string body;  // de-chunked
  bool keepAlive() const;
};

struct HttpResponse {
  int status = 200;
  std::string reason;  // empty: the standard phrase for status
  HeaderList headers;  // Content-Length is added by the writer; never set it here
  std::string body;
  int versionMinor = 1;  // as parsed (HTTP/1.0 peers); the writer always sends HTTP/1.1
  // Whether the connection may carry another request after this response (Connection header
  // and version; a response framed by EOF, without Content-Length or chunked, is never).
  bool keepAlive() const;
};

std::string_view standardReason(int status);

// Hard limits for untrusted HTTP input. Anything beyond them is refused (400/413/431 by the
// server, an error by the client); nothing is buffered past them.
struct HttpLimits {
  std::size_t maxHeaderBytes = 16 * 1024;  // request/status line + all header lines
  std::size_t maxHeaders = 100;
  std::size_t maxBodyBytes = 32 * 1024 * 1024;
};

// Incremental parser for one message at a time: feed() bytes as they arrive, in chunks of any
// size; Complete when a whole message is there (take() it, then feed the remaining bytes, which
// feed() reports through `consumed`). Content-Length and chunked bodies; a response to HEAD or
// with 1xx/204/304 has no body; a response without length reads to EOF (finish()).
// Errors never throw: state Error with a one-line reason and the HTTP status to answer with.
class HttpParser {
 public:
  enum class Kind : uint8_t { Request, Response };
  enum class State : uint8_t { NeedMore, Complete, Error };

  explicit HttpParser(Kind kind, HttpLimits limits = {});

  // Consumes bytes up to the end of the current message; `consumed` says how many.
  State feed(std::string_view bytes, std::size_t& consumed);
  // Response only: the peer closed; completes a read-to-EOF body, else Error (truncated).
  State finish();
  // Response parsing: the request was HEAD (no body follows).
  void expectNoBody();

  State state() const;
  bool headerComplete() const;  // the head is parsed (a 100-continue or early reject may act)
  const std::string& error() const;
  // 400, 413 (body), 431 (head), 501 (Transfer-Encoding not chunked), 505 (HTTP major not 1)
  int errorStatus() const;

  HttpRequest takeRequest();    // Kind::Request, after Complete; resets for the next message
  HttpResponse takeResponse();  // Kind::Response, after Complete; resets
  void reset();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Wire form. The writer adds Content-Length (always, also for 0) and "Connection: close" when
// keepAlive is false; a Connection header in `headers` is dropped in favour of that.
std::string serializeRequest(const HttpRequest& r, bool keepAlive = true);
std::string serializeResponse(const HttpResponse& r, bool keepAlive = true);
// Just the head (status line + headers + blank line) with the given Content-Length, for a body
// sent separately (slow drip, streaming).
std::string serializeResponseHead(const HttpResponse& r, std::size_t contentLength, bool keepAlive);

}  // namespace cradle::net

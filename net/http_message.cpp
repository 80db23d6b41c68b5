// HTTP/1.1 message values, the incremental parser (RFC 9112) and the writers.
#include "net/http_message.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace cradle::net {

namespace {

char lowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lowerAscii(a[i]) != lowerAscii(b[i])) {
      return false;
    }
  }
  return true;
}

std::string_view trimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// RFC 9110 5.6.2: tchar.
bool isTokenChar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
    return true;
  }
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool isToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), isTokenChar);
}

// Calls fn for each element of a comma-separated list, trimmed, skipping empty elements.
template <class Fn>
void forEachListElement(std::string_view list, Fn fn) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    std::string_view item = trimOws(list.substr(0, comma));
    if (!item.empty()) {
      fn(item);
    }
    if (comma == std::string_view::npos) {
      break;
    }
    list.remove_prefix(comma + 1);
  }
}

bool connectionHas(const HeaderList& headers, std::string_view option) {
  bool found = false;
  for (const auto& [name, value] : headers) {
    if (equalsIgnoreCase(name, "Connection")) {
      forEachListElement(
          value, [&](std::string_view item) { found = found || equalsIgnoreCase(item, option); });
    }
  }
  return found;
}

// The HTTP version "HTTP/x.y" (RFC 9112 2.3). Returns false when not of that form.
bool parseVersion(std::string_view s, int& major, int& minor) {
  if (s.size() != 8 || s.substr(0, 5) != "HTTP/" || s[6] != '.' || s[5] < '0' || s[5] > '9' ||
      s[7] < '0' || s[7] > '9') {
    return false;
  }
  major = s[5] - '0';
  minor = s[7] - '0';
  return true;
}

// Header values may come from untrusted input echoed back: CR/LF would split the head.
void appendFieldValue(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c != '\r' && c != '\n') {
      out.push_back(c);
    }
  }
}

bool isWriterOwned(std::string_view name) {
  return equalsIgnoreCase(name, "Content-Length") || equalsIgnoreCase(name, "Connection") ||
         equalsIgnoreCase(name, "Transfer-Encoding");
}

void appendHeaders(std::string& out, const HeaderList& headers) {
  for (const auto& [name, value] : headers) {
    if (isWriterOwned(name) || name.empty()) {
      continue;
    }
    appendFieldValue(out, name);
    out += ": ";
    appendFieldValue(out, value);
    out += "\r\n";
  }
}

// RFC 9110 6.4.1 / 15: no content in 1xx, 204 and 304, and no Content-Length in 1xx and 204.
bool statusHasNoBody(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

std::string responseHead(const HttpResponse& r, std::size_t contentLength, bool keepAlive) {
  std::string out;
  out.reserve(128 + r.headers.size() * 48);
  out += "HTTP/1.1 ";
  out += std::to_string(r.status);
  out += ' ';
  std::string_view reason = r.reason.empty() ? standardReason(r.status) : r.reason;
  appendFieldValue(out, reason.empty() ? std::string_view("Unknown") : reason);
  out += "\r\n";
  appendHeaders(out, r.headers);
  if (!statusHasNoBody(r.status)) {
    out += "Content-Length: ";
    out += std::to_string(contentLength);
    out += "\r\n";
  }
  if (!keepAlive) {
    out += "Connection: close\r\n";
  }
  out += "\r\n";
  return out;
}

constexpr std::size_t MaxChunkLineBytes = 1024;
constexpr std::size_t MaxLeadingEmptyLineBytes = 64;

}  // namespace

std::optional<std::string_view> findHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (equalsIgnoreCase(n, name)) {
      return std::string_view(v);
    }
  }
  return std::nullopt;
}

void setHeader(HeaderList& headers, std::string_view name, std::string value) {
  auto it = std::find_if(headers.begin(), headers.end(),
                         [&](const auto& h) { return equalsIgnoreCase(h.first, name); });
  if (it == headers.end()) {
    headers.emplace_back(std::string(name), std::move(value));
    return;
  }
  it->second = std::move(value);
  headers.erase(std::remove_if(std::next(it), headers.end(),
                               [&](const auto& h) { return equalsIgnoreCase(h.first, name); }),
                headers.end());
}

// RFC 9112 9.3: persistence.
bool HttpRequest::keepAlive() const {
  if (connectionHas(headers, "close")) {
    return false;
  }
  return versionMinor >= 1 || connectionHas(headers, "keep-alive");
}

bool HttpResponse::keepAlive() const {
  if (connectionHas(headers, "close")) {
    return false;
  }
  if (versionMinor == 0 && !connectionHas(headers, "keep-alive")) {
    return false;
  }
  if (statusHasNoBody(status) || findHeader(headers, "Content-Length")) {
    return true;
  }
  // RFC 9112 6.3: chunked as the final coding frames the body; any other coding reads to EOF.
  bool chunkedLast = false;
  for (const auto& [name, value] : headers) {
    if (equalsIgnoreCase(name, "Transfer-Encoding")) {
      forEachListElement(value, [&](std::string_view coding) {
        chunkedLast = equalsIgnoreCase(coding, "chunked");
      });
    }
  }
  return chunkedLast;
}

namespace {

struct ReasonEntry {
  int status;
  std::string_view reason;
};

// RFC 9110 15, plus the two EAS (IIS) codes of MS-ASHTTP: 449 (provision first) and 451.
constexpr ReasonEntry StandardReasons[] = {
    {100, "Continue"},
    {101, "Switching Protocols"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {204, "No Content"},
    {206, "Partial Content"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {411, "Length Required"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {415, "Unsupported Media Type"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {449, "Retry With"},
    {451, "Redirect"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
    {507, "Insufficient Storage"},
};

}  // namespace

std::string_view standardReason(int status) {
  for (const ReasonEntry& e : StandardReasons) {
    if (e.status == status) {
      return e.reason;
    }
  }
  return {};
}

struct HttpParser::Impl {
  enum class Phase : uint8_t {
    Head,
    FixedBody,
    ChunkSize,
    ChunkData,
    ChunkDataEnd,
    Trailers,
    UntilEof,
    Done,
    Failed
  };

  Kind kind;
  HttpLimits limits;
  Phase phase = Phase::Head;
  State state = State::NeedMore;
  bool noBody = false;
  std::string head;              // head bytes so far (released once parsed)
  std::size_t lineStart = 0;     // where the current head line starts in `head`
  std::size_t skippedEmpty = 0;  // CR/LF before a request line (RFC 9112 2.2)
  std::string line;              // chunk-size line or trailer line in progress
  std::size_t trailerBytes = 0;
  uint64_t remaining = 0;  // bytes still due in a Content-Length body or the current chunk
  std::string error;
  int errorStatus = 0;
  HttpRequest request;
  HttpResponse response;

  Impl(Kind k, HttpLimits l) : kind(k), limits(l) {}

  std::string& body() { return kind == Kind::Request ? request.body : response.body; }
  HeaderList& headers() { return kind == Kind::Request ? request.headers : response.headers; }

  void fail(int status, std::string why) {
    phase = Phase::Failed;
    state = State::Error;
    errorStatus = status;
    error = std::move(why);
    std::string().swap(head);
    std::string().swap(line);
  }

  void complete() {
    phase = Phase::Done;
    state = State::Complete;
  }

  void resetAll() {
    phase = Phase::Head;
    state = State::NeedMore;
    noBody = false;
    std::string().swap(head);
    lineStart = 0;
    skippedEmpty = 0;
    std::string().swap(line);
    trailerBytes = 0;
    remaining = 0;
    error.clear();
    errorStatus = 0;
    request = HttpRequest{};
    response = HttpResponse{};
  }

  // Returns how many bytes of `in` went into the head; parses the head when it ends.
  std::size_t feedHead(std::string_view in) {
    std::size_t i = 0;
    for (; i < in.size(); ++i) {
      const char c = in[i];
      if (head.empty() && kind == Kind::Request && (c == '\r' || c == '\n')) {
        // RFC 9112 2.2: ignore at least one empty line before the request-line.
        if (++skippedEmpty > MaxLeadingEmptyLineBytes) {
          fail(400, "too many empty lines before the request line");
          return i + 1;
        }
        continue;
      }
      head.push_back(c);
      if (head.size() > limits.maxHeaderBytes) {
        fail(431, "request head larger than " + std::to_string(limits.maxHeaderBytes) + " bytes");
        return i + 1;
      }
      if (c != '\n') {
        continue;
      }
      const std::size_t len = head.size() - lineStart;
      if (len == 1 || (len == 2 && head[lineStart] == '\r')) {
        parseHead();
        return i + 1;
      }
      lineStart = head.size();
    }
    return i;
  }

  // Splits the head into lines without their CRLF (a bare LF is accepted, RFC 9112 2.2).
  bool splitLines(std::vector<std::string_view>& lines) {
    std::string_view rest(head);
    while (!rest.empty()) {
      const std::size_t lf = rest.find('\n');
      std::string_view l = rest.substr(0, lf);
      rest.remove_prefix(lf + 1);
      if (!l.empty() && l.back() == '\r') {
        l.remove_suffix(1);
      }
      if (l.find('\r') != std::string_view::npos) {
        fail(400, "bare CR in the message head");  // RFC 9112 2.2
        return false;
      }
      lines.push_back(l);
    }
    if (!lines.empty() && lines.back().empty()) {
      lines.pop_back();
    }
    return true;
  }

  bool parseRequestLine(std::string_view l) {
    // RFC 9112 3: method SP request-target SP HTTP-version
    const std::size_t sp1 = l.find(' ');
    const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : l.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || l.find(' ', sp2 + 1) != std::string_view::npos) {
      fail(400, "malformed request line");
      return false;
    }
    std::string_view method = l.substr(0, sp1);
    std::string_view target = l.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string_view version = l.substr(sp2 + 1);
    if (!isToken(method)) {
      fail(400, "malformed request method");
      return false;
    }
    if (target.empty() || std::any_of(target.begin(), target.end(), [](char c) {
          return static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f;
        })) {
      fail(400, "malformed request target");
      return false;
    }
    int major = 0;
    int minor = 0;
    if (!parseVersion(version, major, minor)) {
      fail(400, "malformed HTTP version");
      return false;
    }
    if (major != 1) {
      fail(505, "HTTP version " + std::string(version) + " not supported");
      return false;
    }
    request.method = std::string(method);
    request.target = std::string(target);
    request.versionMinor = minor;
    return true;
  }

  bool parseStatusLine(std::string_view l) {
    // RFC 9112 4: HTTP-version SP status-code SP [ reason-phrase ]
    int major = 0;
    int minor = 0;
    if (l.size() < 12 || !parseVersion(l.substr(0, 8), major, minor) || major != 1 || l[8] != ' ' ||
        !std::all_of(l.begin() + 9, l.begin() + 12, [](char c) { return c >= '0' && c <= '9'; }) ||
        (l.size() > 12 && l[12] != ' ')) {
      fail(400, "malformed status line");
      return false;
    }
    response.versionMinor = minor;
    response.status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
    if (response.status < 100) {
      fail(400, "malformed status code");
      return false;
    }
    response.reason = l.size() > 13 ? std::string(l.substr(13)) : std::string();
    return true;
  }

  bool parseField(std::string_view l) {
    if (l.front() == ' ' || l.front() == '\t') {
      fail(400, "obsolete line folding in a header");  // RFC 9112 5.2
      return false;
    }
    const std::size_t colon = l.find(':');
    if (colon == std::string_view::npos || !isToken(l.substr(0, colon))) {
      fail(400, "malformed header line");  // RFC 9112 5.1: no whitespace before the colon
      return false;
    }
    std::string_view value = trimOws(l.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(), [](char c) {
          const auto u = static_cast<unsigned char>(c);
          return (u < 0x20 && c != '\t') || u == 0x7f;
        })) {
      fail(400, "control character in a header value");
      return false;
    }
    if (headers().size() >= limits.maxHeaders) {
      fail(431, "more than " + std::to_string(limits.maxHeaders) + " header fields");
      return false;
    }
    headers().emplace_back(std::string(l.substr(0, colon)), std::string(value));
    return true;
  }

  // RFC 9112 6.3: the message body length.
  void chooseFraming() {
    const HeaderList& h = headers();
    bool haveTe = false;
    bool chunkedLast = false;
    bool otherCoding = false;
    bool chunkedNotLast = false;
    bool haveCl = false;
    bool clBad = false;
    uint64_t cl = 0;
    for (const auto& [name, value] : h) {
      if (equalsIgnoreCase(name, "Transfer-Encoding")) {
        haveTe = true;
        forEachListElement(value, [&](std::string_view coding) {
          if (chunkedLast) {
            chunkedNotLast = true;
          }
          chunkedLast = equalsIgnoreCase(coding, "chunked");
          otherCoding = otherCoding || !chunkedLast;
        });
      } else if (equalsIgnoreCase(name, "Content-Length")) {
        forEachListElement(value, [&](std::string_view digits) {
          uint64_t v = 0;
          bool ok = !digits.empty();
          for (char c : digits) {
            if (c < '0' || c > '9' || v > (std::numeric_limits<uint64_t>::max() - 9) / 10) {
              ok = false;
              break;
            }
            v = v * 10 + static_cast<uint64_t>(c - '0');
          }
          if (!ok || (haveCl && v != cl)) {
            clBad = true;
          }
          haveCl = true;
          cl = v;
        });
        if (trimOws(value).empty()) {
          clBad = true;
        }
      }
    }

    if (kind == Kind::Response) {
      const int s = response.status;
      if (noBody || statusHasNoBody(s)) {
        complete();
        return;
      }
      if (haveTe) {
        if (!chunkedLast) {
          phase = Phase::UntilEof;  // RFC 9112 6.3 (4): read until the connection closes
        } else if (otherCoding || chunkedNotLast) {
          fail(501, "unsupported transfer coding");
        } else {
          phase = Phase::ChunkSize;
        }
        return;
      }
      if (haveCl) {
        startFixed(clBad, cl);
        return;
      }
      phase = Phase::UntilEof;
      return;
    }

    if (haveTe) {
      if (haveCl) {
        fail(400, "both Transfer-Encoding and Content-Length");  // RFC 9112 6.3 (3)
      } else if (!chunkedLast || chunkedNotLast) {
        fail(chunkedNotLast ? 400 : 501, "unsupported transfer coding");
      } else if (otherCoding) {
        fail(501, "unsupported transfer coding");
      } else {
        phase = Phase::ChunkSize;
      }
      return;
    }
    if (haveCl) {
      startFixed(clBad, cl);
      return;
    }
    complete();  // RFC 9112 6.3 (7): a request without framing has no body
  }

  void startFixed(bool bad, uint64_t length) {
    if (bad) {
      fail(400, "invalid Content-Length");
    } else if (length > limits.maxBodyBytes) {
      fail(413, "body of " + std::to_string(length) + " bytes is over the limit of " +
                    std::to_string(limits.maxBodyBytes));
    } else if (length == 0) {
      complete();
    } else {
      remaining = length;
      body().reserve(static_cast<std::size_t>(std::min<uint64_t>(length, 64 * 1024)));
      phase = Phase::FixedBody;
    }
  }

  void parseHead() {
    std::vector<std::string_view> lines;
    if (!splitLines(lines)) {
      return;
    }
    if (lines.empty()) {
      fail(400, "empty message head");
      return;
    }
    const bool firstOk =
        kind == Kind::Request ? parseRequestLine(lines[0]) : parseStatusLine(lines[0]);
    if (!firstOk) {
      return;
    }
    headers().reserve(lines.size() - 1);
    for (std::size_t i = 1; i < lines.size(); ++i) {
      if (!parseField(lines[i])) {
        return;
      }
    }
    std::string().swap(head);
    lineStart = 0;
    if (kind == Kind::Request && request.versionMinor >= 1) {
      // RFC 9112 3.2: exactly one Host field in an HTTP/1.1 request.
      std::size_t hosts = 0;
      for (const auto& h : request.headers) {
        hosts += equalsIgnoreCase(h.first, "Host") ? 1U : 0U;
      }
      if (hosts != 1) {
        fail(400, hosts == 0 ? "missing Host header" : "more than one Host header");
        return;
      }
    }
    chooseFraming();
  }

  // Accumulates one line (chunk size, chunk end, trailer); true when `line` holds a whole line
  // without its LF. `consumed` advances over what was taken.
  bool takeLine(std::string_view in, std::size_t& used, std::size_t maxBytes, int status) {
    while (used < in.size()) {
      const char c = in[used++];
      if (c == '\n') {
        if (!line.empty() && line.back() == '\r') {
          line.pop_back();
        }
        return true;
      }
      line.push_back(c);
      if (line.size() > maxBytes) {
        fail(status, "chunk framing line too long");
        return false;
      }
    }
    return false;
  }

  void chunkSizeLine() {
    // RFC 9112 7.1: chunk-size [ chunk-ext ] CRLF
    uint64_t size = 0;
    std::size_t digits = 0;
    for (char c : line) {
      int v = -1;
      if (c >= '0' && c <= '9') {
        v = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        v = c - 'A' + 10;
      } else {
        break;
      }
      if (++digits > 15) {
        fail(413, "chunk size too large");
        return;
      }
      size = size * 16 + static_cast<uint64_t>(v);
    }
    std::string_view rest = std::string_view(line).substr(digits);
    rest = trimOws(rest);
    if (digits == 0 || (!rest.empty() && rest.front() != ';')) {
      fail(400, "malformed chunk size");
      return;
    }
    line.clear();
    if (size == 0) {
      phase = Phase::Trailers;
      return;
    }
    if (body().size() + size > limits.maxBodyBytes) {
      fail(413, "chunked body over the limit of " + std::to_string(limits.maxBodyBytes));
      return;
    }
    remaining = size;
    phase = Phase::ChunkData;
  }

  std::size_t feedBody(std::string_view in) {
    std::size_t used = 0;
    while (used < in.size() && state == State::NeedMore) {
      switch (phase) {
        case Phase::FixedBody:
        case Phase::ChunkData: {
          const auto n = static_cast<std::size_t>(
              std::min<uint64_t>(remaining, static_cast<uint64_t>(in.size() - used)));
          body().append(in.substr(used, n));
          used += n;
          remaining -= n;
          if (remaining == 0) {
            if (phase == Phase::FixedBody) {
              complete();
            } else {
              phase = Phase::ChunkDataEnd;
            }
          }
          break;
        }
        case Phase::ChunkSize:
          if (takeLine(in, used, MaxChunkLineBytes, 400)) {
            chunkSizeLine();
          }
          break;
        case Phase::ChunkDataEnd:
          if (takeLine(in, used, 2, 400)) {
            if (!line.empty()) {
              fail(400, "chunk data not followed by CRLF");
            } else {
              phase = Phase::ChunkSize;
            }
          }
          break;
        case Phase::Trailers: {
          const std::size_t before = used;
          const bool whole = takeLine(in, used, limits.maxHeaderBytes, 431);
          trailerBytes += used - before;
          if (state != State::NeedMore) {
            break;
          }
          if (trailerBytes > limits.maxHeaderBytes) {
            fail(431, "trailer section too large");
          } else if (whole) {
            // RFC 9112 7.1.2: trailer fields are not merged into the header section.
            const bool end = line.empty();
            line.clear();
            if (end) {
              std::string().swap(line);
              complete();
            }
          }
          break;
        }
        case Phase::UntilEof: {
          const std::size_t n = in.size() - used;
          if (body().size() + n > limits.maxBodyBytes) {
            fail(413, "body over the limit of " + std::to_string(limits.maxBodyBytes));
            break;
          }
          body().append(in.substr(used));
          used = in.size();
          break;
        }
        case Phase::Head:
        case Phase::Done:
        case Phase::Failed:
          return used;
      }
    }
    return used;
  }
};

HttpParser::HttpParser(Kind kind, HttpLimits limits)
    : impl_(std::make_shared<Impl>(kind, limits)) {}

HttpParser::State HttpParser::feed(std::string_view bytes, std::size_t& consumed) {
  Impl& d = *impl_;
  consumed = 0;
  while (d.state == State::NeedMore && consumed < bytes.size()) {
    const std::string_view rest = bytes.substr(consumed);
    consumed += d.phase == Impl::Phase::Head ? d.feedHead(rest) : d.feedBody(rest);
  }
  return d.state;
}

HttpParser::State HttpParser::finish() {
  Impl& d = *impl_;
  if (d.state != State::NeedMore) {
    return d.state;
  }
  if (d.kind == Kind::Response && d.phase == Impl::Phase::UntilEof) {
    d.complete();
  } else if (d.phase == Impl::Phase::Head && d.head.empty()) {
    d.fail(400, "connection closed before the response started");
  } else {
    d.fail(400, "connection closed before the response ended");
  }
  return d.state;
}

void HttpParser::expectNoBody() { impl_->noBody = true; }

HttpParser::State HttpParser::state() const { return impl_->state; }

bool HttpParser::headerComplete() const {
  return impl_->phase != Impl::Phase::Head && impl_->phase != Impl::Phase::Failed;
}

const std::string& HttpParser::error() const { return impl_->error; }

int HttpParser::errorStatus() const { return impl_->errorStatus; }

HttpRequest HttpParser::takeRequest() {
  HttpRequest out = std::move(impl_->request);
  impl_->resetAll();
  return out;
}

HttpResponse HttpParser::takeResponse() {
  HttpResponse out = std::move(impl_->response);
  impl_->resetAll();
  return out;
}

void HttpParser::reset() { impl_->resetAll(); }

std::string serializeRequest(const HttpRequest& r, bool keepAlive) {
  std::string out;
  out.reserve(128 + r.target.size() + r.headers.size() * 48 + r.body.size());
  appendFieldValue(out, r.method);
  out += ' ';
  appendFieldValue(out, r.target);
  out += r.versionMinor == 0 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n";
  appendHeaders(out, r.headers);
  out += "Content-Length: ";
  out += std::to_string(r.body.size());
  out += "\r\n";
  if (!keepAlive) {
    out += "Connection: close\r\n";
  } else if (r.versionMinor == 0) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  out += r.body;
  return out;
}

std::string serializeResponse(const HttpResponse& r, bool keepAlive) {
  std::string out = responseHead(r, r.body.size(), keepAlive);
  if (!statusHasNoBody(r.status)) {
    out += r.body;
  }
  return out;
}

std::string serializeResponseHead(const HttpResponse& r, std::size_t contentLength,
                                  bool keepAlive) {
  return responseHead(r, contentLength, keepAlive);
}

}  // namespace cradle::net

// Lenient MIME parsing and building: every malformed input gives a best-effort result.
#include "mapi-sim/mailbox/mime.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "eas/ascii.h"
#include "eas/base64.h"
#include "eas/utf8.h"

namespace mapisim::mime {
namespace {

using cradle::eas::asciiLower;
using cradle::eas::equalsIgnoreCase;




void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// One line of `text` starting at `pos` (without its CR LF / LF); advances pos past the break.
std::string_view nextLine(std::string_view text, std::size_t& pos) {
  const std::size_t start = pos;
  const std::size_t nl = text.find('\n', pos);
  std::size_t end = nl == std::string_view::npos ? text.size() : nl;
  pos = nl == std::string_view::npos ? text.size() : nl + 1;
  if (end > start && text[end - 1] == '\r') {
    --end;
  }
  return text.substr(start, end - start);
}

bool isHeaderName(std::string_view name) {
  if (name.empty() || name.size() > 128) {
    return false;
  }
  for (char c : name) {
    // RFC 5322 2.2: printable US-ASCII except colon and space.
    if (c < 33 || c > 126 || c == ':') {
      return false;
    }
  }
  return true;
}

bool looksLikeHeaderLine(std::string_view line) {
  const auto colon = line.find(':');
  return colon != std::string_view::npos && isHeaderName(line.substr(0, colon));
}

// Content-Type / Content-Disposition: the value before ';' and its parameters (names lower
// case, quotes removed, RFC 2231 "name*=charset''pct" and "name*0=" continuations joined).
struct HeaderParams {
  std::string value;
  std::vector<std::pair<std::string, std::string>> params;

  std::string get(std::string_view name) const {
    for (const auto& [k, v] : params) {
      if (k == name) {
        return v;
      }
    }
    return {};
  }
};

std::string percentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && cradle::eas::hexDigitValue(s[i + 1]) >= 0 && cradle::eas::hexDigitValue(s[i + 2]) >= 0) {
      out += static_cast<char>(cradle::eas::hexDigitValue(s[i + 1]) * 16 + cradle::eas::hexDigitValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

HeaderParams parseParams(std::string_view text) {
  HeaderParams out;
  std::size_t i = 0;
  auto readToken = [&](bool stopAtEquals) {
    std::string token;
    while (i < text.size() && text[i] != ';' && !(stopAtEquals && text[i] == '=')) {
      if (text[i] == '"') {
        ++i;
        while (i < text.size() && text[i] != '"') {
          if (text[i] == '\\' && i + 1 < text.size()) {
            ++i;
          }
          token += text[i];
          ++i;
        }
        if (i < text.size()) {
          ++i;
        }
      } else {
        token += text[i];
        ++i;
      }
    }
    return std::string(cradle::eas::trimAsciiSpace(token));
  };
  out.value = cradle::eas::asciiLowerCopy(readToken(false));
  // Continuations of RFC 2231 parameters, collected in order of appearance.
  std::vector<std::pair<std::string, std::string>> extended;
  std::vector<std::pair<std::string, bool>> extendedCharset;
  while (i < text.size() && out.params.size() < 64) {
    ++i;  // ';'
    std::string name = cradle::eas::asciiLowerCopy(readToken(true));
    std::string value;
    if (i < text.size() && text[i] == '=') {
      ++i;
      value = readToken(false);
    }
    if (name.empty()) {
      continue;
    }
    const auto star = name.find('*');
    if (star == std::string::npos) {
      out.params.emplace_back(std::move(name), std::move(value));
      continue;
    }
    std::string base = name.substr(0, star);
    const bool encoded = name.back() == '*';
    const bool first = name == base + "*" || name == base + "*0" || name == base + "*0*";
    if (encoded) {
      if (first) {
        // charset'language'text: the charset is applied after joining.
        const auto q1 = value.find('\'');
        const auto q2 = q1 == std::string::npos ? q1 : value.find('\'', q1 + 1);
        std::string charset;
        if (q2 != std::string::npos) {
          charset = cradle::eas::asciiLowerCopy(value.substr(0, q1));
          value = value.substr(q2 + 1);
        }
        extendedCharset.emplace_back(base + "\t" + charset, true);
      }
      value = percentDecode(value);
    }
    bool merged = false;
    for (auto& [k, v] : extended) {
      if (k == base) {
        v += value;
        merged = true;
      }
    }
    if (!merged) {
      extended.emplace_back(base, value);
    }
  }
  for (auto& [k, v] : extended) {
    std::string charset;
    for (const auto& [kc, unused] : extendedCharset) {
      if (kc.rfind(k + "\t", 0) == 0) {
        charset = kc.substr(k.size() + 1);
      }
    }
    // The RFC 2231 form wins over a plain parameter of the same name.
    std::string decoded = toUtf8(v, charset);
    bool replaced = false;
    for (auto& [pk, pv] : out.params) {
      if (pk == k) {
        pv = decoded;
        replaced = true;
      }
    }
    if (!replaced) {
      out.params.emplace_back(k, std::move(decoded));
    }
  }
  return out;
}

// windows-1252 0x80..0x9F (0 where undefined: kept as U+FFFD).
constexpr uint16_t Cp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void parseEntity(std::string_view text, std::size_t depth, const Limits& limits,
                 std::size_t& partCount, Entity& out);

void parseMultipart(std::string_view body, std::string_view boundary, std::size_t depth,
                    const Limits& limits, std::size_t& partCount, Entity& out) {
  const std::string delimiter = "--" + std::string(boundary);
  std::size_t pos = 0;
  std::size_t partStart = std::string_view::npos;
  bool closed = false;
  while (pos < body.size() && !closed) {
    const std::size_t lineStart = pos;
    const std::string_view line = nextLine(body, pos);
    if (line.size() < delimiter.size() || line.compare(0, delimiter.size(), delimiter) != 0) {
      continue;
    }
    const std::string_view rest = cradle::eas::trimAsciiSpace(line.substr(delimiter.size()));
    const bool isClose = rest == "--";
    if (!rest.empty() && !isClose) {
      continue;  // a longer boundary that merely starts with ours
    }
    if (partStart != std::string_view::npos) {
      // The line break before the delimiter belongs to the delimiter (RFC 2046 5.1.1).
      std::size_t end = lineStart;
      if (end > partStart && body[end - 1] == '\n') {
        --end;
        if (end > partStart && body[end - 1] == '\r') {
          --end;
        }
      }
      if (partCount >= limits.maxParts) {
        return;
      }
      Entity child;
      parseEntity(body.substr(partStart, end - partStart), depth + 1, limits, partCount, child);
      out.parts.push_back(std::move(child));
    }
    partStart = pos;
    closed = isClose;
  }
  if (!closed && partStart != std::string_view::npos && partStart < body.size() &&
      partCount < limits.maxParts) {
    // No closing delimiter: the last part runs to the end.
    Entity child;
    parseEntity(body.substr(partStart), depth + 1, limits, partCount, child);
    out.parts.push_back(std::move(child));
  }
}

void parseEntity(std::string_view text, std::size_t depth, const Limits& limits,
                 std::size_t& partCount, Entity& out) {
  ++partCount;
  std::size_t pos = 0;
  std::string_view body;
  {
    std::size_t probe = 0;
    const std::string_view first = nextLine(text, probe);
    if (!looksLikeHeaderLine(first)) {
      // No header block: an entity with default headers. A leading empty line ends an empty
      // header block (RFC 2045 part without headers).
      if (first.empty() && probe <= text.size()) {
        body = text.substr(probe);
      } else {
        body = text;
      }
      pos = std::string_view::npos;
    }
  }
  if (pos != std::string_view::npos) {
    std::size_t headerBytes = 0;
    while (pos < text.size()) {
      const std::string_view line = nextLine(text, pos);
      if (line.empty()) {
        break;
      }
      headerBytes += line.size();
      if (headerBytes > limits.maxHeaderBytes) {
        continue;  // skip the rest of an oversized block
      }
      if ((line.front() == ' ' || line.front() == '\t') && !out.headers.empty()) {
        out.headers.back().second += line;  // RFC 5322 2.2.3 unfolding: drop the CRLF only
        continue;
      }
      const auto colon = line.find(':');
      if (colon == std::string_view::npos || !isHeaderName(line.substr(0, colon)) ||
          out.headers.size() >= limits.maxHeaders) {
        continue;
      }
      out.headers.emplace_back(std::string(line.substr(0, colon)),
                               std::string(cradle::eas::trimAsciiSpace(line.substr(colon + 1))));
    }
    for (auto& h : out.headers) {
      h.second = std::string(cradle::eas::trimAsciiSpace(h.second));
    }
    body = text.substr(std::min(pos, text.size()));
  }

  std::string boundary;
  if (auto ct = out.header("Content-Type")) {
    const HeaderParams p = parseParams(*ct);
    if (p.value.find('/') != std::string::npos && p.value.find(' ') == std::string::npos) {
      out.contentType = p.value;
    }
    out.charset = cradle::eas::asciiLowerCopy(p.get("charset"));
    boundary = p.get("boundary");
    out.fileName = decodeHeader(p.get("name"));
  }
  if (auto cd = out.header("Content-Disposition")) {
    const HeaderParams p = parseParams(*cd);
    out.disposition = p.value;
    if (std::string f = p.get("filename"); !f.empty()) {
      out.fileName = decodeHeader(f);
    }
  }
  if (auto cid = out.header("Content-ID")) {
    std::string_view id = cradle::eas::trimAsciiSpace(*cid);
    if (id.size() >= 2 && id.front() == '<' && id.back() == '>') {
      id = id.substr(1, id.size() - 2);
    }
    out.contentId = std::string(id);
  }
  if (auto cte = out.header("Content-Transfer-Encoding")) {
    out.transferEncoding = cradle::eas::asciiLowerCopy(cradle::eas::trimAsciiSpace(*cte));
  }

  if (out.isMultipart()) {
    if (!boundary.empty() && boundary.size() <= 200 && depth < limits.maxDepth) {
      parseMultipart(body, boundary, depth, limits, partCount, out);
    }
    if (out.parts.empty()) {
      // No usable boundary or no parts: keep the bytes as a plain text body.
      out.contentType = "text/plain";
      out.body = std::string(body);
    }
    return;
  }
  if (out.transferEncoding == "base64") {
    out.body = decodeBase64(body);
  } else if (out.transferEncoding == "quoted-printable") {
    out.body = decodeQuotedPrintable(body);
  } else {
    out.body = std::string(body);
  }
}

bool isAttachmentLeaf(const Entity& e, bool isRoot) {
  if (e.disposition == "attachment") {
    return true;
  }
  if (isRoot) {
    return false;
  }
  return !e.fileName.empty() || e.contentType == "message/rfc822" ||
         e.contentType.rfind("text/", 0) != 0;
}

const Entity* findText(const Entity& e, std::string_view type, bool isRoot) {
  if (e.isMultipart()) {
    for (const Entity& c : e.parts) {
      if (const Entity* f = findText(c, type, false)) {
        return f;
      }
    }
    return nullptr;
  }
  if (e.contentType == type && !isAttachmentLeaf(e, isRoot)) {
    return &e;
  }
  return nullptr;
}

void collectAttachments(const Entity& e, bool isRoot, std::vector<const Entity*>& out) {
  if (e.isMultipart()) {
    for (const Entity& c : e.parts) {
      collectAttachments(c, false, out);
    }
    return;
  }
  if (isAttachmentLeaf(e, isRoot)) {
    out.push_back(&e);
  }
}

}  // namespace

std::optional<std::string> Entity::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (equalsIgnoreCase(k, name)) {
      return v;
    }
  }
  return std::nullopt;
}

Entity parse(std::string_view text, const Limits& limits) {
  if (text.size() > limits.maxBytes) {
    text = text.substr(0, limits.maxBytes);
  }
  Entity root;
  std::size_t partCount = 0;
  parseEntity(text, 0, limits, partCount, root);
  return root;
}

std::string plainText(const Entity& message) {
  if (const Entity* p = findText(message, "text/plain", true)) {
    return toUtf8(p->body, p->charset);
  }
  if (const Entity* h = findText(message, "text/html", true)) {
    return stripTags(toUtf8(h->body, h->charset));
  }
  return {};
}

std::vector<const Entity*> attachments(const Entity& message) {
  std::vector<const Entity*> out;
  collectAttachments(message, true, out);
  return out;
}

std::string decodeQuotedPrintable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '=') {
      out += c;
      continue;
    }
    // RFC 2045 6.7: "=" CRLF is a soft line break (trailing white space tolerated).
    std::size_t j = i + 1;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) {
      ++j;
    }
    if (j < text.size() && (text[j] == '\r' || text[j] == '\n')) {
      if (text[j] == '\r' && j + 1 < text.size() && text[j + 1] == '\n') {
        ++j;
      }
      i = j;
      continue;
    }
    if (j >= text.size()) {
      break;  // "=" at the very end: a soft break before nothing
    }
    if (i + 2 < text.size() && cradle::eas::hexDigitValue(text[i + 1]) >= 0 && cradle::eas::hexDigitValue(text[i + 2]) >= 0) {
      out += static_cast<char>(cradle::eas::hexDigitValue(text[i + 1]) * 16 + cradle::eas::hexDigitValue(text[i + 2]));
      i += 2;
    } else {
      out += c;  // a lone "=": kept literally (RFC 2045 6.7 note 1)
    }
  }
  return out;
}

std::string decodeBase64(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+' || c == '-') {
      v = 62;
    } else if (c == '/' || c == '_') {
      v = 63;
    } else if (c == '=') {
      break;
    } else {
      continue;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::string toUtf8(std::string_view bytes, std::string_view charset) {
  const std::string cs = cradle::eas::asciiLowerCopy(cradle::eas::trimAsciiSpace(charset));
  const bool latin1 = cs == "iso-8859-1" || cs == "iso8859-1" || cs == "latin1" ||
                      cs == "latin-1" || cs == "l1" || cs == "iso_8859-1" || cs == "cp819";
  const bool cp1252 = cs == "windows-1252" || cs == "cp1252";
  std::string out;
  if (latin1 || cp1252) {
    out.reserve(bytes.size() + bytes.size() / 4);
    for (char c : bytes) {
      const auto b = static_cast<unsigned char>(c);
      uint32_t cp = b;
      if (cp1252 && b >= 0x80 && b < 0xA0) {
        cp = Cp1252High[b - 0x80] != 0 ? Cp1252High[b - 0x80] : 0xFFFD;
      }
      appendUtf8(out, cp);
    }
    return out;
  }
  // utf-8, us-ascii and anything unknown: keep valid UTF-8, replace each invalid byte.
  std::string_view rest = bytes;
  while (!rest.empty()) {
    const std::size_t bad = cradle::eas::findInvalidUtf8(rest);
    if (bad == std::string_view::npos) {
      out.append(rest);
      break;
    }
    out.append(rest.substr(0, bad));
    appendUtf8(out, 0xFFFD);
    rest.remove_prefix(bad + 1);
  }
  return out;
}

std::string decodeHeader(std::string_view value) {
  std::string out;
  std::size_t i = 0;
  bool lastWasWord = false;
  std::string pendingSpace;
  while (i < value.size()) {
    if (value.compare(i, 2, "=?") == 0) {
      // =?charset?E?text?=
      const auto q1 = value.find('?', i + 2);
      const auto q2 = q1 == std::string_view::npos ? q1 : value.find('?', q1 + 1);
      const auto end = q2 == std::string_view::npos ? q2 : value.find("?=", q2 + 1);
      if (end != std::string_view::npos && q2 == q1 + 2 && end - i <= 1024) {
        std::string charset = cradle::eas::asciiLowerCopy(value.substr(i + 2, q1 - i - 2));
        if (const auto star = charset.find('*'); star != std::string::npos) {
          charset.resize(star);  // RFC 2231 language suffix
        }
        const char enc = asciiLower(value[q1 + 1]);
        const std::string_view payload = value.substr(q2 + 1, end - q2 - 1);
        std::string raw;
        bool known = true;
        if (enc == 'b') {
          raw = decodeBase64(payload);
        } else if (enc == 'q') {
          for (std::size_t k = 0; k < payload.size(); ++k) {
            if (payload[k] == '_') {
              raw += ' ';
            } else if (payload[k] == '=' && k + 2 < payload.size() &&
                       cradle::eas::hexDigitValue(payload[k + 1]) >= 0 && cradle::eas::hexDigitValue(payload[k + 2]) >= 0) {
              raw += static_cast<char>(cradle::eas::hexDigitValue(payload[k + 1]) * 16 + cradle::eas::hexDigitValue(payload[k + 2]));
              k += 2;
            } else {
              raw += payload[k];
            }
          }
        } else {
          known = false;
        }
        if (known) {
          // RFC 2047 6.2: white space between adjacent encoded words is dropped.
          if (!lastWasWord) {
            out += pendingSpace;
          }
          pendingSpace.clear();
          out += toUtf8(raw, charset);
          lastWasWord = true;
          i = end + 2;
          continue;
        }
      }
    }
    const char c = value[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pendingSpace += c;
      ++i;
      continue;
    }
    out += pendingSpace;
    pendingSpace.clear();
    lastWasWord = false;
    // Plain text: raw 8-bit bytes in a header are taken as UTF-8 (replaced when invalid).
    const std::size_t next = value.find_first_of(" \t\r\n=", i + 1);
    const std::size_t stop = next == std::string_view::npos ? value.size() : next;
    out += toUtf8(value.substr(i, stop - i), "utf-8");
    i = stop;
  }
  out += pendingSpace;
  return out;
}

std::vector<std::string> displayNames(std::string_view addressList) {
  // Split at commas outside quotes and angle brackets.
  std::vector<std::string> out;
  std::string current;
  bool quoted = false;
  int angle = 0;
  auto flush = [&]() {
    std::string_view entry = cradle::eas::trimAsciiSpace(current);
    if (!entry.empty()) {
      std::string name;
      const auto lt = entry.find('<');
      if (lt != std::string_view::npos) {
        name = std::string(cradle::eas::trimAsciiSpace(entry.substr(0, lt)));
        if (name.empty()) {
          const auto gt = entry.find('>', lt);
          name = std::string(cradle::eas::trimAsciiSpace(entry.substr(
              lt + 1, gt == std::string_view::npos ? std::string_view::npos : gt - lt - 1)));
        }
      } else {
        name = std::string(entry);
      }
      if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
        name = name.substr(1, name.size() - 2);
      }
      name = decodeHeader(name);
      if (!name.empty() && out.size() < 1000) {
        out.push_back(std::move(name));
      }
    }
    current.clear();
  };
  for (char c : addressList) {
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == '<') {
      ++angle;
    } else if (!quoted && c == '>' && angle > 0) {
      --angle;
    } else if (!quoted && angle == 0 && (c == ',' || c == ';')) {
      flush();
      continue;
    }
    current += c;
  }
  flush();
  return out;
}

std::string stripTags(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      const auto close = html.find('>', i);
      if (close == std::string_view::npos) {
        break;
      }
      const std::string tag = cradle::eas::asciiLowerCopy(html.substr(i + 1, close - i - 1));
      i = close + 1;
      if (tag.rfind("script", 0) == 0 || tag.rfind("style", 0) == 0) {
        const std::string endTag = tag.rfind("script", 0) == 0 ? "</script" : "</style";
        std::size_t k = i;
        std::size_t found = std::string_view::npos;
        while (k < html.size()) {
          const auto lt = html.find('<', k);
          if (lt == std::string_view::npos) {
            break;
          }
          if (cradle::eas::asciiLowerCopy(html.substr(lt, endTag.size())) == endTag) {
            found = lt;
            break;
          }
          k = lt + 1;
        }
        if (found == std::string_view::npos) {
          break;
        }
        const auto gt = html.find('>', found);
        i = gt == std::string_view::npos ? html.size() : gt + 1;
        continue;
      }
      if (tag.rfind("br", 0) == 0 || tag == "/p" || tag == "/div" || tag == "/tr" || tag == "/li" ||
          tag.rfind("/h", 0) == 0) {
        out += "\r\n";
      }
      continue;
    }
    if (c == '&') {
      static const std::pair<std::string_view, std::string_view> Entities[] = {
          {"&amp;", "&"}, {"&lt;", "<"},   {"&gt;", ">"},  {"&quot;", "\""},
          {"&#39;", "'"}, {"&nbsp;", " "}, {"&apos;", "'"}};
      bool done = false;
      for (const auto& [name, text] : Entities) {
        if (html.compare(i, name.size(), name) == 0) {
          out += text;
          i += name.size();
          done = true;
          break;
        }
      }
      if (done) {
        continue;
      }
    }
    out += c;
    ++i;
  }
  // Collapse the white-space runs HTML source is full of (line breaks kept).
  std::string collapsed;
  collapsed.reserve(out.size());
  for (char c : out) {
    if ((c == ' ' || c == '\t') && !collapsed.empty() &&
        (collapsed.back() == ' ' || collapsed.back() == '\n')) {
      continue;
    }
    if (c == '\n' && !collapsed.empty() && collapsed.back() == ' ') {
      collapsed.pop_back();
    }
    collapsed += c == '\t' ? ' ' : c;
  }
  return std::string(cradle::eas::trimAsciiSpace(collapsed));
}

std::string encodeQuotedPrintable(std::string_view bytes) {
  static constexpr char Digits[] = "0123456789ABCDEF";
  std::string out;
  std::size_t lineLength = 0;
  auto emit = [&](std::string_view piece) {
    if (lineLength + piece.size() > 75) {
      out += "=\r\n";  // RFC 2045 6.7 rule 5: lines of at most 76 characters
      lineLength = 0;
    }
    out += piece;
    lineLength += piece.size();
  };
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    if (b == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') {
      continue;
    }
    if (b == '\n') {
      // Trailing white space before a line break must be encoded (rule 3).
      if (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
        const auto ws = static_cast<unsigned char>(out.back());
        out.pop_back();
        const char enc[3] = {'=', Digits[ws >> 4], Digits[ws & 0x0F]};
        out += std::string_view(enc, 3);
      }
      out += "\r\n";
      lineLength = 0;
      continue;
    }
    if ((b >= 33 && b <= 126 && b != '=') || b == ' ' || b == '\t') {
      const char ch = static_cast<char>(b);
      emit(std::string_view(&ch, 1));
    } else {
      const char enc[3] = {'=', Digits[b >> 4], Digits[b & 0x0F]};
      emit(std::string_view(enc, 3));
    }
  }
  if (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
    const auto ws = static_cast<unsigned char>(out.back());
    out.pop_back();
    const char enc[3] = {'=', Digits[ws >> 4], Digits[ws & 0x0F]};
    out += std::string_view(enc, 3);
  }
  return out;
}

std::string encodeHeader(std::string_view utf8) {
  bool plain = true;
  for (char c : utf8) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 32 || b > 126) {
      plain = false;
      break;
    }
  }
  if (plain && utf8.find("=?") == std::string_view::npos) {
    return std::string(utf8);
  }
  // RFC 2047 2: an encoded word is at most 75 characters; split between UTF-8 sequences so
  // each word decodes on its own (6.3).
  const std::string valid = toUtf8(utf8, "utf-8");
  std::string out;
  std::size_t i = 0;
  while (i < valid.size()) {
    std::size_t n = std::min<std::size_t>(45, valid.size() - i);
    while (i + n < valid.size() && (static_cast<unsigned char>(valid[i + n]) & 0xC0) == 0x80) {
      --n;
    }
    std::string word;
    for (std::size_t k = i; k < i + n; ++k) {
      if (valid[k] == '\r' || valid[k] == '\n') {
        word += ' ';
      } else {
        word += valid[k];
      }
    }
    if (!out.empty()) {
      out += "\r\n ";
    }
    out += "=?utf-8?B?" + cradle::eas::base64Encode(word) + "?=";
    i += n;
  }
  return out;
}

std::string formatDate(int64_t unixMillis) {
  static constexpr const char* Days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* Months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto seconds = static_cast<std::time_t>(unixMillis / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", Days[tm.tm_wday % 7],
                tm.tm_mday, Months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

}  // namespace mapisim::mime

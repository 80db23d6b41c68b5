// XML text form of EAS documents: a printer in wbxml2xml's dialect and a small strict XML reader.
#include "eas/wbxml/xml_text.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "eas/ascii.h"
#include "eas/base64.h"
#include "eas/utf8.h"

namespace cradle::eas {
namespace {

// What `wbxml2xml -l ACTIVESYNC` writes before the root element (libwbxml's ActiveSync public id).
constexpr std::string_view XmlDeclaration = "<?xml version=\"1.0\"?>";
constexpr std::string_view Doctype =
    "<!DOCTYPE ActiveSync PUBLIC \"-//MICROSOFT//DTD ActiveSync//EN\" "
    "\"http://www.microsoft.com/\">";

constexpr char HexDigits[] = "0123456789ABCDEF";

bool isXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool allXmlSpace(std::string_view s) {
  for (char c : s) {
    if (!isXmlSpace(c)) {
      return false;
    }
  }
  return true;
}

std::string hexByte(uint8_t b) {
  return std::string{'0', 'x', HexDigits[b >> 4], HexDigits[b & 15]};
}

// A piece of untrusted input fit for a one-line error detail: short, no control characters.
std::string clip(std::string_view s) {
  constexpr std::size_t Max = 40;
  std::size_t n = std::min(s.size(), Max);
  while (n < s.size() && n > 0 && (static_cast<uint8_t>(s[n]) & 0xC0) == 0x80) {
    --n;  // do not cut a UTF-8 sequence
  }
  std::string out;
  for (char c : s.substr(0, n)) {
    out += static_cast<uint8_t>(c) < 0x20 ? '?' : c;
  }
  if (n < s.size()) {
    out += "...";
  }
  return out;
}

std::string quote(std::string_view s) { return "'" + clip(s) + "'"; }

// ---------------------------------------------------------------------------------------------
// Printing

void appendCharRef(std::string& out, uint8_t c) {
  out += "&#x";
  if (c >= 16) {
    out += HexDigits[c >> 4];
  }
  out += HexDigits[c & 15];
  out += ';';
}

void appendEscaped(std::string& out, std::string_view text) {
  if (allXmlSpace(text)) {
    // Literal white-space-only text is ignorable to the reader; references are not.
    for (char c : text) {
      appendCharRef(out, static_cast<uint8_t>(c));
    }
    return;
  }
  std::size_t plain = 0;  // start of the run not yet copied
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<uint8_t>(text[i]);
    std::string_view entity;
    switch (c) {
      case '&':
        entity = "&amp;";
        break;
      case '<':
        entity = "&lt;";
        break;
      case '>':
        entity = "&gt;";
        break;
      case '"':
        entity = "&quot;";
        break;
      case '\'':
        entity = "&apos;";
        break;
      default:
        if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
          continue;
        }
        break;
    }
    out.append(text.substr(plain, i - plain));
    if (entity.empty()) {
      appendCharRef(out, c);
    } else {
      out.append(entity);
    }
    plain = i + 1;
  }
  out.append(text.substr(plain));
}

// Content prints as text when it can be XML text: UTF-8 without NUL (else as base64).
bool printableAsText(std::string_view bytes) {
  for (char c : bytes) {
    if (c == '\0') {
      return false;
    }
  }
  return findInvalidUtf8(bytes) == std::string_view::npos;
}

class Printer {
 public:
  Printer(std::string& out, const XmlOptions& options) : out_(out), options_(options) {}

  void print(Element root) {
    // Iterative walk: a hand-built document may nest deeper than the stack would like.
    struct Frame {
      Element element;
      uint8_t page;
    };
    std::vector<Frame> open;
    Element e = root;
    int parentPage = -1;  // the root always declares its namespace
    for (;;) {
      const Tag tag = e.tag();
      indent(open.size());
      out_ += '<';
      appendName(tag);
      if (static_cast<int>(tag.page()) != parentPage) {
        out_ += " xmlns=\"";
        appendNamespace(tag.page());
        out_ += ":\"";
      }
      const Element child = e.firstChild();
      const std::string_view text = e.text();
      if (!child && text.empty()) {
        out_ += "/>";
        newline();
      } else {
        out_ += '>';
        appendContent(e, text);
        if (child) {
          newline();
          open.push_back(Frame{e, tag.page()});
          parentPage = tag.page();
          e = child;
          continue;
        }
        closeTag(tag);
      }
      // Climb until an element has a next sibling.
      for (;;) {
        if (open.empty()) {
          return;
        }
        if (Element next = e.nextSibling()) {
          e = next;
          break;
        }
        e = open.back().element;
        open.pop_back();
        parentPage = open.empty() ? -1 : open.back().page;
        indent(open.size());
        closeTag(e.tag());
      }
    }
  }

 private:
  void indent(std::size_t depth) {
    if (options_.indent) {
      out_.append(2 * depth, ' ');
    }
  }
  void newline() {
    if (options_.indent) {
      out_ += '\n';
    }
  }

  void closeTag(Tag tag) {
    out_ += "</";
    appendName(tag);
    out_ += '>';
    newline();
  }

  void appendName(Tag tag) {
    if (const TagInfo* info = tagInfo(tag)) {
      out_.append(options_.libwbxmlNames && !info->alias.empty() ? info->alias : info->name);
      return;
    }
    // Only a hand-built document can hold an undefined tag; print something no reader accepts.
    out_ += "Undefined-";
    out_ += hexByte(tag.token());
  }

  void appendNamespace(uint8_t page) {
    std::string_view ns = codePageNamespace(page);
    if (ns.empty()) {
      out_ += "UndefinedPage";
      out_ += std::to_string(page);
    } else {
      out_.append(ns);
    }
  }

  void appendContent(Element e, std::string_view text) {
    if (text.empty()) {
      return;
    }
    const TagInfo* info = tagInfo(e.tag());
    // libwbxml prints its binary elements (our EAS_OPAQUE ones) as base64, whatever the token.
    if ((info != nullptr && info->opaque) || !printableAsText(text)) {
      out_ += base64Encode(text);
      return;
    }
    appendEscaped(out_, text);
  }

  std::string& out_;
  const XmlOptions& options_;
};

// ---------------------------------------------------------------------------------------------
// Reading

bool isNameStart(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u == ':' || u >= 0x80;
}
bool isNameChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return isNameStart(c) || (u >= '0' && u <= '9') || u == '-' || u == '.';
}

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

class XmlReader {
 public:
  XmlReader(std::string_view in, const XmlReadOptions& options) : in_(in), options_(options) {}

  Result<Document> run() {
    const Limits& limits = options_.limits;
    if (in_.size() > limits.maxDocumentBytes) {
      return makeError(ErrorCode::TooLarge, limits.maxDocumentBytes,
                       "XML text of " + std::to_string(in_.size()) +
                           " bytes exceeds the limit of " +
                           std::to_string(limits.maxDocumentBytes));
    }
    if (std::size_t bad = findInvalidUtf8(in_); bad != std::string_view::npos) {
      return makeError(ErrorCode::BadText, bad, "XML text is not valid UTF-8");
    }
    for (std::size_t i = 0; i < in_.size(); ++i) {
      const auto c = static_cast<uint8_t>(in_[i]);
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        return makeError(ErrorCode::BadText, i,
                         "control character " + hexByte(c) + " (write it as &#x" +
                             std::string(1, HexDigits[c >> 4]) + HexDigits[c & 15] + ";)");
      }
    }
    doc_ = Document();
    if (in_.substr(0, 3) == "\xEF\xBB\xBF") {
      pos_ = 3;  // a UTF-8 byte order mark
    }
    if (startsWith("<?xml") && pos_ + 5 < in_.size() && isXmlSpace(in_[pos_ + 5])) {
      if (!xmlDeclaration()) {
        return takeError();
      }
    }
    if (!prolog() || !elementTree() || !epilog()) {
      return takeError();
    }
    return std::move(doc_);
  }

 private:
  struct Open {
    uint32_t node = 0;
    std::size_t at = 0;        // offset of '<'
    std::string_view qname;    // as written, to match the end tag
    uint8_t defaultPage = 0;   // code page of unprefixed names inside this element
    bool binary = false;       // EAS_OPAQUE: text is base64
    bool cdata = false;        // a CDATA section contributed to the content
    bool significant = false;  // content other than literal white space
    std::size_t bindings = 0;  // prefixes_.size() before this element's declarations
    std::size_t textMark = 0;  // text_.size() when the element opened
    std::size_t textAt = 0;    // offset just after the start tag
  };

  // ---- small helpers ----
  bool fail(ErrorCode code, std::size_t at, std::string detail) {
    if (!error_) {
      error_ = makeError(code, at, std::move(detail));
    }
    return false;
  }
  Error takeError() { return std::move(*error_); }
  bool syntax(std::size_t at, std::string detail) {
    return fail(ErrorCode::XmlSyntax, at, std::move(detail));
  }

  bool atEnd() const { return pos_ >= in_.size(); }
  bool startsWith(std::string_view s) const { return in_.substr(pos_, s.size()) == s; }
  bool skipSpace() {
    const std::size_t start = pos_;
    while (pos_ < in_.size() && isXmlSpace(in_[pos_])) {
      ++pos_;
    }
    return pos_ != start;
  }
  std::string_view name() {
    const std::size_t start = pos_;
    if (pos_ < in_.size() && isNameStart(in_[pos_])) {
      ++pos_;
      while (pos_ < in_.size() && isNameChar(in_[pos_])) {
        ++pos_;
      }
    }
    return in_.substr(start, pos_ - start);
  }
  bool expect(char c, const char* what) {
    if (atEnd() || in_[pos_] != c) {
      return syntax(pos_, std::string("expected ") + what);
    }
    ++pos_;
    return true;
  }

  // ---- prolog and epilog ----
  // XML 1.0 [23]: version, then optional encoding (UTF-8 only here) and standalone.
  bool xmlDeclaration() {
    const std::size_t start = pos_;
    pos_ += 5;
    int field = 0;  // 0 version, 1 encoding, 2 standalone: each at most once, in this order
    for (;;) {
      const bool spaced = skipSpace();
      if (startsWith("?>")) {
        if (field == 0) {
          return syntax(pos_, "XML declaration without a version");
        }
        pos_ += 2;
        return true;
      }
      if (atEnd()) {
        return syntax(start, "unterminated XML declaration");
      }
      if (!spaced) {
        return syntax(pos_, "expected white space in the XML declaration");
      }
      const std::size_t at = pos_;
      const std::string_view key = name();
      skipSpace();
      if (!expect('=', "'=' in the XML declaration")) {
        return false;
      }
      skipSpace();
      std::string_view value;
      if (!quoted(value)) {
        return false;
      }
      if (key == "version" && field == 0) {
        if (value.size() < 3 || value.substr(0, 2) != "1." ||
            value.find_first_not_of("0123456789", 2) != std::string_view::npos) {
          return syntax(at, "XML version " + quote(value) + " is not 1.x");
        }
        field = 1;
      } else if (key == "encoding" && field == 1) {
        if (!equalsIgnoreCase(value, "UTF-8") && !equalsIgnoreCase(value, "UTF8")) {
          return syntax(at, "encoding " + quote(value) + " (only UTF-8 is read)");
        }
        field = 2;
      } else if (key == "standalone" && field >= 1 && field <= 2) {
        if (value != "yes" && value != "no") {
          return syntax(at, "standalone must be yes or no");
        }
        field = 3;
      } else {
        return syntax(at, "unexpected " + quote(key) + " in the XML declaration");
      }
    }
  }

  // A quoted literal without references (XML declaration and DOCTYPE).
  bool quoted(std::string_view& value) {
    if (atEnd() || (in_[pos_] != '"' && in_[pos_] != '\'')) {
      return syntax(pos_, "expected a quoted value");
    }
    const char q = in_[pos_];
    const std::size_t end = in_.find(q, pos_ + 1);
    if (end == std::string_view::npos) {
      return syntax(pos_, "unterminated quoted value");
    }
    value = in_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return true;
  }

  bool comment() {
    const std::size_t start = pos_;
    const std::size_t dashes = in_.find("--", pos_ + 4);
    if (dashes == std::string_view::npos) {
      return syntax(start, "unterminated comment");
    }
    if (dashes + 2 >= in_.size() || in_[dashes + 2] != '>') {
      return syntax(dashes, "'--' inside a comment");
    }
    pos_ = dashes + 3;
    return true;
  }

  bool processingInstruction() {
    const std::size_t start = pos_;
    pos_ += 2;
    const std::string_view target = name();
    if (target.empty()) {
      return syntax(pos_, "expected a processing instruction target");
    }
    if (equalsIgnoreCase(target, "xml")) {
      return syntax(start, "XML declaration not at the start of the text");
    }
    const std::size_t end = in_.find("?>", pos_);
    if (end == std::string_view::npos) {
      return syntax(start, "unterminated processing instruction");
    }
    if (end != pos_ && !isXmlSpace(in_[pos_])) {
      return syntax(pos_, "expected white space after the processing instruction target");
    }
    pos_ = end + 2;
    return true;
  }

  // Skipped whole: quoted literals and an internal subset in brackets may contain '>'.
  bool doctype() {
    const std::size_t start = pos_;
    pos_ += 9;
    if (!skipSpace()) {
      return syntax(pos_, "expected white space after <!DOCTYPE");
    }
    int depth = 0;
    while (!atEnd()) {
      const char c = in_[pos_];
      if (c == '"' || c == '\'') {
        std::string_view ignored;
        if (!quoted(ignored)) {
          return false;
        }
        continue;
      }
      ++pos_;
      if (c == '[') {
        ++depth;
      } else if (c == ']') {
        --depth;
      } else if (c == '>' && depth <= 0) {
        return true;
      }
    }
    return syntax(start, "unterminated DOCTYPE");
  }

  bool prolog() {
    bool doctypeSeen = false;
    for (;;) {
      skipSpace();
      if (atEnd()) {
        return syntax(pos_, "no root element");
      }
      if (startsWith("<!--")) {
        if (!comment()) {
          return false;
        }
      } else if (startsWith("<?")) {
        if (!processingInstruction()) {
          return false;
        }
      } else if (startsWith("<!DOCTYPE")) {
        if (doctypeSeen) {
          return syntax(pos_, "a second DOCTYPE");
        }
        doctypeSeen = true;
        if (!doctype()) {
          return false;
        }
      } else if (in_[pos_] == '<' && pos_ + 1 < in_.size() && isNameStart(in_[pos_ + 1])) {
        return true;
      } else {
        return syntax(pos_, "expected the root element");
      }
    }
  }

  bool epilog() {
    for (;;) {
      skipSpace();
      if (atEnd()) {
        return true;
      }
      if (startsWith("<!--")) {
        if (!comment()) {
          return false;
        }
      } else if (startsWith("<?")) {
        if (!processingInstruction()) {
          return false;
        }
      } else {
        return syntax(pos_, "content after the root element");
      }
    }
  }

  // ---- elements ----
  bool elementTree() {
    if (!startTag()) {
      return false;
    }
    while (!open_.empty()) {
      if (atEnd()) {
        return syntax(pos_, "input ends inside <" + clip(open_.back().qname) + ">");
      }
      const char c = in_[pos_];
      if (c == '<') {
        bool ok;
        if (startsWith("</")) {
          ok = endTag();
        } else if (startsWith("<!--")) {
          ok = comment();
        } else if (startsWith("<![CDATA[")) {
          ok = cdataSection();
        } else if (startsWith("<?")) {
          ok = processingInstruction();
        } else if (startsWith("<!")) {
          ok = syntax(pos_, "markup declaration inside an element");
        } else {
          ok = startTag();
        }
        if (!ok) {
          return false;
        }
      } else if (c == '&') {
        if (!reference()) {
          return false;
        }
      } else {
        if (!charData()) {
          return false;
        }
      }
    }
    return true;
  }

  std::optional<uint8_t> namespacePage(std::string_view value, std::size_t at) {
    std::optional<uint8_t> page = findCodePage(value);
    if (!page) {
      fail(ErrorCode::UnknownNamespace, at, "namespace " + quote(value) + " is no EAS code page");
    }
    return page;
  }

  bool startTag() {
    const std::size_t at = pos_;
    ++pos_;
    const std::string_view qname = name();
    if (qname.empty()) {
      return syntax(pos_, "expected an element name");
    }
    const std::size_t bindingsMark = prefixes_.size();
    std::optional<uint8_t> defaultPage;
    bool selfClosing = false;
    for (;;) {
      const bool spaced = skipSpace();
      if (atEnd()) {
        return syntax(at, "input ends inside the start tag <" + clip(qname) + ">");
      }
      if (in_[pos_] == '>') {
        ++pos_;
        break;
      }
      if (startsWith("/>")) {
        pos_ += 2;
        selfClosing = true;
        break;
      }
      if (!spaced) {
        return syntax(pos_, "expected white space, '>' or '/>'");
      }
      const std::size_t attrAt = pos_;
      const std::string_view attr = name();
      if (attr.empty()) {
        return syntax(pos_, "expected an attribute name");
      }
      skipSpace();
      if (!expect('=', "'=' after the attribute name")) {
        return false;
      }
      skipSpace();
      const std::size_t valueAt = pos_ + 1;
      if (!attributeValue()) {
        return false;
      }
      if (attr == "xmlns") {
        if (defaultPage) {
          return syntax(attrAt, "duplicate attribute xmlns");
        }
        defaultPage = namespacePage(scratch_, valueAt);
        if (!defaultPage) {
          return false;
        }
      } else if (attr.substr(0, 6) == "xmlns:") {
        const std::string_view prefix = attr.substr(6);
        if (prefix.empty() || prefix.find(':') != std::string_view::npos || prefix == "xml" ||
            prefix == "xmlns") {
          return syntax(attrAt, "bad namespace prefix " + quote(prefix));
        }
        for (std::size_t i = bindingsMark; i < prefixes_.size(); ++i) {
          if (prefixes_[i].first == prefix) {
            return syntax(attrAt, "duplicate attribute " + clip(attr));
          }
        }
        const std::optional<uint8_t> page = namespacePage(scratch_, valueAt);
        if (!page) {
          return false;
        }
        prefixes_.emplace_back(prefix, *page);
      } else {
        return fail(ErrorCode::Attributes, attrAt,
                    "attribute " + quote(attr) +
                        " (EAS elements have no attributes, only xmlns declarations)");
      }
    }

    // Resolve the name: prefix through the bindings in scope, else the default namespace.
    std::string_view local = qname;
    uint8_t page = 0;  // no namespace in scope: AirSync, the page WBXML starts on
    if (!open_.empty()) {
      page = open_.back().defaultPage;
    }
    if (defaultPage) {
      page = *defaultPage;
    }
    const uint8_t childDefault = page;
    if (const std::size_t colon = qname.find(':'); colon != std::string_view::npos) {
      const std::string_view prefix = qname.substr(0, colon);
      local = qname.substr(colon + 1);
      if (prefix.empty() || local.empty() || local.find(':') != std::string_view::npos) {
        return syntax(at + 1, "bad qualified name " + quote(qname));
      }
      bool found = false;
      for (std::size_t i = prefixes_.size(); i-- > 0;) {
        if (prefixes_[i].first == prefix) {
          page = prefixes_[i].second;
          found = true;
          break;
        }
      }
      if (!found) {
        return fail(ErrorCode::UnknownNamespace, at + 1,
                    "namespace prefix " + quote(prefix) + " is not declared");
      }
    }
    const std::optional<Tag> tag = findTag(page, local);
    if (!tag) {
      return fail(ErrorCode::UnknownElement, at + 1,
                  "element " + quote(local) + " is not defined on code page " +
                      std::to_string(page) + " (" + std::string(codePageNamespace(page)) + ")");
    }

    const Limits& limits = options_.limits;
    if (open_.size() + 1 > limits.maxDepth) {
      return fail(ErrorCode::TooDeep, at, "nesting deeper than " + std::to_string(limits.maxDepth));
    }
    if (++elements_ > limits.maxElements) {
      return fail(ErrorCode::TooLarge, at,
                  "more than " + std::to_string(limits.maxElements) + " elements");
    }
    uint32_t parent = Document::None;
    if (!open_.empty()) {
      if (!flushBase64()) {
        return false;
      }
      parent = open_.back().node;
    }
    const uint32_t node = doc_.addElement(parent, *tag);
    if (selfClosing) {
      doc_.setEmpty(node, true);
      prefixes_.resize(bindingsMark);
      return true;
    }
    Open o;
    o.node = node;
    o.at = at;
    o.qname = qname;
    o.defaultPage = childDefault;
    const TagInfo* info = tagInfo(*tag);
    o.binary = info != nullptr && info->opaque;
    o.bindings = bindingsMark;
    o.textMark = text_.size();
    o.textAt = pos_;
    open_.push_back(o);
    return true;
  }

  bool endTag() {
    const std::size_t at = pos_;
    pos_ += 2;
    const std::string_view qname = name();
    if (qname.empty()) {
      return syntax(pos_, "expected an element name");
    }
    skipSpace();
    if (!expect('>', "'>' closing the end tag")) {
      return false;
    }
    Open& o = open_.back();
    if (qname != o.qname) {
      return syntax(at, "end tag </" + clip(qname) + "> does not match <" + clip(o.qname) +
                            "> at byte " + std::to_string(o.at));
    }
    if (!flushBase64()) {
      return false;
    }
    std::string_view content = std::string_view(text_).substr(o.textMark);
    if (!o.binary) {
      if (!o.significant) {
        content = {};  // literal white space only: indentation, ignorable
      } else if (options_.trimText) {
        while (!content.empty() && isXmlSpace(content.front())) {
          content.remove_prefix(1);
        }
        while (!content.empty() && isXmlSpace(content.back())) {
          content.remove_suffix(1);
        }
      }
    }
    if (content.size() > options_.limits.maxStringBytes) {
      return fail(ErrorCode::TooLarge, o.textAt,
                  "text of " + std::to_string(content.size()) + " bytes exceeds the limit of " +
                      std::to_string(options_.limits.maxStringBytes));
    }
    if (!content.empty()) {
      doc_.appendText(o.node, content, o.binary || o.cdata);
    }
    text_.resize(o.textMark);
    prefixes_.resize(o.bindings);
    open_.pop_back();
    return true;
  }

  // Attribute value into scratch_, references resolved (XML 1.0 [10]; no '<').
  bool attributeValue() {
    if (atEnd() || (in_[pos_] != '"' && in_[pos_] != '\'')) {
      return syntax(pos_, "expected a quoted attribute value");
    }
    const std::size_t start = pos_;
    const char q = in_[pos_++];
    scratch_.clear();
    for (;;) {
      if (atEnd()) {
        return syntax(start, "unterminated attribute value");
      }
      const char c = in_[pos_];
      if (c == q) {
        ++pos_;
        return true;
      }
      if (c == '<') {
        return syntax(pos_, "'<' in an attribute value");
      }
      if (c == '&') {
        if (!referenceInto(scratch_)) {
          return false;
        }
        continue;
      }
      scratch_ += c;
      ++pos_;
    }
  }

  // The text buffer that character data of the innermost element goes to.
  std::string& sink() { return open_.back().binary ? base64_ : text_; }

  bool charData() {
    const std::size_t start = pos_;
    while (pos_ < in_.size() && in_[pos_] != '<' && in_[pos_] != '&') {
      ++pos_;
    }
    const std::string_view run = in_.substr(start, pos_ - start);
    if (const std::size_t bad = run.find("]]>"); bad != std::string_view::npos) {
      return syntax(start + bad, "']]>' in text");
    }
    Open& o = open_.back();
    if (o.binary && base64_.empty()) {
      base64At_ = start;
    }
    sink().append(run);
    if (!o.significant && !allXmlSpace(run)) {
      o.significant = true;
    }
    return true;
  }

  bool reference() {
    Open& o = open_.back();
    if (o.binary && base64_.empty()) {
      base64At_ = pos_;
    }
    o.significant = true;  // a reference is never ignorable white space
    return referenceInto(sink());
  }

  // XML 1.0 [66], [68]: the five predefined entities and character references.
  bool referenceInto(std::string& out) {
    const std::size_t at = pos_;
    const std::size_t semi = in_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 32) {
      return syntax(at, "'&' that starts no reference (write &amp;)");
    }
    const std::string_view ref = in_.substr(pos_ + 1, semi - pos_ - 1);
    pos_ = semi + 1;
    if (ref == "amp") {
      out += '&';
    } else if (ref == "lt") {
      out += '<';
    } else if (ref == "gt") {
      out += '>';
    } else if (ref == "quot") {
      out += '"';
    } else if (ref == "apos") {
      out += '\'';
    } else if (!ref.empty() && ref[0] == '#') {
      const bool hex = ref.size() > 1 && ref[1] == 'x';
      const std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty()) {
        return syntax(at, "empty character reference");
      }
      uint32_t cp = 0;
      for (char d : digits) {
        uint32_t v;
        if (d >= '0' && d <= '9') {
          v = static_cast<uint32_t>(d - '0');
        } else if (hex && d >= 'a' && d <= 'f') {
          v = static_cast<uint32_t>(d - 'a' + 10);
        } else if (hex && d >= 'A' && d <= 'F') {
          v = static_cast<uint32_t>(d - 'A' + 10);
        } else {
          return syntax(at, "bad character reference &" + clip(ref) + ";");
        }
        cp = cp * (hex ? 16 : 10) + v;
        if (cp > 0x10FFFF) {
          return fail(ErrorCode::BadText, at, "character reference beyond U+10FFFF");
        }
      }
      // C0 controls are accepted (toXml writes them so); NUL and surrogates never.
      if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) {
        return fail(ErrorCode::BadText, at,
                    "character reference &" + clip(ref) + "; names no character");
      }
      appendUtf8(out, cp);
    } else {
      return syntax(at, "unknown entity &" + clip(ref) +
                            "; (EAS text uses only the "
                            "predefined ones)");
    }
    return true;
  }

  bool cdataSection() {
    const std::size_t start = pos_;
    const std::size_t end = in_.find("]]>", pos_ + 9);
    if (end == std::string_view::npos) {
      return syntax(start, "unterminated CDATA section");
    }
    Open& o = open_.back();
    if (!flushBase64()) {
      return false;  // CDATA in a binary element is raw bytes, not base64
    }
    text_.append(in_.substr(pos_ + 9, end - pos_ - 9));
    o.cdata = true;
    o.significant = true;
    pos_ = end + 3;
    return true;
  }

  // Decodes the pending base64 text of the innermost (binary) element into its content.
  bool flushBase64() {
    if (base64_.empty()) {
      return true;
    }
    // White space is skipped, and missing '=' padding is tolerated, as xml2wbxml does.
    std::string& compact = scratch_;
    compact.clear();
    for (char c : base64_) {
      if (!isXmlSpace(c)) {
        compact += c;
      }
    }
    base64_.clear();
    if (compact.size() % 4 == 2) {
      compact += "==";
    } else if (compact.size() % 4 == 3) {
      compact += '=';
    }
    std::optional<std::string> bytes = base64Decode(compact);
    if (!bytes) {
      return fail(ErrorCode::BadText, base64At_, "text of a binary element is not base64");
    }
    text_.append(*bytes);
    return true;
  }

  std::string_view in_;
  const XmlReadOptions& options_;
  std::size_t pos_ = 0;
  Document doc_;
  std::vector<Open> open_;
  std::vector<std::pair<std::string_view, uint8_t>> prefixes_;  // xmlns:prefix bindings in scope
  std::string text_;    // content of the open elements, innermost last
  std::string base64_;  // base64 text of the innermost element not decoded yet
  std::size_t base64At_ = 0;
  std::string scratch_;
  uint32_t elements_ = 0;
  std::optional<Error> error_;
};

}  // namespace

std::string toXml(const Document& doc, const XmlOptions& options) {
  std::string out;
  if (options.declaration) {
    out.append(XmlDeclaration);
    if (options.indent) {
      out += '\n';
    }
    out.append(Doctype);
    if (options.indent) {
      out += '\n';
    }
  }
  if (Element root = doc.root()) {
    Printer(out, options).print(root);
  }
  return out;
}

Result<Document> fromXml(std::string_view xml, const XmlReadOptions& options) {
  return XmlReader(xml, options).run();
}

Result<Document> fromXml(std::string_view xml, const Limits& limits) {
  XmlReadOptions options;
  options.limits = limits;
  return XmlReader(xml, options).run();
}

}  // namespace cradle::eas

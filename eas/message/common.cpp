// Helpers shared by the typed commands.
#include "eas/message/common.h"

namespace cradle::eas {

std::string qualifiedName(Tag tag) {
  std::string out(codePageNamespace(tag.page()));
  out += ':';
  std::string_view name = tagName(tag);
  if (name.empty()) {
    out += "0x";
    constexpr char Hex[] = "0123456789ABCDEF";
    out += Hex[tag.token() >> 4];
    out += Hex[tag.token() & 15];
  } else {
    out += name;
  }
  return out;
}

Error missingElement(Element parent, Tag tag) {
  std::string detail = "missing element " + qualifiedName(tag);
  if (parent) {
    detail += " in " + qualifiedName(parent.tag());
  }
  return makeError(ErrorCode::MissingElement, parent ? parent.offset() : 0, std::move(detail));
}

Error badValue(Element at, std::string detail) {
  return makeError(ErrorCode::BadValue, at ? at.offset() : 0,
                   (at ? qualifiedName(at.tag()) + ": " : std::string()) + detail);
}

Error unexpectedElement(Element at, std::string_view context) {
  std::string detail = "unexpected element " + qualifiedName(at.tag());
  if (!context.empty()) {
    detail += " in ";
    detail += context;
  }
  return makeError(ErrorCode::UnexpectedElement, at.offset(), std::move(detail));
}

Error duplicateElement(Element e) {
  return makeError(ErrorCode::UnexpectedElement, e.offset(),
                   "duplicate element " + qualifiedName(e.tag()));
}

Error wrongVersion(Element e, ProtocolVersion v) {
  return makeError(ErrorCode::UnexpectedElement, e.offset(),
                   qualifiedName(e.tag()) + " is not used in protocol " + std::string(toString(v)));
}

Status readText(Element e, std::optional<std::string>& out) {
  if (out) {
    return duplicateElement(e);
  }
  out = std::string(e.text());
  return {};
}

Status readUint(Element e, std::optional<uint32_t>& out, uint32_t min, uint32_t max) {
  if (out) {
    return duplicateElement(e);
  }
  auto v = parseUint(e.text());
  if (!v) {
    return badValue(e, "not a number: '" + std::string(e.text().substr(0, 32)) + "'");
  }
  if (*v < min || *v > max) {
    return badValue(e, std::to_string(*v) + " is outside [" + std::to_string(min) + ", " +
                           std::to_string(max) + "]");
  }
  out = static_cast<uint32_t>(*v);
  return {};
}

Status onlyOnce(Element parent, std::initializer_list<Tag> allowed) {
  uint32_t seen = 0;
  for (Element c : parent.children()) {
    std::size_t i = 0;
    for (Tag t : allowed) {
      if (t == c.tag()) {
        break;
      }
      ++i;
    }
    if (i == allowed.size() || i >= 32) {
      return unexpectedElement(c, qualifiedName(parent.tag()));
    }
    const uint32_t bit = 1u << i;
    if ((seen & bit) != 0) {
      return makeError(ErrorCode::UnexpectedElement, c.offset(),
                       "second " + qualifiedName(c.tag()) + " in " + qualifiedName(parent.tag()));
    }
    seen |= bit;
  }
  return {};
}

Status expectRoot(const Document& doc, Tag root) {
  Element r = doc.root();
  if (!r) {
    return makeError(ErrorCode::MissingElement, 0, "empty document, expected " + qualifiedName(root));
  }
  if (!(r.tag() == root)) {
    return makeError(ErrorCode::UnexpectedElement, r.offset(),
                     "root is " + qualifiedName(r.tag()) + ", expected " + qualifiedName(root));
  }
  return {};
}

Result<std::string_view> requiredText(Element parent, Tag tag) {
  Element e = parent.child(tag);
  if (!e) {
    return missingElement(parent, tag);
  }
  return e.text();
}

Result<std::string_view> requiredId(Element parent, Tag tag, std::size_t maxLength) {
  Element e = parent.child(tag);
  if (!e) {
    return missingElement(parent, tag);
  }
  if (e.text().empty()) {
    return badValue(e, "must not be empty");
  }
  if (e.text().size() > maxLength) {
    return badValue(e, "longer than " + std::to_string(maxLength) + " bytes");
  }
  return e.text();
}

std::optional<std::string_view> optionalText(Element parent, Tag tag) {
  Element e = parent.child(tag);
  if (!e) {
    return std::nullopt;
  }
  return e.text();
}

std::optional<uint64_t> parseUint(std::string_view text) {
  if (text.empty() || text.size() > 19) {
    return std::nullopt;
  }
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

Result<uint32_t> requiredUint(Element parent, Tag tag, uint32_t min, uint32_t max) {
  auto v = optionalUint(parent, tag, min, max);
  if (!v) {
    return std::move(v).takeError();
  }
  if (!v->has_value()) {
    return missingElement(parent, tag);
  }
  return **v;
}

Result<std::optional<uint32_t>> optionalUint(Element parent, Tag tag, uint32_t min, uint32_t max) {
  Element e = parent.child(tag);
  if (!e) {
    return std::optional<uint32_t>();
  }
  auto v = parseUint(e.text());
  if (!v) {
    return badValue(e, "not a number: '" + std::string(e.text().substr(0, 32)) + "'");
  }
  if (*v < min || *v > max) {
    return badValue(e, std::to_string(*v) + " is outside [" + std::to_string(min) + ", " +
                           std::to_string(max) + "]");
  }
  return std::optional<uint32_t>(static_cast<uint32_t>(*v));
}

Result<std::optional<bool>> optionalBool(Element parent, Tag tag) {
  Element e = parent.child(tag);
  if (!e) {
    return std::optional<bool>();
  }
  if (e.text() == "1") {
    return std::optional<bool>(true);
  }
  if (e.text() == "0") {
    return std::optional<bool>(false);
  }
  return badValue(e, "expected 0 or 1");
}

void writeOptional(WbxmlWriter& w, Tag tag, const std::optional<std::string>& value) {
  if (value) {
    w.element(tag, *value);
  }
}

void writeOptional(WbxmlWriter& w, Tag tag, const std::optional<uint32_t>& value) {
  if (value) {
    w.element(tag, uint64_t{*value});
  }
}

void writeOptional(WbxmlWriter& w, Tag tag, const std::optional<bool>& value) {
  if (value) {
    w.element(tag, *value ? std::string_view("1") : std::string_view("0"));
  }
}

}  // namespace cradle::eas

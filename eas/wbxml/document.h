// Document: a decoded EAS WBXML document as a small arena tree, and its encoder.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eas/result.h"
#include "eas/wbxml/code_pages.h"
#include "eas/wbxml/limits.h"

namespace cradle::eas {

class Document;

// A read-only view of one element in a Document; cheap to copy; invalid (false) when absent.
class Element {
 public:
  Element() = default;

  explicit operator bool() const { return doc_ != nullptr; }
  Tag tag() const;
  std::string_view name() const { return tagName(tag()); }
  // Concatenated text or opaque content; empty for elements with children only.
  std::string_view text() const;
  bool isOpaque() const;       // content came as (or is to be written as) OPAQUE
  bool hasContent() const;     // false for <X/>
  std::size_t offset() const;  // byte offset of the tag in the decoded document (0 if built)

  Element firstChild() const;
  Element nextSibling() const;
  Element parent() const;
  Element child(Tag tag) const;           // first child with this tag
  Element nextSibling(Tag tag) const;     // next sibling with this tag
  std::size_t childCount() const;

  // Range over the children, optionally only those with a given tag:
  //   for (Element f : folders.children(tag::Ping::Folder)) { ... }
  class Range;
  Range children() const;
  Range children(Tag tag) const;

 private:
  friend class Document;
  Element(const Document* doc, uint32_t index) : doc_(doc), index_(index) {}
  const Document* doc_ = nullptr;
  uint32_t index_ = 0;
};

class Element::Range {
 public:
  class Iterator {
   public:
    Iterator(Element e, Tag filter, bool filtered) : e_(e), filter_(filter), filtered_(filtered) {}
    Element operator*() const { return e_; }
    Iterator& operator++() {
      e_ = filtered_ ? e_.nextSibling(filter_) : e_.nextSibling();
      return *this;
    }
    bool operator!=(const Iterator& o) const {
      return e_.index_ != o.e_.index_ || e_.doc_ != o.e_.doc_;
    }

   private:
    Element e_;
    Tag filter_;
    bool filtered_;
  };

  Range(Element first, Tag filter, bool filtered)
      : first_(first), filter_(filter), filtered_(filtered) {}
  Iterator begin() const { return Iterator(first_, filter_, filtered_); }
  Iterator end() const { return Iterator(Element(), filter_, filtered_); }

 private:
  Element first_;
  Tag filter_;
  bool filtered_;
};

inline Element::Range Element::children() const { return Range(firstChild(), Tag{}, false); }
inline Element::Range Element::children(Tag tag) const { return Range(child(tag), tag, true); }

// Owns every node and every byte of text. Built by decode() or by hand with add*/setText.
class Document {
 public:
  static constexpr uint32_t None = UINT32_MAX;

  Document() = default;

  // Decodes a whole WBXML document (header included).
  static Result<Document> decode(std::string_view wbxml, const Limits& limits = {});

  // Encodes to WBXML with the EAS header. An empty document encodes to the header alone.
  std::string encode() const;
  void encodeTo(std::string& out) const;

  Element root() const { return nodes_.empty() ? Element() : Element(this, 0); }
  bool empty() const { return nodes_.empty(); }
  std::size_t size() const { return nodes_.size(); }

  // Building. Returns the new node's id; the first node added is the root (parent None).
  uint32_t addElement(uint32_t parent, Tag tag);
  uint32_t addText(uint32_t parent, Tag tag, std::string_view text);
  uint32_t addOpaque(uint32_t parent, Tag tag, std::string_view bytes);
  void appendText(uint32_t node, std::string_view text, bool opaque);
  void setEmpty(uint32_t node, bool empty);  // <X/> versus <X></X> (both mean "no value")
  Element element(uint32_t node) const { return Element(this, node); }

 private:
  friend class Element;
  struct Node {
    Tag tag;
    uint32_t parent = None;
    uint32_t firstChild = None;
    uint32_t lastChild = None;
    uint32_t nextSibling = None;
    uint32_t textBegin = 0;
    uint32_t textSize = 0;
    uint32_t offset = 0;
    bool opaque = false;
    bool hasContent = true;
  };
  uint32_t link(uint32_t parent, Tag tag);
  void encodeNode(uint32_t index, class WbxmlWriter& w) const;

  std::vector<Node> nodes_;
  std::string text_;
};

}  // namespace cradle::eas

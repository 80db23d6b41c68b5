// Document: arena tree built from WbxmlReader events, and its encoding through WbxmlWriter.
#include "eas/wbxml/document.h"

#include "eas/wbxml/reader.h"
#include "eas/wbxml/writer.h"

namespace cradle::eas {

// ---- Element ----

Tag Element::tag() const { return doc_ ? doc_->nodes_[index_].tag : Tag{}; }

std::string_view Element::text() const {
  if (!doc_) {
    return {};
  }
  const auto& n = doc_->nodes_[index_];
  return std::string_view(doc_->text_).substr(n.textBegin, n.textSize);
}

bool Element::isOpaque() const { return doc_ && doc_->nodes_[index_].opaque; }
bool Element::hasContent() const { return doc_ && doc_->nodes_[index_].hasContent; }
std::size_t Element::offset() const { return doc_ ? doc_->nodes_[index_].offset : 0; }

Element Element::firstChild() const {
  if (!doc_) {
    return Element();
  }
  uint32_t c = doc_->nodes_[index_].firstChild;
  return c == Document::None ? Element() : Element(doc_, c);
}

Element Element::nextSibling() const {
  if (!doc_) {
    return Element();
  }
  uint32_t s = doc_->nodes_[index_].nextSibling;
  return s == Document::None ? Element() : Element(doc_, s);
}

Element Element::parent() const {
  if (!doc_) {
    return Element();
  }
  uint32_t p = doc_->nodes_[index_].parent;
  return p == Document::None ? Element() : Element(doc_, p);
}

Element Element::child(Tag t) const {
  if (!doc_) {
    return Element();
  }
  for (uint32_t c = doc_->nodes_[index_].firstChild; c != Document::None;
       c = doc_->nodes_[c].nextSibling) {
    if (doc_->nodes_[c].tag == t) {
      return Element(doc_, c);
    }
  }
  return Element();
}

Element Element::nextSibling(Tag t) const {
  if (!doc_) {
    return Element();
  }
  for (uint32_t s = doc_->nodes_[index_].nextSibling; s != Document::None;
       s = doc_->nodes_[s].nextSibling) {
    if (doc_->nodes_[s].tag == t) {
      return Element(doc_, s);
    }
  }
  return Element();
}

std::size_t Element::childCount() const {
  std::size_t n = 0;
  if (!doc_) {
    return 0;
  }
  for (uint32_t c = doc_->nodes_[index_].firstChild; c != Document::None;
       c = doc_->nodes_[c].nextSibling) {
    ++n;
  }
  return n;
}

// ---- Document ----

uint32_t Document::link(uint32_t parent, Tag tag) {
  const auto id = static_cast<uint32_t>(nodes_.size());
  Node& n = nodes_.emplace_back();
  n.tag = tag;
  n.parent = parent;
  if (parent != None) {
    Node& p = nodes_[parent];
    if (p.lastChild == None) {
      p.firstChild = id;
    } else {
      nodes_[p.lastChild].nextSibling = id;
    }
    p.lastChild = id;
    p.hasContent = true;
  }
  return id;
}

uint32_t Document::addElement(uint32_t parent, Tag tag) { return link(parent, tag); }

uint32_t Document::addText(uint32_t parent, Tag tag, std::string_view text) {
  uint32_t id = link(parent, tag);
  appendText(id, text, false);
  return id;
}

uint32_t Document::addOpaque(uint32_t parent, Tag tag, std::string_view bytes) {
  uint32_t id = link(parent, tag);
  appendText(id, bytes, true);
  return id;
}

void Document::appendText(uint32_t node, std::string_view text, bool opaque) {
  Node& n = nodes_[node];
  if (n.textSize == 0) {
    n.textBegin = static_cast<uint32_t>(text_.size());
  } else if (n.textBegin + n.textSize != text_.size()) {
    // Another element's text was appended since: move this element's runs to the end first.
    std::string moved = text_.substr(n.textBegin, n.textSize);
    n.textBegin = static_cast<uint32_t>(text_.size());
    text_ += moved;
  }
  text_.append(text);
  n.textSize += static_cast<uint32_t>(text.size());
  n.opaque = n.opaque || opaque;
  n.hasContent = true;
}

void Document::setEmpty(uint32_t node, bool empty) { nodes_[node].hasContent = !empty; }

Result<Document> Document::decode(std::string_view wbxml, const Limits& limits) {
  Document doc;
  doc.nodes_.reserve(wbxml.size() / 6 + 4);
  doc.text_.reserve(wbxml.size());
  WbxmlReader reader(wbxml, limits);
  uint32_t current = None;
  for (;;) {
    auto ev = reader.next();
    if (!ev) {
      return std::move(ev).takeError();
    }
    switch (ev->type) {
      case WbxmlEventType::StartElement: {
        uint32_t id = doc.link(current, ev->tag);
        Node& n = doc.nodes_[id];
        n.offset = static_cast<uint32_t>(ev->offset);
        n.hasContent = ev->hasContent;
        if (ev->hasContent) {
          current = id;
        }
        break;
      }
      case WbxmlEventType::EndElement:
        current = doc.nodes_[current].parent;
        break;
      case WbxmlEventType::Text:
        doc.appendText(current, ev->data, false);
        break;
      case WbxmlEventType::Opaque:
        doc.appendText(current, ev->data, true);
        break;
      case WbxmlEventType::EndDocument:
        return doc;
      case WbxmlEventType::NeedMoreData:
        // Whole-buffer readers are final and never ask for more.
        return makeError(ErrorCode::Truncated, wbxml.size(), "input ends early");
    }
  }
}

void Document::encodeNode(uint32_t index, WbxmlWriter& w) const {
  const Node& n = nodes_[index];
  if (!n.hasContent || (n.firstChild == None && n.textSize == 0 && !n.opaque)) {
    w.empty(n.tag);
    return;
  }
  w.start(n.tag);
  if (n.opaque) {
    w.opaque(std::string_view(text_).substr(n.textBegin, n.textSize));
  } else if (n.textSize != 0) {
    w.text(std::string_view(text_).substr(n.textBegin, n.textSize));
  }
  for (uint32_t c = n.firstChild; c != None; c = nodes_[c].nextSibling) {
    encodeNode(c, w);
  }
  w.end();
}

void Document::encodeTo(std::string& out) const {
  WbxmlWriter w(out);
  if (!nodes_.empty()) {
    encodeNode(0, w);
  }
}

std::string Document::encode() const {
  std::string out;
  out.reserve(text_.size() + nodes_.size() * 3 + 16);
  encodeTo(out);
  return out;
}

}  // namespace cradle::eas

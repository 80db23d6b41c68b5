// The invariants the fuzz targets check, shared with the test that replays their corpora (g++).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eas/result.h"
#include "eas/wbxml/document.h"
#include "eas/wbxml/limits.h"
#include "eas/wbxml/reader.h"
#include "eas/wbxml/xml_text.h"

namespace cradle::eas::fuzz {

// Each check returns "" when every invariant holds, else a description of the first broken one.
// Inputs that are refused are fine as long as the refusal is a clean Error inside the input.

// Small limits so that the depth, count and size paths are reached by small inputs.
inline Limits tinyLimits() {
  Limits l;
  l.maxDocumentBytes = 512;
  l.maxStringBytes = 64;
  l.maxDepth = 6;
  l.maxElements = 40;
  return l;
}

inline std::string describe(const Error& e) { return e.message(); }

inline bool sameError(const Error& a, const Error& b) {
  return a.code == b.code && a.offset == b.offset;
}

// Tags, text bytes and shape equal; the opaque flag too (where there is text) when asked.
// hasContent is not compared: <X/> and <X></X> both encode to an empty tag.
inline std::string compareTrees(const Document& a, const Document& b, bool compareOpaque) {
  if (a.empty() != b.empty()) {
    return "one document is empty";
  }
  if (a.empty()) {
    return "";
  }
  std::vector<std::pair<Element, Element>> todo{{a.root(), b.root()}};
  while (!todo.empty()) {
    auto [x, y] = todo.back();
    todo.pop_back();
    if (!(x.tag() == y.tag())) {
      return "tag " + std::to_string(x.tag().code) + " != " + std::to_string(y.tag().code);
    }
    if (x.text() != y.text()) {
      return "text of " + std::string(x.name()) + " differs";
    }
    if (compareOpaque && !x.text().empty() && x.isOpaque() != y.isOpaque()) {
      return "opaque flag of " + std::string(x.name()) + " differs";
    }
    if (x.childCount() != y.childCount()) {
      return "child count of " + std::string(x.name()) + " differs";
    }
    Element cx = x.firstChild();
    Element cy = y.firstChild();
    while (cx) {
      todo.emplace_back(cx, cy);
      cx = cx.nextSibling();
      cy = cy.nextSibling();
    }
  }
  return "";
}

// One event as both reader modes must produce it.
struct LoggedEvent {
  WbxmlEventType type;
  uint16_t tag;
  bool hasContent;
  std::size_t offset;
  std::string data;
  friend bool operator==(const LoggedEvent&, const LoggedEvent&) = default;
};

struct EventLog {
  std::vector<LoggedEvent> events;
  bool failed = false;
  Error error;
};

inline void logEvent(EventLog& log, const WbxmlEvent& e) {
  log.events.push_back(
      LoggedEvent{e.type, e.tag.code, e.hasContent, e.offset, std::string(e.data)});
}

inline EventLog readWhole(std::string_view data, const Limits& limits) {
  EventLog log;
  WbxmlReader reader(data, limits);
  for (std::size_t guard = 0; guard <= data.size() + 2; ++guard) {
    auto ev = reader.next();
    if (!ev) {
      log.failed = true;
      log.error = ev.error();
      return log;
    }
    if (ev->type == WbxmlEventType::NeedMoreData) {
      log.failed = true;
      log.error = makeError(ErrorCode::Truncated, 0, "whole-buffer reader asked for more data");
      return log;
    }
    logEvent(log, *ev);
    if (ev->type == WbxmlEventType::EndDocument) {
      return log;
    }
  }
  log.failed = true;
  log.error = makeError(ErrorCode::TooLarge, 0, "reader produced more events than input bytes");
  return log;
}

// Feeds the input in pseudo-random chunk sizes derived from the input itself (reproducible).
inline EventLog readStreaming(std::string_view data, const Limits& limits) {
  uint64_t state = 1469598103934665603ULL;  // FNV-1a of the input seeds an xorshift generator
  for (char c : data) {
    state = (state ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  auto nextChunk = [&state]() -> std::size_t {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const uint64_t r = state % 64;
    return r < 40 ? 1 + static_cast<std::size_t>(r % 4) : 1 + static_cast<std::size_t>(r);
  };
  EventLog log;
  WbxmlReader reader(limits);
  std::size_t fed = 0;
  bool finished = false;
  for (std::size_t guard = 0; guard <= 4 * data.size() + 8; ++guard) {
    auto ev = reader.next();
    if (!ev) {
      log.failed = true;
      log.error = ev.error();
      return log;
    }
    if (ev->type == WbxmlEventType::NeedMoreData) {
      if (fed < data.size()) {
        const std::size_t n = std::min(nextChunk(), data.size() - fed);
        reader.feed(data.substr(fed, n));
        fed += n;
      } else if (!finished) {
        reader.finish();
        finished = true;
      } else {
        log.failed = true;
        log.error = makeError(ErrorCode::Truncated, 0, "NeedMoreData after finish()");
        return log;
      }
      continue;
    }
    logEvent(log, *ev);
    if (ev->type == WbxmlEventType::EndDocument) {
      return log;
    }
  }
  log.failed = true;
  log.error = makeError(ErrorCode::TooLarge, 0, "streaming reader did not terminate");
  return log;
}

inline std::string compareLogs(const EventLog& whole, const EventLog& streamed) {
  if (whole.failed != streamed.failed) {
    return whole.failed ? "whole-buffer reader failed (" + describe(whole.error) +
                              ") but streaming succeeded"
                        : "streaming reader failed (" + describe(streamed.error) +
                              ") but whole-buffer succeeded";
  }
  if (whole.failed && !sameError(whole.error, streamed.error)) {
    return "errors differ: whole " + describe(whole.error) + ", streaming " +
           describe(streamed.error);
  }
  // After an error the events already delivered must agree too (a prefix of the same stream).
  const std::size_t n = std::min(whole.events.size(), streamed.events.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (!(whole.events[i] == streamed.events[i])) {
      return "event " + std::to_string(i) + " differs between whole-buffer and streaming";
    }
  }
  if (whole.events.size() != streamed.events.size()) {
    return "event counts differ: whole " + std::to_string(whole.events.size()) + ", streaming " +
           std::to_string(streamed.events.size());
  }
  return "";
}

// XML text of a document must read back, print the same again, and keep the tree's shape.
inline std::string checkXmlOfDocument(const Document& doc) {
  const std::string xml = toXml(doc);
  auto back = fromXml(xml);
  if (!back) {
    return "toXml output does not read back: " + describe(back.error());
  }
  const std::string again = toXml(*back);
  if (again != xml) {
    return "toXml(fromXml(toXml(doc))) != toXml(doc)";
  }
  XmlOptions aliases;
  aliases.libwbxmlNames = true;
  auto viaAliases = fromXml(toXml(doc, aliases));
  if (!viaAliases) {
    return "toXml with libwbxml names does not read back: " + describe(viaAliases.error());
  }
  if (toXml(*viaAliases) != xml) {
    return "libwbxml names do not read back to the same elements";
  }
  XmlOptions indent;
  indent.indent = true;
  auto indented = fromXml(toXml(doc, indent));
  if (!indented) {
    return "indented toXml does not read back: " + describe(indented.error());
  }
  return "";
}

// encode(doc) must decode to the same tree and be a fixpoint of decode/encode.
inline std::string checkEncodeRoundTrip(const Document& doc) {
  const std::string wire = doc.encode();
  auto back = Document::decode(wire);
  if (!back) {
    return "encode() output does not decode: " + describe(back.error());
  }
  if (std::string diff = compareTrees(doc, *back, true); !diff.empty()) {
    return "decode(encode(doc)) differs: " + diff;
  }
  if (back->encode() != wire) {
    return "encode(decode(encode(doc))) != encode(doc)";
  }
  return "";
}

inline std::string checkWbxmlWith(std::string_view data, const Limits& limits) {
  const EventLog whole = readWhole(data, limits);
  const EventLog streamed = readStreaming(data, limits);
  if (data.size() > limits.maxDocumentBytes) {
    // The whole-buffer reader refuses an oversized buffer up front; the streaming one finds out
    // while it is fed and may meet another problem first. Both must refuse, within the limit.
    if (!whole.failed || whole.error.code != ErrorCode::TooLarge ||
        whole.error.offset != limits.maxDocumentBytes) {
      return "oversized document not refused up front";
    }
    if (!streamed.failed || streamed.error.offset > limits.maxDocumentBytes) {
      return "oversized document not refused while streaming";
    }
  } else if (std::string diff = compareLogs(whole, streamed); !diff.empty()) {
    return diff;
  }
  auto doc = Document::decode(data, limits);
  if (doc.ok() == whole.failed) {
    return "Document::decode and WbxmlReader disagree on success";
  }
  if (!doc) {
    if (!sameError(doc.error(), whole.error)) {
      return "Document::decode error " + describe(doc.error()) + " != reader error " +
             describe(whole.error);
    }
    if (doc.error().offset > data.size()) {
      return "error offset beyond the input: " + describe(doc.error());
    }
    return "";
  }
  if (std::string diff = checkEncodeRoundTrip(*doc); !diff.empty()) {
    return diff;
  }
  return checkXmlOfDocument(*doc);
}

// fuzz-wbxml-decoder: decoding (whole and streamed), re-encoding, XML text of the result.
inline std::string checkWbxml(std::string_view data) {
  if (std::string r = checkWbxmlWith(data, Limits{}); !r.empty()) {
    return r;
  }
  if (std::string r = checkWbxmlWith(data, tinyLimits()); !r.empty()) {
    return "with tiny limits: " + r;
  }
  return "";
}

inline std::string checkXmlWith(std::string_view data, const XmlReadOptions& options) {
  auto doc = fromXml(data, options);
  if (!doc) {
    if (doc.error().offset > data.size()) {
      return "error offset beyond the input: " + describe(doc.error());
    }
    if (doc.error().message().find('\n') != std::string::npos) {
      return "error message spans lines";
    }
    return "";
  }
  if (std::string diff = checkEncodeRoundTrip(*doc); !diff.empty()) {
    return diff;
  }
  // The XML text of what was read reads back to the same tree (the opaque flag of non-binary
  // elements is not kept by the text form: xml2wbxml's CDATA rule cannot be printed back).
  auto again = fromXml(toXml(*doc));
  if (!again) {
    return "toXml(fromXml(x)) does not read back: " + describe(again.error());
  }
  if (std::string diff = compareTrees(*doc, *again, false); !diff.empty()) {
    return "fromXml(toXml(fromXml(x))) differs: " + diff;
  }
  return checkXmlOfDocument(*doc);
}

// fuzz-xml-reader: reading XML text, then encode/decode and print/read round trips.
inline std::string checkXml(std::string_view data) {
  XmlReadOptions options;
  if (std::string r = checkXmlWith(data, options); !r.empty()) {
    return r;
  }
  options.trimText = true;
  if (std::string r = checkXmlWith(data, options); !r.empty()) {
    return "with trimText: " + r;
  }
  XmlReadOptions tiny;
  tiny.limits = tinyLimits();
  if (std::string r = checkXmlWith(data, tiny); !r.empty()) {
    return "with tiny limits: " + r;
  }
  return "";
}

}  // namespace cradle::eas::fuzz

// Small helpers for the typed-command tests: hex <-> bytes, decode-or-fail, hand-built documents.
#pragma once

#include <catch2/catch.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eas/result.h"
#include "eas/wbxml/document.h"
#include "eas/wbxml/writer.h"

namespace cradle::eas::testing {

// "03 01 6a 00 ..." (spaces and newlines ignored) to bytes.
inline std::string fromHex(std::string_view hex) {
  std::string out;
  int high = -1;
  for (char c : hex) {
    int v = -1;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    }
    if (v < 0) {
      continue;
    }
    if (high < 0) {
      high = v;
    } else {
      out += static_cast<char>(high * 16 + v);
      high = -1;
    }
  }
  return out;
}

// Bytes to "03 01 6a 00 ..." so that a failed comparison shows readable hex.
inline std::string toHex(std::string_view bytes) {
  static constexpr char Digits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    if (!out.empty()) {
      out += ' ';
    }
    out += Digits[b >> 4];
    out += Digits[b & 15];
  }
  return out;
}

inline Document decodeOrFail(std::string_view wbxml) {
  auto doc = Document::decode(wbxml);
  if (!doc) {
    FAIL("Document::decode failed: " << doc.error().message());
  }
  return std::move(doc).value();
}

// A document written by hand with the writer: for inputs that are valid WBXML but not a valid
// command.
inline Document build(const std::function<void(WbxmlWriter&)>& body) {
  std::string out;
  WbxmlWriter w(out);
  body(w);
  REQUIRE(w.finish().ok());
  return decodeOrFail(out);
}

// A hand-built element tree: el(tag, {children}) or tx(tag, "text").
struct X {
  Tag tag;
  std::optional<std::string> text;
  std::vector<X> kids;
};
inline X el(Tag t, std::vector<X> kids = {}) { return X{t, std::nullopt, std::move(kids)}; }
inline X tx(Tag t, std::string text) { return X{t, std::move(text), {}}; }

inline void write(WbxmlWriter& w, const X& x) {
  if (x.text) {
    w.element(x.tag, *x.text);
    return;
  }
  w.start(x.tag);
  for (const X& k : x.kids) {
    write(w, k);
  }
  w.end();
}

inline Document docOf(const X& root) {
  std::string out;
  WbxmlWriter w(out);
  write(w, root);
  REQUIRE(w.finish().ok());
  return decodeOrFail(out);
}

// The error of a Result that must have failed.
template <class T>
Error errorOf(const Result<T>& r) {
  REQUIRE_FALSE(r.ok());
  return r.error();
}

}  // namespace cradle::eas::testing

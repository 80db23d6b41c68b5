// Result<T>: a value or a typed Error with the byte offset where untrusted input went wrong.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cradle::eas {

// Every way untrusted EAS input can be refused. The numbering is internal (never on the wire).
enum class ErrorCode : uint8_t {
  Truncated = 1,          // input ended inside a token, a string or an open element
  BadHeader,              // not WBXML 1.x / UTF-8 / empty string table
  UnknownCodePage,        // SWITCH_PAGE to a page EAS does not define
  UnknownToken,           // a tag token the current code page does not define
  BadMultiByteInt,        // mb_u_int32 longer than 5 bytes or above 2^32-1
  UnbalancedEnd,          // END with no open element, or elements left open
  StringTable,            // STR_T or a non-empty string table (EAS never uses one)
  Attributes,             // a tag with the attribute bit (EAS uses none)
  UnsupportedToken,       // ENTITY, LITERAL, PI, EXT_* (not used by EAS)
  TooDeep,                // nesting beyond Limits::maxDepth
  TooLarge,               // document, string or element count beyond Limits
  TrailingData,           // bytes after the root element closed
  BadText,                // text that is not valid UTF-8, or contains NUL where not allowed
  XmlSyntax,              // XML text form: not well-formed
  UnknownElement,         // XML text form: element name not in its code page
  UnknownNamespace,       // XML text form: namespace that is no EAS code page
  MissingElement,         // typed command: a required element is absent
  UnexpectedElement,      // typed command: an element that does not belong there
  BadValue,               // typed command: a value out of range or of the wrong form
  BadRequest,             // MS-ASHTTP: a request line, query or header that is malformed
};

std::string_view errorCodeName(ErrorCode code);

struct Error {
  ErrorCode code{};
  std::size_t offset = 0;  // byte offset in the input where the problem was found
  std::string detail;      // human words, never contains secrets

  // One line: "<code name> at byte <offset>: <detail>".
  std::string message() const;
};

inline Error makeError(ErrorCode code, std::size_t offset, std::string detail) {
  return Error{code, offset, std::move(detail)};
}

// A value or an Error. Untrusted bytes never throw in this library; they return this.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }
  Error&& takeError() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }
  Error&& takeError() && { return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace cradle::eas

// WbxmlWriter: EAS WBXML encoding straight into the caller's buffer.
#include "eas/wbxml/writer.h"

#include <charconv>
#include <cstring>

namespace cradle::eas {
namespace {

constexpr char SwitchPage = 0x00;
constexpr char End = 0x01;
constexpr char StrI = 0x03;
constexpr char Opaque = static_cast<char>(0xC3);
constexpr uint8_t ContentBit = 0x40;

void putMultiByte(std::string& out, uint32_t v) {
  // MS-ASWBXML / WBXML 1.3 5.1: mb_u_int32, big-endian base 128, high bit = more bytes follow.
  char buf[5];
  int n = 0;
  do {
    buf[4 - n] = static_cast<char>(v & 0x7F);
    v >>= 7;
    ++n;
  } while (v != 0);
  for (int i = 5 - n; i < 4; ++i) {
    buf[i] = static_cast<char>(buf[i] | 0x80);
  }
  out.append(buf + 5 - n, static_cast<std::size_t>(n));
}

}  // namespace

WbxmlWriter::WbxmlWriter(std::string& out) : out_(out) {
  // WBXML 1.3, public id 1 (unknown), charset 106 (UTF-8), empty string table.
  out_.append("\x03\x01\x6A\x00", 4);
}

void WbxmlWriter::switchPage(uint8_t page) {
  if (page != page_) {
    out_ += SwitchPage;
    out_ += static_cast<char>(page);
    page_ = page;
  }
}

void WbxmlWriter::contentWritten() { lastTagPos_ = std::string::npos; }

void WbxmlWriter::start(Tag tag) {
  contentWritten();
  switchPage(tag.page());
  lastTagPos_ = out_.size();
  out_ += static_cast<char>(tag.token() | ContentBit);
  ++depth_;
}

void WbxmlWriter::end() {
  if (depth_ == 0) {
    misused_ = true;
    return;
  }
  if (lastTagPos_ != std::string::npos) {
    // Nothing was written since start(): the element is empty, clear its content bit.
    out_[lastTagPos_] = static_cast<char>(static_cast<uint8_t>(out_[lastTagPos_]) & ~ContentBit);
    lastTagPos_ = std::string::npos;
  } else {
    out_ += End;
  }
  --depth_;
}

void WbxmlWriter::empty(Tag tag) {
  contentWritten();
  switchPage(tag.page());
  out_ += static_cast<char>(tag.token());
}

void WbxmlWriter::text(std::string_view utf8) {
  if (utf8.empty()) {
    return;
  }
  if (depth_ == 0) {
    misused_ = true;
    return;
  }
  if (std::memchr(utf8.data(), 0, utf8.size()) != nullptr) {
    opaque(utf8);  // an inline string cannot carry NUL
    return;
  }
  contentWritten();
  out_ += StrI;
  out_.append(utf8);
  out_ += '\0';
}

void WbxmlWriter::opaque(std::string_view bytes) {
  if (depth_ == 0 || bytes.size() > UINT32_MAX) {
    misused_ = true;
    return;
  }
  contentWritten();
  out_ += Opaque;
  putMultiByte(out_, static_cast<uint32_t>(bytes.size()));
  out_.append(bytes);
}

void WbxmlWriter::element(Tag tag, std::string_view value) {
  start(tag);
  text(value);
  end();
}

void WbxmlWriter::element(Tag tag, uint64_t number) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, number);
  element(tag, std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

void WbxmlWriter::opaqueElement(Tag tag, std::string_view bytes) {
  start(tag);
  if (!bytes.empty()) {
    opaque(bytes);
  }
  end();
}

Status WbxmlWriter::finish() const {
  if (misused_) {
    return makeError(ErrorCode::UnbalancedEnd, out_.size(),
                     "writer misused (end without start, text outside an element, or too deep)");
  }
  if (depth_ != 0) {
    return makeError(ErrorCode::UnbalancedEnd, out_.size(),
                     std::to_string(depth_) + " element(s) left open");
  }
  return {};
}

}  // namespace cradle::eas

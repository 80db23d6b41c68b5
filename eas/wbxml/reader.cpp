// WbxmlReader: strict pull decoding of EAS WBXML, from a whole buffer or fed in chunks.
#include "eas/wbxml/reader.h"

#include <cstring>

#include "eas/utf8.h"

namespace cradle::eas {
namespace {

// WBXML 1.3 global tokens (section 7.1). EAS uses SWITCH_PAGE, END, STR_I and OPAQUE only.
constexpr uint8_t SwitchPage = 0x00;
constexpr uint8_t End = 0x01;
constexpr uint8_t Entity = 0x02;
constexpr uint8_t StrI = 0x03;
constexpr uint8_t Literal = 0x04;
constexpr uint8_t ExtI0 = 0x40;
constexpr uint8_t ExtI2 = 0x42;
constexpr uint8_t Pi = 0x43;
constexpr uint8_t LiteralC = 0x44;
constexpr uint8_t ExtT0 = 0x80;
constexpr uint8_t ExtT2 = 0x82;
constexpr uint8_t StrT = 0x83;
constexpr uint8_t LiteralA = 0x84;
constexpr uint8_t Ext0 = 0xC0;
constexpr uint8_t Ext2 = 0xC2;
constexpr uint8_t Opaque = 0xC3;
constexpr uint8_t LiteralAC = 0xC4;

constexpr uint8_t AttributeBit = 0x80;
constexpr uint8_t ContentBit = 0x40;

std::string hexByte(uint8_t b) {
  constexpr char Hex[] = "0123456789ABCDEF";
  return std::string{'0', 'x', Hex[b >> 4], Hex[b & 15]};
}

}  // namespace

int readMultiByteUint32(std::string_view data, std::size_t& pos, uint32_t& out) {
  // WBXML 1.3 5.1: at most 5 bytes carry 32 bits; the first of 5 may use only its low 4 bits.
  uint64_t v = 0;
  std::size_t p = pos;
  for (int i = 0; i < 5; ++i) {
    if (p >= data.size()) {
      return 1;
    }
    auto b = static_cast<uint8_t>(data[p++]);
    v = (v << 7) | (b & 0x7F);
    if ((b & 0x80) == 0) {
      if (v > UINT32_MAX) {
        return 2;
      }
      out = static_cast<uint32_t>(v);
      pos = p;
      return 0;
    }
  }
  return 2;
}

WbxmlReader::WbxmlReader(const Limits& limits) : limits_(limits), streaming_(true), final_(false) {}

WbxmlReader::WbxmlReader(std::string_view document, const Limits& limits)
    : limits_(limits), input_(document) {
  if (document.size() > limits_.maxDocumentBytes) {
    error_ = makeError(ErrorCode::TooLarge, limits_.maxDocumentBytes,
                       "document of " + std::to_string(document.size()) + " bytes exceeds the limit of " +
                           std::to_string(limits_.maxDocumentBytes));
  }
}

void WbxmlReader::feed(std::string_view chunk) {
  if (!streaming_ || final_ || error_) {
    return;
  }
  if (pos_ > 0) {
    buffer_.erase(0, pos_);
    base_ += pos_;
    pos_ = 0;
  }
  if (base_ + buffer_.size() + chunk.size() > limits_.maxDocumentBytes) {
    error_ = makeError(ErrorCode::TooLarge, limits_.maxDocumentBytes,
                       "document exceeds the limit of " + std::to_string(limits_.maxDocumentBytes) +
                           " bytes");
    return;
  }
  buffer_.append(chunk);
  input_ = buffer_;
}

void WbxmlReader::finish() { final_ = true; }

Result<WbxmlEvent> WbxmlReader::fail(ErrorCode code, std::size_t offset, std::string detail) {
  error_ = makeError(code, offset, std::move(detail));
  return *error_;
}

Result<WbxmlEvent> WbxmlReader::need(std::size_t at, const char* what) {
  if (!final_) {
    WbxmlEvent e;
    e.type = WbxmlEventType::NeedMoreData;
    e.offset = base_ + pos_;
    return e;
  }
  return fail(ErrorCode::Truncated, base_ + at, std::string("input ends inside ") + what);
}

Result<WbxmlEvent> WbxmlReader::next() {
  if (error_) {
    return *error_;
  }
  if (!headerDone_) {
    // MS-ASWBXML 2.1.2.1: version 1.x, public id, charset UTF-8 (106), string table length 0.
    std::size_t p = pos_;
    if (!available(1)) {
      return need(p, "the header");
    }
    auto version = static_cast<uint8_t>(input_[p]);
    if (version > 0x03) {
      return fail(ErrorCode::BadHeader, base_ + p, "WBXML version " + hexByte(version) + " is not 1.x");
    }
    ++p;
    uint32_t publicId = 0, charset = 0, tableLength = 0;
    const std::size_t publicIdAt = p;
    int r = readMultiByteUint32(input_, p, publicId);
    if (r == 1) {
      return need(p, "the header");
    }
    if (r == 2) {
      return fail(ErrorCode::BadMultiByteInt, base_ + publicIdAt, "bad public id");
    }
    if (publicId == 0) {
      return fail(ErrorCode::StringTable, base_ + publicIdAt,
                  "public id given as a string-table reference (EAS uses public id 1)");
    }
    const std::size_t charsetAt = p;
    r = readMultiByteUint32(input_, p, charset);
    if (r == 1) {
      return need(p, "the header");
    }
    if (r == 2) {
      return fail(ErrorCode::BadMultiByteInt, base_ + charsetAt, "bad charset");
    }
    if (charset != 106) {
      return fail(ErrorCode::BadHeader, base_ + charsetAt,
                  "charset " + std::to_string(charset) + " is not UTF-8 (106)");
    }
    const std::size_t tableAt = p;
    r = readMultiByteUint32(input_, p, tableLength);
    if (r == 1) {
      return need(p, "the header");
    }
    if (r == 2) {
      return fail(ErrorCode::BadMultiByteInt, base_ + tableAt, "bad string table length");
    }
    if (tableLength != 0) {
      return fail(ErrorCode::StringTable, base_ + tableAt,
                  "string table of " + std::to_string(tableLength) + " bytes (EAS uses none)");
    }
    pos_ = p;
    headerDone_ = true;
  }

  for (;;) {
    if (pos_ >= input_.size()) {
      if (done_) {
        if (!final_) {
          // Whole-buffer mode is final; streaming waits for finish() to rule out trailing bytes.
          WbxmlEvent e;
          e.type = WbxmlEventType::NeedMoreData;
          e.offset = base_ + pos_;
          return e;
        }
        WbxmlEvent e;
        e.type = WbxmlEventType::EndDocument;
        e.offset = base_ + pos_;
        return e;
      }
      if (!final_) {
        return need(pos_, "");
      }
      if (!rootSeen_) {
        return fail(ErrorCode::Truncated, base_ + pos_, "no root element");
      }
      return fail(ErrorCode::Truncated, base_ + pos_,
                  "input ends with " + std::to_string(open_.size()) + " element(s) open");
    }

    const std::size_t at = pos_;
    const auto b = static_cast<uint8_t>(input_[at]);
    if (done_) {
      return fail(ErrorCode::TrailingData, base_ + at, "bytes after the root element closed");
    }
    switch (b) {
      case SwitchPage: {
        if (!available(2)) {
          return need(at, "SWITCH_PAGE");
        }
        auto page = static_cast<uint8_t>(input_[at + 1]);
        if (!isCodePage(page)) {
          return fail(ErrorCode::UnknownCodePage, base_ + at + 1,
                      "code page " + std::to_string(page) + " is not defined by MS-ASWBXML");
        }
        page_ = page;
        pos_ = at + 2;
        continue;
      }
      case End: {
        if (open_.empty()) {
          return fail(ErrorCode::UnbalancedEnd, base_ + at, "END with no open element");
        }
        WbxmlEvent e;
        e.type = WbxmlEventType::EndElement;
        e.tag = open_.back();
        e.offset = base_ + at;
        open_.pop_back();
        pos_ = at + 1;
        if (open_.empty()) {
          done_ = true;
        }
        return e;
      }
      case StrI: {
        if (open_.empty()) {
          return fail(ErrorCode::BadText, base_ + at, "text outside the root element");
        }
        const char* start = input_.data() + at + 1;
        const std::size_t avail = input_.size() - at - 1;
        const void* nul = std::memchr(start, 0, avail);
        if (nul == nullptr) {
          if (avail > limits_.maxStringBytes) {
            return fail(ErrorCode::TooLarge, base_ + at, "inline string exceeds the limit");
          }
          return need(at, "an inline string");
        }
        const auto len = static_cast<std::size_t>(static_cast<const char*>(nul) - start);
        if (len > limits_.maxStringBytes) {
          return fail(ErrorCode::TooLarge, base_ + at,
                      "inline string of " + std::to_string(len) + " bytes exceeds the limit");
        }
        std::string_view text(start, len);
        if (std::size_t bad = findInvalidUtf8(text); bad != std::string_view::npos) {
          return fail(ErrorCode::BadText, base_ + at + 1 + bad, "inline string is not valid UTF-8");
        }
        WbxmlEvent e;
        e.type = WbxmlEventType::Text;
        e.tag = open_.back();
        e.data = text;
        e.offset = base_ + at;
        pos_ = at + 2 + len;
        return e;
      }
      case Opaque: {
        if (open_.empty()) {
          return fail(ErrorCode::BadText, base_ + at, "opaque data outside the root element");
        }
        std::size_t p = at + 1;
        uint32_t len = 0;
        int r = readMultiByteUint32(input_, p, len);
        if (r == 1) {
          return need(at, "an opaque length");
        }
        if (r == 2) {
          return fail(ErrorCode::BadMultiByteInt, base_ + at + 1, "bad opaque length");
        }
        if (len > limits_.maxStringBytes) {
          return fail(ErrorCode::TooLarge, base_ + at,
                      "opaque data of " + std::to_string(len) + " bytes exceeds the limit");
        }
        if (input_.size() - p < len) {
          if (final_ && base_ + p + len > limits_.maxDocumentBytes) {
            return fail(ErrorCode::TooLarge, base_ + at, "opaque data runs past the document limit");
          }
          return need(at, "opaque data");
        }
        WbxmlEvent e;
        e.type = WbxmlEventType::Opaque;
        e.tag = open_.back();
        e.data = input_.substr(p, len);
        e.offset = base_ + at;
        pos_ = p + len;
        return e;
      }
      case StrT:
      case Literal:
      case LiteralA:
      case LiteralC:
      case LiteralAC:
        return fail(ErrorCode::StringTable, base_ + at,
                    "token " + hexByte(b) + " refers to a string table (EAS uses none)");
      case Entity:
      case Pi:
        return fail(ErrorCode::UnsupportedToken, base_ + at,
                    "global token " + hexByte(b) + " is not used by EAS");
      default:
        break;
    }
    if ((b >= ExtI0 && b <= ExtI2) || (b >= ExtT0 && b <= ExtT2) || (b >= Ext0 && b <= Ext2)) {
      return fail(ErrorCode::UnsupportedToken, base_ + at,
                  "extension token " + hexByte(b) + " is not used by EAS");
    }
    if ((b & AttributeBit) != 0) {
      return fail(ErrorCode::Attributes, base_ + at,
                  "tag " + hexByte(b) + " has attributes (EAS uses none)");
    }
    const Tag tag = makeTag(page_, b);
    if (tagInfo(tag) == nullptr) {
      return fail(ErrorCode::UnknownToken, base_ + at,
                  "token " + hexByte(static_cast<uint8_t>(b & 0x3F)) + " is not defined on code page " +
                      std::to_string(page_) + " (" + std::string(codePageNamespace(page_)) + ")");
    }
    if (rootSeen_ && open_.empty()) {
      return fail(ErrorCode::TrailingData, base_ + at, "a second root element");
    }
    if (open_.size() + 1 > limits_.maxDepth) {
      return fail(ErrorCode::TooDeep, base_ + at,
                  "nesting deeper than " + std::to_string(limits_.maxDepth));
    }
    if (++elements_ > limits_.maxElements) {
      return fail(ErrorCode::TooLarge, base_ + at,
                  "more than " + std::to_string(limits_.maxElements) + " elements");
    }
    rootSeen_ = true;
    WbxmlEvent e;
    e.type = WbxmlEventType::StartElement;
    e.tag = tag;
    e.hasContent = (b & ContentBit) != 0;
    e.offset = base_ + at;
    pos_ = at + 1;
    if (e.hasContent) {
      open_.push_back(tag);
    } else if (open_.empty()) {
      done_ = true;  // an empty root element is a whole document
    }
    return e;
  }
}

}  // namespace cradle::eas

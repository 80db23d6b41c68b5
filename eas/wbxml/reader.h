// WbxmlReader: a pull decoder for EAS WBXML (MS-ASWBXML) that can be fed in chunks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eas/result.h"
#include "eas/wbxml/code_pages.h"
#include "eas/wbxml/limits.h"

namespace cradle::eas {

enum class WbxmlEventType : uint8_t {
  StartElement,  // tag; hasContent false means an empty element (no EndElement follows)
  EndElement,    // tag of the element that closes
  Text,          // one STR_I run (several runs may follow each other; concatenate)
  Opaque,        // one OPAQUE run (binary)
  EndDocument,   // the root element closed and the input is complete
  NeedMoreData,  // streaming only: feed() more bytes, or finish()
};

struct WbxmlEvent {
  WbxmlEventType type = WbxmlEventType::EndDocument;
  Tag tag{};
  bool hasContent = false;
  std::string_view data;   // Text / Opaque: valid until the next feed() or until the reader dies
  std::size_t offset = 0;  // byte offset of the token in the whole document
};

// Decodes one document. Two ways to use it:
//  - whole buffer: WbxmlReader r(bytes); then next() until EndDocument or an error;
//  - streaming: WbxmlReader r; r.feed(chunk)...; r.finish(); next() answers NeedMoreData while it
//    waits for bytes that have not been fed yet.
// Errors are final: after one, next() repeats it. Not thread-safe; one owner.
class WbxmlReader {
 public:
  explicit WbxmlReader(const Limits& limits = {});
  explicit WbxmlReader(std::string_view document, const Limits& limits = {});

  // Streaming input. Text views returned earlier become invalid.
  void feed(std::string_view chunk);
  void finish();

  Result<WbxmlEvent> next();

  uint32_t depth() const { return static_cast<uint32_t>(open_.size()); }
  std::size_t offset() const { return base_ + pos_; }

 private:
  Result<WbxmlEvent> fail(ErrorCode code, std::size_t offset, std::string detail);
  bool available(std::size_t n) const { return input_.size() - pos_ >= n; }
  Result<WbxmlEvent> need(std::size_t at, const char* what);

  Limits limits_;
  std::string buffer_;      // streaming mode: bytes fed and not yet consumed
  std::string_view input_;  // what is being decoded (the caller's buffer or buffer_)
  std::size_t pos_ = 0;     // position in input_
  std::size_t base_ = 0;    // offset of input_[0] in the whole document
  bool streaming_ = false;
  bool final_ = true;
  bool headerDone_ = false;
  bool rootSeen_ = false;
  bool done_ = false;
  uint8_t page_ = 0;
  uint32_t elements_ = 0;
  std::vector<Tag> open_;
  std::optional<Error> error_;
};

// Reads one mb_u_int32 at data[pos]; on success advances pos. Returns nullopt-like codes through
// the out parameter: 0 ok, 1 truncated, 2 malformed. Exposed for the HTTP and link layers' tests.
int readMultiByteUint32(std::string_view data, std::size_t& pos, uint32_t& out);

}  // namespace cradle::eas

// WbxmlWriter: an EAS WBXML encoder that appends to a caller's buffer without per-node allocation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "eas/result.h"
#include "eas/wbxml/code_pages.h"

namespace cradle::eas {

// Writes the EAS header (03 01 6A 00) on construction, then elements as they are started.
// An element started and ended with nothing inside becomes an empty tag (content bit cleared).
// Text containing a NUL byte cannot be an inline string and is written as OPAQUE instead.
// Misuse (end() with nothing open, text outside an element) is recorded and reported by
// finish(); the buffer is then not a valid document. One owner, no threads.
class WbxmlWriter {
 public:
  explicit WbxmlWriter(std::string& out);

  void start(Tag tag);
  void end();
  void empty(Tag tag);
  void text(std::string_view utf8);
  void opaque(std::string_view bytes);

  // start + text + end; an empty value gives <Tag></Tag> encoded as an empty tag.
  void element(Tag tag, std::string_view text);
  void element(Tag tag, uint64_t number);
  void opaqueElement(Tag tag, std::string_view bytes);

  // Checks that every element was closed and nothing was misused.
  Status finish() const;

 private:
  void switchPage(uint8_t page);
  void contentWritten();

  std::string& out_;
  uint8_t page_ = 0;
  std::size_t depth_ = 0;
  std::size_t lastTagPos_ = std::string::npos;  // tag byte to clear if the element stays empty
  bool misused_ = false;
};

}  // namespace cradle::eas

// Helpers shared by the typed commands: required/optional children, numbers, typed errors.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "eas/result.h"
#include "eas/version.h"
#include "eas/wbxml/document.h"
#include "eas/wbxml/writer.h"

namespace cradle::eas {

// Returns the error of a Status/Result expression from the enclosing function.
#define CRADLE_TRY(expr)                 \
  do {                                   \
    if (auto st_ = (expr); !st_.ok()) {  \
      return std::move(st_).takeError(); \
    }                                    \
  } while (false)

// "missing element Ping:HeartbeatInterval in Ping:Ping" at the parent's offset.
Error missingElement(Element parent, Tag tag);
Error badValue(Element at, std::string detail);
Error unexpectedElement(Element at, std::string_view context);

Error duplicateElement(Element e);
Error wrongVersion(Element e, ProtocolVersion v);  // element not used in this protocol version

// Store one child's value into a field that must not be set yet (a second one is an error).
Status readText(Element e, std::optional<std::string>& out);
Status readUint(Element e, std::optional<uint32_t>& out, uint32_t min = 0,
                uint32_t max = UINT32_MAX);

// Every child of `parent` must be one of `allowed` (at most 32), each at most once.
Status onlyOnce(Element parent, std::initializer_list<Tag> allowed);

// The document's root must be this tag.
Status expectRoot(const Document& doc, Tag root);

Result<std::string_view> requiredText(Element parent, Tag tag);
std::optional<std::string_view> optionalText(Element parent, Tag tag);
// Required, non-empty, at most maxLength bytes: ids and keys (ServerId, CollectionId, SyncKey,
// Ping Id) are "up to 64 characters" (MS-ASCMD 2.2.3.166, 2.2.3.181, 2.2.3.90).
Result<std::string_view> requiredId(Element parent, Tag tag, std::size_t maxLength = 64);

// Decimal unsigned integer with no sign, no spaces, no overflow.
std::optional<uint64_t> parseUint(std::string_view text);
Result<uint32_t> requiredUint(Element parent, Tag tag, uint32_t min = 0, uint32_t max = UINT32_MAX);
Result<std::optional<uint32_t>> optionalUint(Element parent, Tag tag, uint32_t min = 0,
                                             uint32_t max = UINT32_MAX);
// EAS booleans are "0" / "1".
Result<std::optional<bool>> optionalBool(Element parent, Tag tag);

// Writes the element only when the value is present.
void writeOptional(WbxmlWriter& w, Tag tag, const std::optional<std::string>& value);
void writeOptional(WbxmlWriter& w, Tag tag, const std::optional<uint32_t>& value);
void writeOptional(WbxmlWriter& w, Tag tag, const std::optional<bool>& value);

// "Ping:HeartbeatInterval"
std::string qualifiedName(Tag tag);

// Decodes WBXML bytes to a Document and hands the root to a typed decoder.
template <class T>
Result<T> decodeWbxml(std::string_view wbxml, Result<T> (*decoder)(const Document&)) {
  auto doc = Document::decode(wbxml);
  if (!doc) {
    return std::move(doc).takeError();
  }
  return decoder(*doc);
}

}  // namespace cradle::eas

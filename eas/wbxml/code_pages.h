// Tags (code page + token) and the lookup tables of MS-ASWBXML, generated from code_pages.def.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace cradle::eas {

// One element identity on the wire: code page in the high byte, token (0x05-0x3F) in the low.
struct Tag {
  uint16_t code = 0;

  constexpr uint8_t page() const { return static_cast<uint8_t>(code >> 8); }
  constexpr uint8_t token() const { return static_cast<uint8_t>(code & 0x3F); }
  friend constexpr bool operator==(Tag a, Tag b) { return a.code == b.code; }
};

constexpr Tag makeTag(uint8_t page, uint8_t token) {
  return Tag{static_cast<uint16_t>((page << 8) | (token & 0x3F))};
}

// tag::<Page>::<Element>, e.g. tag::Ping::HeartbeatInterval, and tag::<Page>::PageNumber.
namespace tag {
#define EAS_PAGE(number, P, ns) \
  namespace P {                 \
  inline constexpr uint8_t PageNumber = number;  \
  }
#define EAS_TAG(P, token, I)
#define EAS_TAG_N(P, token, I, name)
#define EAS_OPAQUE(P, token, I)
#define EAS_ALIAS(P, token, name)
#include "eas/wbxml/code_pages.def"
#undef EAS_PAGE
#undef EAS_TAG
#undef EAS_TAG_N
#undef EAS_OPAQUE
#undef EAS_ALIAS

#define EAS_TAG(P, token, I) \
  namespace P {              \
  inline constexpr Tag I = makeTag(PageNumber, token); \
  }
#define EAS_TAG_N(P, token, I, name) EAS_TAG(P, token, I)
#define EAS_OPAQUE(P, token, I) EAS_TAG(P, token, I)
#define EAS_PAGE(number, P, ns)
#define EAS_ALIAS(P, token, name)
#include "eas/wbxml/code_pages.def"
#undef EAS_TAG
#undef EAS_TAG_N
#undef EAS_OPAQUE
#undef EAS_PAGE
#undef EAS_ALIAS
}  // namespace tag

inline constexpr uint8_t MaxCodePage = 24;  // RightsManagement (MS-ASWBXML, protocol 16.1)

// What the table knows of one token. An undefined token has an empty name.
struct TagInfo {
  std::string_view name;   // MS-ASWBXML name
  std::string_view alias;  // libwbxml's name where it differs, else empty
  bool opaque = false;     // content is binary (OPAQUE), base64 in the XML text form
};

bool isCodePage(uint8_t page);
std::string_view codePageNamespace(uint8_t page);       // "AirSync"; empty if no such page
std::optional<uint8_t> findCodePage(std::string_view ns);  // "AirSync" or "AirSync:"
const TagInfo* tagInfo(Tag tag);                        // nullptr if the page or token is undefined
std::string_view tagName(Tag tag);                      // spec name, or "" if undefined
std::optional<Tag> findTag(uint8_t page, std::string_view name);  // spec name or alias
// How many tokens the table defines (all pages); used by tests.
std::size_t definedTagCount();

}  // namespace cradle::eas

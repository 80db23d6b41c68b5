// Runtime lookup tables for MS-ASWBXML code pages, built once from code_pages.def.
#include "eas/wbxml/code_pages.h"

#include <algorithm>
#include <array>
#include <vector>

namespace cradle::eas {
namespace {

struct PageTable {
  bool defined = false;
  std::string_view ns;
  std::array<TagInfo, 64> tags{};
  // (name, token) sorted by name; spec names and aliases both.
  std::vector<std::pair<std::string_view, uint8_t>> byName;
};

struct Tables {
  std::array<PageTable, MaxCodePage + 1> pages{};
  std::size_t defined = 0;

  Tables() {
#define EAS_PAGE(number, P, name)  \
  pages[number].defined = true;    \
  pages[number].ns = name;
#define EAS_TAG(P, token, I) define(tag::P::PageNumber, token, #I, false);
#define EAS_TAG_N(P, token, I, name) define(tag::P::PageNumber, token, name, false);
#define EAS_OPAQUE(P, token, I) define(tag::P::PageNumber, token, #I, true);
#define EAS_ALIAS(P, token, name) pages[tag::P::PageNumber].tags[token].alias = name;
#include "eas/wbxml/code_pages.def"
#undef EAS_PAGE
#undef EAS_TAG
#undef EAS_TAG_N
#undef EAS_OPAQUE
#undef EAS_ALIAS
    for (auto& page : pages) {
      for (std::size_t t = 0; t < page.tags.size(); ++t) {
        const TagInfo& info = page.tags[t];
        if (info.name.empty()) {
          continue;
        }
        page.byName.emplace_back(info.name, static_cast<uint8_t>(t));
        if (!info.alias.empty()) {
          page.byName.emplace_back(info.alias, static_cast<uint8_t>(t));
        }
      }
      std::sort(page.byName.begin(), page.byName.end());
    }
  }

  void define(uint8_t page, uint8_t token, std::string_view name, bool opaque) {
    TagInfo& info = pages[page].tags[token];
    info.name = name;
    info.opaque = opaque;
    ++defined;
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

bool isCodePage(uint8_t page) { return page <= MaxCodePage && tables().pages[page].defined; }

std::string_view codePageNamespace(uint8_t page) {
  return isCodePage(page) ? tables().pages[page].ns : std::string_view();
}

std::optional<uint8_t> findCodePage(std::string_view ns) {
  if (!ns.empty() && ns.back() == ':') {
    ns.remove_suffix(1);
  }
  const auto& pages = tables().pages;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    if (pages[i].defined && pages[i].ns == ns) {
      return static_cast<uint8_t>(i);
    }
  }
  return std::nullopt;
}

const TagInfo* tagInfo(Tag tag) {
  if (!isCodePage(tag.page()) || (tag.code & 0xC0) != 0) {
    return nullptr;
  }
  const TagInfo& info = tables().pages[tag.page()].tags[tag.token()];
  return info.name.empty() ? nullptr : &info;
}

std::string_view tagName(Tag tag) {
  const TagInfo* info = tagInfo(tag);
  return info ? info->name : std::string_view();
}

std::optional<Tag> findTag(uint8_t page, std::string_view name) {
  if (!isCodePage(page)) {
    return std::nullopt;
  }
  const auto& byName = tables().pages[page].byName;
  auto it = std::lower_bound(byName.begin(), byName.end(), name,
                             [](const auto& entry, std::string_view n) { return entry.first < n; });
  if (it == byName.end() || it->first != name) {
    return std::nullopt;
  }
  return makeTag(page, it->second);
}

std::size_t definedTagCount() { return tables().defined; }

}  // namespace cradle::eas

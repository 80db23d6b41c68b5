// diffFolder: folder items against a device's held versions, with FilterType applied.
#include "mapi-sim/handlers/item_diff.h"

#include <algorithm>
#include <set>
#include <variant>

namespace mapisim {
namespace {

namespace eas = cradle::eas;

constexpr UnixMillis Day = 24LL * 60 * 60 * 1000;

// How far back a FilterType reaches; nullopt: no date limit.
std::optional<UnixMillis> window(eas::FilterType f) {
  switch (f) {
    case eas::FilterType::OneDay:
      return Day;
    case eas::FilterType::ThreeDays:
      return 3 * Day;
    case eas::FilterType::OneWeek:
      return 7 * Day;
    case eas::FilterType::TwoWeeks:
      return 14 * Day;
    case eas::FilterType::OneMonth:
      return 31 * Day;
    case eas::FilterType::ThreeMonths:
      return 92 * Day;
    case eas::FilterType::SixMonths:
      return 183 * Day;
    case eas::FilterType::NoFilter:
    case eas::FilterType::IncompleteTasks:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

bool passesFilter(const ItemRecord& item, ItemClass itemClass,
                  std::optional<eas::FilterType> filter, UnixMillis now) {
  if (!filter || *filter == eas::FilterType::NoFilter) {
    return true;
  }
  switch (itemClass) {
    case ItemClass::Email:
    case ItemClass::Calendar: {
      if (const auto* c = std::get_if<eas::CalendarItem>(&item.data); c && c->recurrence) {
        return true;  // a recurring series may have occurrences inside the window
      }
      auto w = window(*filter);
      return !w || item.received >= now - *w;
    }
    case ItemClass::Tasks:
      if (*filter == eas::FilterType::IncompleteTasks) {
        const auto* t = std::get_if<eas::TaskItem>(&item.data);
        return !t || !t->complete.value_or(false);
      }
      return true;
    case ItemClass::Contacts:
    case ItemClass::Notes:
      return true;
  }
  return true;
}

FolderDiff diffFolder(const Mailbox& mailbox, const FolderRecord& folder,
                      const std::map<std::string, int64_t>& held,
                      std::optional<eas::FilterType> filter, UnixMillis now) {
  FolderDiff d;
  const ItemClass itemClass = folder.itemClass();
  std::set<std::string> present;
  for (ItemRecord& item : mailbox.items(folder.id)) {
    present.insert(item.serverId);
    const bool inWindow = passesFilter(item, itemClass, filter, now);
    auto h = held.find(item.serverId);
    if (h == held.end()) {
      if (inWindow) {
        d.adds.push_back(std::move(item));
      }
    } else if (!inWindow) {
      d.softDeletes.push_back(item.serverId);
    } else if (h->second != item.version) {
      d.changes.push_back(std::move(item));
    }
  }
  for (const auto& [serverId, version] : held) {
    if (!present.count(serverId)) {
      d.deletes.push_back(serverId);
    }
  }
  if (itemClass == ItemClass::Email) {
    // items() is oldest first; a device filling a window wants the newest mail first.
    std::reverse(d.adds.begin(), d.adds.end());
  }
  return d;
}

}  // namespace mapisim

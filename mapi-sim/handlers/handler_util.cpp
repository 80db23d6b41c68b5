// Helpers shared by the data command handlers.
#include "mapi-sim/handlers/handler_util.h"

#include <cstdio>
#include <ctime>

namespace mapisim {
namespace {

std::tm utc(UnixMillis t, int& millis) {
  int64_t seconds = t / 1000;
  millis = static_cast<int>(t % 1000);
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  const std::time_t tt = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}

}  // namespace

std::string isoDateTime(UnixMillis t) {
  int millis = 0;
  const std::tm tm = utc(t, millis);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

std::string rfc5322Date(UnixMillis t) {
  static constexpr const char* Days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* Months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int millis = 0;
  const std::tm tm = utc(t, millis);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", Days[tm.tm_wday % 7],
                tm.tm_mday, Months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

cradle::eas::CollectionClassLookup classLookup(const Mailbox& mailbox, int64_t userId) {
  return [&mailbox, userId](std::string_view collectionId) -> std::optional<ItemClass> {
    auto f = mailbox.folder(userId, std::string(collectionId));
    if (!f) {
      return std::nullopt;
    }
    return f->itemClass();
  };
}

bool isDefaultFolder(FolderType type) {
  const auto v = static_cast<uint32_t>(type);
  return (v >= 2 && v <= 11) || type == FolderType::RecipientInfo;
}

bool statusInBody(cradle::eas::ProtocolVersion v) {
  return cradle::eas::atLeast(v, cradle::eas::ProtocolVersion::V14_0);
}

}  // namespace mapisim

// SyncKey: creating, parsing and printing "{<uuid>}<counter>".
#include "mapi-sim/state/sync_key.h"

#include <Poco/UUIDGenerator.h>

#include "eas/message/common.h"

namespace mapisim {

SyncKey SyncKey::fresh() {
  return SyncKey{Poco::UUIDGenerator::defaultGenerator().createRandom().toString(), 1};
}

std::optional<SyncKey> SyncKey::parse(std::string_view text) {
  constexpr std::size_t UuidLength = 36;
  if (text.size() < UuidLength + 3 || text.front() != '{' || text[UuidLength + 1] != '}') {
    return std::nullopt;
  }
  std::string_view uuid = text.substr(1, UuidLength);
  for (std::size_t i = 0; i < uuid.size(); ++i) {
    const char c = uuid[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (dash ? c != '-' : !hex) {
      return std::nullopt;
    }
  }
  std::string_view digits = text.substr(UuidLength + 2);
  if (digits.size() > 9 || (digits.size() > 1 && digits.front() == '0')) {
    return std::nullopt;
  }
  auto n = cradle::eas::parseUint(digits);
  if (!n || *n == 0) {
    return std::nullopt;
  }
  return SyncKey{std::string(uuid), static_cast<uint32_t>(*n)};
}

std::string SyncKey::text() const { return "{" + uuid + "}" + std::to_string(counter); }

}  // namespace mapisim

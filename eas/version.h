// EAS protocol versions (MS-ASProtocolVersion values) as a comparable type.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace cradle::eas {

// Wire value is the dotted string ("2.5", "12.1", ...); the enum value is major*10+minor.
enum class ProtocolVersion : uint16_t {
  V2_5 = 25,
  V12_0 = 120,
  V12_1 = 121,
  V14_0 = 140,
  V14_1 = 141,
  V16_0 = 160,
  V16_1 = 161,
};

inline constexpr ProtocolVersion AllProtocolVersions[] = {
    ProtocolVersion::V2_5,  ProtocolVersion::V12_0, ProtocolVersion::V12_1, ProtocolVersion::V14_0,
    ProtocolVersion::V14_1, ProtocolVersion::V16_0, ProtocolVersion::V16_1};

constexpr bool atLeast(ProtocolVersion v, ProtocolVersion min) {
  return static_cast<uint16_t>(v) >= static_cast<uint16_t>(min);
}

std::string_view toString(ProtocolVersion v);                           // "12.1"
std::optional<ProtocolVersion> parseProtocolVersion(std::string_view s);  // "12.1" -> V12_1

}  // namespace cradle::eas

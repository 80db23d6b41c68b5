// EAS date-times on the device side: "2026-11-25T09:26:27.123Z" to unix milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace devicesim {

// The extended form with or without milliseconds (MS-ASDTYPE 2.3); nullopt when malformed.
std::optional<int64_t> parseUtcMillis(const std::string& s);

}  // namespace devicesim

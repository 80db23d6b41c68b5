// Device profiles: the Windows Mobile devices device-sim can pretend to be, and the MSFP rule.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "device-sim/heartbeat/adaptive_heartbeat.h"
#include "eas/version.h"

namespace devicesim {

// The Windows Mobile release; decides which rules apply (the MSFP rule is WM5 only).
enum class Platform : uint8_t { Wm5, Wm6, Wm61 };

// What a simulated device says about itself and how it behaves by default. Plain data: copy a
// built-in profile and change a field (e.g. buildNumber) to make a variant.
struct Profile {
  std::string name;         // command-line name: "wm5", "wm5-msfp", "wm6", "wm61"
  std::string description;  // one human line
  Platform platform = Platform::Wm6;
  std::string osVersion;    // Windows CE version "<major>.<minor>.<build>", as in the User-Agent
  std::string buildNumber;  // the ROM build shown on the About screen, e.g. "14955.2.0.0"
  std::string model;        // Settings DeviceInformation Model (12.0+)
  std::string userAgent;    // MS-ASHTTP User-Agent header
  std::string deviceType = "PocketPC";  // plain query DeviceType (notes §4)
  cradle::eas::ProtocolVersion protocolVersion = cradle::eas::ProtocolVersion::V12_0;
  HeartbeatConfig heartbeat;
};

// The four built-in profiles, in the order wm5, wm5-msfp, wm6, wm61.
std::span<const Profile> builtinProfiles();
// A built-in profile by name; nullopt for an unknown name.
std::optional<Profile> findProfile(std::string_view name);

// A WM5 ROM build "NNNNN.a.b.c" (four dot-separated decimal numbers).
struct Wm5Build {
  uint32_t build = 0;
  uint32_t a = 0;
  uint32_t b = 0;
  uint32_t c = 0;
};
// Parses "14955.2.0.0". Anything else (missing parts, signs, spaces, empty parts, values above
// 2^32-1, a fifth part) gives nullopt: the text comes from a command line or a file.
std::optional<Wm5Build> parseWm5Build(std::string_view text);
// The seed's MSFP rule: a WM5 build supports Direct Push when its last three components are
// 2.0.0 or higher, compared as a version (a, then b, then c).
bool wm5BuildHasMsfp(const Wm5Build& build);

// Whether the device does Direct Push (Ping) at all. WM6 and later: always. WM5: only with the
// Messaging and Security Feature Pack, i.e. a build passing the MSFP rule; an unparsable WM5
// build counts as without MSFP. A device without it does scheduled sync only.
bool supportsDirectPush(const Profile& profile);
// Provision (and so remote wipe) arrived with MSFP as well (notes §4: WM5 AKU < 2 has no
// Provision/Ping), so the answer is the same as for Direct Push.
bool supportsProvision(const Profile& profile);
// Settings (DeviceInformation) exists from EAS 12.0 (notes §3.6, §3.9).
bool supportsSettings(const Profile& profile);

}  // namespace devicesim

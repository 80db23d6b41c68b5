// Device profiles and the WM5 MSFP rule. Sources: notes/eas-protocol.md §4 "Windows Mobile
// devices: versions, User-Agent, DeviceType" (version table, User-Agents seen in inventories).
#include "device-sim/profiles/profile.h"

#include <array>
#include <charconv>
#include <tuple>

namespace devicesim {

namespace eas = cradle::eas;

namespace {

// User-Agent format "MSFT-PPC/<CE major>.<CE minor>.<build>" and DeviceType "PocketPC": notes §4.
// The UA builds are values seen in device inventories (notes §4); which ROM build and model went
// with which UA is not recorded there, so the pairings and the ROM builds of wm6/wm61 are
// illustrative. The wm5/wm5-msfp ROM builds are the seed's own examples of the MSFP rule.
std::array<Profile, 4> makeProfiles() {
  std::array<Profile, 4> p;

  p[0].name = "wm5";
  p[0].description = "Windows Mobile 5.0 Pocket PC without MSFP (AKU < 2): scheduled sync only";
  p[0].platform = Platform::Wm5;
  p[0].osVersion = "5.1.2201";
  p[0].buildNumber = "14847.0.4.0";  // last three 0.4.0 < 2.0.0: no MSFP
  p[0].model = "SimPPC WM5";
  p[0].userAgent = "MSFT-PPC/5.1.2201";
  // notes §4 says AKU < 2 devices speak 2.1 (unverified); eas/ knows no 2.1, and what matters to
  // the simulation (no Provision, no Ping) is modelled by supportsDirectPush/supportsProvision.
  p[0].protocolVersion = eas::ProtocolVersion::V2_5;

  p[1].name = "wm5-msfp";
  p[1].description = "Windows Mobile 5.0 Pocket PC with MSFP (AKU 2): EAS 2.5, Direct Push";
  p[1].platform = Platform::Wm5;
  p[1].osVersion = "5.1.2302";
  p[1].buildNumber = "14955.2.0.0";  // AKU 2: last three 2.0.0 qualify
  p[1].model = "SimPPC WM5";
  p[1].userAgent = "MSFT-PPC/5.1.2302";
  p[1].protocolVersion = eas::ProtocolVersion::V2_5;  // notes §4: WM5 + MSFP = 2.5

  p[2].name = "wm6";
  p[2].description = "Windows Mobile 6 Professional: EAS 12.0, Direct Push";
  p[2].platform = Platform::Wm6;
  p[2].osVersion = "5.2.5082";
  p[2].buildNumber = "17740.0.2.0";
  p[2].model = "SimPPC WM6";
  p[2].userAgent = "MSFT-PPC/5.2.5082";  // also the UA of test vector 7.14 (notes §7)
  p[2].protocolVersion = eas::ProtocolVersion::V12_0;  // notes §4: WM6 = 12.0

  p[3].name = "wm61";
  p[3].description = "Windows Mobile 6.1 Professional: EAS 12.1, Direct Push";
  p[3].platform = Platform::Wm61;
  p[3].osVersion = "5.2.5500";
  p[3].buildNumber = "19202.1.0.0";
  p[3].model = "SimPPC WM6.1";
  p[3].userAgent = "MSFT-PPC/5.2.5500";
  p[3].protocolVersion = eas::ProtocolVersion::V12_1;  // notes §4: WM6.1 = 12.1
  // All four keep the default HeartbeatConfig (notes §5.1: 480 s start on WM5/MSFP; the same
  // algorithm is assumed on WM6/6.1 [inference]).
  return p;
}

bool parseNumber(std::string_view s, uint32_t& out) {
  if (s.empty()) {
    return false;
  }
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && ptr == end;
}

}  // namespace

std::span<const Profile> builtinProfiles() {
  static const std::array<Profile, 4> profiles = makeProfiles();
  return profiles;
}

std::optional<Profile> findProfile(std::string_view name) {
  for (const Profile& p : builtinProfiles()) {
    if (p.name == name) {
      return p;
    }
  }
  return std::nullopt;
}

std::optional<Wm5Build> parseWm5Build(std::string_view text) {
  std::array<uint32_t, 4> parts{};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::size_t dot = text.find('.');
    bool last = i + 1 == parts.size();
    if (last != (dot == std::string_view::npos)) {
      return std::nullopt;  // too few or too many parts
    }
    if (!parseNumber(text.substr(0, dot), parts[i])) {
      return std::nullopt;
    }
    text = last ? std::string_view{} : text.substr(dot + 1);
  }
  return Wm5Build{parts[0], parts[1], parts[2], parts[3]};
}

bool wm5BuildHasMsfp(const Wm5Build& build) {
  // Seed rule (issue 5, "Profiles"): last three components >= 2.0.0; "14955.2.0.0" qualifies,
  // "14847.0.4.0" does not. MSFP shipped as AKU 2 (notes §4 table).
  return std::tie(build.a, build.b, build.c) >= std::make_tuple(2u, 0u, 0u);
}

bool supportsDirectPush(const Profile& profile) {
  if (profile.platform != Platform::Wm5) {
    return true;  // notes §4: "WM 5.0 with MSFP or a later version" is Direct-Push capable
  }
  std::optional<Wm5Build> build = parseWm5Build(profile.buildNumber);
  return build && wm5BuildHasMsfp(*build);
}

bool supportsProvision(const Profile& profile) { return supportsDirectPush(profile); }

bool supportsSettings(const Profile& profile) {
  return eas::atLeast(profile.protocolVersion, eas::ProtocolVersion::V12_0);
}

}  // namespace devicesim

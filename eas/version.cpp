// Protocol version names.
#include "eas/version.h"

namespace cradle::eas {

std::string_view toString(ProtocolVersion v) {
  switch (v) {
    case ProtocolVersion::V2_5: return "2.5";
    case ProtocolVersion::V12_0: return "12.0";
    case ProtocolVersion::V12_1: return "12.1";
    case ProtocolVersion::V14_0: return "14.0";
    case ProtocolVersion::V14_1: return "14.1";
    case ProtocolVersion::V16_0: return "16.0";
    case ProtocolVersion::V16_1: return "16.1";
  }
  return "";
}

std::optional<ProtocolVersion> parseProtocolVersion(std::string_view s) {
  for (ProtocolVersion v : AllProtocolVersions) {
    if (toString(v) == s) {
      return v;
    }
  }
  return std::nullopt;
}

}  // namespace cradle::eas

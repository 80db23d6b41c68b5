// Settings DeviceInformation as "Name: value" lines.
#include "mapi-sim/policy/device_information.h"

#include <optional>
#include <string_view>

namespace mapisim {

namespace {

void addLine(std::string& out, std::string_view name, const std::optional<std::string>& value) {
  if (!value) {
    return;
  }
  out += name;
  out += ": ";
  for (char c : *value) {
    const auto b = static_cast<unsigned char>(c);
    out += (b < 0x20 || b == 0x7F) ? ' ' : c;
  }
  out += '\n';
}

}  // namespace

std::string deviceInfoText(const cradle::eas::DeviceInformation& info) {
  std::string out;
  addLine(out, "Model", info.model);
  addLine(out, "IMEI", info.imei);
  addLine(out, "FriendlyName", info.friendlyName);
  addLine(out, "OS", info.os);
  addLine(out, "OSLanguage", info.osLanguage);
  addLine(out, "PhoneNumber", info.phoneNumber);
  addLine(out, "UserAgent", info.userAgent);
  if (info.enableOutboundSms) {
    addLine(out, "EnableOutboundSMS", std::string(*info.enableOutboundSms ? "1" : "0"));
  }
  addLine(out, "MobileOperator", info.mobileOperator);
  return out;
}

}  // namespace mapisim

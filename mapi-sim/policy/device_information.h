// Settings DeviceInformation as the "Name: value" lines mapi-sim keeps in DeviceRecord::deviceInfo.
#pragma once

#include <string>

#include "eas/message/settings.h"

namespace mapisim {

// One line per field sent, in MS-ASCMD 2.2.1.18 order, named as on the wire: Model, IMEI,
// FriendlyName, OS, OSLanguage, PhoneNumber, UserAgent, EnableOutboundSMS (0/1),
// MobileOperator. Control characters in values (a CR/LF would forge a line) become spaces.
// An empty result means the device sent an empty Set.
std::string deviceInfoText(const cradle::eas::DeviceInformation& info);

}  // namespace mapisim

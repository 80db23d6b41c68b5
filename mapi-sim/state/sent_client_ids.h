// The ClientIds of the last messages a device sent (14.0+ SendMail refuses a repeat with 118).
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "mapi-sim/mailbox/mailbox.h"

namespace mapisim {

// ComposeMail ClientId (14.0+) is unique per message; a message whose ClientId the server already
// saw is not sent again (MS-ASCMD 2.2.2 common status 118 MessagePreviouslySent). We remember
// the last `Capacity` ids of each device, newline-separated under "sentclientids".
struct SentClientIds {
  static constexpr std::size_t Capacity = 200;
  static constexpr const char* StateKey = "sentclientids";

  std::deque<std::string> ids;  // oldest first

  static SentClientIds load(const Mailbox& mailbox, int64_t deviceRowId);
  Status save(Mailbox& mailbox, int64_t deviceRowId) const;
  bool contains(const std::string& id) const;
  void add(const std::string& id);  // drops the oldest beyond Capacity
};

}  // namespace mapisim

// SentClientIds: a bounded, newline-separated list in the device state table.
#include "mapi-sim/state/sent_client_ids.h"

#include <algorithm>

namespace mapisim {
namespace {

// The list is newline-separated: a line break inside an id (the decoder allows any text) is
// stored, and compared, as a space.
std::string normalized(const std::string& id) {
  std::string out = id;
  std::replace(out.begin(), out.end(), '\n', ' ');
  std::replace(out.begin(), out.end(), '\r', ' ');
  return out;
}

}  // namespace

SentClientIds SentClientIds::load(const Mailbox& mailbox, int64_t deviceRowId) {
  SentClientIds s;
  const std::string text = mailbox.deviceState(deviceRowId, StateKey).value_or("");
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    if (end > start) {
      s.ids.push_back(text.substr(start, end - start));
    }
    start = end + 1;
  }
  return s;
}

Status SentClientIds::save(Mailbox& mailbox, int64_t deviceRowId) const {
  std::string text;
  for (const std::string& id : ids) {
    text += id;
    text += '\n';
  }
  return mailbox.setDeviceState(deviceRowId, StateKey, text);
}

bool SentClientIds::contains(const std::string& id) const {
  return std::find(ids.begin(), ids.end(), normalized(id)) != ids.end();
}

void SentClientIds::add(const std::string& id) {
  ids.push_back(normalized(id));
  while (ids.size() > Capacity) {
    ids.pop_front();
  }
}

}  // namespace mapisim

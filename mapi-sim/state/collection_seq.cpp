// CollectionSeq: "<folder row id> <seq|pending>" under "syncseq:<CollectionId>".
#include "mapi-sim/state/collection_seq.h"

#include <string_view>

#include "eas/message/common.h"

namespace mapisim {
namespace {

std::string seqKey(const std::string& collectionId) { return "syncseq:" + collectionId; }

std::optional<int64_t> parseSigned(std::string_view s) {
  auto v = cradle::eas::parseUint(s);
  if (!v || *v > static_cast<uint64_t>(INT64_MAX)) {
    return std::nullopt;
  }
  return static_cast<int64_t>(*v);
}

}  // namespace

std::optional<CollectionSeq> CollectionSeq::load(const Mailbox& mailbox, int64_t deviceRowId,
                                                 const std::string& collectionId) {
  auto text = mailbox.deviceState(deviceRowId, seqKey(collectionId));
  if (!text) {
    return std::nullopt;
  }
  std::string_view t = *text;
  const auto space = t.find(' ');
  if (space == std::string_view::npos) {
    return std::nullopt;
  }
  auto folder = parseSigned(t.substr(0, space));
  if (!folder) {
    return std::nullopt;
  }
  std::string_view rest = t.substr(space + 1);
  if (rest == "pending") {
    return CollectionSeq{*folder, std::nullopt};
  }
  auto seq = parseSigned(rest);
  if (!seq) {
    return std::nullopt;
  }
  return CollectionSeq{*folder, *seq};
}

Status CollectionSeq::save(Mailbox& mailbox, int64_t deviceRowId,
                           const std::string& collectionId) const {
  return mailbox.setDeviceState(
      deviceRowId, seqKey(collectionId),
      std::to_string(folderRowId) + " " + (seq ? std::to_string(*seq) : std::string("pending")));
}

Status CollectionSeq::erase(Mailbox& mailbox, int64_t deviceRowId,
                            const std::string& collectionId) {
  return mailbox.setDeviceState(deviceRowId, seqKey(collectionId), "");
}

bool CollectionSeq::pending(const Mailbox& mailbox) const {
  return !seq || mailbox.folderChangeSeq(folderRowId) > *seq;
}

}  // namespace mapisim

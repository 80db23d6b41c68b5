// Per-device policy: FolderSync/Ping data-type filters, Sync Options and attachment rules.
#include "bridge/policy/device_policy.h"

#include <algorithm>
#include <variant>

#include "eas/message/item_operations.h"
#include "eas/wbxml/document.h"

namespace cradle::bridge {

std::optional<DataType> dataTypeOf(eas::FolderType type) {
  using T = eas::FolderType;
  switch (type) {
    case T::UserGeneric:
    case T::Inbox:
    case T::Drafts:
    case T::DeletedItems:
    case T::SentItems:
    case T::Outbox:
    case T::UserMail:
      return DataType::Email;
    case T::Tasks:
    case T::UserTasks:
      return DataType::Tasks;
    case T::Calendar:
    case T::UserCalendar:
      return DataType::Calendar;
    case T::Contacts:
    case T::UserContacts:
      return DataType::Contacts;
    default:
      return std::nullopt;
  }
}

std::optional<DataType> dataTypeOf(eas::ItemClass itemClass) {
  switch (itemClass) {
    case eas::ItemClass::Email:
      return DataType::Email;
    case eas::ItemClass::Calendar:
      return DataType::Calendar;
    case eas::ItemClass::Contacts:
      return DataType::Contacts;
    case eas::ItemClass::Tasks:
      return DataType::Tasks;
    default:
      return std::nullopt;
  }
}

namespace {

template <typename T>
bool selected(T type, uint8_t dataTypes) {
  auto t = dataTypeOf(type);
  return !t || hasDataType(dataTypes, *t);
}

bool isEmailCollection(const eas::SyncCollectionRequest& c, const FolderTypes& types) {
  if (c.itemClass) {
    return *c.itemClass == eas::ItemClass::Email;
  }
  auto it = types.find(c.collectionId);
  return it != types.end() && dataTypeOf(it->second) == DataType::Email;
}

// The narrower of the device's FilterType and the policy's (0 = no filter, 1..7 widen).
eas::FilterType narrower(std::optional<eas::FilterType> device, eas::FilterType policy) {
  if (!device || *device == eas::FilterType::IncompleteTasks) {
    return policy;
  }
  if (policy == eas::FilterType::NoFilter) {
    return *device;
  }
  if (*device == eas::FilterType::NoFilter) {
    return policy;
  }
  return std::min(*device, policy);
}

void applyLimits(eas::SyncOptions& o, eas::ProtocolVersion version, const EmailLimits& limits) {
  o.filterType = narrower(o.filterType, filterTypeFor(limits.pastDays));
  if (version == eas::ProtocolVersion::V2_5) {
    // 2.5 Truncation codes grow with the size; 9 is no truncation.
    const uint32_t code = truncationCodeFor(limits.sizeLimit);
    o.truncation = o.truncation ? std::min(*o.truncation, code) : code;
    return;
  }
  const std::optional<uint32_t> size = truncationSizeFor(limits.sizeLimit);
  if (o.bodyPreferences.empty()) {
    o.bodyPreferences.push_back(eas::BodyPreference{});  // Type 1, plain text
  }
  if (!size) {
    return;
  }
  for (auto& p : o.bodyPreferences) {
    // MS-ASAIRS 2.2.2.41 TruncationSize: the body is cut after this many bytes.
    p.truncationSize = p.truncationSize ? std::min(*p.truncationSize, *size) : *size;
  }
}

bool isAttachmentFetch(const eas::ItemOperation& op) {
  const auto* fetch = std::get_if<eas::FetchRequest>(&op);
  return fetch != nullptr && fetch->fileReference.has_value();
}

}  // namespace

std::optional<std::string> filterFolderSync(std::string_view body, uint8_t dataTypes,
                                            FolderTypes& types) {
  auto doc = eas::Document::decode(body);
  if (!doc.ok()) {
    return std::nullopt;
  }
  auto response = eas::decodeFolderSyncResponse(*doc);
  if (!response.ok() || response->status != eas::FolderSyncStatus::Success || !response->changes) {
    return std::nullopt;
  }
  if (response->syncKey && *response->syncKey == "0") {
    types.clear();
  }
  for (const auto& c : *response->changes) {
    if (c.kind == eas::FolderChange::Kind::Delete) {
      types.erase(c.serverId);
    } else {
      types[c.serverId] = c.type;
    }
  }
  auto& changes = *response->changes;
  const auto removed =
      std::remove_if(changes.begin(), changes.end(), [&](const eas::FolderChange& c) {
        if (c.kind == eas::FolderChange::Kind::Delete) {
          return false;  // a delete of a folder the device never got is ignored by it
        }
        return !selected(c.type, dataTypes);
      });
  if (removed == changes.end()) {
    return std::nullopt;
  }
  changes.erase(removed, changes.end());
  return eas::encode(*response);  // MS-ASCMD 2.2.3.37: Count is the number written
}

std::vector<eas::PingFolder> filterPingFolders(const std::vector<eas::PingFolder>& folders,
                                               uint8_t dataTypes) {
  std::vector<eas::PingFolder> out;
  for (const auto& f : folders) {
    if (selected(f.itemClass, dataTypes)) {
      out.push_back(f);
    }
  }
  return out;
}

eas::FilterType filterTypeFor(EmailPastDays days) {
  switch (days) {
    case EmailPastDays::OneDay:
      return eas::FilterType::OneDay;
    case EmailPastDays::ThreeDays:
      return eas::FilterType::ThreeDays;
    case EmailPastDays::OneWeek:
      return eas::FilterType::OneWeek;
    case EmailPastDays::TwoWeeks:
      return eas::FilterType::TwoWeeks;
    case EmailPastDays::OneMonth:
      return eas::FilterType::OneMonth;
    case EmailPastDays::All:
      break;
  }
  return eas::FilterType::NoFilter;
}

uint32_t truncationCodeFor(EmailSizeLimit limit) {
  // 2.5 Truncation: 0 headers only, 1 = 512 B, 2 = 1 KB, 3 = 2 KB, 4 = 5 KB, 5 = 10 KB,
  // 6 = 20 KB, 7 = 50 KB, 8 = 100 KB, 9 = no truncation (notes/eas-protocol.md, Z-Push).
  switch (limit) {
    case EmailSizeLimit::HeadersOnly:
      return 0;
    case EmailSizeLimit::HalfK:
      return 1;
    case EmailSizeLimit::K1:
      return 2;
    case EmailSizeLimit::K2:
      return 3;
    case EmailSizeLimit::K5:
      return 4;
    case EmailSizeLimit::K10:
      return 5;
    case EmailSizeLimit::K20:
      return 6;
    case EmailSizeLimit::K50:
      return 7;
    case EmailSizeLimit::K100:
      return 8;
    case EmailSizeLimit::Entire:
      break;
  }
  return 9;
}

std::optional<uint32_t> truncationSizeFor(EmailSizeLimit limit) {
  if (limit == EmailSizeLimit::Entire) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(limit);
}

std::optional<std::string> rewriteSyncOptions(std::string_view body, eas::ProtocolVersion version,
                                              const EmailLimits& limits, const FolderTypes& types) {
  if (body.empty()) {
    return std::nullopt;
  }
  auto doc = eas::Document::decode(body);
  if (!doc.ok()) {
    return std::nullopt;
  }
  auto lookup = [&types](std::string_view id) -> std::optional<eas::ItemClass> {
    auto it = types.find(std::string(id));
    if (it == types.end()) {
      return std::nullopt;
    }
    return eas::classForType(it->second);
  };
  auto request = eas::decodeSyncRequest(*doc, version, lookup);
  if (!request.ok()) {
    return std::nullopt;
  }
  bool changed = false;
  for (auto& c : request->collections) {
    if (!isEmailCollection(c, types)) {
      continue;
    }
    eas::SyncOptions o = c.options.value_or(eas::SyncOptions{});
    applyLimits(o, version, limits);
    if (!c.options || *c.options != o) {
      c.options = o;
      changed = true;
    }
  }
  if (!changed) {
    return std::nullopt;
  }
  return eas::encode(*request);
}

std::optional<std::string> refuseAttachmentFetches(std::string_view body,
                                                   eas::ProtocolVersion version) {
  auto doc = eas::Document::decode(body);
  if (!doc.ok()) {
    return std::nullopt;
  }
  auto request = eas::decodeItemOperationsRequest(*doc);
  if (!request.ok() ||
      std::none_of(request->operations.begin(), request->operations.end(), isAttachmentFetch)) {
    return std::nullopt;
  }
  eas::ItemOperationsResponse response;
  for (const auto& op : request->operations) {
    if (isAttachmentFetch(op)) {
      eas::FetchResponse f;
      f.status = eas::ItemOperationsStatus::ResourceAccessDenied;  // MS-ASCMD 2.2.3.177.8: 16
      f.fileReference = std::get<eas::FetchRequest>(op).fileReference;
      response.responses.emplace_back(std::move(f));
    } else if (const auto* fetch = std::get_if<eas::FetchRequest>(&op)) {
      eas::FetchResponse f;
      f.status = eas::ItemOperationsStatus::ServerError;
      f.collectionId = fetch->collectionId;
      f.serverId = fetch->serverId;
      f.longId = fetch->longId;
      f.linkId = fetch->linkId;
      response.responses.emplace_back(std::move(f));
    } else if (const auto* empty = std::get_if<eas::EmptyFolderContentsRequest>(&op)) {
      eas::EmptyFolderContentsResponse e;
      e.status = eas::ItemOperationsStatus::ServerError;
      e.collectionId = empty->collectionId;
      response.responses.emplace_back(std::move(e));
    } else {
      eas::ConversationMoveResponse m;
      m.status = eas::ItemOperationsStatus::ServerError;
      m.conversationId = std::get<eas::ConversationMoveRequest>(op).conversationId;
      response.responses.emplace_back(std::move(m));
    }
  }
  return eas::encode(response, version);
}

std::optional<std::string> capAttachmentFetches(std::string_view body, eas::ProtocolVersion version,
                                                uint32_t maxBytes) {
  auto doc = eas::Document::decode(body);
  if (!doc.ok()) {
    return std::nullopt;
  }
  auto response = eas::decodeItemOperationsResponse(*doc, version);
  if (!response.ok()) {
    return std::nullopt;
  }
  bool changed = false;
  for (auto& r : response->responses) {
    auto* fetch = std::get_if<eas::FetchResponse>(&r);
    if (fetch == nullptr || !fetch->fileReference || !fetch->properties) {
      continue;
    }
    const auto& p = *fetch->properties;
    const std::size_t size = p.total ? *p.total : (p.data ? p.data->size() : 0);
    if (size > maxBytes) {
      fetch->status = eas::ItemOperationsStatus::DataTooLarge;  // MS-ASCMD 2.2.3.177.8: 11
      fetch->properties.reset();
      changed = true;
    }
  }
  if (!changed) {
    return std::nullopt;
  }
  return eas::encode(*response, version);
}

}  // namespace cradle::bridge

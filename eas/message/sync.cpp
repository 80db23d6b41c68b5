// Typed EAS Sync command: encoders, decoders, status meanings and the server-side checks.
#include "eas/message/sync.h"

#include <initializer_list>
#include <string>
#include <utility>

#include "eas/message/common.h"
#include "eas/wbxml/code_pages.h"
#include "eas/wbxml/writer.h"

namespace cradle::eas {
namespace {


namespace As = ::cradle::eas::tag::AirSync;

// MS-ASCMD 2.2.3.181.4: the client stores the SyncKey as an opaque string of up to 64 characters.
constexpr std::size_t MaxSyncKeyLength = 64;

// ---------------------------------------------------------------------------------------------
// Reading


template <class E>
Status readEnum(Element e, std::optional<E>& out, uint32_t max) {
  if (out) {
    return duplicateElement(e);
  }
  std::optional<uint32_t> v;
  CRADLE_TRY(readUint(e, v, 0, max));
  out = static_cast<E>(*v);
  return {};
}

// "0"/"1", where an empty element means true (MS-ASCMD 2.2.3.84 GetChanges, 2.2.3.43
// DeletesAsMoves, 2.2.3.131 Partial).
Status readFlag(Element e, std::optional<bool>& out) {
  if (out) {
    return duplicateElement(e);
  }
  std::string_view t = e.text();
  if (t.empty() || t == "1") {
    out = true;
  } else if (t == "0") {
    out = false;
  } else {
    return badValue(e, "expected empty, 0 or 1");
  }
  return {};
}

Status readSyncKey(Element e, std::optional<std::string>& out) {
  if (e.text().size() > MaxSyncKeyLength) {
    return badValue(e, "longer than 64 characters");
  }
  return readText(e, out);
}

Result<std::string> required(Element parent, Tag t, std::optional<std::string>&& value) {
  if (!value) {
    return missingElement(parent, t);
  }
  return std::move(*value);
}

// The class a collection's items belong to, for one ApplicationData element.
Result<ItemClass> classFor(Element collection, std::optional<ItemClass> known, Element ad) {
  if (known) {
    return *known;
  }
  if (auto inferred = inferItemClass(ad)) {
    return *inferred;
  }
  return missingElement(collection, As::Class);
}

Result<std::optional<ItemClass>> collectionClass(Element classElement, std::string_view id,
                                                 const CollectionClassLookup& lookup) {
  if (classElement) {
    auto c = parseItemClass(classElement.text());
    if (!c) {
      return badValue(classElement,
                      "unknown class '" + std::string(classElement.text().substr(0, 32)) + "'");
    }
    return std::optional<ItemClass>(*c);
  }
  if (lookup) {
    return lookup(id);
  }
  return std::optional<ItemClass>();
}

// ApplicationData of one command, decoded with the collection's class.
Result<ApplicationData> commandData(Element command, Element collection,
                                    std::optional<ItemClass> known, ProtocolVersion v) {
  Element ad = command.child(As::ApplicationData);
  if (!ad) {
    return missingElement(command, As::ApplicationData);
  }
  auto c = classFor(collection, known, ad);
  if (!c) {
    return std::move(c).takeError();
  }
  return decodeApplicationData(ad, *c, v);
}

Result<std::string> requiredChildText(Element parent, Tag t) {
  auto text = requiredText(parent, t);
  if (!text) {
    return std::move(text).takeError();
  }
  return std::string(*text);
}

// ---------------------------------------------------------------------------------------------
// Request decoding

Result<SyncOptions> decodeOptions(Element e, ProtocolVersion v) {
  SyncOptions o;
  bool modern = atLeast(v, ProtocolVersion::V12_0);
  for (Element c : e.children()) {
    Tag t = c.tag();
    if (t == As::FilterType) {
      CRADLE_TRY(readEnum(c, o.filterType, 8));  // MS-ASCMD 2.2.3.68.2
    } else if (t == tag::AirSyncBase::BodyPreference) {
      if (!modern) {
        return wrongVersion(c, v);
      }
      auto p = decodeBodyPreference(c);
      if (!p) {
        return std::move(p).takeError();
      }
      o.bodyPreferences.push_back(std::move(*p));
    } else if (t == As::Truncation || t == As::RTFTruncation) {
      // MS-ASCMD 2.2.3.186 / 2.2.3.156: 2.5 only (12.0+ uses BodyPreference).
      if (modern) {
        return wrongVersion(c, v);
      }
      CRADLE_TRY(readUint(c, t == As::Truncation ? o.truncation : o.rtfTruncation, 0, 9));
    } else if (t == As::MIMESupport) {
      CRADLE_TRY(readEnum(c, o.mimeSupport, 2));
    } else if (t == As::MIMETruncation) {
      CRADLE_TRY(readUint(c, o.mimeTruncation, 0, 8));
    } else if (t == As::Conflict) {
      CRADLE_TRY(readEnum(c, o.conflict, 1));
    } else if (t.page() == As::PageNumber && !(t == As::Class) && !(t == As::MaxItems)) {
      return unexpectedElement(c, "AirSync:Options");
    }
    // Class/MaxItems (14.0+ per-class options) and other pages' options are not modelled.
  }
  return o;
}

Result<std::vector<SyncClientCommand>> decodeClientCommands(Element commands, Element collection,
                                                            std::optional<ItemClass> known,
                                                            ProtocolVersion v) {
  std::vector<SyncClientCommand> out;
  for (Element c : commands.children()) {
    Tag t = c.tag();
    if (t == As::Add) {
      CRADLE_TRY(onlyOnce(c, {As::ClientId, As::ApplicationData, As::Class}));
      auto id = requiredChildText(c, As::ClientId);
      if (!id) {
        return std::move(id).takeError();
      }
      auto data = commandData(c, collection, known, v);
      if (!data) {
        return std::move(data).takeError();
      }
      out.emplace_back(SyncClientAdd{std::move(*id), std::move(*data)});
    } else if (t == As::Change) {
      CRADLE_TRY(onlyOnce(c, {As::ServerId, As::ApplicationData}));
      auto id = requiredChildText(c, As::ServerId);
      if (!id) {
        return std::move(id).takeError();
      }
      auto data = commandData(c, collection, known, v);
      if (!data) {
        return std::move(data).takeError();
      }
      out.emplace_back(SyncChange{std::move(*id), std::move(*data)});
    } else if (t == As::Delete || t == As::Fetch) {
      CRADLE_TRY(onlyOnce(c, {As::ServerId}));
      auto id = requiredChildText(c, As::ServerId);
      if (!id) {
        return std::move(id).takeError();
      }
      if (t == As::Delete) {
        out.emplace_back(SyncDelete{std::move(*id)});
      } else {
        out.emplace_back(SyncFetch{std::move(*id)});
      }
    } else {
      return unexpectedElement(c, "AirSync:Commands");
    }
  }
  return out;
}

Result<SyncCollectionRequest> decodeCollectionRequest(Element e, ProtocolVersion v,
                                                      const CollectionClassLookup& lookup) {
  SyncCollectionRequest m;
  std::optional<std::string> syncKey;
  std::optional<std::string> collectionId;
  Element classElement;
  Element commands;
  for (Element c : e.children()) {
    Tag t = c.tag();
    if (t == As::Class) {
      if (classElement) {
        return duplicateElement(c);
      }
      classElement = c;
    } else if (t == As::SyncKey) {
      CRADLE_TRY(readSyncKey(c, syncKey));
    } else if (t == As::CollectionId) {
      CRADLE_TRY(readText(c, collectionId));
    } else if (t == As::Supported) {
      if (m.supported) {
        return duplicateElement(c);
      }
      m.supported.emplace();
      for (Element s : c.children()) {
        m.supported->push_back(s.tag());
      }
    } else if (t == As::DeletesAsMoves) {
      CRADLE_TRY(readFlag(c, m.deletesAsMoves));
    } else if (t == As::GetChanges) {
      CRADLE_TRY(readFlag(c, m.getChanges));
    } else if (t == As::WindowSize) {
      CRADLE_TRY(readUint(c, m.windowSize));
    } else if (t == As::ConversationMode) {
      if (!atLeast(v, ProtocolVersion::V14_0)) {
        return wrongVersion(c, v);
      }
      CRADLE_TRY(readFlag(c, m.conversationMode));
    } else if (t == As::Options) {
      if (m.options) {
        return duplicateElement(c);
      }
      auto o = decodeOptions(c, v);
      if (!o) {
        return std::move(o).takeError();
      }
      m.options = std::move(*o);
    } else if (t == As::Commands) {
      if (commands) {
        return duplicateElement(c);
      }
      commands = c;
    } else {
      return unexpectedElement(c, "AirSync:Collection");
    }
  }
  auto key = required(e, As::SyncKey, std::move(syncKey));
  if (!key) {
    return std::move(key).takeError();
  }
  m.syncKey = std::move(*key);
  auto id = required(e, As::CollectionId, std::move(collectionId));
  if (!id) {
    return std::move(id).takeError();
  }
  m.collectionId = std::move(*id);
  // MS-ASCMD 2.2.3.27.6: Class is required in 2.5 Sync requests.
  if (!classElement && v == ProtocolVersion::V2_5) {
    return missingElement(e, As::Class);
  }
  auto cls = collectionClass(classElement, m.collectionId, lookup);
  if (!cls) {
    return std::move(cls).takeError();
  }
  if (classElement) {
    m.itemClass = *cls;
  }
  if (commands) {
    auto list = decodeClientCommands(commands, e, *cls, v);
    if (!list) {
      return std::move(list).takeError();
    }
    m.commands = std::move(*list);
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// Response decoding

Result<std::vector<SyncServerCommand>> decodeServerCommands(Element commands, Element collection,
                                                            std::optional<ItemClass> known,
                                                            ProtocolVersion v) {
  std::vector<SyncServerCommand> out;
  for (Element c : commands.children()) {
    Tag t = c.tag();
    if (t == As::Add || t == As::Change) {
      CRADLE_TRY(onlyOnce(c, {As::ServerId, As::ApplicationData, As::Class}));
      auto id = requiredChildText(c, As::ServerId);
      if (!id) {
        return std::move(id).takeError();
      }
      auto data = commandData(c, collection, known, v);
      if (!data) {
        return std::move(data).takeError();
      }
      if (t == As::Add) {
        out.emplace_back(SyncServerAdd{std::move(*id), std::move(*data)});
      } else {
        out.emplace_back(SyncChange{std::move(*id), std::move(*data)});
      }
    } else if (t == As::Delete || t == As::SoftDelete) {
      CRADLE_TRY(onlyOnce(c, {As::ServerId, As::Class}));
      auto id = requiredChildText(c, As::ServerId);
      if (!id) {
        return std::move(id).takeError();
      }
      if (t == As::Delete) {
        out.emplace_back(SyncDelete{std::move(*id)});
      } else {
        out.emplace_back(SyncSoftDelete{std::move(*id)});
      }
    } else {
      return unexpectedElement(c, "AirSync:Commands");
    }
  }
  return out;
}

Result<SyncStatus> itemStatus(Element e) {
  return requiredStatus<SyncStatus>(e, As::Status, &isSyncStatusValue);
}

Result<std::vector<SyncResponseItem>> decodeResponses(Element responses, Element collection,
                                                      std::optional<ItemClass> known,
                                                      ProtocolVersion v) {
  std::vector<SyncResponseItem> out;
  for (Element c : responses.children()) {
    Tag t = c.tag();
    if (t == As::Add) {
      CRADLE_TRY(onlyOnce(c, {As::ClientId, As::ServerId, As::Status, As::Class}));
      SyncAddResponse r;
      auto id = requiredChildText(c, As::ClientId);
      if (!id) {
        return std::move(id).takeError();
      }
      r.clientId = std::move(*id);
      if (auto serverId = optionalText(c, As::ServerId)) {
        r.serverId = std::string(*serverId);
      }
      auto status = itemStatus(c);
      if (!status) {
        return std::move(status).takeError();
      }
      r.status = *status;
      out.emplace_back(std::move(r));
    } else if (t == As::Change || t == As::Delete) {
      CRADLE_TRY(onlyOnce(c, {As::ServerId, As::Status}));
      auto id = requiredChildText(c, As::ServerId);
      if (!id) {
        return std::move(id).takeError();
      }
      auto status = itemStatus(c);
      if (!status) {
        return std::move(status).takeError();
      }
      if (t == As::Change) {
        out.emplace_back(SyncChangeResponse{std::move(*id), *status});
      } else {
        out.emplace_back(SyncDeleteResponse{std::move(*id), *status});
      }
    } else if (t == As::Fetch) {
      CRADLE_TRY(onlyOnce(c, {As::ServerId, As::Status, As::ApplicationData}));
      SyncFetchResponse r;
      auto id = requiredChildText(c, As::ServerId);
      if (!id) {
        return std::move(id).takeError();
      }
      r.serverId = std::move(*id);
      auto status = itemStatus(c);
      if (!status) {
        return std::move(status).takeError();
      }
      r.status = *status;
      if (c.child(As::ApplicationData)) {
        auto data = commandData(c, collection, known, v);
        if (!data) {
          return std::move(data).takeError();
        }
        r.data = std::move(*data);
      }
      out.emplace_back(std::move(r));
    } else {
      return unexpectedElement(c, "AirSync:Responses");
    }
  }
  return out;
}

Result<SyncCollectionResponse> decodeCollectionResponse(Element e, ProtocolVersion v,
                                                        const CollectionClassLookup& lookup) {
  SyncCollectionResponse m;
  std::optional<std::string> syncKey;
  std::optional<std::string> collectionId;
  std::optional<bool> moreAvailable;
  Element classElement;
  Element commands;
  Element responses;
  for (Element c : e.children()) {
    Tag t = c.tag();
    if (t == As::Class || t == As::Commands || t == As::Responses) {
      Element& slot = t == As::Class ? classElement : (t == As::Commands ? commands : responses);
      if (slot) {
        return duplicateElement(c);
      }
      slot = c;
    } else if (t == As::SyncKey) {
      CRADLE_TRY(readSyncKey(c, syncKey));
    } else if (t == As::CollectionId) {
      CRADLE_TRY(readText(c, collectionId));
    } else if (t == As::MoreAvailable) {
      CRADLE_TRY(readFlag(c, moreAvailable));
    } else if (!(t == As::Status)) {
      return unexpectedElement(c, "AirSync:Collection");
    }
  }
  auto status = itemStatus(e);
  if (!status) {
    return std::move(status).takeError();
  }
  m.status = *status;
  // MS-ASCMD 2.2.3.181.4: SyncKey is required; servers leave it out of some failures.
  if (!syncKey && m.status == SyncStatus::Success) {
    return missingElement(e, As::SyncKey);
  }
  m.syncKey = syncKey.value_or(std::string());
  auto id = required(e, As::CollectionId, std::move(collectionId));
  if (!id) {
    return std::move(id).takeError();
  }
  m.collectionId = std::move(*id);
  m.moreAvailable = moreAvailable.value_or(false);
  auto cls = collectionClass(classElement, m.collectionId, lookup);
  if (!cls) {
    return std::move(cls).takeError();
  }
  if (classElement) {
    m.itemClass = *cls;
  }
  if (commands) {
    auto list = decodeServerCommands(commands, e, *cls, v);
    if (!list) {
      return std::move(list).takeError();
    }
    m.commands = std::move(*list);
  }
  if (responses) {
    auto list = decodeResponses(responses, e, *cls, v);
    if (!list) {
      return std::move(list).takeError();
    }
    m.responses = std::move(*list);
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// Encoding

void writeFlag(WbxmlWriter& w, Tag t, const std::optional<bool>& value) {
  if (!value) {
    return;
  }
  if (*value) {
    w.empty(t);
  } else {
    w.element(t, std::string_view("0"));
  }
}

template <class E>
void writeEnum(WbxmlWriter& w, Tag t, const std::optional<E>& value) {
  if (value) {
    w.element(t, uint64_t{static_cast<uint8_t>(*value)});
  }
}

void writeStatus(WbxmlWriter& w, SyncStatus s) {
  w.element(As::Status, uint64_t{static_cast<uint8_t>(s)});
}

void writeData(WbxmlWriter& w, const ApplicationData& data, ProtocolVersion v) {
  w.start(As::ApplicationData);
  encodeApplicationData(w, data, v);
  w.end();
}

bool classWritten(ProtocolVersion v) { return !atLeast(v, ProtocolVersion::V14_0); }

void encodeOptions(WbxmlWriter& w, const SyncOptions& o) {
  w.start(As::Options);
  writeEnum(w, As::FilterType, o.filterType);
  for (const BodyPreference& p : o.bodyPreferences) {
    encodeBodyPreference(w, p);
  }
  writeOptional(w, As::Truncation, o.truncation);
  writeOptional(w, As::RTFTruncation, o.rtfTruncation);
  writeEnum(w, As::MIMESupport, o.mimeSupport);
  writeOptional(w, As::MIMETruncation, o.mimeTruncation);
  writeEnum(w, As::Conflict, o.conflict);
  w.end();
}

struct ClientCommandWriter {
  WbxmlWriter& w;
  ProtocolVersion v;
  void operator()(const SyncClientAdd& c) const {
    w.start(As::Add);
    w.element(As::ClientId, c.clientId);
    writeData(w, c.data, v);
    w.end();
  }
  void operator()(const SyncChange& c) const {
    w.start(As::Change);
    w.element(As::ServerId, c.serverId);
    writeData(w, c.data, v);
    w.end();
  }
  void operator()(const SyncDelete& c) const {
    w.start(As::Delete);
    w.element(As::ServerId, c.serverId);
    w.end();
  }
  void operator()(const SyncFetch& c) const {
    w.start(As::Fetch);
    w.element(As::ServerId, c.serverId);
    w.end();
  }
};

struct ServerCommandWriter {
  WbxmlWriter& w;
  ProtocolVersion v;
  void operator()(const SyncServerAdd& c) const {
    w.start(As::Add);
    w.element(As::ServerId, c.serverId);
    writeData(w, c.data, v);
    w.end();
  }
  void operator()(const SyncChange& c) const { ClientCommandWriter{w, v}(c); }
  void operator()(const SyncDelete& c) const { ClientCommandWriter{w, v}(c); }
  void operator()(const SyncSoftDelete& c) const {
    w.start(As::SoftDelete);
    w.element(As::ServerId, c.serverId);
    w.end();
  }
};

struct ResponseItemWriter {
  WbxmlWriter& w;
  ProtocolVersion v;
  void operator()(const SyncAddResponse& r) const {
    w.start(As::Add);
    w.element(As::ClientId, r.clientId);
    writeOptional(w, As::ServerId, r.serverId);
    writeStatus(w, r.status);
    w.end();
  }
  void operator()(const SyncChangeResponse& r) const {
    w.start(As::Change);
    w.element(As::ServerId, r.serverId);
    writeStatus(w, r.status);
    w.end();
  }
  void operator()(const SyncDeleteResponse& r) const {
    w.start(As::Delete);
    w.element(As::ServerId, r.serverId);
    writeStatus(w, r.status);
    w.end();
  }
  void operator()(const SyncFetchResponse& r) const {
    w.start(As::Fetch);
    w.element(As::ServerId, r.serverId);
    writeStatus(w, r.status);
    if (r.data) {
      writeData(w, *r.data, v);
    }
    w.end();
  }
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Status

bool isSyncStatusValue(uint32_t value) {
  switch (value) {
    case 1:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
    case 8:
    case 9:
    case 12:
    case 13:
    case 14:
    case 15:
    case 16:
      return true;
    default:
      return false;
  }
}

std::string_view describe(SyncStatus status) {
  if (auto common = asCommon(status)) {
    return describe(*common);
  }
  // MS-ASCMD 2.2.3.177.17: meanings and resolutions.
  switch (status) {
    case SyncStatus::Success:
      return "success";
    case SyncStatus::InvalidSyncKey:
      return "invalid or mismatched synchronization key; resynchronize the collection from key 0";
    case SyncStatus::ProtocolError:
      return "protocol error: the request is malformed or combines elements that conflict";
    case SyncStatus::ServerError:
      return "server error; retry later";
    case SyncStatus::ConversionError:
      return "the server could not convert the item's application data";
    case SyncStatus::Conflict:
      return "the client and the server changed the same item; the server's version wins";
    case SyncStatus::ObjectNotFound:
      return "the item does not exist on the server";
    case SyncStatus::CannotComplete:
      return "the Sync cannot be completed (the mailbox may be full)";
    case SyncStatus::FolderHierarchyChanged:
      return "the folder hierarchy changed; run FolderSync first";
    case SyncStatus::IncompleteRequest:
      return "empty or partial Sync but the server has no cached request; send it in full";
    case SyncStatus::InvalidWaitOrHeartbeat:
      return "Wait or HeartbeatInterval is outside the allowed range (see Limit)";
    case SyncStatus::InvalidCommand:
      return "invalid Sync request: too many collections (see Limit)";
    case SyncStatus::Retry:
      return "transient server condition; re-send the request";
  }
  return "undefined Sync status";
}

ClientAction actionFor(SyncStatus status) {
  if (auto common = asCommon(status)) {
    return actionFor(*common);
  }
  switch (status) {
    case SyncStatus::Success:
      return ClientAction::None;
    case SyncStatus::InvalidSyncKey:
      return ClientAction::ResetSyncKey;
    case SyncStatus::ProtocolError:
    case SyncStatus::ConversionError:
      return ClientAction::FixRequest;
    case SyncStatus::ServerError:
      return ClientAction::RetryLater;
    case SyncStatus::Conflict:
    case SyncStatus::ObjectNotFound:
      return ClientAction::Sync;  // take the server's state of the item
    case SyncStatus::CannotComplete:
      return ClientAction::TellUser;
    case SyncStatus::FolderHierarchyChanged:
      return ClientAction::FolderSync;
    case SyncStatus::IncompleteRequest:
      return ClientAction::ResendFull;
    case SyncStatus::InvalidWaitOrHeartbeat:
      return ClientAction::AdjustHeartbeat;
    case SyncStatus::InvalidCommand:
      return ClientAction::ReduceFolders;
    case SyncStatus::Retry:
      return ClientAction::Retry;
  }
  return ClientAction::GiveUp;
}

std::string_view describe(FilterType filter) {
  switch (filter) {
    case FilterType::NoFilter:
      return "all items";
    case FilterType::OneDay:
      return "1 day back";
    case FilterType::ThreeDays:
      return "3 days back";
    case FilterType::OneWeek:
      return "1 week back";
    case FilterType::TwoWeeks:
      return "2 weeks back";
    case FilterType::OneMonth:
      return "1 month back";
    case FilterType::ThreeMonths:
      return "3 months back";
    case FilterType::SixMonths:
      return "6 months back";
    case FilterType::IncompleteTasks:
      return "incomplete tasks only";
  }
  return "undefined filter";
}

// ---------------------------------------------------------------------------------------------
// Encoding

std::string encode(const SyncRequest& m) {
  std::string out;
  WbxmlWriter w(out);
  ProtocolVersion v = m.version;
  w.start(As::Sync);
  if (!m.collections.empty()) {
    w.start(As::Collections);
    for (const SyncCollectionRequest& c : m.collections) {
      w.start(As::Collection);
      if (c.itemClass && !atLeast(v, ProtocolVersion::V14_0)) {
        w.element(As::Class, toString(*c.itemClass));
      }
      w.element(As::SyncKey, c.syncKey);
      w.element(As::CollectionId, c.collectionId);
      if (c.supported) {
        w.start(As::Supported);
        for (Tag t : *c.supported) {
          w.empty(t);
        }
        w.end();
      }
      writeFlag(w, As::DeletesAsMoves, c.deletesAsMoves);
      writeFlag(w, As::GetChanges, c.getChanges);
      writeOptional(w, As::WindowSize, c.windowSize);
      writeOptional(w, As::ConversationMode, c.conversationMode);
      if (c.options) {
        encodeOptions(w, *c.options);
      }
      if (!c.commands.empty()) {
        w.start(As::Commands);
        for (const SyncClientCommand& command : c.commands) {
          std::visit(ClientCommandWriter{w, v}, command);
        }
        w.end();
      }
      w.end();
    }
    w.end();
  }
  writeOptional(w, As::Wait, m.wait);
  writeOptional(w, As::HeartbeatInterval, m.heartbeatInterval);
  writeOptional(w, As::WindowSize, m.windowSize);
  if (m.partial) {
    w.empty(As::Partial);
  }
  w.end();
  return out;
}

std::string encode(const SyncResponse& m) {
  std::string out;
  WbxmlWriter w(out);
  ProtocolVersion v = m.version;
  w.start(As::Sync);
  if (m.status) {
    writeStatus(w, *m.status);
  }
  writeOptional(w, As::Limit, m.limit);
  if (!m.collections.empty()) {
    w.start(As::Collections);
    for (const SyncCollectionResponse& c : m.collections) {
      w.start(As::Collection);
      if (c.itemClass && classWritten(v)) {
        w.element(As::Class, toString(*c.itemClass));
      }
      if (!c.syncKey.empty() || c.status == SyncStatus::Success) {
        w.element(As::SyncKey, c.syncKey);
      }
      w.element(As::CollectionId, c.collectionId);
      writeStatus(w, c.status);
      if (!c.responses.empty()) {
        w.start(As::Responses);
        for (const SyncResponseItem& r : c.responses) {
          std::visit(ResponseItemWriter{w, v}, r);
        }
        w.end();
      }
      if (c.moreAvailable) {
        w.empty(As::MoreAvailable);
      }
      if (!c.commands.empty()) {
        w.start(As::Commands);
        for (const SyncServerCommand& command : c.commands) {
          std::visit(ServerCommandWriter{w, v}, command);
        }
        w.end();
      }
      w.end();
    }
    w.end();
  }
  w.end();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding

Result<SyncRequest> decodeSyncRequest(const Document& doc, ProtocolVersion version,
                                      const CollectionClassLookup& lookup) {
  CRADLE_TRY(expectRoot(doc, As::Sync));
  Element root = doc.root();
  SyncRequest m;
  m.version = version;
  bool collectionsSeen = false;
  std::optional<bool> partial;
  for (Element c : root.children()) {
    Tag t = c.tag();
    if (t == As::Collections) {
      if (collectionsSeen) {
        return duplicateElement(c);
      }
      collectionsSeen = true;
      if (!c.firstChild()) {
        return missingElement(c, As::Collection);
      }
      for (Element coll : c.children()) {
        if (!(coll.tag() == As::Collection)) {
          return unexpectedElement(coll, "AirSync:Collections");
        }
        auto r = decodeCollectionRequest(coll, version, lookup);
        if (!r) {
          return std::move(r).takeError();
        }
        m.collections.push_back(std::move(*r));
      }
    } else if (t == As::Wait || t == As::WindowSize || t == As::Partial) {
      // MS-ASCMD 2.2.3.198 / 2.2.3.199 / 2.2.3.131: 12.1+.
      if (!atLeast(version, ProtocolVersion::V12_1)) {
        return wrongVersion(c, version);
      }
      if (t == As::Partial) {
        CRADLE_TRY(readFlag(c, partial));
      } else {
        CRADLE_TRY(readUint(c, t == As::Wait ? m.wait : m.windowSize));
      }
    } else if (t == As::HeartbeatInterval) {
      // MS-ASCMD 2.2.3.88.2: 14.0+.
      if (!atLeast(version, ProtocolVersion::V14_0)) {
        return wrongVersion(c, version);
      }
      CRADLE_TRY(readUint(c, m.heartbeatInterval));
    } else {
      return unexpectedElement(c, "AirSync:Sync");
    }
  }
  // Before 12.1 there is no cached request to fall back on.
  if (!collectionsSeen && !atLeast(version, ProtocolVersion::V12_1)) {
    return missingElement(root, As::Collections);
  }
  m.partial = partial.value_or(false);
  return m;
}

Result<SyncResponse> decodeSyncResponse(const Document& doc, ProtocolVersion version,
                                        const CollectionClassLookup& lookup) {
  CRADLE_TRY(expectRoot(doc, As::Sync));
  Element root = doc.root();
  SyncResponse m;
  m.version = version;
  bool collectionsSeen = false;
  for (Element c : root.children()) {
    Tag t = c.tag();
    if (t == As::Status) {
      if (c.nextSibling(As::Status)) {
        return duplicateElement(c.nextSibling(As::Status));
      }
    } else if (t == As::Limit) {
      CRADLE_TRY(readUint(c, m.limit));
    } else if (t == As::Collections) {
      if (collectionsSeen) {
        return duplicateElement(c);
      }
      collectionsSeen = true;
      for (Element coll : c.children()) {
        if (!(coll.tag() == As::Collection)) {
          return unexpectedElement(coll, "AirSync:Collections");
        }
        auto r = decodeCollectionResponse(coll, version, lookup);
        if (!r) {
          return std::move(r).takeError();
        }
        m.collections.push_back(std::move(*r));
      }
    } else {
      return unexpectedElement(c, "AirSync:Sync");
    }
  }
  auto status = optionalStatus<SyncStatus>(root, As::Status, &isSyncStatusValue);
  if (!status) {
    return std::move(status).takeError();
  }
  m.status = *status;
  return m;
}

// ---------------------------------------------------------------------------------------------
// Checks

uint32_t effectiveWindowSize(std::optional<uint32_t> windowSize) {
  if (!windowSize) {
    return 100;
  }
  if (*windowSize == 0 || *windowSize > 512) {
    return 512;
  }
  return *windowSize;
}

std::optional<SyncRequestProblem> checkSyncRequest(const SyncRequest& m,
                                                   const SyncServerLimits& limits) {
  using P = SyncRequestProblem;
  // MS-ASCMD 2.2.3.198: Wait and HeartbeatInterval together give Status 4.
  if (m.wait && m.heartbeatInterval) {
    return P{SyncStatus::ProtocolError, std::nullopt, "both Wait and HeartbeatInterval"};
  }
  // MS-ASCMD 2.2.3.198 / 2.2.3.97: Wait is 1..59; Limit carries the nearest bound.
  if (m.wait && (*m.wait < 1 || *m.wait > 59)) {
    return P{SyncStatus::InvalidWaitOrHeartbeat, *m.wait < 1 ? 1u : 59u,
             "Wait " + std::to_string(*m.wait) + " is outside 1..59"};
  }
  if (m.heartbeatInterval && (*m.heartbeatInterval < limits.minHeartbeatInterval ||
                              *m.heartbeatInterval > limits.maxHeartbeatInterval)) {
    bool low = *m.heartbeatInterval < limits.minHeartbeatInterval;
    return P{SyncStatus::InvalidWaitOrHeartbeat,
             low ? limits.minHeartbeatInterval : limits.maxHeartbeatInterval,
             "HeartbeatInterval " + std::to_string(*m.heartbeatInterval) + " is outside " +
                 std::to_string(limits.minHeartbeatInterval) + ".." +
                 std::to_string(limits.maxHeartbeatInterval)};
  }
  // MS-ASCMD 2.2.3.97: Status 15 with Limit = the maximum number of collections.
  if (limits.maxCollections && m.collections.size() > *limits.maxCollections) {
    return P{SyncStatus::InvalidCommand, *limits.maxCollections,
             std::to_string(m.collections.size()) + " collections, at most " +
                 std::to_string(*limits.maxCollections)};
  }
  for (const SyncCollectionRequest& c : m.collections) {
    if (c.syncKey != "0") {
      continue;
    }
    // MS-ASCMD 2.2.3.84: GetChanges present and empty or 1 with SyncKey 0 gives Status 4.
    if (c.getChanges.value_or(false)) {
      return P{SyncStatus::ProtocolError, std::nullopt,
               "GetChanges with SyncKey 0 in collection " + c.collectionId};
    }
    // SyncKey 0 creates the state, so client changes have nothing to apply to. The spec names
    // no status for this case; 4 (protocol error) is our reading of MS-ASCMD 2.2.3.181.4.
    if (!c.commands.empty()) {
      return P{SyncStatus::ProtocolError, std::nullopt,
               "Commands with SyncKey 0 in collection " + c.collectionId};
    }
  }
  return std::nullopt;
}

#undef CRADLE_TRY

}  // namespace cradle::eas

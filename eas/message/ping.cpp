// Ping request/response encoding, decoding and validation (MS-ASCMD 2.2.1.13).
#include "eas/message/ping.h"

#include <cassert>

#include "eas/message/common.h"
#include "eas/wbxml/writer.h"

namespace cradle::eas {
namespace {

namespace P = tag::Ping;

constexpr std::size_t MaxIdLength = 64;  // MS-ASCMD 2.2.3.90: Id up to 64 characters

// A changed-folder id in a response: <Folder>id</Folder>.
Result<std::string_view> folderIdText(Element e) {
  if (e.text().empty()) {
    return badValue(e, "must not be empty");
  }
  if (e.text().size() > MaxIdLength) {
    return badValue(e, "longer than 64 bytes");
  }
  return e.text();
}

}  // namespace

std::string_view describe(PingStatus s) {
  switch (s) {
    case PingStatus::Expired:
      return "the heartbeat interval expired with no changes";
    case PingStatus::Changes:
      return "changes in at least one monitored folder";
    case PingStatus::MissingParameters:
      return "the request omitted required parameters (no cached request to reuse)";
    case PingStatus::SyntaxError:
      return "syntax error in the Ping request";
    case PingStatus::InvalidHeartbeat:
      return "the heartbeat interval is outside the allowed range";
    case PingStatus::TooManyFolders:
      return "more folders than the server monitors";
    case PingStatus::FolderSyncRequired:
      return "the folder hierarchy is out of date";
    case PingStatus::ServerError:
      return "server error";
  }
  if (auto c = asCommon(s)) {
    return describe(*c);
  }
  return "unknown status";
}

ClientAction actionFor(PingStatus s) {
  switch (s) {
    case PingStatus::Expired:
      return ClientAction::Retry;  // re-issue at once (the body may be empty)
    case PingStatus::Changes:
      return ClientAction::Sync;  // sync the listed folders, then Ping again
    case PingStatus::MissingParameters:
      return ClientAction::ResendFull;  // HeartbeatInterval and Folders both
    case PingStatus::SyntaxError:
      return ClientAction::FixRequest;
    case PingStatus::InvalidHeartbeat:
      return ClientAction::AdjustHeartbeat;
    case PingStatus::TooManyFolders:
      return ClientAction::ReduceFolders;
    case PingStatus::FolderSyncRequired:
      return ClientAction::FolderSync;
    case PingStatus::ServerError:
      return ClientAction::RetryLater;
  }
  if (auto c = asCommon(s)) {
    return actionFor(*c);
  }
  return ClientAction::GiveUp;
}

std::string encode(const PingRequest& m) {
  std::string out;
  if (m.reusesCachedRequest()) {
    return out;  // MS-ASCMD 3.1.5.8: an empty body reuses the cached interval and folders
  }
  WbxmlWriter w(out);
  w.start(P::Ping);
  writeOptional(w, P::HeartbeatInterval, m.heartbeatInterval);
  if (!m.folders.empty()) {
    w.start(P::Folders);
    for (const PingFolder& f : m.folders) {
      w.start(P::Folder);
      w.element(P::Id, f.id);
      w.element(P::Class, toString(f.itemClass));
      w.end();
    }
    w.end();
  }
  w.end();
  assert(w.finish().ok());  // every start() above has its end()
  return out;
}

std::string encode(const PingResponse& m) {
  std::string out;
  WbxmlWriter w(out);
  w.start(P::Ping);
  w.element(P::Status, uint64_t{static_cast<uint8_t>(m.status)});
  if (!m.folders.empty()) {
    w.start(P::Folders);
    for (const std::string& id : m.folders) {
      w.element(P::Folder, id);
    }
    w.end();
  }
  writeOptional(w, P::HeartbeatInterval, m.heartbeatInterval);
  writeOptional(w, P::MaxFolders, m.maxFolders);
  w.end();
  assert(w.finish().ok());  // balanced by construction
  return out;
}

Result<PingRequest> decodePingRequest(const Document& doc) {
  if (auto rooted = expectRoot(doc, P::Ping); !rooted) {
    return std::move(rooted).takeError();
  }
  Element root = doc.root();
  PingRequest m;
  auto hbi = optionalUint(root, P::HeartbeatInterval);
  if (!hbi) {
    return std::move(hbi).takeError();
  }
  m.heartbeatInterval = *hbi;

  // MS-ASCMD 2.2.3.75.2: Folders holds 1..N Folder, each with Id and Class.
  if (Element folders = root.child(P::Folders)) {
    for (Element f : folders.children(P::Folder)) {
      auto id = requiredId(f, P::Id, MaxIdLength);
      if (!id) {
        return std::move(id).takeError();
      }
      auto cls = requiredText(f, P::Class);
      if (!cls) {
        return std::move(cls).takeError();
      }
      auto parsed = parseItemClass(*cls);
      if (!parsed) {
        // MS-ASCMD 2.2.3.27.4: Email, Calendar, Contacts, Tasks (Notes from 14.0).
        return badValue(f.child(P::Class), "unknown class '" + std::string(cls->substr(0, 32)) +
                                               "' (Email, Calendar, Contacts, Tasks, Notes)");
      }
      m.folders.push_back(PingFolder{std::string(*id), *parsed});
    }
    if (m.folders.empty()) {
      return missingElement(folders, P::Folder);
    }
  }
  return m;
}

Result<PingRequest> decodePingRequestBody(std::string_view body) {
  if (body.empty()) {
    return PingRequest{};
  }
  return decodeWbxml(body, &decodePingRequest);
}

Result<PingResponse> decodePingResponse(const Document& doc) {
  if (auto rooted = expectRoot(doc, P::Ping); !rooted) {
    return std::move(rooted).takeError();
  }
  Element root = doc.root();
  PingResponse m;
  auto status = requiredStatus<PingStatus>(root, P::Status, &isPingStatus);
  if (!status) {
    return std::move(status).takeError();
  }
  m.status = *status;

  Element folders = root.child(P::Folders);
  if (folders) {
    for (Element f : folders.children(P::Folder)) {
      auto id = folderIdText(f);
      if (!id) {
        return std::move(id).takeError();
      }
      m.folders.emplace_back(*id);
    }
    if (m.folders.empty()) {
      return missingElement(folders, P::Folder);
    }
  }
  auto hbi = optionalUint(root, P::HeartbeatInterval);
  if (!hbi) {
    return std::move(hbi).takeError();
  }
  m.heartbeatInterval = *hbi;
  auto maxFolders = optionalUint(root, P::MaxFolders);
  if (!maxFolders) {
    return std::move(maxFolders).takeError();
  }
  m.maxFolders = *maxFolders;

  // MS-ASCMD 2.2.3.177.11: Status 2 lists the changed folders, 5 carries the allowed
  // HeartbeatInterval, 6 carries MaxFolders (2.2.3.102).
  if (m.status == PingStatus::Changes && !folders) {
    return missingElement(root, P::Folders);
  }
  if (m.status == PingStatus::InvalidHeartbeat && !m.heartbeatInterval) {
    return missingElement(root, P::HeartbeatInterval);
  }
  if (m.status == PingStatus::TooManyFolders && !m.maxFolders) {
    return missingElement(root, P::MaxFolders);
  }
  return m;
}

}  // namespace cradle::eas

// Test fixture for mapi-sim's data handlers: a real Mailbox in a temporary folder, one user with
// one device, and helpers that run a handler on encoded requests and decode its answer.
#pragma once

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <variant>

#include "eas/http/request.h"
#include "eas/message/sync.h"
#include "eas/version.h"
#include "mapi-sim/handlers/command.h"
#include "mapi-sim/mailbox/mailbox.h"
#include "mapi-sim/policy/server_settings.h"

namespace mapisim::test {

namespace eas = cradle::eas;
using eas::ProtocolVersion;

using Handler = CommandReply (*)(CommandContext&);

inline UnixMillis wallClockMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class HandlerFixture {
 public:
  HandlerFixture() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "mapisim-handlers-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
    auto opened = Mailbox::open(dir_);
    REQUIRE(opened.ok());
    mailbox = std::move(opened.value());
    auto ann = mailbox->addUser("ann", "secret", "ann@example.com");
    REQUIRE(ann.ok());
    user = ann.value();
    auto bob = mailbox->addUser("bob", "secret", "bob@example.com");
    REQUIRE(bob.ok());
    other = bob.value();
    device = mailbox->touchDevice(user.id, "6F24CAD599A5BF1A690246B8C68FAE8D", "PocketPC",
                                  "MSFT-PPC/5.2.5082", "12.1");
    now = wallClockMillis();
  }
  ~HandlerFixture() {
    mailbox.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  HandlerFixture(const HandlerFixture&) = delete;
  HandlerFixture& operator=(const HandlerFixture&) = delete;

  // Runs `handler` as the dispatcher would; `request` may carry query parameters.
  CommandReply call(Handler handler, eas::Command cmd, ProtocolVersion v, std::string_view body,
                    eas::EasRequest request = {}) {
    request.cmd = cmd;
    request.user = user.name;
    request.deviceId = device.deviceId;
    request.deviceType = device.deviceType;
    request.version = v;
    CommandContext ctx{request, v, body, user, device, *mailbox, settings, now};
    return handler(ctx);
  }

  std::string folderId(FolderType type) const {
    auto f = mailbox->folderByType(user.id, type);
    REQUIRE(f.has_value());
    return f->serverId;
  }
  int64_t folderRow(FolderType type) const {
    auto f = mailbox->folderByType(user.id, type);
    REQUIRE(f.has_value());
    return f->id;
  }

  eas::CollectionClassLookup lookup() const {
    return [this](std::string_view id) -> std::optional<ItemClass> {
      auto f = mailbox->folder(user.id, std::string(id));
      if (!f) {
        return std::nullopt;
      }
      return f->itemClass();
    };
  }

  // A Sync request with these collections; the raw reply in `raw` when given.
  eas::SyncResponse sync(ProtocolVersion v, std::vector<eas::SyncCollectionRequest> collections,
                         std::string* raw = nullptr) {
    eas::SyncRequest r;
    r.version = v;
    r.collections = std::move(collections);
    return syncBody(v, eas::encode(r), raw);
  }
  eas::SyncResponse syncBody(ProtocolVersion v, const std::string& body,
                             std::string* raw = nullptr) {
    CommandReply reply = call(&handleSync, eas::Command::Sync, v, body);
    REQUIRE(reply.outcome.status == eas::HttpStatus::Ok);
    if (raw) {
      *raw = reply.body;
    }
    auto doc = eas::Document::decode(reply.body);
    REQUIRE(doc.ok());
    auto decoded = eas::decodeSyncResponse(*doc, v, lookup());
    INFO((decoded.ok() ? std::string() : decoded.error().message()));
    REQUIRE(decoded.ok());
    return std::move(decoded).value();
  }
  // One collection of a Sync response.
  eas::SyncCollectionResponse syncOne(ProtocolVersion v, eas::SyncCollectionRequest c,
                                      std::string* raw = nullptr) {
    eas::SyncResponse r = sync(v, {std::move(c)}, raw);
    REQUIRE_FALSE(r.status.has_value());
    REQUIRE(r.collections.size() == 1);
    return r.collections.front();
  }

  // The collection request a device sends (Class in 2.5, as the spec requires there).
  eas::SyncCollectionRequest collection(ProtocolVersion v, const std::string& collectionId,
                                        const std::string& syncKey) const {
    eas::SyncCollectionRequest c;
    c.collectionId = collectionId;
    c.syncKey = syncKey;
    if (!eas::atLeast(v, ProtocolVersion::V12_1)) {
      auto f = mailbox->folder(user.id, collectionId);
      c.itemClass = f ? f->itemClass() : ItemClass::Email;
    }
    return c;
  }

  // Sync with SyncKey 0; returns the new key.
  std::string prime(ProtocolVersion v, const std::string& collectionId,
                    std::optional<eas::SyncOptions> options = std::nullopt) {
    auto c = collection(v, collectionId, "0");
    c.options = std::move(options);
    auto r = syncOne(v, c);
    REQUIRE(r.status == eas::SyncStatus::Success);
    REQUIRE_FALSE(r.syncKey.empty());
    REQUIRE(r.commands.empty());
    return r.syncKey;
  }

  ItemRecord deliver(const std::string& subject, const std::string& body = "Hello there.",
                     UnixMillis at = 0, int64_t userId = 0) {
    NewMail m;
    m.subject = subject;
    m.body = body;
    m.from = "carol@example.org";
    m.to = "ann@example.com";
    m.deliveredAt = at;
    auto item = mailbox->deliverMail(userId ? userId : user.id, m);
    REQUIRE(item.ok());
    return item.value();
  }
  ItemRecord deliverMime(const std::string& mime, UnixMillis at = 0) {
    NewMail m;
    m.mime = mime;
    m.deliveredAt = at;
    auto item = mailbox->deliverMail(user.id, m);
    REQUIRE(item.ok());
    return item.value();
  }
  ItemRecord add(FolderType folder, const eas::ApplicationData& data) {
    auto item = mailbox->addItem(user.id, folderId(folder), data);
    REQUIRE(item.ok());
    return item.value();
  }

  std::unique_ptr<Mailbox> mailbox;
  UserRecord user;
  UserRecord other;
  DeviceRecord device;
  ServerSettings settings;
  UnixMillis now = 0;

 private:
  std::string dir_;
};

// The n-th server command of a collection response as type T (REQUIREs it is one).
template <class T>
const T& command(const eas::SyncCollectionResponse& r, std::size_t n) {
  REQUIRE(r.commands.size() > n);
  const T* c = std::get_if<T>(&r.commands[n]);
  REQUIRE(c != nullptr);
  return *c;
}

template <class T>
const T& appData(const eas::ApplicationData& data) {
  const T* t = std::get_if<T>(&data);
  REQUIRE(t != nullptr);
  return *t;
}

}  // namespace mapisim::test

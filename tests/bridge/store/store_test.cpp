// Tests of Store: file mode and WAL, partnerships, sealed credentials and secrets, statistics,
// pending changes across reopen, the event log, schema versions and concurrent writers.
#include "bridge/store/store.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "tests/bridge/store/store_fixture.h"

namespace cradle::bridge {
namespace {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using test::TempFolder;

struct Fixture {
  TempFolder dir;
  std::string dbPath = dir.file("bridge.db");
  std::string keyPath = dir.file("store.key");
  UnixMillis clock = 1'700'000'000'000;

  std::unique_ptr<Store> open(std::size_t maxEvents = 10000) {
    auto box = SecretBox::fromKeyFile(keyPath);
    REQUIRE(box.ok());
    Store::Options options;
    options.maxEvents = maxEvents;
    options.clock = [this] { return clock; };
    auto store = Store::open(dbPath, std::move(box).value(), options);
    if (!store.ok()) {
      FAIL(store.error().message());
    }
    return std::move(store).value();
  }
};

Partnership samplePartnership(const std::string& deviceId = "WM6DEVICE01") {
  Partnership p;
  p.deviceId = deviceId;
  p.deviceType = "PocketPC";
  p.friendlyName = "Alice's HTC";
  p.user = "alice";
  p.serverUrl = "https://mail.example.com:8443";
  p.caFile = "/etc/cradle/ca.pem";
  p.dataTypes = static_cast<uint8_t>(DataType::Email) | static_cast<uint8_t>(DataType::Calendar);
  p.email.pastDays = EmailPastDays::OneWeek;
  p.email.sizeLimit = EmailSizeLimit::K2;
  p.email.attachments = true;
  p.email.attachmentMaxBytes = 100000;
  p.schedule.mode = ScheduleMode::Scheduled;
  p.schedule.peakInterval = SyncInterval::Min30;
  p.schedule.offPeakInterval = SyncInterval::Hours4;
  p.schedule.peakStartMinute = 7 * 60 + 30;
  p.schedule.peakEndMinute = 19 * 60;
  p.schedule.peakDays = 0x3E;
  p.route = Route::Usb;
  return p;
}

mode_t fileMode(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::string pragma(const std::string& path, const std::string& name) {
  Poco::Data::SQLite::Connector::registerConnector();
  Poco::Data::Session s("SQLite", path);
  std::string value;
  s << "PRAGMA " + name, into(value), now;
  return value;
}

TEST_CASE("store file is owner-only and in WAL mode", "[bridge][store]") {
  Fixture f;
  {
    auto store = f.open();
    REQUIRE(store->addPartnership(samplePartnership()).ok());
    CHECK(fileMode(f.dbPath) == 0600);
    struct stat st {};
    if (::stat((f.dbPath + "-wal").c_str(), &st) == 0) {
      CHECK((st.st_mode & 077) == 0);
    }
  }
  CHECK(pragma(f.dbPath, "journal_mode") == "wal");
  CHECK(pragma(f.dbPath, "user_version") == std::to_string(Store::SchemaVersion));
}

TEST_CASE("partnerships: add, read, update, state, remove", "[bridge][store]") {
  Fixture f;
  auto store = f.open();
  const Partnership in = samplePartnership();
  auto added = store->addPartnership(in);
  REQUIRE(added.ok());
  CHECK(added->id > 0);
  CHECK(added->created == f.clock);

  auto read = store->partnership("WM6DEVICE01");
  REQUIRE(read.ok());
  REQUIRE(read->has_value());
  const Partnership& p = **read;
  CHECK(p.deviceType == "PocketPC");
  CHECK(p.friendlyName == "Alice's HTC");
  CHECK(p.user == "alice");
  CHECK(p.serverUrl == "https://mail.example.com:8443");
  CHECK(p.caFile == "/etc/cradle/ca.pem");
  CHECK(hasDataType(p.dataTypes, DataType::Email));
  CHECK_FALSE(hasDataType(p.dataTypes, DataType::Contacts));
  CHECK(p.email.pastDays == EmailPastDays::OneWeek);
  CHECK(p.email.sizeLimit == EmailSizeLimit::K2);
  CHECK(p.email.attachments);
  CHECK(p.email.attachmentMaxBytes == 100000);
  CHECK(p.schedule.mode == ScheduleMode::Scheduled);
  CHECK(p.schedule.peakInterval == SyncInterval::Min30);
  CHECK(p.schedule.offPeakInterval == SyncInterval::Hours4);
  CHECK(p.schedule.peakStartMinute == 450);
  CHECK(p.schedule.peakEndMinute == 1140);
  CHECK(p.schedule.peakDays == 0x3E);
  CHECK(p.route == Route::Usb);
  CHECK(p.state == PartnershipState::Active);

  CHECK_FALSE(store->addPartnership(in).ok());  // one partnership per device id
  REQUIRE(store->partnership("UNKNOWN").ok());
  CHECK_FALSE(store->partnership("UNKNOWN")->has_value());

  Partnership changed = p;
  changed.email.sizeLimit = EmailSizeLimit::Entire;
  changed.email.pastDays = EmailPastDays::All;
  changed.schedule.mode = ScheduleMode::AsItemsArrive;
  f.clock += 1000;
  auto updated = store->updatePartnership(changed);
  REQUIRE(updated.ok());
  CHECK(updated->email.sizeLimit == EmailSizeLimit::Entire);
  CHECK(updated->email.pastDays == EmailPastDays::All);
  CHECK(updated->created == p.created);
  CHECK(updated->updated == p.updated + 1000);

  REQUIRE(store->setPartnershipState("WM6DEVICE01", PartnershipState::Revoked).ok());
  CHECK(store->partnership("WM6DEVICE01")->value().state == PartnershipState::Revoked);
  CHECK_FALSE(store->setPartnershipState("NOPE", PartnershipState::Revoked).ok());

  REQUIRE(store->addPartnership(samplePartnership("SECOND")).ok());
  auto all = store->partnerships();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].deviceId == "WM6DEVICE01");
  CHECK((*all)[1].deviceId == "SECOND");

  REQUIRE(store->removePartnership("WM6DEVICE01").ok());
  CHECK_FALSE(store->partnership("WM6DEVICE01")->has_value());
  CHECK_FALSE(store->removePartnership("WM6DEVICE01").ok());
  CHECK(store->partnerships()->size() == 1);
}

TEST_CASE("partnership validation refuses bad ids, URLs and unknown enum values",
          "[bridge][store]") {
  Fixture f;
  auto store = f.open();
  auto refused = [&](Partnership p) {
    auto r = store->addPartnership(p);
    return !r.ok() && r.error().code == eas::ErrorCode::BadValue;
  };
  Partnership p = samplePartnership();
  CHECK(refused([&] {
    auto q = p;
    q.deviceId = "";
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.deviceId = "has space";
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.deviceId = "dev-1";
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.deviceId = std::string(65, 'A');
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.deviceType = "";
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.user = "";
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.serverUrl = "ftp://x";
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.serverUrl = "http://mail.example.com";
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.serverUrl = "https://host:99999";
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.serverUrl = "https://";
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.dataTypes = 0x10;
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.email.pastDays = static_cast<EmailPastDays>(2);
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.email.sizeLimit = static_cast<EmailSizeLimit>(3000);
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.schedule.peakInterval = static_cast<SyncInterval>(20);
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.schedule.mode = static_cast<ScheduleMode>(7);
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.schedule.peakStartMinute = 1440;
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.schedule.peakDays = 0x80;
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.route = static_cast<Route>(0);
    return q;
  }()));
  CHECK(refused([&] {
    auto q = p;
    q.state = static_cast<PartnershipState>(9);
    return q;
  }()));
  CHECK(store->partnerships()->empty());

  // Accepted: a loopback plain-http upstream, a hex (canonical binary) id, IPv6 with a port.
  CHECK(store
            ->addPartnership([&] {
              auto q = p;
              q.serverUrl = "http://127.0.0.1:8080";
              return q;
            }())
            .ok());
  CHECK(store
            ->addPartnership([&] {
              auto q = p;
              q.deviceId = "6F24CA3B9E1D4A8C0123456789ABCDEF";
              q.serverUrl = "https://[2001:db8::1]:443/";
              return q;
            }())
            .ok());
}

TEST_CASE("credentials are sealed at rest and go stale once", "[bridge][store]") {
  Fixture f;
  const std::string password = "Correct-Horse-Battery-42";
  {
    auto store = f.open();
    REQUIRE(store->addPartnership(samplePartnership()).ok());
    REQUIRE(store->setCredential("alice", "https://mail.example.com:8443", password, false).ok());
    auto c = store->credential("alice", "https://mail.example.com:8443");
    REQUIRE(c.ok());
    REQUIRE(c->has_value());
    CHECK((*c)->password == password);
    CHECK_FALSE((*c)->stale);
    CHECK_FALSE(store->partnership("WM6DEVICE01")->value().pendingCredentialUpdate);

    auto first = store->markCredentialStale("alice", "https://mail.example.com:8443");
    REQUIRE(first.ok());
    CHECK(*first);
    f.clock += 5000;
    auto second = store->markCredentialStale("alice", "https://mail.example.com:8443");
    REQUIRE(second.ok());
    CHECK_FALSE(*second);
    auto stale = store->credential("alice", "https://mail.example.com:8443")->value();
    CHECK(stale.stale);
    CHECK(stale.staleSince == f.clock - 5000);
    CHECK_FALSE(store->markCredentialStale("bob", "https://mail.example.com:8443").ok());
    CHECK_FALSE(store->credential("bob", "https://mail.example.com:8443")->has_value());

    // A new password clears the mark and flags the user's devices for a credential update.
    REQUIRE(store->setCredential("alice", "https://mail.example.com:8443", password, true).ok());
    CHECK_FALSE(store->credential("alice", "https://mail.example.com:8443")->value().stale);
    CHECK(store->partnership("WM6DEVICE01")->value().pendingCredentialUpdate);
    REQUIRE(store->setPendingCredentialUpdate("WM6DEVICE01", false).ok());
    CHECK_FALSE(store->partnership("WM6DEVICE01")->value().pendingCredentialUpdate);
  }
  std::string raw;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    raw += test::readWholeFile(f.dbPath + suffix);
  }
  CHECK(raw.find("mail.example.com") != std::string::npos);  // the bytes are really there
  CHECK(raw.find(password) == std::string::npos);
  CHECK(raw.find("Correct-Horse") == std::string::npos);
}

TEST_CASE("device secrets verify in constant time and stay sealed", "[bridge][store]") {
  Fixture f;
  std::string secret;
  {
    auto store = f.open();
    REQUIRE(store->addPartnership(samplePartnership()).ok());
    auto none = store->verifyDeviceSecret("WM6DEVICE01", "anything");
    REQUIRE(none.ok());
    CHECK_FALSE(*none);

    auto created = store->createDeviceSecret("WM6DEVICE01");
    REQUIRE(created.ok());
    secret = *created;
    CHECK(secret.size() == 43);
    CHECK(store->verifyDeviceSecret("WM6DEVICE01", secret).value());
    CHECK_FALSE(store->verifyDeviceSecret("WM6DEVICE01", secret + "x").value());
    CHECK_FALSE(store->verifyDeviceSecret("WM6DEVICE01", secret.substr(1)).value());
    CHECK_FALSE(store->verifyDeviceSecret("WM6DEVICE01", "").value());
    CHECK_FALSE(store->verifyDeviceSecret("OTHER", secret).value());
    CHECK_FALSE(store->createDeviceSecret("OTHER").ok());

    REQUIRE(store->setDeviceSecret("WM6DEVICE01", "chosen-secret").ok());
    CHECK(store->verifyDeviceSecret("WM6DEVICE01", "chosen-secret").value());
    CHECK_FALSE(store->verifyDeviceSecret("WM6DEVICE01", secret).value());
    secret = "chosen-secret";
  }
  std::string raw;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    raw += test::readWholeFile(f.dbPath + suffix);
  }
  CHECK(raw.find(secret) == std::string::npos);
  auto store = f.open();
  CHECK(store->verifyDeviceSecret("WM6DEVICE01", "chosen-secret").value());
}

TEST_CASE("statistics add up per device", "[bridge][store]") {
  Fixture f;
  auto store = f.open();
  REQUIRE(store->addPartnership(samplePartnership()).ok());
  auto empty = store->statistics("WM6DEVICE01");
  REQUIRE(empty.ok());
  CHECK(empty->upstreamPings == 0);

  StatisticsDelta d;
  d.upstreamPings = 2;
  d.upstreamPingsDiedEarly = 1;
  d.heartbeatUpSeconds = 1680;
  d.devicePings = 5;
  d.wakeupsDelivered = 3;
  d.wakeupsSaved = 4;
  d.bytesToDevice = 1000;
  d.bytesToUpstream = 200;
  REQUIRE(store->addStatistics("WM6DEVICE01", d).ok());
  StatisticsDelta more;
  more.upstreamPings = 1;
  more.bytesToDevice = 24;
  REQUIRE(store->addStatistics("WM6DEVICE01", more).ok());

  auto s = store->statistics("WM6DEVICE01");
  REQUIRE(s.ok());
  CHECK(s->upstreamPings == 3);
  CHECK(s->upstreamPingsDiedEarly == 1);
  CHECK(s->heartbeatUpSeconds == 1680);  // unchanged by a delta without a heartbeat
  CHECK(s->devicePings == 5);
  CHECK(s->wakeupsDelivered == 3);
  CHECK(s->wakeupsSaved == 4);
  CHECK(s->bytesToDevice == 1024);
  CHECK(s->bytesToUpstream == 200);
  CHECK(s->updated == f.clock);

  StatisticsDelta lower;
  lower.heartbeatUpSeconds = 540;
  REQUIRE(store->addStatistics("WM6DEVICE01", lower).ok());
  CHECK(store->statistics("WM6DEVICE01")->heartbeatUpSeconds == 540);
  CHECK_FALSE(store->addStatistics("NOPE", d).ok());
  CHECK_FALSE(store->statistics("NOPE").ok());
}

TEST_CASE("pending changes: none lost, none reported twice, across reopen", "[bridge][store]") {
  Fixture f;
  int64_t takenSeq = 0;
  {
    auto store = f.open();
    REQUIRE(store->addPartnership(samplePartnership()).ok());
    REQUIRE(store->addPartnership(samplePartnership("OTHER")).ok());
    auto s1 = store->addPending("WM6DEVICE01", {"5", "6"});
    REQUIRE(s1.ok());
    auto s2 = store->addPending("WM6DEVICE01", {"5"});  // the same folder again before a take
    REQUIRE(s2.ok());
    CHECK(*s2 > *s1);
    REQUIRE(store->addPending("OTHER", {"9"}).ok());

    auto batch = store->takePending("WM6DEVICE01");
    REQUIRE(batch.ok());
    CHECK(batch->folderIds == std::vector<std::string>{"6", "5"});  // each folder once
    CHECK(batch->seq == *s2);
    takenSeq = batch->seq;
    // Taking does not remove: the answer may never reach a sleeping device.
    CHECK(store->takePending("WM6DEVICE01")->folderIds.size() == 2);

    // A change in folder 6 arrives after the take, before the device acknowledges.
    REQUIRE(store->addPending("WM6DEVICE01", {"6", "7"}).ok());
    auto upTo = store->takePending("WM6DEVICE01", *s1);
    REQUIRE(upTo.ok());
    CHECK(upTo->folderIds.empty());  // 5 and 6 moved to later sequence numbers
  }
  // The bridge restarts between the take and the acknowledgement.
  auto store = f.open();
  REQUIRE(store->acknowledgePending("WM6DEVICE01", takenSeq).ok());
  auto rest = store->takePending("WM6DEVICE01");
  REQUIRE(rest.ok());
  CHECK(rest->folderIds == std::vector<std::string>{"6", "7"});  // 5 gone, new 6 kept
  REQUIRE(store->acknowledgePending("WM6DEVICE01", rest->seq).ok());
  REQUIRE(store->acknowledgePending("WM6DEVICE01", rest->seq).ok());  // idempotent
  auto none = store->takePending("WM6DEVICE01");
  REQUIRE(none.ok());
  CHECK(none->folderIds.empty());
  CHECK(none->seq == 0);
  CHECK(store->takePending("OTHER")->folderIds == std::vector<std::string>{"9"});

  // Sequence numbers keep growing after a restart, so an old acknowledgement cannot drop news.
  auto next = store->addPending("WM6DEVICE01", {"5"});
  REQUIRE(next.ok());
  CHECK(*next > rest->seq);
  CHECK_FALSE(store->addPending("WM6DEVICE01", {""}).ok());
  CHECK_FALSE(store->addPending("NOPE", {"5"}).ok());

  // Removing the partnership removes its pending changes with it.
  REQUIRE(store->clearPending("OTHER").ok());
  CHECK(store->takePending("OTHER")->folderIds.empty());
  REQUIRE(store->removePartnership("WM6DEVICE01").ok());
  REQUIRE(store->addPartnership(samplePartnership()).ok());
  CHECK(store->takePending("WM6DEVICE01")->folderIds.empty());
}

TEST_CASE("event log: since() and pruning", "[bridge][store]") {
  Fixture f;
  auto store = f.open(5);
  std::vector<int64_t> seqs;
  for (int i = 0; i < 8; ++i) {
    f.clock += 1;
    auto seq = store->addEvent(i % 2 ? "WM6DEVICE01" : "", "test", "event " + std::to_string(i));
    REQUIRE(seq.ok());
    seqs.push_back(*seq);
  }
  CHECK(std::is_sorted(seqs.begin(), seqs.end()));
  auto all = store->eventsSince(0);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 5);  // maxEvents
  CHECK(all->front().text == "event 3");
  CHECK(all->front().deviceId == "WM6DEVICE01");
  CHECK(all->back().text == "event 7");
  CHECK(all->back().at == f.clock);

  auto since = store->eventsSince(seqs[5]);
  REQUIRE(since.ok());
  REQUIRE(since->size() == 2);
  CHECK((*since)[0].seq == seqs[6]);
  CHECK(store->eventsSince(seqs[3], 2)->size() == 2);
  CHECK(store->eventsSince(seqs[7])->empty());

  REQUIRE(store->pruneEvents(2).ok());
  auto kept = store->eventsSince(0);
  REQUIRE(kept->size() == 2);
  CHECK(kept->front().text == "event 6");
  REQUIRE(store->pruneEvents(0).ok());
  CHECK(store->eventsSince(0)->empty());
  CHECK_FALSE(store->addEvent("", "", "no kind").ok());
  // Sequence numbers are not reused after pruning.
  CHECK(store->addEvent("", "test", "after").value() > seqs.back());
}

TEST_CASE("reopening keeps everything; a newer schema is refused", "[bridge][store]") {
  Fixture f;
  {
    auto store = f.open();
    REQUIRE(store->addPartnership(samplePartnership()).ok());
    REQUIRE(store->setCredential("alice", "https://mail.example.com:8443", "pw", false).ok());
    REQUIRE(store->createDeviceSecret("WM6DEVICE01").ok());
    REQUIRE(store->addEvent("WM6DEVICE01", "paired", "Alice's HTC was paired").ok());
    StatisticsDelta d;
    d.devicePings = 7;
    REQUIRE(store->addStatistics("WM6DEVICE01", d).ok());
  }
  {
    auto store = f.open();
    CHECK(store->partnership("WM6DEVICE01")->value().friendlyName == "Alice's HTC");
    CHECK(store->credential("alice", "https://mail.example.com:8443")->value().password == "pw");
    CHECK(store->eventsSince(0)->size() == 1);
    CHECK(store->statistics("WM6DEVICE01")->devicePings == 7);
  }
  SECTION("another key cannot open the secrets") {
    REQUIRE(::unlink(f.keyPath.c_str()) == 0);
    auto store = f.open();  // a new key file is made
    auto c = store->credential("alice", "https://mail.example.com:8443");
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(c.error().detail, Catch::Contains("cannot be opened"));
    CHECK(store->partnership("WM6DEVICE01")->has_value());
  }
  SECTION("newer schema version") {
    {
      Poco::Data::Session s("SQLite", f.dbPath);
      s << "PRAGMA user_version = 99", now;
    }
    auto box = SecretBox::fromKeyFile(f.keyPath);
    REQUIRE(box.ok());
    auto store = Store::open(f.dbPath, std::move(box).value());
    REQUIRE_FALSE(store.ok());
    CHECK_THAT(store.error().detail,
               Catch::Contains("schema version 99") && Catch::Contains("newer"));
  }
  SECTION("not a database") {
    const std::string bogus = f.dir.file("bogus.db");
    test::writeWholeFile(bogus, std::string(4096, 'x'));
    auto box = SecretBox::fromKeyFile(f.keyPath);
    REQUIRE(box.ok());
    CHECK_FALSE(Store::open(bogus, std::move(box).value()).ok());
  }
}

TEST_CASE("two threads and two connections write at once", "[bridge][store]") {
  Fixture f;
  auto store = f.open();
  auto second = f.open();  // a second connection to the same file
  REQUIRE(store->addPartnership(samplePartnership("DEVA")).ok());
  REQUIRE(store->addPartnership(samplePartnership("DEVB")).ok());
  constexpr int Rounds = 100;
  std::atomic<int> failures{0};
  auto work = [&](Store& s, const std::string& device) {
    for (int i = 0; i < Rounds; ++i) {
      if (!s.addEvent(device, "test", std::to_string(i)).ok() ||
          !s.addPending(device, {std::to_string(i)}).ok()) {
        ++failures;
      }
      StatisticsDelta d;
      d.devicePings = 1;
      if (!s.addStatistics(device, d).ok()) {
        ++failures;
      }
    }
  };
  std::thread a(work, std::ref(*store), "DEVA");
  std::thread b(work, std::ref(*store), "DEVB");
  std::thread c(work, std::ref(*second), "DEVA");
  a.join();
  b.join();
  c.join();
  CHECK(failures == 0);
  CHECK(store->eventsSince(0, 10000)->size() == 3 * Rounds);
  CHECK(store->statistics("DEVA")->devicePings == 2 * Rounds);
  CHECK(store->statistics("DEVB")->devicePings == Rounds);
  CHECK(store->takePending("DEVA")->folderIds.size() == Rounds);  // each folder once
  CHECK(store->takePending("DEVB")->folderIds.size() == Rounds);
}

}  // namespace
}  // namespace cradle::bridge

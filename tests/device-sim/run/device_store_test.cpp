// The device's own store: folders, items, sync keys and settings survive a reopen; a wipe
// empties it; the file is private.
#include "device-sim/store/device_store.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <string>

#include "tests/support/process.h"

using devicesim::DeviceStore;
using devicesim::StoredFolder;
using devicesim::StoredItem;

TEST_CASE("the device store keeps its state across a reopen and a wipe empties it",
          "[device-sim][store]") {
  cradle::test::TempDir dir;
  const std::string path = dir.path() + "/device.db";
  {
    auto store = DeviceStore::open(path);
    REQUIRE(store.ok());
    auto& s = *store.value();
    REQUIRE(s.putFolder(StoredFolder{"1", "0", "Inbox", 2, "0"}).ok());
    REQUIRE(s.setSyncKey("1", "7").ok());
    REQUIRE(s.putFolder(StoredFolder{"1", "0", "Inbox renamed", 2, "0"}).ok());  // keeps key
    REQUIRE(s.putItem(StoredItem{"1", "1:1", "Email", "Hello"}).ok());
    REQUIRE(s.putItem(StoredItem{"1", "1:2", "Email", "Bye"}).ok());
    REQUIRE(s.removeItem("1", "1:2").ok());
    REQUIRE(s.setSetting("policyKey", "42").ok());
  }
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto store = DeviceStore::open(path);
  REQUIRE(store.ok());
  auto& s = *store.value();
  REQUIRE(s.folders().size() == 1);
  CHECK(s.folders()[0].displayName == "Inbox renamed");
  CHECK(s.folders()[0].syncKey == "7");
  REQUIRE(s.items().size() == 1);
  CHECK(s.items()[0].title == "Hello");
  CHECK(s.setting("policyKey") == std::optional<std::string>("42"));
  CHECK(!s.setting("missing"));
  REQUIRE(s.wipe().ok());
  CHECK(s.folders().empty());
  CHECK(s.items().empty());
  CHECK(!s.setting("policyKey"));
}

TEST_CASE("the device store reports a path it cannot create", "[device-sim][store]") {
  auto store = DeviceStore::open("/nonexistent-dir-for-device-sim/x/device.db");
  REQUIRE(!store.ok());
  CHECK(store.error().message().find("cannot create") != std::string::npos);
}

// foldersWithPendingChanges: Ping's view of what a device has not synced yet.
#include "tests/mapi-sim/handlers/handler_fixture.h"

namespace mapisim::test {

TEST_CASE("foldersWithPendingChanges follows the device's sync keys", "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ProtocolVersion v = ProtocolVersion::V12_1;
  const std::string inbox = f.folderId(FolderType::Inbox);
  const std::string contacts = f.folderId(FolderType::Contacts);
  const std::vector<std::string> both{inbox, contacts};
  auto pending = [&] { return foldersWithPendingChanges(*f.mailbox, f.device, both); };

  f.deliver("waiting");
  // Never synced: not reported (the device must Sync with SyncKey 0 first).
  CHECK(pending().empty());

  std::string inboxKey = f.prime(v, inbox);
  const std::string contactsKey = f.prime(v, contacts);
  // The Inbox holds a mail the device has not got; the empty Contacts folder has nothing.
  CHECK(pending() == std::vector<std::string>{inbox});

  inboxKey = f.syncOne(v, f.collection(v, inbox, inboxKey)).syncKey;
  CHECK(pending().empty());

  f.deliver("new arrival");
  CHECK(pending() == std::vector<std::string>{inbox});
  inboxKey = f.syncOne(v, f.collection(v, inbox, inboxKey)).syncKey;
  CHECK(pending().empty());

  SECTION("a window that leaves changes behind keeps the folder pending") {
    f.deliver("one");
    f.deliver("two");
    auto c = f.collection(v, inbox, inboxKey);
    c.windowSize = 1;
    auto r = f.syncOne(v, c);
    CHECK(r.moreAvailable);
    CHECK(pending() == std::vector<std::string>{inbox});
    f.syncOne(v, f.collection(v, inbox, r.syncKey));
    CHECK(pending().empty());
  }
  SECTION("the device's own changes do not make the folder pending") {
    eas::ContactItem c;
    c.firstName = "Self";
    auto req = f.collection(v, contacts, contactsKey);
    req.commands = {eas::SyncClientAdd{"x1", c}};
    auto r = f.syncOne(v, req);
    REQUIRE(r.responses.size() == 1);
    CHECK(pending().empty());
  }
  SECTION("another device's view is its own") {
    DeviceRecord second =
        f.mailbox->touchDevice(f.user.id, "SECONDDEVICE", "SmartPhone", "MSFT-SPhone/5.2", "12.1");
    CHECK(foldersWithPendingChanges(*f.mailbox, second, both).empty());
  }
}

}  // namespace mapisim::test

// Mailbox: users, folders, items, journal, listener, devices, persistence and concurrency on a
// real SQLite file in a temporary folder.
#include "mapi-sim/mailbox/mailbox.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "mapi-sim/mailbox/mail_builder.h"
#include "mapi-sim/mailbox/password.h"

namespace mapisim {
namespace {

namespace eas = cradle::eas;

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/cradle-mailbox-test-XXXXXX";
    const char* made = mkdtemp(pattern);
    REQUIRE(made != nullptr);
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string db() const { return path_ + "/mailbox.db"; }

 private:
  std::string path_;
};

std::unique_ptr<Mailbox> openMailbox(const std::string& path) {
  auto opened = Mailbox::open(path);
  REQUIRE(opened.ok());
  return std::move(opened).value();
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<Mailbox> mailbox = openMailbox(dir.db());
  UserRecord alice = mailbox->addUser("alice", "secret", "alice@example.com").value();

  std::string folderId(FolderType type) { return mailbox->folderByType(alice.id, type)->serverId; }
};

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  REQUIRE(in.good());
  std::string text(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

// Records every notice the listener receives.
struct NoticeLog {
  std::mutex mutex;
  std::vector<ChangeNotice> notices;
  void attach(Mailbox& m) {
    m.setChangeListener([this](const ChangeNotice& n) {
      std::lock_guard lock(mutex);
      notices.push_back(n);
    });
  }
};

eas::EmailItem sampleEmail() {
  eas::EmailItem e;
  e.to = "\"Bob\" <bob@example.com>";
  e.from = "alice@example.com";
  e.subject = "Hello";
  e.dateReceived = "2026-11-25T09:26:27.123Z";
  e.read = true;
  e.importance = eas::Importance::High;
  e.messageClass = "IPM.Note";
  e.categories = {"Red", "Blue"};
  eas::Body body;
  body.type = eas::BodyType::PlainText;
  body.data = "Line one\r\nLine two";
  body.estimatedDataSize = 18;
  e.body = body;
  eas::Attachment a;
  a.displayName = "report.pdf";
  a.fileReference = "1:1:0";
  a.estimatedDataSize = 1234;
  a.isInline = false;
  e.attachments.push_back(a);
  eas::EmailFlag flag;
  flag.status = 2;
  flag.flagType = "Follow up";
  e.flag = flag;
  return e;
}

eas::ContactItem sampleContact() {
  eas::ContactItem c;
  c.firstName = "Ann";
  c.lastName = "Smith";
  c.email1Address = "ann@example.com";
  c.mobilePhoneNumber = "+1 555 0100";
  c.categories = {"Friends"};
  c.children = {"Tom", "Kim"};
  c.birthday = "1980-02-03T00:00:00.000Z";
  return c;
}

eas::CalendarItem sampleCalendar() {
  eas::CalendarItem c;
  c.subject = "Review";
  c.startTime = "20261125T093000Z";
  c.endTime = "20261125T103000Z";
  c.dtStamp = "20261120T080000Z";
  c.location = "Room 1";
  c.uid = "uid-1";
  c.busyStatus = eas::BusyStatus::Busy;
  c.allDayEvent = false;
  c.reminder = 15;
  eas::Attendee a;
  a.email = "bob@example.com";
  a.name = "Bob";
  a.attendeeType = eas::AttendeeType::Required;
  c.attendees.push_back(a);
  eas::Recurrence r;
  r.type = eas::RecurrenceType::Weekly;
  r.interval = 1;
  r.dayOfWeek = 4;
  c.recurrence = r;
  eas::CalendarException ex;
  ex.exceptionStartTime = "20261202T093000Z";
  ex.deleted = true;
  c.exceptions.push_back(ex);
  return c;
}

eas::TaskItem sampleTask() {
  eas::TaskItem t;
  t.subject = "Write tests";
  t.complete = false;
  t.dueDate = "2026-11-30T00:00:00.000Z";
  t.utcDueDate = "2026-11-30T00:00:00.000Z";
  t.importance = eas::Importance::Low;
  t.reminderSet = true;
  t.reminderTime = "2026-11-29T09:00:00.000Z";
  t.categories = {"Work"};
  eas::Body body;
  body.type = eas::BodyType::PlainText;
  body.data = "details";
  body.estimatedDataSize = 7;
  t.body = body;
  return t;
}

}  // namespace

TEST_CASE("users: passwords, duplicates, case-insensitive names", "[mapi-sim][mailbox]") {
  Fixture f;
  Mailbox& m = *f.mailbox;
  CHECK(f.alice.id > 0);
  CHECK(f.alice.email == "alice@example.com");
  CHECK(m.checkPassword("alice", "secret"));
  CHECK(m.checkPassword("ALICE", "secret"));  // the name, not the password, ignores case
  CHECK_FALSE(m.checkPassword("alice", "Secret"));
  CHECK_FALSE(m.checkPassword("alice", ""));
  CHECK_FALSE(m.checkPassword("nobody", "secret"));

  auto dup = m.addUser("Alice", "other", "");
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().detail.find("already exists") != std::string::npos);
  CHECK_FALSE(m.addUser("", "x", "").ok());
  CHECK_FALSE(m.addUser("a:b", "x", "").ok());

  auto bob = m.addUser("bob", "pw", "");
  REQUIRE(bob.ok());
  CHECK(bob->email == "bob@example.com");
  REQUIRE(m.findUser("BoB").has_value());
  CHECK(m.findUser("BoB")->id == bob->id);
  CHECK(m.findUser("BoB")->name == "bob");
  CHECK(m.userById(bob->id)->name == "bob");
  CHECK_FALSE(m.userById(9999).has_value());
  CHECK(m.users().size() == 2);

  REQUIRE(m.setPassword("alice", "new secret").ok());
  CHECK_FALSE(m.checkPassword("alice", "secret"));
  CHECK(m.checkPassword("alice", "new secret"));
  CHECK_FALSE(m.setPassword("nobody", "x").ok());

  REQUIRE(m.setUserPolicy("ALICE", "strict", true).ok());
  CHECK(m.findUser("alice")->policy == "strict");
  CHECK(m.findUser("alice")->policyExempt);
  CHECK_FALSE(m.setUserPolicy("nobody", "strict", false).ok());
}

TEST_CASE("password hashes: PBKDF2-HMAC-SHA256 vector, salt, malformed forms",
          "[mapi-sim][mailbox]") {
  // RFC 7914 11: PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1, dkLen=64).
  const std::string dk = PasswordHash::pbkdf2("passwd", "salt", 1, 64);
  const unsigned char expected[] = {
      0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f, 0xec, 0x16, 0x91, 0xc2, 0x25,
      0x44, 0xb6, 0x05, 0xf9, 0x41, 0x85, 0x21, 0x6d, 0xde, 0x04, 0x65, 0xe6, 0x8b,
      0x9d, 0x57, 0xc2, 0x0d, 0xac, 0xbc, 0x49, 0xca, 0x9c, 0xcc, 0xf1, 0x79, 0xb6,
      0x45, 0x99, 0x16, 0x64, 0xb3, 0x9d, 0x77, 0xef, 0x31, 0x7c, 0x71, 0xb8, 0x45,
      0xb1, 0xe3, 0x0b, 0xd5, 0x09, 0x11, 0x20, 0x41, 0xd3, 0xa1, 0x97, 0x83};
  CHECK(dk == std::string(reinterpret_cast<const char*>(expected), sizeof expected));

  const std::string a = PasswordHash::make("pw", 10);
  const std::string b = PasswordHash::make("pw", 10);
  CHECK(a != b);  // a fresh salt each time
  CHECK(a.rfind("pbkdf2-sha256$10$", 0) == 0);
  CHECK(PasswordHash::verify("pw", a));
  CHECK_FALSE(PasswordHash::verify("pW", a));
  CHECK_FALSE(PasswordHash::verify("pw", ""));
  CHECK_FALSE(PasswordHash::verify("pw", "pbkdf2-sha256$0$00$00"));
  CHECK_FALSE(PasswordHash::verify("pw", "pbkdf2-sha256$10$zz$00"));
  CHECK_FALSE(PasswordHash::verify("pw", "md5$10$00$00"));
  CHECK_FALSE(PasswordHash::verify("pw", a + "$extra"));
}

TEST_CASE("addUser creates the default folders", "[mapi-sim][mailbox]") {
  Fixture f;
  const auto folders = f.mailbox->folders(f.alice.id);
  REQUIRE(folders.size() == 9);
  const std::pair<FolderType, const char*> expected[] = {
      {FolderType::Inbox, "Inbox"},
      {FolderType::Drafts, "Drafts"},
      {FolderType::DeletedItems, "Deleted Items"},
      {FolderType::SentItems, "Sent Items"},
      {FolderType::Outbox, "Outbox"},
      {FolderType::Calendar, "Calendar"},
      {FolderType::Contacts, "Contacts"},
      {FolderType::Tasks, "Tasks"},
      {FolderType::Notes, "Notes"}};
  std::set<std::string> ids;
  for (std::size_t i = 0; i < folders.size(); ++i) {
    CHECK(folders[i].type == expected[i].first);
    CHECK(folders[i].displayName == expected[i].second);
    CHECK(folders[i].parentServerId == "0");
    CHECK(folders[i].userId == f.alice.id);
    CHECK(folders[i].serverId == std::to_string(i + 1));
    ids.insert(folders[i].serverId);
  }
  CHECK(ids.size() == 9);
  CHECK(f.mailbox->folderByType(f.alice.id, FolderType::Calendar)->itemClass() ==
        ItemClass::Calendar);
  CHECK(f.mailbox->folderByType(f.alice.id, FolderType::SentItems)->itemClass() ==
        ItemClass::Email);
  CHECK(f.mailbox->folderByType(f.alice.id, FolderType::Notes)->itemClass() == ItemClass::Notes);
  // A second user has its own folders with the same short ids.
  auto bob = f.mailbox->addUser("bob", "pw", "");
  REQUIRE(bob.ok());
  CHECK(f.mailbox->folder(bob->id, "1")->id != f.mailbox->folder(f.alice.id, "1")->id);
  CHECK_FALSE(f.mailbox->folder(bob->id, "99").has_value());
}

TEST_CASE("folders: create, rename, move, delete bump the hierarchy", "[mapi-sim][mailbox]") {
  Fixture f;
  Mailbox& m = *f.mailbox;
  NoticeLog log;
  log.attach(m);
  const int64_t v0 = m.hierarchyVersion(f.alice.id);

  auto work = m.createFolder(f.alice.id, "0", "Work", FolderType::UserMail);
  REQUIRE(work.ok());
  CHECK(work->serverId == "10");
  CHECK(m.hierarchyVersion(f.alice.id) == v0 + 1);
  auto sub = m.createFolder(f.alice.id, work->serverId, "Sub", FolderType::UserMail);
  REQUIRE(sub.ok());
  CHECK(sub->parentServerId == "10");
  CHECK_FALSE(m.createFolder(f.alice.id, "0", "Work", FolderType::UserMail).ok());  // same name
  CHECK_FALSE(m.createFolder(f.alice.id, "77", "X", FolderType::UserMail).ok());    // no parent
  CHECK_FALSE(m.createFolder(f.alice.id, "0", "", FolderType::UserMail).ok());

  REQUIRE(m.updateFolder(f.alice.id, sub->serverId, "0", "Renamed").ok());
  CHECK(m.folder(f.alice.id, sub->serverId)->displayName == "Renamed");
  CHECK(m.folder(f.alice.id, sub->serverId)->parentServerId == "0");
  // Moving a folder below its own child is refused.
  REQUIRE(m.updateFolder(f.alice.id, sub->serverId, work->serverId, "Renamed").ok());
  CHECK_FALSE(m.updateFolder(f.alice.id, work->serverId, sub->serverId, "Work").ok());
  CHECK_FALSE(m.updateFolder(f.alice.id, "77", "0", "X").ok());

  auto item = m.addItem(f.alice.id, sub->serverId, sampleEmail());
  REQUIRE(item.ok());
  const int64_t before = m.hierarchyVersion(f.alice.id);
  REQUIRE(m.deleteFolder(f.alice.id, work->serverId).ok());  // with Sub and its item
  CHECK(m.hierarchyVersion(f.alice.id) == before + 1);
  CHECK_FALSE(m.folder(f.alice.id, work->serverId).has_value());
  CHECK_FALSE(m.folder(f.alice.id, sub->serverId).has_value());
  CHECK_FALSE(m.item(f.alice.id, item->serverId).has_value());
  CHECK(m.items(sub->id).empty());
  CHECK_FALSE(m.deleteFolder(f.alice.id, work->serverId).ok());

  std::lock_guard lock(log.mutex);
  REQUIRE(log.notices.size() == 6);  // 2 creates, 2 updates, 1 item add, 1 delete
  CHECK(log.notices[0].hierarchyChanged);
  CHECK(log.notices[0].userId == f.alice.id);
  CHECK(log.notices[0].folderIds.empty());
  CHECK_FALSE(log.notices[4].hierarchyChanged);  // the item add
  CHECK(log.notices[5].hierarchyChanged);
  CHECK(log.notices[5].folderIds.size() == 2);  // both deleted folders
}

TEST_CASE("items: add, update, delete, move with journal and notices", "[mapi-sim][mailbox]") {
  Fixture f;
  Mailbox& m = *f.mailbox;
  NoticeLog log;
  log.attach(m);
  const auto inbox = *m.folderByType(f.alice.id, FolderType::Inbox);
  const auto deleted = *m.folderByType(f.alice.id, FolderType::DeletedItems);
  CHECK(m.folderChangeSeq(inbox.id) == 0);
  CHECK(m.lastSeq() == 0);

  auto a = m.addItem(f.alice.id, inbox.serverId, sampleEmail());
  REQUIRE(a.ok());
  CHECK(a->serverId == inbox.serverId + ":1");
  CHECK(a->version == 1);
  CHECK(a->folderId == inbox.id);
  const int64_t s1 = m.folderChangeSeq(inbox.id);
  CHECK(s1 > 0);
  CHECK(m.lastSeq() == s1);

  auto b = m.addItem(f.alice.id, inbox.serverId, sampleEmail());
  REQUIRE(b.ok());
  CHECK(b->serverId == inbox.serverId + ":2");
  CHECK(m.folderChangeSeq(inbox.id) > s1);

  auto changed = std::get<eas::EmailItem>(a->data);
  changed.read = false;
  changed.subject = "Changed";
  auto u = m.updateItem(f.alice.id, a->serverId, changed);
  REQUIRE(u.ok());
  CHECK(u->version == 2);
  CHECK(std::get<eas::EmailItem>(m.item(f.alice.id, a->serverId)->data).subject == "Changed");
  CHECK(m.item(f.alice.id, a->serverId)->version == 2);
  CHECK_FALSE(m.updateItem(f.alice.id, "1:99", changed).ok());
  CHECK_FALSE(m.updateItem(f.alice.id, a->serverId, sampleTask()).ok());  // class change

  const int64_t beforeMove = m.lastSeq();
  auto moved = m.moveItem(f.alice.id, b->serverId, deleted.serverId);
  REQUIRE(moved.ok());
  CHECK(moved->serverId == deleted.serverId + ":1");
  CHECK(moved->folderId == deleted.id);
  CHECK(std::get<eas::EmailItem>(moved->data).attachments.at(0).fileReference ==
        moved->serverId + ":0");
  CHECK_FALSE(m.item(f.alice.id, b->serverId).has_value());
  CHECK(m.item(f.alice.id, moved->serverId).has_value());
  CHECK(m.folderChangeSeq(inbox.id) > beforeMove);
  CHECK(m.folderChangeSeq(deleted.id) > beforeMove);
  CHECK(m.items(inbox.id).size() == 1);
  CHECK(m.items(deleted.id).size() == 1);
  CHECK_FALSE(m.moveItem(f.alice.id, moved->serverId, deleted.serverId).ok());  // same folder
  CHECK_FALSE(m.moveItem(f.alice.id, moved->serverId, "6").ok());  // Calendar: wrong class
  CHECK_FALSE(m.moveItem(f.alice.id, moved->serverId, "77").ok());

  REQUIRE(m.deleteItem(f.alice.id, a->serverId).ok());
  CHECK_FALSE(m.item(f.alice.id, a->serverId).has_value());
  CHECK_FALSE(m.deleteItem(f.alice.id, a->serverId).ok());
  CHECK(m.items(inbox.id).empty());

  // Wrong class for the folder, unknown folder, other user's view.
  CHECK_FALSE(m.addItem(f.alice.id, inbox.serverId, sampleContact()).ok());
  CHECK_FALSE(m.addItem(f.alice.id, "99", sampleEmail()).ok());
  CHECK_FALSE(m.addItem(f.alice.id, "9", sampleTask()).ok());  // Notes has no typed record
  auto bob = m.addUser("bob", "pw", "");
  REQUIRE(bob.ok());
  CHECK_FALSE(m.item(bob->id, moved->serverId).has_value());

  std::lock_guard lock(log.mutex);
  // add, add, update, move, delete (failed calls send nothing; addUser neither).
  REQUIRE(log.notices.size() == 5);
  std::vector<int64_t> seqs;
  for (const auto& n : log.notices) {
    CHECK(n.userId == f.alice.id);
    CHECK_FALSE(n.hierarchyChanged);
    seqs.push_back(n.seq);
  }
  CHECK(std::is_sorted(seqs.begin(), seqs.end()));
  CHECK(log.notices[0].folderIds == std::vector<int64_t>{inbox.id});
  CHECK(log.notices[3].folderIds == (std::vector<int64_t>{inbox.id, deleted.id}));
  CHECK(log.notices[4].seq == m.lastSeq());
}

TEST_CASE("the listener runs outside the lock and may call back", "[mapi-sim][mailbox]") {
  Fixture f;
  Mailbox& m = *f.mailbox;
  std::size_t seen = 0;
  m.setChangeListener([&](const ChangeNotice& n) {
    // Reading the store from the listener must not deadlock.
    seen = m.items(n.folderIds.at(0)).size();
  });
  REQUIRE(m.addItem(f.alice.id, "1", sampleEmail()).ok());
  CHECK(seen == 1);
}

TEST_CASE("ApplicationData round trips for all four classes", "[mapi-sim][mailbox]") {
  Fixture f;
  Mailbox& m = *f.mailbox;
  const auto check = [&](const std::string& folder, const eas::ApplicationData& data) {
    auto added = m.addItem(f.alice.id, folder, data);
    INFO((added.ok() ? std::string() : added.error().message()));
    REQUIRE(added.ok());
    auto back = m.item(f.alice.id, added->serverId);
    REQUIRE(back.has_value());
    CHECK(back->data == data);
  };
  SECTION("email") { check("1", sampleEmail()); }
  SECTION("contact") { check("7", sampleContact()); }
  SECTION("calendar") { check("6", sampleCalendar()); }
  SECTION("task") { check("8", sampleTask()); }
}

TEST_CASE("received: e-mail DateReceived, calendar StartTime, others created",
          "[mapi-sim][mailbox]") {
  Fixture f;
  Mailbox& m = *f.mailbox;
  auto email = m.addItem(f.alice.id, "1", sampleEmail());
  REQUIRE(email.ok());
  CHECK(email->received == 1795598787123);  // 2026-11-25T09:26:27.123Z
  auto cal = m.addItem(f.alice.id, "6", sampleCalendar());
  REQUIRE(cal.ok());
  CHECK(cal->received == 1795599000000);  // 20261125T093000Z
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  auto task = m.addItem(f.alice.id, "8", sampleTask());
  REQUIRE(task.ok());
  CHECK(task->received >= before);
  CHECK(task->received < before + 60'000);
}

TEST_CASE("items(since) filters on received, oldest first", "[mapi-sim][mailbox]") {
  Fixture f;
  Mailbox& m = *f.mailbox;
  const int64_t inbox = m.folderByType(f.alice.id, FolderType::Inbox)->id;
  const UnixMillis t0 = 1'800'000'000'000;
  for (int i : {3, 1, 2}) {
    NewMail mail;
    mail.subject = "mail " + std::to_string(i);
    mail.body = "x";
    mail.deliveredAt = t0 + i * 1000;
    REQUIRE(m.deliverMail(f.alice.id, mail).ok());
  }
  const auto all = m.items(inbox);
  REQUIRE(all.size() == 3);
  CHECK(std::get<eas::EmailItem>(all[0].data).subject == "mail 1");
  CHECK(std::get<eas::EmailItem>(all[2].data).subject == "mail 3");
  const auto recent = m.items(inbox, t0 + 2000);
  REQUIRE(recent.size() == 2);
  CHECK(std::get<eas::EmailItem>(recent[0].data).subject == "mail 2");
  CHECK(m.items(inbox, t0 + 4000).empty());
}

TEST_CASE("deliverMail from subject and body", "[mapi-sim][mailbox]") {
  Fixture f;
  Mailbox& m = *f.mailbox;
  NoticeLog log;
  log.attach(m);
  NewMail mail;
  mail.subject = "Grüße aus Köln";
  mail.body = "Hallo Alice,\nbis morgen — Bob\n";
  mail.from = "Bob Müller <bob@example.com>";
  mail.deliveredAt = 1795598787123;
  auto item = m.deliverMail(f.alice.id, mail);
  REQUIRE(item.ok());
  CHECK(item->folderId == m.folderByType(f.alice.id, FolderType::Inbox)->id);
  CHECK(item->received == mail.deliveredAt);
  const auto& e = std::get<eas::EmailItem>(item->data);
  CHECK(e.subject == "Grüße aus Köln");
  CHECK(e.from == "Bob Müller <bob@example.com>");
  CHECK(e.to == "alice@example.com");
  CHECK(e.displayTo == "alice@example.com");
  CHECK(e.dateReceived == "2026-11-25T09:26:27.123Z");
  CHECK(e.read == false);
  CHECK(e.messageClass == "IPM.Note");
  CHECK(e.importance == eas::Importance::Normal);
  REQUIRE(e.body.has_value());
  CHECK(e.body->type == eas::BodyType::PlainText);
  CHECK(e.body->data == "Hallo Alice,\r\nbis morgen — Bob\r\n");
  CHECK(e.body->estimatedDataSize == e.body->data->size());
  CHECK(e.attachments.empty());

  // The MIME message that was built.
  CHECK(item->mime.find("Subject: =?utf-8?B?") != std::string::npos);
  CHECK(item->mime.find("From: =?utf-8?B?") != std::string::npos);
  CHECK(item->mime.find("<bob@example.com>") != std::string::npos);
  CHECK(item->mime.find("Date: Wed, 25 Nov 2026 09:26:27 +0000\r\n") != std::string::npos);
  CHECK(item->mime.find("Message-ID: <") != std::string::npos);
  CHECK(item->mime.find("MIME-Version: 1.0\r\n") != std::string::npos);
  CHECK(item->mime.find("Content-Type: text/plain; charset=utf-8\r\n") != std::string::npos);
  CHECK(item->mime.find("Content-Transfer-Encoding: quoted-printable\r\n") != std::string::npos);

  // ASCII only: no encoding needed.
  NewMail plain;
  plain.subject = "Hi";
  plain.body = "plain";
  plain.to = "Alice <alice@example.com>";
  auto p = m.deliverMail(f.alice.id, plain);
  REQUIRE(p.ok());
  CHECK(p->mime.find("Subject: Hi\r\n") != std::string::npos);
  CHECK(p->mime.find("Content-Transfer-Encoding: 7bit\r\n") != std::string::npos);
  CHECK(std::get<eas::EmailItem>(p->data).displayTo == "Alice");
  CHECK(std::get<eas::EmailItem>(p->data).from == "mapi-sim <postmaster@mapi-sim.invalid>");

  CHECK_FALSE(m.deliverMail(9999, plain).ok());
  std::lock_guard lock(log.mutex);
  CHECK(log.notices.size() == 2);
}

TEST_CASE("deliverMail from a MIME file: multipart, attachments, QP, base64, encoded words",
          "[mapi-sim][mailbox]") {
  Fixture f;
  Mailbox& m = *f.mailbox;
  NewMail mail;
  mail.mime = readFile(std::string(CRADLE_TEST_DATA_DIR) + "/mapi-sim/mailbox/multipart.eml");
  mail.deliveredAt = 1795598787000;
  auto item = m.deliverMail(f.alice.id, mail);
  REQUIRE(item.ok());
  CHECK(item->mime == mail.mime);  // stored as delivered
  const auto& e = std::get<eas::EmailItem>(item->data);
  CHECK(e.subject == "Réunion: ordre du jour");
  CHECK(e.to == "Alice Example <alice@example.com>, \"Doe, John\" <john@example.com>");
  CHECK(e.displayTo == "Alice Example; Doe, John");
  CHECK(e.cc == "carol@example.com");
  CHECK(e.from == "Jürgen <juergen@example.com>");
  CHECK(e.importance == eas::Importance::High);
  CHECK(e.dateReceived == "2026-11-25T09:26:27.000Z");
  CHECK(e.read == false);
  REQUIRE(e.body.has_value());
  CHECK(e.body->data == "Voilà l'ordre du jour.\r\nUne ligne très longue qui continue ici.");
  REQUIRE(e.attachments.size() == 2);
  CHECK(e.attachments[0].displayName == "agenda.pdf");
  CHECK(e.attachments[0].fileReference == item->serverId + ":0");
  CHECK(e.attachments[0].method == 1);
  CHECK(e.attachments[0].estimatedDataSize == 11u);  // "hello world"
  CHECK(e.attachments[1].displayName == "résumé.txt");
  CHECK(e.attachments[1].fileReference == item->serverId + ":1");
  CHECK(e.attachments[1].estimatedDataSize == 5u);
}

TEST_CASE("malformed MIME is stored and does not crash", "[mapi-sim][mailbox]") {
  Fixture f;
  Mailbox& m = *f.mailbox;
  const std::string inputs[] = {
      "",
      "no headers at all, just text",
      "Subject: only a header",
      "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n",
      "Content-Type: multipart/mixed\r\n\r\nno boundary parameter",
      "Subject: =?utf-8?B?@@@?= =?bogus?Q?=ZZ?=\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!",
      "Content-Type: text/plain; charset=\"unterminated\r\nContent-Transfer-Encoding: "
      "quoted-printable\r\n\r\n=\r\n=4\r\n=G1\r\n=",
      std::string("Subject: bin\r\n\r\n\xff\xfe\x00\x01 text", 22),
  };
  for (const auto& text : inputs) {
    NewMail mail;
    mail.mime = text.empty() ? std::string("X") : text;
    auto item = m.deliverMail(f.alice.id, mail);
    REQUIRE(item.ok());
    const auto back = m.item(f.alice.id, item->serverId);
    REQUIRE(back.has_value());
    CHECK(back->mime == mail.mime);
    CHECK(std::get<eas::EmailItem>(back->data).body.has_value());
  }
  // Deep nesting stops at the limit instead of recursing without end.
  std::string deep;
  for (int i = 0; i < 200; ++i) {
    deep += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" +
            std::to_string(i) + "\r\n";
  }
  NewMail mail;
  mail.mime = deep;
  CHECK(m.deliverMail(f.alice.id, mail).ok());
  const auto nested = m.items(m.folderByType(f.alice.id, FolderType::Inbox)->id);
  CHECK(nested.size() == std::size(inputs) + 1);
  CHECK(std::get<eas::EmailItem>(nested[1].data).body->data == "no headers at all, just text");
}

TEST_CASE("reopening the file keeps everything; WAL and mode 0600", "[mapi-sim][mailbox]") {
  TempDir dir;
  int64_t userId = 0;
  int64_t deviceRow = 0;
  std::string itemId;
  int64_t inboxSeq = 0;
  int64_t inboxRow = 0;
  {
    auto m = openMailbox(dir.db());
    auto u = m->addUser("alice", "secret", "");
    REQUIRE(u.ok());
    userId = u->id;
    auto item = m->addItem(userId, "1", sampleEmail());
    REQUIRE(item.ok());
    itemId = item->serverId;
    REQUIRE(m->createFolder(userId, "0", "Work", FolderType::UserMail).ok());
    auto d = m->touchDevice(userId, "ABC123", "SmartPhone", "UA/1", "12.1");
    deviceRow = d.id;
    REQUIRE(m->setDeviceState(deviceRow, "foldersync", "{\"key\":1}").ok());
    REQUIRE(m->setSetting("policy:default", "{}").ok());
    inboxRow = m->folder(userId, "1")->id;
    inboxSeq = m->folderChangeSeq(inboxRow);
    CHECK(inboxSeq > 0);
  }
  struct stat st {};
  REQUIRE(::stat(dir.db().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::Session s("SQLite", dir.db());
    std::string mode;
    int version = 0;
    s << "PRAGMA journal_mode", Poco::Data::Keywords::into(mode), Poco::Data::Keywords::now;
    s << "PRAGMA user_version", Poco::Data::Keywords::into(version), Poco::Data::Keywords::now;
    CHECK(mode == "wal");
    CHECK(version == 1);
  }
  auto m = openMailbox(dir.db());
  CHECK(m->checkPassword("alice", "secret"));
  CHECK(m->folders(userId).size() == 10);
  CHECK(m->hierarchyVersion(userId) == 2);
  auto item = m->item(userId, itemId);
  REQUIRE(item.has_value());
  CHECK(item->data == eas::ApplicationData(sampleEmail()));
  CHECK(m->folderChangeSeq(inboxRow) == inboxSeq);  // the cache is rebuilt from the journal
  CHECK(m->lastSeq() >= inboxSeq);
  CHECK(m->deviceState(deviceRow, "foldersync") == "{\"key\":1}");
  CHECK(m->setting("policy:default") == "{}");
  CHECK(m->device(userId, "ABC123")->userAgent == "UA/1");
  // Numbering continues after a reopen.
  auto next = m->addItem(userId, "1", sampleEmail());
  REQUIRE(next.ok());
  CHECK(next->serverId == "1:2");
  CHECK(m->folderChangeSeq(inboxRow) > inboxSeq);
  CHECK(m->createFolder(userId, "0", "More", FolderType::UserMail)->serverId == "11");
}

TEST_CASE("two connections to one file (server and CLI) both write", "[mapi-sim][mailbox]") {
  TempDir dir;
  auto server = openMailbox(dir.db());
  auto cli = openMailbox(dir.db());
  auto user = cli->addUser("alice", "pw", "");
  REQUIRE(user.ok());
  REQUIRE(server->findUser("alice").has_value());
  NewMail mail;
  mail.subject = "from the CLI";
  REQUIRE(cli->deliverMail(user->id, mail).ok());
  REQUIRE(server->addItem(user->id, "8", sampleTask()).ok());
  CHECK(server->items(server->folder(user->id, "1")->id).size() == 1);
  CHECK(cli->items(cli->folder(user->id, "8")->id).size() == 1);
  CHECK(server->lastSeq() == 2);  // journal sequence numbers come from the shared file
}

TEST_CASE("open: a directory stands for its mailbox.db; bad paths are errors",
          "[mapi-sim][mailbox]") {
  TempDir dir;
  {
    auto m = openMailbox(dir.path());
    REQUIRE(m->addUser("alice", "pw", "").ok());
  }
  CHECK(std::filesystem::exists(dir.db()));
  auto again = openMailbox(dir.db());
  CHECK(again->findUser("alice").has_value());
  auto bad = Mailbox::open(dir.path() + "/missing/dir/mailbox.db");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().detail.find("missing/dir") != std::string::npos);
}

TEST_CASE("a newer schema version is refused", "[mapi-sim][mailbox]") {
  TempDir dir;
  {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::Session s("SQLite", dir.db());
    s << "PRAGMA user_version = 99", Poco::Data::Keywords::now;
  }
  auto m = Mailbox::open(dir.db());
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().detail.find("newer") != std::string::npos);
}

TEST_CASE("devices: touch, save every field, look up, state blobs", "[mapi-sim][mailbox]") {
  Fixture f;
  Mailbox& m = *f.mailbox;
  DeviceRecord d = m.touchDevice(f.alice.id, "DEV1", "iPhone", "Apple-iPhone/1", "14.1");
  CHECK(d.id > 0);
  CHECK(d.userId == f.alice.id);
  CHECK(d.firstSeen > 0);
  CHECK(d.lastSeen == d.firstSeen);
  CHECK(d.policyKey == 0);
  CHECK(d.wipe == DeviceRecord::Wipe::None);

  DeviceRecord again = m.touchDevice(f.alice.id, "DEV1", "iPhone", "Apple-iPhone/2", "16.1");
  CHECK(again.id == d.id);
  CHECK(again.userAgent == "Apple-iPhone/2");
  CHECK(again.protocolVersion == "16.1");
  CHECK(again.firstSeen == d.firstSeen);
  CHECK(again.lastSeen >= d.lastSeen);

  again.policyKey = 4000000001u;  // above INT32_MAX: must survive the INTEGER column
  again.pendingPolicyKey = 7;
  again.policyIssued = 1'800'000'000'123;
  again.nonProvisionable = true;
  again.wipe = DeviceRecord::Wipe::Sent;
  again.deviceInfo = "Model: X\nOS: Y";
  again.notifyUrl = "sms://1234";
  again.deviceType = "iPad";
  REQUIRE(m.saveDevice(again).ok());
  auto back = m.device(f.alice.id, "DEV1");
  REQUIRE(back.has_value());
  CHECK(back->policyKey == 4000000001u);
  CHECK(back->pendingPolicyKey == 7);
  CHECK(back->policyIssued == 1'800'000'000'123);
  CHECK(back->nonProvisionable);
  CHECK(back->wipe == DeviceRecord::Wipe::Sent);
  CHECK(back->deviceInfo == "Model: X\nOS: Y");
  CHECK(back->notifyUrl == "sms://1234");
  CHECK(back->deviceType == "iPad");
  CHECK(back->userAgent == "Apple-iPhone/2");
  DeviceRecord ghost;
  ghost.id = 999;
  CHECK_FALSE(m.saveDevice(ghost).ok());

  CHECK(m.deviceByDeviceId("DEV1")->id == d.id);
  CHECK_FALSE(m.deviceByDeviceId("NOPE").has_value());
  CHECK_FALSE(m.device(f.alice.id, "NOPE").has_value());
  auto bob = m.addUser("bob", "pw", "");
  REQUIRE(bob.ok());
  DeviceRecord bobs = m.touchDevice(bob->id, "DEV2", "Android", "UA", "12.1");
  CHECK(bobs.id != d.id);
  CHECK(m.devices().size() == 2);

  // State blobs: per device and key, overwritten in place, cleared per device.
  CHECK_FALSE(m.deviceState(d.id, "foldersync").has_value());
  REQUIRE(m.setDeviceState(d.id, "foldersync", "one").ok());
  REQUIRE(m.setDeviceState(d.id, "foldersync", "two").ok());
  REQUIRE(m.setDeviceState(d.id, "sync:1", std::string("bin\0ary", 7)).ok());
  REQUIRE(m.setDeviceState(bobs.id, "foldersync", "bob's").ok());
  CHECK(m.deviceState(d.id, "foldersync") == "two");
  CHECK(m.deviceState(d.id, "sync:1") == std::string("bin\0ary", 7));
  CHECK_FALSE(m.setDeviceState(999, "x", "y").ok());
  REQUIRE(m.clearDeviceState(d.id).ok());
  CHECK_FALSE(m.deviceState(d.id, "foldersync").has_value());
  CHECK_FALSE(m.deviceState(d.id, "sync:1").has_value());
  CHECK(m.deviceState(bobs.id, "foldersync") == "bob's");

  // Settings.
  CHECK_FALSE(m.setting("k").has_value());
  REQUIRE(m.setSetting("k", "v1").ok());
  REQUIRE(m.setSetting("k", "v2").ok());
  CHECK(m.setting("k") == "v2");
}

TEST_CASE("two threads adding items at once: all stored and journaled", "[mapi-sim][mailbox]") {
  Fixture f;
  Mailbox& m = *f.mailbox;
  NoticeLog log;
  log.attach(m);
  constexpr int PerThread = 50;
  std::atomic<int> failures{0};  // Catch2 v2 assertions are not thread-safe
  const auto worker = [&](const std::string& folder) {
    for (int i = 0; i < PerThread; ++i) {
      bool ok = false;
      if (folder == "1") {
        NewMail mail;
        mail.subject = "n" + std::to_string(i);
        mail.body = "b";
        ok = m.deliverMail(f.alice.id, mail).ok();
      } else {
        ok = m.addItem(f.alice.id, folder, sampleTask()).ok();
      }
      if (!ok) {
        ++failures;
      }
      (void)m.folderChangeSeq(1);  // readers run alongside
    }
  };
  std::thread t1(worker, "1");
  std::thread t2(worker, "8");
  t1.join();
  t2.join();
  CHECK(failures == 0);
  const auto inbox = m.folder(f.alice.id, "1")->id;
  const auto tasks = m.folder(f.alice.id, "8")->id;
  CHECK(m.items(inbox).size() == PerThread);
  CHECK(m.items(tasks).size() == PerThread);
  std::set<std::string> ids;
  for (const auto& i : m.items(inbox)) {
    ids.insert(i.serverId);
  }
  CHECK(ids.size() == PerThread);

  std::lock_guard lock(log.mutex);
  REQUIRE(log.notices.size() == 2 * PerThread);
  std::set<int64_t> seqs;
  for (const auto& n : log.notices) {
    seqs.insert(n.seq);
  }
  CHECK(seqs.size() == 2 * PerThread);  // each change has its own journal row
  CHECK(m.lastSeq() == *seqs.rbegin());
  CHECK(std::max(m.folderChangeSeq(inbox), m.folderChangeSeq(tasks)) == m.lastSeq());
}

}  // namespace mapisim

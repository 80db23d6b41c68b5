// Application data: round trips of Email, Contacts, Calendar and Tasks in the 2.5 and 12.0+ body
// forms, version-dependent forms, and every decoding error path.
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "eas/message/app_data.h"
#include "eas/message/common.h"
#include "eas/wbxml/code_pages.h"
#include "eas/wbxml/document.h"
#include "eas/wbxml/writer.h"
#include "tests/eas/message_test_util.h"

using namespace cradle::eas;
using cradle::eas::testing::decodeOrFail;
using cradle::eas::testing::docOf;
using cradle::eas::testing::el;
using cradle::eas::testing::tx;
using cradle::eas::testing::X;
using cradle::eas::testing::errorOf;

namespace {

namespace T = cradle::eas::tag;
using V = ProtocolVersion;

// Decodes <ApplicationData> with the given children.
Result<ApplicationData> decodeChildren(std::vector<X> kids, ItemClass c, V v) {
  Document d = docOf(el(T::AirSync::ApplicationData, std::move(kids)));
  return decodeApplicationData(d.root(), c, v);
}

// Encodes inside <ApplicationData> and returns the bytes.
std::string encodeWrapped(const ApplicationData& data, V v) {
  std::string out;
  WbxmlWriter w(out);
  w.start(T::AirSync::ApplicationData);
  encodeApplicationData(w, data, v);
  w.end();
  REQUIRE(w.finish().ok());
  return out;
}

ApplicationData roundTrip(const ApplicationData& data, V v) {
  std::string bytes = encodeWrapped(data, v);
  Document d = decodeOrFail(bytes);
  auto back = decodeApplicationData(d.root(), itemClassOf(data), v);
  if (!back) {
    FAIL(back.error().message());
  }
  return std::move(back).value();
}

// The tags of the ApplicationData's direct children.
std::vector<Tag> childTags(const ApplicationData& data, V v) {
  Document d = decodeOrFail(encodeWrapped(data, v));
  std::vector<Tag> out;
  for (Element c : d.root().children()) {
    out.push_back(c.tag());
  }
  return out;
}

bool has(const std::vector<Tag>& tags, Tag t) {
  for (Tag x : tags) {
    if (x == t) {
      return true;
    }
  }
  return false;
}

Body plainBody(std::string text) {
  Body b;
  b.type = BodyType::PlainText;
  b.estimatedDataSize = static_cast<uint32_t>(text.size());
  b.truncated = false;
  b.data = std::move(text);
  return b;
}

EmailItem sampleEmail(V v) {
  EmailItem m;
  m.to = "\"Bob\" <bob@example.com>";
  m.cc = "carol@example.com";
  m.from = "\"Ann\" <ann@example.com>";
  m.replyTo = "ann@example.org";
  m.subject = "Quarterly report";
  m.dateReceived = "2006-05-01T20:15:15.000Z";
  m.displayTo = "Bob";
  m.threadTopic = "Quarterly report";
  m.importance = Importance::High;
  m.read = false;
  m.messageClass = "IPM.Note";
  m.internetCPID = "28591";
  m.body = plainBody("See attached.");
  Attachment a;
  a.displayName = "report.xls";
  a.fileReference = "5:1:0";
  a.method = 1;
  a.estimatedDataSize = 20480;
  if (atLeast(v, V::V12_0)) {
    a.contentId = "cid-1";
    a.contentLocation = "report.xls";
    a.isInline = false;
    m.contentClass = "urn:content-classes:message";
    EmailFlag f;
    f.status = 2;
    f.flagType = "for Follow Up";
    f.startDate = "2006-05-02T00:00:00.000Z";
    f.utcStartDate = "2006-05-02T07:00:00.000Z";
    f.dueDate = "2006-05-03T00:00:00.000Z";
    f.utcDueDate = "2006-05-03T07:00:00.000Z";
    f.reminderSet = true;
    f.reminderTime = "2006-05-02T16:00:00.000Z";
    f.subject = "Quarterly report";
    m.flag = f;
  } else {
    a.attOid = "oid-1";
    a.attRemoved = false;
  }
  if (atLeast(v, V::V14_0)) {
    m.categories = {"Work", "Finance"};
    m.body->preview = "See att";
  }
  m.attachments.push_back(a);
  return m;
}

ContactItem sampleContact(V v) {
  ContactItem c;
  c.fileAs = "Doe, Jane";
  c.firstName = "Jane";
  c.lastName = "Doe";
  c.middleName = "Q";
  c.companyName = "Example Ltd";
  c.jobTitle = "Engineer";
  c.department = "R&D";
  c.email1Address = "jane@example.com";
  c.email2Address = "jane.doe@example.org";
  c.email3Address = "jd@example.net";
  c.businessPhoneNumber = "+1 555 0100";
  c.homePhoneNumber = "+1 555 0101";
  c.mobilePhoneNumber = "+1 555 0102";
  c.businessFaxNumber = "+1 555 0103";
  c.businessStreet = "1 Main St";
  c.businessCity = "Springfield";
  c.businessState = "IL";
  c.businessPostalCode = "62701";
  c.businessCountry = "USA";
  c.homeStreet = "2 Elm St";
  c.homeCity = "Shelbyville";
  c.homeState = "IL";
  c.homePostalCode = "62565";
  c.homeCountry = "USA";
  c.birthday = "1970-01-02T00:00:00.000Z";
  c.anniversary = "1995-06-07T00:00:00.000Z";
  c.spouse = "John";
  c.webPage = "http://example.com/~jane";
  c.picture = "/9j/4AAQ";
  c.categories = {"Business"};
  c.children = {"Ann", "Bo"};
  if (v == V::V2_5) {
    c.body = Body{BodyType::Rtf, std::nullopt, std::nullopt, std::string("e1xydGYx"), {}};
  } else {
    c.body = plainBody("Met at the fair");
  }
  return c;
}

CalendarItem sampleCalendar(V v) {
  CalendarItem m;
  m.timeZone = "xP///wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  m.allDayEvent = false;
  m.startTime = "20060502T120000Z";
  m.endTime = "20060502T130000Z";
  m.dtStamp = "20060501T100000Z";
  m.subject = "Design review";
  m.location = "Room 1";
  m.uid = "040000008200E00074C5B7101A82E008";
  m.organizerName = "Ann";
  m.organizerEmail = "ann@example.com";
  Attendee bob{"bob@example.com", "Bob", std::nullopt, std::nullopt};
  if (atLeast(v, V::V12_0)) {
    bob.attendeeStatus = AttendeeStatus::Accept;
    bob.attendeeType = AttendeeType::Required;
  }
  m.attendees = {bob, Attendee{"room1@example.com", "Room 1", std::nullopt, std::nullopt}};
  Recurrence r;
  r.type = RecurrenceType::Weekly;
  r.interval = 1;
  r.dayOfWeek = 4;
  r.until = "20061231T000000Z";
  if (atLeast(v, V::V14_0)) {
    r.calendarType = 1;
    r.isLeapMonth = false;
    r.firstDayOfWeek = 1;
  }
  m.recurrence = r;
  CalendarException moved;
  moved.exceptionStartTime = "20060509T120000Z";
  moved.startTime = "20060509T140000Z";
  moved.endTime = "20060509T150000Z";
  moved.subject = "Design review (moved)";
  moved.location = "Room 2";
  moved.dtStamp = "20060501T100000Z";
  moved.categories = {"Moved"};
  moved.sensitivity = Sensitivity::Private;
  moved.busyStatus = BusyStatus::Tentative;
  moved.allDayEvent = false;
  moved.reminder = 5;
  moved.meetingStatus = 1;
  if (atLeast(v, V::V12_0)) {
    moved.attendees = {bob};
    moved.body = plainBody("moved");
  } else {
    moved.body = plainBody("moved");
    moved.body->estimatedDataSize.reset();  // Calendar has no BodySize in 2.5
  }
  CalendarException deleted;
  deleted.exceptionStartTime = "20060516T120000Z";
  deleted.deleted = true;
  m.exceptions = {moved, deleted};
  m.reminder = 15;
  m.busyStatus = BusyStatus::Busy;
  m.sensitivity = Sensitivity::Normal;
  m.meetingStatus = 1;
  m.categories = {"Project"};
  if (atLeast(v, V::V14_0)) {
    m.responseRequested = true;
    m.appointmentReplyTime = "20060501T110000Z";
    m.responseType = 1;
    m.disallowNewTimeProposal = false;
  }
  m.body = plainBody("Agenda: 1. status");
  if (v == V::V2_5) {
    m.body->estimatedDataSize.reset();
  }
  return m;
}

TaskItem sampleTask(V v) {
  TaskItem t;
  t.subject = "File expenses";
  t.startDate = "2006-05-01T00:00:00.000Z";
  t.utcStartDate = "2006-05-01T07:00:00.000Z";
  t.dueDate = "2006-05-05T00:00:00.000Z";
  t.utcDueDate = "2006-05-05T07:00:00.000Z";
  t.complete = false;
  t.importance = Importance::Normal;
  t.reminderSet = true;
  t.reminderTime = "2006-05-04T16:00:00.000Z";
  t.sensitivity = Sensitivity::Personal;
  t.categories = {"Admin"};
  Recurrence r;
  r.type = RecurrenceType::MonthlyOnNthDay;
  r.start = "2006-05-01T00:00:00.000Z";
  r.interval = 1;
  r.weekOfMonth = 1;
  r.dayOfWeek = 2;
  r.occurrences = 10;
  r.regenerate = false;
  r.deadOccur = false;
  if (atLeast(v, V::V14_0)) {
    r.calendarType = 1;
    r.isLeapMonth = false;
    r.firstDayOfWeek = 0;
  }
  t.recurrence = r;
  t.body = plainBody("Receipts in the drawer");
  return t;
}

constexpr V Versions[] = {V::V2_5, V::V12_0, V::V12_1, V::V14_0, V::V14_1, V::V16_1};

}  // namespace

TEST_CASE("ItemClass wire names", "[eas][message]") {
  for (ItemClass c : {ItemClass::Email, ItemClass::Contacts, ItemClass::Calendar, ItemClass::Tasks,
                      ItemClass::Notes}) {
    auto back = parseItemClass(toString(c));
    REQUIRE(back);
    CHECK(*back == c);
  }
  CHECK(toString(ItemClass::Contacts) == "Contacts");
  CHECK(toString(ItemClass::Tasks) == "Tasks");
  CHECK_FALSE(parseItemClass("email"));
  CHECK_FALSE(parseItemClass(""));
  CHECK(itemClassOf(ApplicationData(EmailItem{})) == ItemClass::Email);
  CHECK(itemClassOf(ApplicationData(ContactItem{})) == ItemClass::Contacts);
  CHECK(itemClassOf(ApplicationData(CalendarItem{})) == ItemClass::Calendar);
  CHECK(itemClassOf(ApplicationData(TaskItem{})) == ItemClass::Tasks);
}

TEST_CASE("every data type round-trips in every protocol version", "[eas][message]") {
  for (V v : Versions) {
    INFO("version " << toString(v));
    ApplicationData email = sampleEmail(v);
    ApplicationData contact = sampleContact(v);
    ApplicationData calendar = sampleCalendar(v);
    ApplicationData task = sampleTask(v);
    CHECK(roundTrip(email, v) == email);
    CHECK(roundTrip(contact, v) == contact);
    CHECK(roundTrip(calendar, v) == calendar);
    CHECK(roundTrip(task, v) == task);
  }
}

TEST_CASE("the body form follows the protocol version", "[eas][message]") {
  SECTION("2.5: bodies and attachments in the class's own namespace") {
    auto email = childTags(sampleEmail(V::V2_5), V::V2_5);
    CHECK(has(email, T::Email::Body));
    CHECK(has(email, T::Email::BodySize));
    CHECK(has(email, T::Email::BodyTruncated));
    CHECK(has(email, T::Email::Attachments));
    CHECK_FALSE(has(email, T::AirSyncBase::Body));
    CHECK_FALSE(has(email, T::AirSyncBase::Attachments));
    CHECK(has(childTags(sampleContact(V::V2_5), V::V2_5), T::Contacts::CompressedRTF));
    CHECK(has(childTags(sampleCalendar(V::V2_5), V::V2_5), T::Calendar::Body));
    CHECK(has(childTags(sampleTask(V::V2_5), V::V2_5), T::Tasks::Body));
    CHECK(has(childTags(sampleTask(V::V2_5), V::V2_5), T::Tasks::BodySize));
  }
  SECTION("12.0+: AirSyncBase") {
    for (V v : {V::V12_0, V::V14_1}) {
      auto email = childTags(sampleEmail(v), v);
      CHECK(has(email, T::AirSyncBase::Body));
      CHECK(has(email, T::AirSyncBase::Attachments));
      CHECK_FALSE(has(email, T::Email::Body));
      CHECK_FALSE(has(email, T::Email::Attachments));
      CHECK(has(childTags(sampleContact(v), v), T::AirSyncBase::Body));
      CHECK_FALSE(has(childTags(sampleCalendar(v), v), T::Calendar::Body));
      CHECK_FALSE(has(childTags(sampleTask(v), v), T::Tasks::Body));
    }
  }
}

TEST_CASE("body forms a version cannot carry are dropped", "[eas][message]") {
  SECTION("Preview only from 14.0") {
    EmailItem m;
    m.body = plainBody("hello");
    m.body->preview = "he";
    auto back = std::get<EmailItem>(roundTrip(m, V::V12_1));
    REQUIRE(back.body);
    CHECK_FALSE(back.body->preview);
    CHECK(back.body->data == "hello");
    CHECK(std::get<EmailItem>(roundTrip(m, V::V14_0)).body->preview == "he");
  }
  SECTION("HTML in 2.5") {
    EmailItem m;
    m.subject = "x";
    m.body = Body{BodyType::Html, 5, false, std::string("<b>x"), {}};
    CHECK_FALSE(std::get<EmailItem>(roundTrip(m, V::V2_5)).body);
    CHECK(std::get<EmailItem>(roundTrip(m, V::V12_0)).body == m.body);
  }
  SECTION("RTF in a 2.5 email") {
    EmailItem m;
    m.body = Body{BodyType::Rtf, std::nullopt, std::nullopt, std::string("e1xydGYx"), {}};
    CHECK_FALSE(std::get<EmailItem>(roundTrip(m, V::V2_5)).body);
  }
  SECTION("MIME in 2.5 uses Email:MIMEData") {
    EmailItem m;
    m.body = Body{BodyType::Mime, 40, true, std::string("From: a@b\r\nSubject: x\r\n\r\nbody"), {}};
    CHECK(has(childTags(m, V::V2_5), T::Email::MIMEData));
    CHECK(std::get<EmailItem>(roundTrip(m, V::V2_5)) == m);
    // A MIME body in a contact has no 2.5 form.
    ContactItem c;
    c.body = m.body;
    CHECK_FALSE(std::get<ContactItem>(roundTrip(c, V::V2_5)).body);
  }
  SECTION("a 2.5 email with both Email:Body and Email:MIMEData keeps the MIME") {
    auto r = decodeChildren(
        {tx(T::Email::Body, "plain"), tx(T::Email::MIMEData, "mime"), tx(T::Email::MIMESize, "4")},
        ItemClass::Email, V::V2_5);
    REQUIRE(r);
    auto body = std::get<EmailItem>(*r).body;
    REQUIRE(body);
    CHECK(body->type == BodyType::Mime);
    CHECK(body->data == "mime");
    CHECK(body->estimatedDataSize == 4u);
  }
  SECTION("a 2.5 truncated body without data (Truncation 0)") {
    auto r = decodeChildren({tx(T::Email::BodyTruncated, "1"), tx(T::Email::BodySize, "900")},
                            ItemClass::Email, V::V2_5);
    REQUIRE(r);
    auto body = std::get<EmailItem>(*r).body;
    REQUIRE(body);
    CHECK(body->type == BodyType::PlainText);
    CHECK_FALSE(body->data);
    CHECK(body->truncated == true);
    CHECK(body->estimatedDataSize == 900u);
  }
}

TEST_CASE("email flag and meeting request", "[eas][message]") {
  SECTION("an empty flag clears the flag and is written as <Flag/>") {
    EmailItem m;
    m.flag = EmailFlag{};
    std::string bytes = encodeWrapped(m, V::V12_1);
    Document d = decodeOrFail(bytes);
    Element flag = d.root().child(T::Email::Flag);
    REQUIRE(flag);
    CHECK_FALSE(flag.hasContent());
    CHECK(std::get<EmailItem>(roundTrip(m, V::V12_1)) == m);
  }
  SECTION("meeting request") {
    EmailItem m;
    m.messageClass = "IPM.Schedule.Meeting.Request";
    MeetingRequest r;
    r.allDayEvent = false;
    r.startTime = "2006-05-02T12:00:00.000Z";
    r.endTime = "2006-05-02T13:00:00.000Z";
    r.dtStamp = "2006-05-01T10:00:00.000Z";
    r.instanceType = 0;
    r.location = "Room 1";
    r.organizer = "ann@example.com";
    r.recurrenceId = "20060502T120000Z";
    r.reminder = 15;
    r.responseRequested = true;
    r.sensitivity = Sensitivity::Normal;
    r.busyStatus = BusyStatus::Tentative;
    r.timeZone = "xP///w==";
    r.globalObjId = "BAAAAIIA4AB0xbcQGoLgCA==";
    m.meetingRequest = r;
    for (V v : {V::V2_5, V::V14_0}) {
      CHECK(std::get<EmailItem>(roundTrip(m, v)) == m);
    }
  }
}

TEST_CASE("decoding skips elements the records do not model", "[eas][message]") {
  auto r = decodeChildren({tx(T::Email::Subject, "s"), tx(T::AirSyncBase::NativeBodyType, "2"),
                           tx(T::Email2::UmUserNotes, "n"), tx(T::Contacts::FileAs, "x")},
                          ItemClass::Email, V::V14_0);
  REQUIRE(r);
  EmailItem expected;
  expected.subject = "s";
  CHECK(std::get<EmailItem>(*r) == expected);
  // An empty ApplicationData is an item with nothing set (a Change that touches nothing).
  auto empty = decodeChildren({}, ItemClass::Tasks, V::V12_1);
  REQUIRE(empty);
  CHECK(std::get<TaskItem>(*empty) == TaskItem{});
}

TEST_CASE("inferItemClass reads the code page of the first content child", "[eas][message]") {
  auto infer = [](std::vector<X> kids) {
    Document d = docOf(el(T::AirSync::ApplicationData, std::move(kids)));
    return inferItemClass(d.root());
  };
  CHECK(infer({tx(T::Email::Read, "1")}) == ItemClass::Email);
  CHECK(infer({tx(T::Contacts::FileAs, "x")}) == ItemClass::Contacts);
  CHECK(infer({el(T::AirSyncBase::Body, {tx(T::AirSyncBase::Type, "1")}),
               tx(T::Calendar::Subject, "x")}) == ItemClass::Calendar);
  CHECK(infer({tx(T::Tasks::Complete, "1")}) == ItemClass::Tasks);
  CHECK_FALSE(infer({el(T::AirSyncBase::Body, {tx(T::AirSyncBase::Type, "1")})}));
  CHECK_FALSE(infer({}));
}

TEST_CASE("BodyPreference round trip and errors", "[eas][message]") {
  BodyPreference p{BodyType::Html, 5120u, true, 200u};
  std::string out;
  WbxmlWriter w(out);
  encodeBodyPreference(w, p);
  REQUIRE(w.finish().ok());
  Document d = decodeOrFail(out);
  auto back = decodeBodyPreference(d.root());
  REQUIRE(back);
  CHECK(*back == p);

  auto decode = [](std::vector<X> kids) {
    Document doc = docOf(el(T::AirSyncBase::BodyPreference, std::move(kids)));
    return decodeBodyPreference(doc.root());
  };
  CHECK(errorOf(decode({tx(T::AirSyncBase::TruncationSize, "1")})).code ==
        ErrorCode::MissingElement);
  CHECK(errorOf(decode({tx(T::AirSyncBase::Type, "5")})).code == ErrorCode::BadValue);
  CHECK(errorOf(decode({tx(T::AirSyncBase::Type, "1"), tx(T::AirSyncBase::Preview, "256")})).code ==
        ErrorCode::BadValue);
  CHECK(errorOf(decode({tx(T::AirSyncBase::Type, "1"), tx(T::AirSyncBase::Data, "x")})).code ==
        ErrorCode::UnexpectedElement);
  CHECK(errorOf(decode({tx(T::AirSyncBase::Type, "1"), tx(T::AirSyncBase::Type, "2")})).code ==
        ErrorCode::UnexpectedElement);
  CHECK(errorOf(decode({tx(T::AirSyncBase::Type, "1"), tx(T::AirSyncBase::AllOrNone, "x")})).code ==
        ErrorCode::BadValue);
}

TEST_CASE("application data decoding errors", "[eas][message]") {
  auto code = [](std::vector<X> kids, ItemClass c, V v) {
    return errorOf(decodeChildren(std::move(kids), c, v)).code;
  };
  const X asbBody = el(T::AirSyncBase::Body, {tx(T::AirSyncBase::Type, "1")});

  SECTION("values") {
    CHECK(code({tx(T::Email::Importance, "x")}, ItemClass::Email, V::V14_0) == ErrorCode::BadValue);
    CHECK(code({tx(T::Email::Importance, "3")}, ItemClass::Email, V::V14_0) == ErrorCode::BadValue);
    CHECK(code({tx(T::Email::Read, "2")}, ItemClass::Email, V::V14_0) == ErrorCode::BadValue);
    CHECK(code({tx(T::Tasks::Sensitivity, "4")}, ItemClass::Tasks, V::V14_0) ==
          ErrorCode::BadValue);
    CHECK(code({tx(T::Calendar::BusyStatus, "5")}, ItemClass::Calendar, V::V14_0) ==
          ErrorCode::BadValue);
    CHECK(code({tx(T::Calendar::MeetingStatus, "2")}, ItemClass::Calendar, V::V14_0) ==
          ErrorCode::BadValue);
    CHECK(code({tx(T::Calendar::ResponseType, "6")}, ItemClass::Calendar, V::V14_0) ==
          ErrorCode::BadValue);
    CHECK(code({tx(T::Calendar::Reminder, "-1")}, ItemClass::Calendar, V::V14_0) ==
          ErrorCode::BadValue);
    CHECK(code({el(T::Email::Flag, {tx(T::Email::Status, "3")})}, ItemClass::Email, V::V14_0) ==
          ErrorCode::BadValue);
    CHECK(code({el(T::Email::Flag, {tx(T::Tasks::ReminderSet, "y")})}, ItemClass::Email,
               V::V14_0) == ErrorCode::BadValue);
    CHECK(code({el(T::Email::MeetingRequest, {tx(T::Email::InstanceType, "5")})}, ItemClass::Email,
               V::V14_0) == ErrorCode::BadValue);
    CHECK(code({el(T::Email::MeetingRequest, {tx(T::Email::Sensitivity, "9")})}, ItemClass::Email,
               V::V14_0) == ErrorCode::BadValue);
    CHECK(code({tx(T::Email::MIMESize, "big")}, ItemClass::Email, V::V2_5) == ErrorCode::BadValue);
    CHECK(code({tx(T::Contacts::BodyTruncated, "yes")}, ItemClass::Contacts, V::V2_5) ==
          ErrorCode::BadValue);
    CHECK(code({el(T::AirSyncBase::Body, {tx(T::AirSyncBase::Type, "5")})}, ItemClass::Email,
               V::V14_0) == ErrorCode::BadValue);
    CHECK(code({el(T::AirSyncBase::Body,
                   {tx(T::AirSyncBase::Type, "1"), tx(T::AirSyncBase::Truncated, "2")})},
               ItemClass::Email, V::V14_0) == ErrorCode::BadValue);
  }
  SECTION("required children") {
    CHECK(code({el(T::AirSyncBase::Body, {tx(T::AirSyncBase::Data, "x")})}, ItemClass::Tasks,
               V::V12_0) == ErrorCode::MissingElement);
    CHECK(code({el(T::Calendar::Recurrence, {tx(T::Calendar::Interval, "1")})}, ItemClass::Calendar,
               V::V14_0) == ErrorCode::MissingElement);
    CHECK(code({el(T::Calendar::Attendees,
                   {el(T::Calendar::Attendee, {tx(T::Calendar::Name, "Bob")})})},
               ItemClass::Calendar, V::V14_0) == ErrorCode::MissingElement);
    CHECK(code({el(T::Calendar::Exceptions,
                   {el(T::Calendar::Exception, {tx(T::Calendar::Subject, "x")})})},
               ItemClass::Calendar, V::V14_0) == ErrorCode::MissingElement);
    CHECK(code({el(T::AirSyncBase::Attachments,
                   {el(T::AirSyncBase::Attachment, {tx(T::AirSyncBase::Method, "1")})})},
               ItemClass::Email, V::V14_0) == ErrorCode::MissingElement);
    CHECK(code({el(T::AirSyncBase::Attachments,
                   {el(T::AirSyncBase::Attachment, {tx(T::AirSyncBase::FileReference, "f")})})},
               ItemClass::Email, V::V14_0) == ErrorCode::MissingElement);
    CHECK(
        code({el(T::Email::Attachments, {el(T::Email::Attachment, {tx(T::Email::AttName, "f")})})},
             ItemClass::Email, V::V2_5) == ErrorCode::MissingElement);
  }
  SECTION("ranges inside records") {
    auto recurrence = [&](X child) {
      return code({el(T::Calendar::Recurrence, {tx(T::Calendar::Type, "1"), std::move(child)})},
                  ItemClass::Calendar, V::V14_1);
    };
    CHECK(code({el(T::Calendar::Recurrence, {tx(T::Calendar::Type, "4")})}, ItemClass::Calendar,
               V::V14_0) == ErrorCode::BadValue);
    CHECK(recurrence(tx(T::Calendar::DayOfMonth, "32")) == ErrorCode::BadValue);
    CHECK(recurrence(tx(T::Calendar::DayOfWeek, "128")) == ErrorCode::BadValue);
    CHECK(recurrence(tx(T::Calendar::WeekOfMonth, "6")) == ErrorCode::BadValue);
    CHECK(recurrence(tx(T::Calendar::MonthOfYear, "13")) == ErrorCode::BadValue);
    CHECK(recurrence(tx(T::Calendar::Interval, "1000")) == ErrorCode::BadValue);
    CHECK(recurrence(tx(T::Calendar::Occurrences, "1000")) == ErrorCode::BadValue);
    CHECK(recurrence(tx(T::Calendar::CalendarType, "24")) == ErrorCode::BadValue);
    CHECK(recurrence(tx(T::Calendar::IsLeapMonth, "2")) == ErrorCode::BadValue);
    CHECK(recurrence(tx(T::Calendar::FirstDayOfWeek, "7")) == ErrorCode::BadValue);
    CHECK(code({el(T::Tasks::Recurrence, {tx(T::Tasks::Type, "0"), tx(T::Tasks::Regenerate, "x")})},
               ItemClass::Tasks, V::V14_0) == ErrorCode::BadValue);
    CHECK(code({el(T::Calendar::Attendees,
                   {el(T::Calendar::Attendee,
                       {tx(T::Calendar::Email, "a@b"), tx(T::Calendar::AttendeeStatus, "1")})})},
               ItemClass::Calendar, V::V14_0) == ErrorCode::BadValue);
    CHECK(code({el(T::Calendar::Attendees,
                   {el(T::Calendar::Attendee,
                       {tx(T::Calendar::Email, "a@b"), tx(T::Calendar::AttendeeType, "4")})})},
               ItemClass::Calendar, V::V14_0) == ErrorCode::BadValue);
    CHECK(code({el(T::AirSyncBase::Attachments,
                   {el(T::AirSyncBase::Attachment, {tx(T::AirSyncBase::FileReference, "f"),
                                                    tx(T::AirSyncBase::Method, "7")})})},
               ItemClass::Email, V::V14_0) == ErrorCode::BadValue);
    CHECK(code({el(T::Calendar::Exceptions,
                   {el(T::Calendar::Exception, {tx(T::Calendar::ExceptionStartTime, "t"),
                                                tx(T::Calendar::Deleted, "x")})})},
               ItemClass::Calendar, V::V14_0) == ErrorCode::BadValue);
  }
  SECTION("wrong children and duplicates") {
    CHECK(code({el(T::Email::Categories, {tx(T::Email::Subject, "x")})}, ItemClass::Email,
               V::V14_0) == ErrorCode::UnexpectedElement);
    CHECK(code({el(T::Calendar::Attendees, {tx(T::Calendar::Email, "x")})}, ItemClass::Calendar,
               V::V14_0) == ErrorCode::UnexpectedElement);
    CHECK(code({el(T::Calendar::Exceptions, {tx(T::Calendar::Subject, "x")})}, ItemClass::Calendar,
               V::V14_0) == ErrorCode::UnexpectedElement);
    CHECK(code({el(T::AirSyncBase::Attachments, {tx(T::AirSyncBase::DisplayName, "x")})},
               ItemClass::Email, V::V14_0) == ErrorCode::UnexpectedElement);
    CHECK(code({tx(T::Email::Subject, "a"), tx(T::Email::Subject, "b")}, ItemClass::Email,
               V::V14_0) == ErrorCode::UnexpectedElement);
    CHECK(code({tx(T::Tasks::Complete, "1"), tx(T::Tasks::Complete, "1")}, ItemClass::Tasks,
               V::V14_0) == ErrorCode::UnexpectedElement);
    CHECK(code({tx(T::Tasks::Importance, "1"), tx(T::Tasks::Importance, "1")}, ItemClass::Tasks,
               V::V14_0) == ErrorCode::UnexpectedElement);
    CHECK(code({tx(T::Calendar::Reminder, "1"), tx(T::Calendar::Reminder, "2")},
               ItemClass::Calendar, V::V14_0) == ErrorCode::UnexpectedElement);
    CHECK(code({tx(T::Calendar::MeetingStatus, "1"), tx(T::Calendar::MeetingStatus, "1")},
               ItemClass::Calendar, V::V14_0) == ErrorCode::UnexpectedElement);
    CHECK(code({el(T::Contacts::Categories, {tx(T::Contacts::Category, "a")}),
                el(T::Contacts::Categories, {tx(T::Contacts::Category, "b")})},
               ItemClass::Contacts, V::V14_0) == ErrorCode::UnexpectedElement);
    CHECK(code({asbBody, asbBody}, ItemClass::Contacts, V::V14_0) == ErrorCode::UnexpectedElement);
    CHECK(code({el(T::Email::Flag), el(T::Email::Flag)}, ItemClass::Email, V::V14_0) ==
          ErrorCode::UnexpectedElement);
    CHECK(code({el(T::Email::MeetingRequest), el(T::Email::MeetingRequest)}, ItemClass::Email,
               V::V14_0) == ErrorCode::UnexpectedElement);
    CHECK(code({el(T::Calendar::Recurrence, {tx(T::Calendar::Type, "0")}),
                el(T::Calendar::Recurrence, {tx(T::Calendar::Type, "0")})},
               ItemClass::Calendar, V::V14_0) == ErrorCode::UnexpectedElement);
    CHECK(code({el(T::Tasks::Recurrence, {tx(T::Tasks::Type, "0")}),
                el(T::Tasks::Recurrence, {tx(T::Tasks::Type, "0")})},
               ItemClass::Tasks, V::V14_0) == ErrorCode::UnexpectedElement);
    CHECK(code({el(T::Calendar::Exceptions), el(T::Calendar::Exceptions)}, ItemClass::Calendar,
               V::V14_0) == ErrorCode::UnexpectedElement);
    // A repeated text field, in every record.
    struct Dup {
      Tag parent;  // Tag{} = directly in ApplicationData
      Tag field;
      ItemClass cls;
      std::vector<X> required;
    };
    const Dup dups[] = {
        {Tag{}, T::Contacts::FileAs, ItemClass::Contacts, {}},
        {Tag{}, T::Calendar::Subject, ItemClass::Calendar, {}},
        {Tag{}, T::Tasks::Subject, ItemClass::Tasks, {}},
        {T::Email::MeetingRequest, T::Email::StartTime, ItemClass::Email, {}},
        {T::Email::Flag, T::Email::FlagType, ItemClass::Email, {}},
        {T::Calendar::Exception,
         T::Calendar::Location,
         ItemClass::Calendar,
         {tx(T::Calendar::ExceptionStartTime, "t")}},
    };
    for (const Dup& d : dups) {
      INFO(qualifiedName(d.field));
      std::vector<X> kids = d.required;
      kids.push_back(tx(d.field, "a"));
      kids.push_back(tx(d.field, "b"));
      std::vector<X> top;
      if (d.parent == Tag{}) {
        top = std::move(kids);
      } else if (d.parent == T::Calendar::Exception) {
        top = {el(T::Calendar::Exceptions, {el(d.parent, std::move(kids))})};
      } else {
        top = {el(d.parent, std::move(kids))};
      }
      CHECK(code(std::move(top), d.cls, V::V14_0) == ErrorCode::UnexpectedElement);
    }
    X attendees =
        el(T::Calendar::Attendees, {el(T::Calendar::Attendee, {tx(T::Calendar::Email, "a@b")})});
    CHECK(code({attendees, attendees}, ItemClass::Calendar, V::V14_0) ==
          ErrorCode::UnexpectedElement);
    X att = el(T::AirSyncBase::Attachments,
               {el(T::AirSyncBase::Attachment,
                   {tx(T::AirSyncBase::FileReference, "f"), tx(T::AirSyncBase::Method, "1")})});
    CHECK(code({att, att}, ItemClass::Email, V::V14_0) == ErrorCode::UnexpectedElement);
    CHECK(code({tx(T::Email::Body, "a"), tx(T::Email::Body, "b")}, ItemClass::Email, V::V2_5) ==
          ErrorCode::UnexpectedElement);
  }
  SECTION("body and attachment forms of the other generation") {
    CHECK(code({asbBody}, ItemClass::Email, V::V2_5) == ErrorCode::UnexpectedElement);
    CHECK(code({tx(T::Email::Body, "x")}, ItemClass::Email, V::V12_0) ==
          ErrorCode::UnexpectedElement);
    CHECK(code({tx(T::Email::MIMEData, "x")}, ItemClass::Email, V::V14_0) ==
          ErrorCode::UnexpectedElement);
    CHECK(code({tx(T::Contacts::CompressedRTF, "x")}, ItemClass::Contacts, V::V12_1) ==
          ErrorCode::UnexpectedElement);
    CHECK(code({tx(T::Calendar::BodyTruncated, "0")}, ItemClass::Calendar, V::V14_0) ==
          ErrorCode::UnexpectedElement);
    CHECK(code({tx(T::Tasks::BodySize, "1")}, ItemClass::Tasks, V::V16_1) ==
          ErrorCode::UnexpectedElement);
    CHECK(code({el(T::Calendar::Exceptions,
                   {el(T::Calendar::Exception,
                       {tx(T::Calendar::ExceptionStartTime, "t"), tx(T::Calendar::Body, "x")})})},
               ItemClass::Calendar, V::V14_0) == ErrorCode::UnexpectedElement);
    CHECK(code({el(T::AirSyncBase::Attachments)}, ItemClass::Email, V::V2_5) ==
          ErrorCode::UnexpectedElement);
    CHECK(code({el(T::Email::Attachments)}, ItemClass::Email, V::V12_1) ==
          ErrorCode::UnexpectedElement);
  }
  SECTION("Notes has no typed record") {
    auto e = errorOf(decodeChildren({tx(T::Notes::Subject, "x")}, ItemClass::Notes, V::V14_0));
    CHECK(e.code == ErrorCode::BadValue);
    CHECK(e.detail.find("Notes") != std::string::npos);
  }
  SECTION("errors name the offending element's offset") {
    auto e = errorOf(decodeChildren({tx(T::Email::Subject, "s"), tx(T::Email::Importance, "7")},
                                    ItemClass::Email, V::V14_0));
    CHECK(e.offset > 4);
    CHECK(e.detail.find("Email:Importance") != std::string::npos);
  }
}

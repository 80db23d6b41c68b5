// Every field of the four ApplicationData classes survives the mailbox's storage form (WBXML
// of AirSync:ApplicationData at 14.1), except the 2.5-only attachment fields.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "mapi-sim/mailbox/mailbox.h"

namespace mapisim {
namespace {

namespace eas = cradle::eas;

eas::Body fullBody() {
  eas::Body x;
  x.type = eas::BodyType::Html;
  x.estimatedDataSize = 3;
  x.truncated = true;
  x.data = "data-value";
  x.preview = "preview-value";
  return x;
}

eas::Attachment fullAttachment() {
  eas::Attachment x;
  x.displayName = "displayName-value";
  x.fileReference = "fileReference-value";
  x.method = 3;
  x.estimatedDataSize = 3;
  x.contentId = "contentId-value";
  x.contentLocation = "contentLocation-value";
  x.isInline = true;
  return x;
}

eas::EmailFlag fullFlag() {
  eas::EmailFlag x;
  x.status = 2;  // FlagStatus 0..2
  x.flagType = "flagType-value";
  x.completeTime = "completeTime-value";
  x.startDate = "startDate-value";
  x.utcStartDate = "utcStartDate-value";
  x.dueDate = "dueDate-value";
  x.utcDueDate = "utcDueDate-value";
  x.dateCompleted = "dateCompleted-value";
  x.reminderSet = true;
  x.reminderTime = "reminderTime-value";
  x.subject = "subject-value";
  return x;
}

eas::MeetingRequest fullMeetingRequest() {
  eas::MeetingRequest x;
  x.allDayEvent = true;
  x.startTime = "startTime-value";
  x.endTime = "endTime-value";
  x.dtStamp = "dtStamp-value";
  x.instanceType = 3;
  x.location = "location-value";
  x.organizer = "organizer-value";
  x.recurrenceId = "recurrenceId-value";
  x.reminder = 3;
  x.responseRequested = true;
  x.sensitivity = eas::Sensitivity::Private;
  x.busyStatus = eas::BusyStatus::Tentative;
  x.timeZone = "timeZone-value";
  x.globalObjId = "globalObjId-value";
  return x;
}

eas::Attendee fullAttendee() {
  eas::Attendee x;
  x.email = "email-value";
  x.name = "name-value";
  x.attendeeStatus = eas::AttendeeStatus::Accept;
  x.attendeeType = eas::AttendeeType::Optional;
  return x;
}

eas::Recurrence calendarRecurrence() {
  eas::Recurrence x;
  x.type = eas::RecurrenceType::MonthlyOnNthDay;
  x.interval = 3;
  x.until = "until-value";
  x.occurrences = 3;
  x.dayOfWeek = 3;
  x.dayOfMonth = 3;
  x.weekOfMonth = 3;
  x.monthOfYear = 3;
  x.calendarType = 3;
  x.isLeapMonth = true;
  x.firstDayOfWeek = 3;
  return x;
}

eas::Recurrence taskRecurrence() {
  eas::Recurrence x;
  x.type = eas::RecurrenceType::MonthlyOnNthDay;
  x.interval = 3;
  x.until = "until-value";
  x.occurrences = 3;
  x.dayOfWeek = 3;
  x.dayOfMonth = 3;
  x.weekOfMonth = 3;
  x.monthOfYear = 3;
  x.start = "start-value";
  x.regenerate = true;
  x.deadOccur = true;
  return x;
}

eas::CalendarException fullException() {
  eas::CalendarException x;
  x.deleted = true;
  x.exceptionStartTime = "exceptionStartTime-value";
  x.subject = "subject-value";
  x.startTime = "startTime-value";
  x.endTime = "endTime-value";
  x.dtStamp = "dtStamp-value";
  x.location = "location-value";
  x.categories = {"categories-1", "categories-2"};
  x.sensitivity = eas::Sensitivity::Private;
  x.busyStatus = eas::BusyStatus::Tentative;
  x.allDayEvent = true;
  x.reminder = 3;
  x.meetingStatus = 3;
  x.attendees = {fullAttendee()};
  x.body = fullBody();
  return x;
}

eas::EmailItem fullEmail() {
  eas::EmailItem x;
  x.to = "to-value";
  x.cc = "cc-value";
  x.from = "from-value";
  x.replyTo = "replyTo-value";
  x.subject = "subject-value";
  x.dateReceived = "dateReceived-value";
  x.displayTo = "displayTo-value";
  x.threadTopic = "threadTopic-value";
  x.importance = eas::Importance::High;
  x.read = true;
  x.messageClass = "messageClass-value";
  x.internetCPID = "internetCPID-value";
  x.contentClass = "contentClass-value";
  x.categories = {"categories-1", "categories-2"};
  x.body = fullBody();
  x.attachments = {fullAttachment(), fullAttachment()};
  x.flag = fullFlag();
  x.meetingRequest = fullMeetingRequest();
  return x;
}

eas::ContactItem fullContact() {
  eas::ContactItem x;
  x.anniversary = "anniversary-value";
  x.assistantName = "assistantName-value";
  x.assistantPhoneNumber = "assistantPhoneNumber-value";
  x.birthday = "birthday-value";
  x.business2PhoneNumber = "business2PhoneNumber-value";
  x.businessCity = "businessCity-value";
  x.businessCountry = "businessCountry-value";
  x.businessPostalCode = "businessPostalCode-value";
  x.businessState = "businessState-value";
  x.businessStreet = "businessStreet-value";
  x.businessFaxNumber = "businessFaxNumber-value";
  x.businessPhoneNumber = "businessPhoneNumber-value";
  x.carPhoneNumber = "carPhoneNumber-value";
  x.categories = {"categories-1", "categories-2"};
  x.children = {"children-1", "children-2"};
  x.companyName = "companyName-value";
  x.department = "department-value";
  x.email1Address = "email1Address-value";
  x.email2Address = "email2Address-value";
  x.email3Address = "email3Address-value";
  x.fileAs = "fileAs-value";
  x.firstName = "firstName-value";
  x.home2PhoneNumber = "home2PhoneNumber-value";
  x.homeCity = "homeCity-value";
  x.homeCountry = "homeCountry-value";
  x.homePostalCode = "homePostalCode-value";
  x.homeState = "homeState-value";
  x.homeStreet = "homeStreet-value";
  x.homeFaxNumber = "homeFaxNumber-value";
  x.homePhoneNumber = "homePhoneNumber-value";
  x.jobTitle = "jobTitle-value";
  x.lastName = "lastName-value";
  x.middleName = "middleName-value";
  x.mobilePhoneNumber = "mobilePhoneNumber-value";
  x.officeLocation = "officeLocation-value";
  x.otherCity = "otherCity-value";
  x.otherCountry = "otherCountry-value";
  x.otherPostalCode = "otherPostalCode-value";
  x.otherState = "otherState-value";
  x.otherStreet = "otherStreet-value";
  x.pagerNumber = "pagerNumber-value";
  x.radioPhoneNumber = "radioPhoneNumber-value";
  x.spouse = "spouse-value";
  x.suffix = "suffix-value";
  x.title = "title-value";
  x.webPage = "webPage-value";
  x.yomiCompanyName = "yomiCompanyName-value";
  x.yomiFirstName = "yomiFirstName-value";
  x.yomiLastName = "yomiLastName-value";
  x.picture = "picture-value";
  x.body = fullBody();
  return x;
}

eas::CalendarItem fullCalendar() {
  eas::CalendarItem x;
  x.timeZone = "timeZone-value";
  x.allDayEvent = true;
  x.startTime = "startTime-value";
  x.endTime = "endTime-value";
  x.dtStamp = "dtStamp-value";
  x.subject = "subject-value";
  x.location = "location-value";
  x.uid = "uid-value";
  x.organizerName = "organizerName-value";
  x.organizerEmail = "organizerEmail-value";
  x.reminder = 3;
  x.busyStatus = eas::BusyStatus::Tentative;
  x.sensitivity = eas::Sensitivity::Private;
  x.meetingStatus = 3;
  x.categories = {"categories-1", "categories-2"};
  x.responseRequested = true;
  x.appointmentReplyTime = "appointmentReplyTime-value";
  x.responseType = 3;
  x.disallowNewTimeProposal = true;
  x.attendees = {fullAttendee(), fullAttendee()};
  x.recurrence = calendarRecurrence();
  x.exceptions = {fullException()};
  x.body = fullBody();
  return x;
}

eas::TaskItem fullTask() {
  eas::TaskItem x;
  x.subject = "subject-value";
  x.startDate = "startDate-value";
  x.utcStartDate = "utcStartDate-value";
  x.dueDate = "dueDate-value";
  x.utcDueDate = "utcDueDate-value";
  x.complete = true;
  x.dateCompleted = "dateCompleted-value";
  x.importance = eas::Importance::High;
  x.reminderSet = true;
  x.reminderTime = "reminderTime-value";
  x.sensitivity = eas::Sensitivity::Private;
  x.categories = {"categories-1", "categories-2"};
  x.recurrence = taskRecurrence();
  x.body = fullBody();
  return x;
}

}  // namespace

TEST_CASE("every ApplicationData field survives storage", "[mapi-sim][mailbox]") {
  char pattern[] = "/tmp/cradle-mailbox-rt-XXXXXX";
  const char* made = mkdtemp(pattern);
  REQUIRE(made != nullptr);
  const std::string dir = made;
  {
    auto opened = Mailbox::open(dir + "/mailbox.db");
    REQUIRE(opened.ok());
    Mailbox& m = *opened.value();
    const auto user = m.addUser("alice", "pw", "");
    REQUIRE(user.ok());
    const auto roundTrip = [&](FolderType type, const eas::ApplicationData& data) {
      const auto folder = m.folderByType(user->id, type);
      REQUIRE(folder.has_value());
      const auto added = m.addItem(user->id, folder->serverId, data);
      REQUIRE(added.ok());
      const auto back = m.item(user->id, added->serverId);
      REQUIRE(back.has_value());
      return back->data;
    };
    SECTION("email") {
      const auto back = std::get<eas::EmailItem>(roundTrip(FolderType::Inbox, fullEmail()));
      const auto full = fullEmail();
      CHECK(back.body == full.body);
      CHECK(back.attachments == full.attachments);
      CHECK(back.flag == full.flag);
      CHECK(back.meetingRequest == full.meetingRequest);
      CHECK(back == full);
    }
    SECTION("contact") {
      CHECK(std::get<eas::ContactItem>(roundTrip(FolderType::Contacts, fullContact())) ==
            fullContact());
    }
    SECTION("calendar") {
      const auto back =
          std::get<eas::CalendarItem>(roundTrip(FolderType::Calendar, fullCalendar()));
      const auto full = fullCalendar();
      CHECK(back.recurrence == full.recurrence);
      CHECK(back.exceptions == full.exceptions);
      CHECK(back.attendees == full.attendees);
      CHECK(back == full);
    }
    SECTION("task") {
      const auto back = std::get<eas::TaskItem>(roundTrip(FolderType::Tasks, fullTask()));
      CHECK(back.recurrence == fullTask().recurrence);
      CHECK(back == fullTask());
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace mapisim

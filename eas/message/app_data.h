// Typed EAS application data (Email, Contacts, Calendar, Tasks) and its body/attachment forms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "eas/result.h"
#include "eas/version.h"
#include "eas/wbxml/document.h"
#include "eas/wbxml/writer.h"

namespace cradle::eas {

// The content class of a folder, spelled on the wire in AirSync:Class (Sync, <= 12.1),
// Ping:Class and ItemEstimate:Class. Notes (14.0+) is known by name only: it has no typed record.
enum class ItemClass : uint8_t { Email, Contacts, Calendar, Tasks, Notes };

std::string_view toString(ItemClass c);                       // "Email", "Contacts", ...
std::optional<ItemClass> parseItemClass(std::string_view s);  // exact, case-sensitive

// ---------------------------------------------------------------------------------------------
// Bodies and attachments

// AirSyncBase:Type (MS-ASAIRS 2.2.2.22.1). 2.5 maps: Body -> PlainText, MIMEData -> Mime,
// CompressedRTF -> Rtf (2.5 has no HTML form).
enum class BodyType : uint8_t { PlainText = 1, Html = 2, Rtf = 3, Mime = 4 };

// One body in either generation.
//   12.0+: AirSyncBase:Body {Type, EstimatedDataSize, Truncated, Data, Preview (14.0+)}.
//   2.5:   in the item's own namespace: Body/BodySize/BodyTruncated (PlainText),
//          Email:MIMEData/MIMESize/MIMETruncated (Mime, email only),
//          CompressedRTF (Rtf; Contacts, Calendar, Tasks; base64 text as on the wire).
// In 2.5 estimatedDataSize is BodySize/MIMESize and truncated is BodyTruncated/MIMETruncated.
// Encoding a form the version cannot carry (HTML in 2.5, Preview before 14.0, RTF in a 2.5 email)
// drops that part; decodeApplicationData never produces such a body.
struct Body {
  BodyType type = BodyType::PlainText;
  std::optional<uint32_t> estimatedDataSize;
  std::optional<bool> truncated;
  std::optional<std::string> data;
  std::optional<std::string> preview;  // 14.0+
  friend bool operator==(const Body&, const Body&) = default;
};

// AirSyncBase:BodyPreference (MS-ASAIRS 2.2.2.7), used by Sync and ItemOperations Options, 12.0+.
struct BodyPreference {
  BodyType type = BodyType::PlainText;
  std::optional<uint32_t> truncationSize;  // bytes
  std::optional<bool> allOrNone;
  std::optional<uint32_t> preview;  // 14.0+: characters, 0..255
  friend bool operator==(const BodyPreference&, const BodyPreference&) = default;
};

// Writes <AirSyncBase:BodyPreference>...</AirSyncBase:BodyPreference>.
void encodeBodyPreference(WbxmlWriter& w, const BodyPreference& p);
// Reads one AirSyncBase:BodyPreference element (Type required, 1..4; Preview 0..255).
Result<BodyPreference> decodeBodyPreference(Element bodyPreference);

// An email attachment in either generation.
//   12.0+: AirSyncBase:Attachment {DisplayName, FileReference, Method, EstimatedDataSize,
//          ContentId, ContentLocation, IsInline}.
//   2.5:   Email:Attachment {DisplayName, AttName, AttMethod, AttSize, Att0Id, AttRemoved}.
// fileReference is FileReference (12.0+) or AttName (2.5): the handle to fetch the content with.
struct Attachment {
  std::string displayName;
  std::string fileReference;
  uint32_t method = 1;  // 1 normal, 5 embedded message, 6 OLE (MS-ASAIRS 2.2.2.31)
  std::optional<uint32_t> estimatedDataSize;
  std::optional<std::string> contentId;        // 12.0+
  std::optional<std::string> contentLocation;  // 12.0+
  std::optional<bool> isInline;                // 12.0+
  std::optional<std::string> attOid;           // 2.5 only
  std::optional<bool> attRemoved;              // 2.5 only
  friend bool operator==(const Attachment&, const Attachment&) = default;
};

// ---------------------------------------------------------------------------------------------
// Shared value types

enum class Importance : uint8_t { Low = 0, Normal = 1, High = 2 };
enum class Sensitivity : uint8_t { Normal = 0, Personal = 1, Private = 2, Confidential = 3 };
// MS-ASCAL 2.2.2.8 (4 = working elsewhere, 16.0+).
enum class BusyStatus : uint8_t {
  Free = 0,
  Tentative = 1,
  Busy = 2,
  OutOfOffice = 3,
  WorkingElsewhere = 4
};
// MS-ASCAL 2.2.2.38 / MS-ASTASK 2.2.2.23.
enum class RecurrenceType : uint8_t {
  Daily = 0,
  Weekly = 1,
  MonthlyOnDay = 2,
  MonthlyOnNthDay = 3,
  YearlyOnDay = 5,
  YearlyOnNthDay = 6
};

// A recurrence pattern; written in the namespace of its item (Calendar, Tasks or Email for a
// meeting request). start/regenerate/deadOccur exist in Tasks only.
struct Recurrence {
  RecurrenceType type = RecurrenceType::Daily;
  std::optional<uint32_t> interval;
  std::optional<std::string> until;  // compact or extended date-time, as on the wire
  std::optional<uint32_t> occurrences;
  std::optional<uint32_t> dayOfWeek;       // bit mask: 1 Sunday .. 64 Saturday, 127 last day
  std::optional<uint32_t> dayOfMonth;      // 1..31
  std::optional<uint32_t> weekOfMonth;     // 1..5 (5 = last)
  std::optional<uint32_t> monthOfYear;     // 1..12
  std::optional<uint32_t> calendarType;    // 14.0+
  std::optional<bool> isLeapMonth;         // 14.0+
  std::optional<uint32_t> firstDayOfWeek;  // 14.1+
  std::optional<std::string> start;        // Tasks only
  std::optional<bool> regenerate;          // Tasks only
  std::optional<bool> deadOccur;           // Tasks only
  friend bool operator==(const Recurrence&, const Recurrence&) = default;
};

// ---------------------------------------------------------------------------------------------
// Email (MS-ASEMAIL)

// Email:Flag (12.0+). An empty <Flag/> (all fields absent) clears the flag.
struct EmailFlag {
  std::optional<uint32_t> status;  // Email:FlagStatus: 0 cleared, 1 complete, 2 active
  std::optional<std::string> flagType;
  std::optional<std::string> completeTime;
  std::optional<std::string> startDate;      // Tasks:StartDate
  std::optional<std::string> utcStartDate;   // Tasks:UtcStartDate
  std::optional<std::string> dueDate;        // Tasks:DueDate
  std::optional<std::string> utcDueDate;     // Tasks:UtcDueDate
  std::optional<std::string> dateCompleted;  // Tasks:DateCompleted
  std::optional<bool> reminderSet;           // Tasks:ReminderSet
  std::optional<std::string> reminderTime;   // Tasks:ReminderTime
  std::optional<std::string> subject;        // Tasks:Subject
  friend bool operator==(const EmailFlag&, const EmailFlag&) = default;
};

// Email:MeetingRequest, the common fields only (no Recurrences/Categories of a request).
struct MeetingRequest {
  std::optional<bool> allDayEvent;
  std::optional<std::string> startTime;
  std::optional<std::string> endTime;
  std::optional<std::string> dtStamp;
  std::optional<uint32_t> instanceType;  // 0 single, 1 master, 2 instance, 3 exception
  std::optional<std::string> location;
  std::optional<std::string> organizer;
  std::optional<std::string> recurrenceId;
  std::optional<uint32_t> reminder;  // minutes
  std::optional<bool> responseRequested;
  std::optional<Sensitivity> sensitivity;
  std::optional<BusyStatus> busyStatus;
  std::optional<std::string> timeZone;     // base64 TIME_ZONE_INFORMATION, as on the wire
  std::optional<std::string> globalObjId;  // base64, as on the wire
  friend bool operator==(const MeetingRequest&, const MeetingRequest&) = default;
};

struct EmailItem {
  std::optional<std::string> to;
  std::optional<std::string> cc;
  std::optional<std::string> from;
  std::optional<std::string> replyTo;  // Email:Reply-To
  std::optional<std::string> subject;
  std::optional<std::string> dateReceived;  // 2006-05-01T20:15:15.000Z
  std::optional<std::string> displayTo;
  std::optional<std::string> threadTopic;
  std::optional<Importance> importance;
  std::optional<bool> read;
  std::optional<std::string> messageClass;  // IPM.Note, IPM.Schedule.Meeting.Request, ...
  std::optional<std::string> internetCPID;  // code page id as text ("28591", "65001")
  std::optional<std::string> contentClass;  // 12.0+: urn:content-classes:message
  std::vector<std::string> categories;      // 14.0+ Email:Categories
  std::optional<Body> body;
  std::vector<Attachment> attachments;
  std::optional<EmailFlag> flag;  // 12.0+
  std::optional<MeetingRequest> meetingRequest;
  friend bool operator==(const EmailItem&, const EmailItem&) = default;
};

// ---------------------------------------------------------------------------------------------
// Contacts (MS-ASCNTC; Contacts page 1 only, Contacts2 fields are not modelled)

struct ContactItem {
  std::optional<std::string> anniversary;
  std::optional<std::string> assistantName;
  std::optional<std::string> assistantPhoneNumber;
  std::optional<std::string> birthday;
  std::optional<std::string> business2PhoneNumber;
  std::optional<std::string> businessCity;
  std::optional<std::string> businessCountry;
  std::optional<std::string> businessPostalCode;
  std::optional<std::string> businessState;
  std::optional<std::string> businessStreet;
  std::optional<std::string> businessFaxNumber;
  std::optional<std::string> businessPhoneNumber;
  std::optional<std::string> carPhoneNumber;
  std::vector<std::string> categories;
  std::vector<std::string> children;
  std::optional<std::string> companyName;
  std::optional<std::string> department;
  std::optional<std::string> email1Address;
  std::optional<std::string> email2Address;
  std::optional<std::string> email3Address;
  std::optional<std::string> fileAs;
  std::optional<std::string> firstName;
  std::optional<std::string> home2PhoneNumber;
  std::optional<std::string> homeCity;
  std::optional<std::string> homeCountry;
  std::optional<std::string> homePostalCode;
  std::optional<std::string> homeState;
  std::optional<std::string> homeStreet;
  std::optional<std::string> homeFaxNumber;
  std::optional<std::string> homePhoneNumber;
  std::optional<std::string> jobTitle;
  std::optional<std::string> lastName;
  std::optional<std::string> middleName;
  std::optional<std::string> mobilePhoneNumber;
  std::optional<std::string> officeLocation;
  std::optional<std::string> otherCity;
  std::optional<std::string> otherCountry;
  std::optional<std::string> otherPostalCode;
  std::optional<std::string> otherState;
  std::optional<std::string> otherStreet;
  std::optional<std::string> pagerNumber;
  std::optional<std::string> radioPhoneNumber;
  std::optional<std::string> spouse;
  std::optional<std::string> suffix;
  std::optional<std::string> title;
  std::optional<std::string> webPage;
  std::optional<std::string> yomiCompanyName;
  std::optional<std::string> yomiFirstName;
  std::optional<std::string> yomiLastName;
  std::optional<std::string> picture;  // base64 JPEG, as on the wire
  std::optional<Body> body;
  friend bool operator==(const ContactItem&, const ContactItem&) = default;
};

// ---------------------------------------------------------------------------------------------
// Calendar (MS-ASCAL)

enum class AttendeeStatus : uint8_t {
  Unknown = 0,
  Tentative = 2,
  Accept = 3,
  Decline = 4,
  NotResponded = 5
};
enum class AttendeeType : uint8_t { Required = 1, Optional = 2, Resource = 3 };

struct Attendee {
  std::string email;
  std::string name;
  std::optional<AttendeeStatus> attendeeStatus;  // 12.0+
  std::optional<AttendeeType> attendeeType;      // 12.0+
  friend bool operator==(const Attendee&, const Attendee&) = default;
};

// Calendar:Exception: one changed or deleted occurrence.
struct CalendarException {
  std::optional<bool> deleted;
  std::string exceptionStartTime;  // the original start of the occurrence (required)
  std::optional<std::string> subject;
  std::optional<std::string> startTime;
  std::optional<std::string> endTime;
  std::optional<std::string> dtStamp;
  std::optional<std::string> location;
  std::vector<std::string> categories;
  std::optional<Sensitivity> sensitivity;
  std::optional<BusyStatus> busyStatus;
  std::optional<bool> allDayEvent;
  std::optional<uint32_t> reminder;
  std::optional<uint32_t> meetingStatus;
  std::vector<Attendee> attendees;  // 12.0+
  std::optional<Body> body;
  friend bool operator==(const CalendarException&, const CalendarException&) = default;
};

struct CalendarItem {
  std::optional<std::string> timeZone;  // base64 TIME_ZONE_INFORMATION blob, as on the wire
  std::optional<bool> allDayEvent;
  std::optional<std::string> startTime;  // compact form 20060501T120000Z
  std::optional<std::string> endTime;
  std::optional<std::string> dtStamp;
  std::optional<std::string> subject;
  std::optional<std::string> location;
  std::optional<std::string> uid;
  std::optional<std::string> organizerName;
  std::optional<std::string> organizerEmail;
  std::vector<Attendee> attendees;
  std::optional<Recurrence> recurrence;
  std::vector<CalendarException> exceptions;
  std::optional<uint32_t> reminder;  // minutes before start
  std::optional<BusyStatus> busyStatus;
  std::optional<Sensitivity> sensitivity;
  std::optional<uint32_t> meetingStatus;  // 0 appointment, 1 meeting organised, 3 received, ...
  std::vector<std::string> categories;
  std::optional<bool> responseRequested;            // 14.0+
  std::optional<std::string> appointmentReplyTime;  // 14.0+
  std::optional<uint32_t> responseType;             // 14.0+
  std::optional<bool> disallowNewTimeProposal;      // 14.0+
  std::optional<Body> body;
  friend bool operator==(const CalendarItem&, const CalendarItem&) = default;
};

// ---------------------------------------------------------------------------------------------
// Tasks (MS-ASTASK)

struct TaskItem {
  std::optional<std::string> subject;
  std::optional<std::string> startDate;
  std::optional<std::string> utcStartDate;
  std::optional<std::string> dueDate;
  std::optional<std::string> utcDueDate;
  std::optional<bool> complete;
  std::optional<std::string> dateCompleted;
  std::optional<Importance> importance;
  std::optional<bool> reminderSet;
  std::optional<std::string> reminderTime;
  std::optional<Sensitivity> sensitivity;
  std::vector<std::string> categories;
  std::optional<Recurrence> recurrence;
  std::optional<Body> body;
  friend bool operator==(const TaskItem&, const TaskItem&) = default;
};

// ---------------------------------------------------------------------------------------------

using ApplicationData = std::variant<EmailItem, ContactItem, CalendarItem, TaskItem>;

ItemClass itemClassOf(const ApplicationData& data);

// The class whose code page (Email 2, Contacts 1, Calendar 4, Tasks 9) the first such child of
// an ApplicationData element uses; nullopt when no child names one (e.g. only an
// AirSyncBase:Body). For Sync requests of 14.0+, which carry no AirSync:Class.
std::optional<ItemClass> inferItemClass(Element applicationData);

// Writes the children of AirSync:ApplicationData (or of ItemOperations:Properties): the item's
// fields in its own namespace, the body in the form the version uses (2.5 class namespace,
// 12.0+ AirSyncBase). Fields the version does not define are still written when set; callers
// that down-convert clear them first.
void encodeApplicationData(WbxmlWriter& w, const ApplicationData& data, ProtocolVersion version);

// Reads the children of an AirSync:ApplicationData (or ItemOperations:Properties) element as
// an item of the given class. Elements the records do not model (Email2, Contacts2,
// RightsManagement, newer fields) are skipped. Errors: BadValue for a malformed number/boolean/
// enumeration and for Notes (no typed record); MissingElement for a required child (Body Type,
// Recurrence Type, Attendee Email, Exception ExceptionStartTime, Attachment FileReference/AttName
// and Method/AttMethod); UnexpectedElement for a duplicate single-valued element and for a body
// or attachment form the version does not use (AirSyncBase in 2.5, the 2.5 forms in 12.0+).
// In 2.5 an email that carries both Email:Body and Email:MIMEData keeps the MIME body only.
Result<ApplicationData> decodeApplicationData(Element applicationData, ItemClass itemClass,
                                              ProtocolVersion version);

}  // namespace cradle::eas

// Typed EAS application data: encoders and decoders for Email, Contacts, Calendar and Tasks.
#include "eas/message/app_data.h"

#include <array>
#include <initializer_list>
#include <string>
#include <utility>

#include "eas/message/common.h"
#include "eas/wbxml/code_pages.h"

namespace cradle::eas {
namespace {


namespace Tg = ::cradle::eas::tag;

// ---------------------------------------------------------------------------------------------
// Reading one value


// A value from a fixed set (MeetingStatus, AttendeeStatus, ...).
Status readOneOf(Element e, std::optional<uint32_t>& out, std::initializer_list<uint32_t> allowed) {
  std::optional<uint32_t> v;
  CRADLE_TRY(readUint(e, v));
  for (uint32_t a : allowed) {
    if (a == *v) {
      if (out) {
        return duplicateElement(e);
      }
      out = v;
      return {};
    }
  }
  return badValue(e, std::to_string(*v) + " is not a defined value");
}

template <class E>
Status readEnum(Element e, std::optional<E>& out, std::initializer_list<uint32_t> allowed) {
  if (out) {
    return duplicateElement(e);
  }
  std::optional<uint32_t> v;
  CRADLE_TRY(readOneOf(e, v, allowed));
  out = static_cast<E>(*v);
  return {};
}

// EAS booleans are "0" / "1" (MS-ASDTYPE 2.1).
Status readBool(Element e, std::optional<bool>& out) {
  if (out) {
    return duplicateElement(e);
  }
  if (e.text() == "1") {
    out = true;
  } else if (e.text() == "0") {
    out = false;
  } else {
    return badValue(e, "expected 0 or 1");
  }
  return {};
}

// <Categories><Category>a</Category>...</Categories> and the like. Other children are refused.
Status readList(Element e, Tag itemTag, std::vector<std::string>& out) {
  if (!out.empty()) {
    return duplicateElement(e);
  }
  for (Element c : e.children()) {
    if (!(c.tag() == itemTag)) {
      return unexpectedElement(c, qualifiedName(e.tag()));
    }
    out.emplace_back(c.text());
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Writing one value

// No element these records write is binary (EAS_OPAQUE) in MS-ASWBXML: all are inline strings.
void writeText(WbxmlWriter& w, Tag t, const std::optional<std::string>& value) {
  if (value) {
    w.element(t, *value);
  }
}

template <class E>
void writeEnum(WbxmlWriter& w, Tag t, const std::optional<E>& value) {
  if (value) {
    w.element(t, uint64_t{static_cast<uint8_t>(*value)});
  }
}

void writeList(WbxmlWriter& w, Tag listTag, Tag itemTag, const std::vector<std::string>& items) {
  if (items.empty()) {
    return;
  }
  w.start(listTag);
  for (const std::string& item : items) {
    w.element(itemTag, item);
  }
  w.end();
}

// Plain text fields of a record, as a table of (tag, member); written in table order.
template <class T>
struct TextField {
  Tag tag;
  std::optional<std::string> T::*member;
};

// Returns true (and reads it) when the element is one of the table's fields.
template <class T, std::size_t N>
Result<bool> readTextField(Element e, const std::array<TextField<T>, N>& table, T& item) {
  for (const TextField<T>& f : table) {
    if (e.tag() == f.tag) {
      CRADLE_TRY(readText(e, item.*f.member));
      return true;
    }
  }
  return false;
}

template <class T, std::size_t N>
void writeTextFields(WbxmlWriter& w, const std::array<TextField<T>, N>& table, const T& item) {
  for (const TextField<T>& f : table) {
    writeText(w, f.tag, item.*f.member);
  }
}

// ---------------------------------------------------------------------------------------------
// Bodies

// The 2.5 body elements of one class's code page (MS-ASWBXML pages 1, 2, 4, 9).
struct LegacyBodyTags {
  Tag body;
  std::optional<Tag> bodySize;  // Calendar has none
  Tag bodyTruncated;
  std::optional<Tag> rtf;  // Email has none
  bool mime = false;       // Email:MIMEData/MIMESize/MIMETruncated
};

constexpr LegacyBodyTags EmailBodyTags{Tg::Email::Body, Tg::Email::BodySize,
                                       Tg::Email::BodyTruncated, std::nullopt, true};
constexpr LegacyBodyTags ContactsBodyTags{Tg::Contacts::Body, Tg::Contacts::BodySize,
                                          Tg::Contacts::BodyTruncated, Tg::Contacts::CompressedRTF,
                                          false};
constexpr LegacyBodyTags CalendarBodyTags{Tg::Calendar::Body, std::nullopt,
                                          Tg::Calendar::BodyTruncated, Tg::Calendar::CompressedRTF,
                                          false};
constexpr LegacyBodyTags TasksBodyTags{Tg::Tasks::Body, Tg::Tasks::BodySize,
                                       Tg::Tasks::BodyTruncated, Tg::Tasks::CompressedRTF, false};

// The parts of a body as they arrive, in either generation; result() builds the Body.
class BodyParts {
 public:
  // Takes the element if it belongs to a body form; errors for the form of the other generation.
  Result<bool> take(Element e, const LegacyBodyTags& t, ProtocolVersion v);
  std::optional<Body> result() const;

 private:
  bool legacy(Element e, const LegacyBodyTags& t) const;

  std::optional<std::string> text_;
  std::optional<uint32_t> textSize_;
  std::optional<bool> textTruncated_;
  std::optional<std::string> mime_;
  std::optional<uint32_t> mimeSize_;
  std::optional<bool> mimeTruncated_;
  std::optional<std::string> rtf_;
  std::optional<Body> modern_;
};

Result<Body> decodeBody(Element e) {
  Body body;
  std::optional<BodyType> type;
  for (Element c : e.children()) {
    Tag t = c.tag();
    if (t == Tg::AirSyncBase::Type) {
      CRADLE_TRY(readEnum(c, type, {1, 2, 3, 4}));  // MS-ASAIRS 2.2.2.22.1
    } else if (t == Tg::AirSyncBase::EstimatedDataSize) {
      CRADLE_TRY(readUint(c, body.estimatedDataSize));
    } else if (t == Tg::AirSyncBase::Truncated) {
      CRADLE_TRY(readBool(c, body.truncated));
    } else if (t == Tg::AirSyncBase::Data) {
      CRADLE_TRY(readText(c, body.data));
    } else if (t == Tg::AirSyncBase::Preview) {
      CRADLE_TRY(readText(c, body.preview));
    }
    // Other children (16.x Part etc.) are not modelled.
  }
  if (!type) {
    return missingElement(e, Tg::AirSyncBase::Type);
  }
  body.type = *type;
  return body;
}

bool BodyParts::legacy(Element e, const LegacyBodyTags& t) const {
  Tag g = e.tag();
  return g == t.body || (t.bodySize && g == *t.bodySize) || g == t.bodyTruncated ||
         (t.rtf && g == *t.rtf) ||
         (t.mime &&
          (g == Tg::Email::MIMEData || g == Tg::Email::MIMESize || g == Tg::Email::MIMETruncated));
}

Result<bool> BodyParts::take(Element e, const LegacyBodyTags& t, ProtocolVersion v) {
  Tag g = e.tag();
  bool modernVersion = atLeast(v, ProtocolVersion::V12_0);
  if (g == Tg::AirSyncBase::Body) {
    // MS-ASAIRS 2.2.2.9: AirSyncBase:Body replaces the per-class body from 12.0 on.
    if (!modernVersion) {
      return wrongVersion(e, v);
    }
    if (modern_) {
      return duplicateElement(e);
    }
    auto body = decodeBody(e);
    if (!body) {
      return std::move(body).takeError();
    }
    modern_ = std::move(*body);
    return true;
  }
  if (!legacy(e, t)) {
    return false;
  }
  if (modernVersion) {
    return wrongVersion(e, v);
  }
  if (g == t.body) {
    CRADLE_TRY(readText(e, text_));
  } else if (t.bodySize && g == *t.bodySize) {
    CRADLE_TRY(readUint(e, textSize_));
  } else if (g == t.bodyTruncated) {
    CRADLE_TRY(readBool(e, textTruncated_));
  } else if (t.rtf && g == *t.rtf) {
    CRADLE_TRY(readText(e, rtf_));
  } else if (g == Tg::Email::MIMEData) {
    CRADLE_TRY(readText(e, mime_));
  } else if (g == Tg::Email::MIMESize) {
    CRADLE_TRY(readUint(e, mimeSize_));
  } else {
    CRADLE_TRY(readBool(e, mimeTruncated_));
  }
  return true;
}

std::optional<Body> BodyParts::result() const {
  if (modern_) {
    return modern_;
  }
  Body b;
  if (mime_ || mimeSize_ || mimeTruncated_) {
    b.type = BodyType::Mime;
    b.data = mime_;
    b.estimatedDataSize = mimeSize_;
    b.truncated = mimeTruncated_;
    return b;
  }
  if (text_ || textSize_ || textTruncated_) {
    b.type = BodyType::PlainText;
    b.data = text_;
    b.estimatedDataSize = textSize_;
    b.truncated = textTruncated_;
    return b;
  }
  if (rtf_) {
    b.type = BodyType::Rtf;
    b.data = rtf_;
    return b;
  }
  return std::nullopt;
}

void encodeBody(WbxmlWriter& w, const std::optional<Body>& body, const LegacyBodyTags& t,
                ProtocolVersion v) {
  if (!body) {
    return;
  }
  if (atLeast(v, ProtocolVersion::V12_0)) {
    // MS-ASAIRS 2.2.2.9 Body: Type, EstimatedDataSize, Truncated, Data, Preview (14.0+).
    w.start(Tg::AirSyncBase::Body);
    w.element(Tg::AirSyncBase::Type, uint64_t{static_cast<uint8_t>(body->type)});
    writeOptional(w, Tg::AirSyncBase::EstimatedDataSize, body->estimatedDataSize);
    writeOptional(w, Tg::AirSyncBase::Truncated, body->truncated);
    writeText(w, Tg::AirSyncBase::Data, body->data);
    if (atLeast(v, ProtocolVersion::V14_0)) {
      writeText(w, Tg::AirSyncBase::Preview, body->preview);
    }
    w.end();
    return;
  }
  switch (body->type) {
    case BodyType::PlainText:
      if (t.bodySize) {
        writeOptional(w, *t.bodySize, body->estimatedDataSize);
      }
      writeOptional(w, t.bodyTruncated, body->truncated);
      writeText(w, t.body, body->data);
      break;
    case BodyType::Mime:
      if (t.mime) {
        writeOptional(w, Tg::Email::MIMETruncated, body->truncated);
        writeOptional(w, Tg::Email::MIMESize, body->estimatedDataSize);
        writeText(w, Tg::Email::MIMEData, body->data);
      }
      break;
    case BodyType::Rtf:
      if (t.rtf) {
        writeText(w, *t.rtf, body->data);
      }
      break;
    case BodyType::Html:
      break;  // 2.5 has no HTML body
  }
}

// ---------------------------------------------------------------------------------------------
// Attachments (email)

Result<Attachment> decodeAttachment(Element e, bool modern) {
  Attachment a;
  std::optional<std::string> displayName;
  std::optional<std::string> fileReference;
  std::optional<uint32_t> method;
  for (Element c : e.children()) {
    Tag t = c.tag();
    if (modern) {
      // MS-ASAIRS 2.2.2.7 Attachment.
      if (t == Tg::AirSyncBase::DisplayName) {
        CRADLE_TRY(readText(c, displayName));
      } else if (t == Tg::AirSyncBase::FileReference) {
        CRADLE_TRY(readText(c, fileReference));
      } else if (t == Tg::AirSyncBase::Method) {
        CRADLE_TRY(readUint(c, method, 1, 6));
      } else if (t == Tg::AirSyncBase::EstimatedDataSize) {
        CRADLE_TRY(readUint(c, a.estimatedDataSize));
      } else if (t == Tg::AirSyncBase::ContentId) {
        CRADLE_TRY(readText(c, a.contentId));
      } else if (t == Tg::AirSyncBase::ContentLocation) {
        CRADLE_TRY(readText(c, a.contentLocation));
      } else if (t == Tg::AirSyncBase::IsInline) {
        CRADLE_TRY(readBool(c, a.isInline));
      }
    } else {
      // MS-ASEMAIL (2.5) Email:Attachment.
      if (t == Tg::Email::DisplayName) {
        CRADLE_TRY(readText(c, displayName));
      } else if (t == Tg::Email::AttName) {
        CRADLE_TRY(readText(c, fileReference));
      } else if (t == Tg::Email::AttMethod) {
        CRADLE_TRY(readUint(c, method, 1, 6));
      } else if (t == Tg::Email::AttSize) {
        CRADLE_TRY(readUint(c, a.estimatedDataSize));
      } else if (t == Tg::Email::Att0Id) {
        CRADLE_TRY(readText(c, a.attOid));
      } else if (t == Tg::Email::AttRemoved) {
        CRADLE_TRY(readBool(c, a.attRemoved));
      }
    }
  }
  Tag refTag = modern ? Tg::AirSyncBase::FileReference : Tg::Email::AttName;
  Tag methodTag = modern ? Tg::AirSyncBase::Method : Tg::Email::AttMethod;
  if (!fileReference) {
    return missingElement(e, refTag);
  }
  if (!method) {
    return missingElement(e, methodTag);
  }
  a.displayName = displayName.value_or(std::string());
  a.fileReference = std::move(*fileReference);
  a.method = *method;
  return a;
}

Status decodeAttachments(Element e, bool modern, std::vector<Attachment>& out) {
  if (!out.empty()) {
    return duplicateElement(e);
  }
  Tag itemTag = modern ? Tg::AirSyncBase::Attachment : Tg::Email::Attachment;
  for (Element c : e.children()) {
    if (!(c.tag() == itemTag)) {
      return unexpectedElement(c, qualifiedName(e.tag()));
    }
    auto a = decodeAttachment(c, modern);
    if (!a) {
      return std::move(a).takeError();
    }
    out.push_back(std::move(*a));
  }
  return {};
}

void encodeAttachments(WbxmlWriter& w, const std::vector<Attachment>& list, ProtocolVersion v) {
  if (list.empty()) {
    return;
  }
  if (atLeast(v, ProtocolVersion::V12_0)) {
    w.start(Tg::AirSyncBase::Attachments);
    for (const Attachment& a : list) {
      w.start(Tg::AirSyncBase::Attachment);
      w.element(Tg::AirSyncBase::DisplayName, a.displayName);
      w.element(Tg::AirSyncBase::FileReference, a.fileReference);
      w.element(Tg::AirSyncBase::Method, uint64_t{a.method});
      writeOptional(w, Tg::AirSyncBase::EstimatedDataSize, a.estimatedDataSize);
      writeOptional(w, Tg::AirSyncBase::ContentId, a.contentId);
      writeOptional(w, Tg::AirSyncBase::ContentLocation, a.contentLocation);
      writeOptional(w, Tg::AirSyncBase::IsInline, a.isInline);
      w.end();
    }
    w.end();
    return;
  }
  w.start(Tg::Email::Attachments);
  for (const Attachment& a : list) {
    w.start(Tg::Email::Attachment);
    w.element(Tg::Email::AttMethod, uint64_t{a.method});
    writeOptional(w, Tg::Email::AttSize, a.estimatedDataSize);
    w.element(Tg::Email::DisplayName, a.displayName);
    w.element(Tg::Email::AttName, a.fileReference);
    writeOptional(w, Tg::Email::Att0Id, a.attOid);
    writeOptional(w, Tg::Email::AttRemoved, a.attRemoved);
    w.end();
  }
  w.end();
}

// ---------------------------------------------------------------------------------------------
// Recurrence

struct RecurrenceTags {
  Tag recurrence, type, interval, until, occurrences, dayOfWeek, dayOfMonth, weekOfMonth,
      monthOfYear;
  std::optional<Tag> calendarType, isLeapMonth, firstDayOfWeek, start, regenerate, deadOccur;
};

constexpr RecurrenceTags CalendarRecurrenceTags{Tg::Calendar::Recurrence,
                                                Tg::Calendar::Type,
                                                Tg::Calendar::Interval,
                                                Tg::Calendar::Until,
                                                Tg::Calendar::Occurrences,
                                                Tg::Calendar::DayOfWeek,
                                                Tg::Calendar::DayOfMonth,
                                                Tg::Calendar::WeekOfMonth,
                                                Tg::Calendar::MonthOfYear,
                                                Tg::Calendar::CalendarType,
                                                Tg::Calendar::IsLeapMonth,
                                                Tg::Calendar::FirstDayOfWeek,
                                                std::nullopt,
                                                std::nullopt,
                                                std::nullopt};

constexpr RecurrenceTags TasksRecurrenceTags{
    Tg::Tasks::Recurrence,   Tg::Tasks::Type,        Tg::Tasks::Interval,
    Tg::Tasks::Until,        Tg::Tasks::Occurrences, Tg::Tasks::DayOfWeek,
    Tg::Tasks::DayOfMonth,   Tg::Tasks::WeekOfMonth, Tg::Tasks::MonthOfYear,
    Tg::Tasks::CalendarType, Tg::Tasks::IsLeapMonth, Tg::Tasks::FirstDayOfWeek,
    Tg::Tasks::Start,        Tg::Tasks::Regenerate,  Tg::Tasks::DeadOccur};

bool is(Tag t, const std::optional<Tag>& candidate) { return candidate && t == *candidate; }

// MS-ASCAL 2.2.2.37 / MS-ASTASK 2.2.2.22 Recurrence and its children's ranges.
Result<Recurrence> decodeRecurrence(Element e, const RecurrenceTags& rt) {
  Recurrence r;
  std::optional<RecurrenceType> type;
  for (Element c : e.children()) {
    Tag t = c.tag();
    if (t == rt.type) {
      CRADLE_TRY(readEnum(c, type, {0, 1, 2, 3, 5, 6}));
    } else if (t == rt.interval) {
      CRADLE_TRY(readUint(c, r.interval, 0, 999));
    } else if (t == rt.until) {
      CRADLE_TRY(readText(c, r.until));
    } else if (t == rt.occurrences) {
      CRADLE_TRY(readUint(c, r.occurrences, 0, 999));
    } else if (t == rt.dayOfWeek) {
      CRADLE_TRY(readUint(c, r.dayOfWeek, 1, 127));
    } else if (t == rt.dayOfMonth) {
      CRADLE_TRY(readUint(c, r.dayOfMonth, 1, 31));
    } else if (t == rt.weekOfMonth) {
      CRADLE_TRY(readUint(c, r.weekOfMonth, 1, 5));
    } else if (t == rt.monthOfYear) {
      CRADLE_TRY(readUint(c, r.monthOfYear, 1, 12));
    } else if (is(t, rt.calendarType)) {
      CRADLE_TRY(readUint(c, r.calendarType, 0, 23));
    } else if (is(t, rt.isLeapMonth)) {
      CRADLE_TRY(readBool(c, r.isLeapMonth));
    } else if (is(t, rt.firstDayOfWeek)) {
      CRADLE_TRY(readUint(c, r.firstDayOfWeek, 0, 6));
    } else if (is(t, rt.start)) {
      CRADLE_TRY(readText(c, r.start));
    } else if (is(t, rt.regenerate)) {
      CRADLE_TRY(readBool(c, r.regenerate));
    } else if (is(t, rt.deadOccur)) {
      CRADLE_TRY(readBool(c, r.deadOccur));
    }
  }
  if (!type) {
    return missingElement(e, rt.type);
  }
  r.type = *type;
  return r;
}

void writeOptionalTag(WbxmlWriter& w, const std::optional<Tag>& t,
                      const std::optional<std::string>& value) {
  if (t) {
    writeText(w, *t, value);
  }
}
void writeOptionalTag(WbxmlWriter& w, const std::optional<Tag>& t,
                      const std::optional<uint32_t>& value) {
  if (t) {
    writeOptional(w, *t, value);
  }
}
void writeOptionalTag(WbxmlWriter& w, const std::optional<Tag>& t,
                      const std::optional<bool>& value) {
  if (t) {
    writeOptional(w, *t, value);
  }
}

void encodeRecurrence(WbxmlWriter& w, const std::optional<Recurrence>& r,
                      const RecurrenceTags& rt) {
  if (!r) {
    return;
  }
  w.start(rt.recurrence);
  w.element(rt.type, uint64_t{static_cast<uint8_t>(r->type)});
  writeOptionalTag(w, rt.start, r->start);
  writeText(w, rt.until, r->until);
  writeOptional(w, rt.occurrences, r->occurrences);
  writeOptional(w, rt.interval, r->interval);
  writeOptional(w, rt.dayOfWeek, r->dayOfWeek);
  writeOptional(w, rt.dayOfMonth, r->dayOfMonth);
  writeOptional(w, rt.weekOfMonth, r->weekOfMonth);
  writeOptional(w, rt.monthOfYear, r->monthOfYear);
  writeOptionalTag(w, rt.regenerate, r->regenerate);
  writeOptionalTag(w, rt.deadOccur, r->deadOccur);
  writeOptionalTag(w, rt.calendarType, r->calendarType);
  writeOptionalTag(w, rt.isLeapMonth, r->isLeapMonth);
  writeOptionalTag(w, rt.firstDayOfWeek, r->firstDayOfWeek);
  w.end();
}

// ---------------------------------------------------------------------------------------------
// Email

constexpr std::initializer_list<uint32_t> ImportanceValues = {0, 1, 2};
constexpr std::initializer_list<uint32_t> SensitivityValues = {0, 1, 2, 3};
constexpr std::initializer_list<uint32_t> BusyStatusValues = {0, 1, 2, 3, 4};

constexpr std::array<TextField<EmailItem>, 11> EmailText = {{
    {Tg::Email::To, &EmailItem::to},
    {Tg::Email::Cc, &EmailItem::cc},
    {Tg::Email::From, &EmailItem::from},
    {Tg::Email::ReplyTo, &EmailItem::replyTo},
    {Tg::Email::Subject, &EmailItem::subject},
    {Tg::Email::DateReceived, &EmailItem::dateReceived},
    {Tg::Email::DisplayTo, &EmailItem::displayTo},
    {Tg::Email::ThreadTopic, &EmailItem::threadTopic},
    {Tg::Email::MessageClass, &EmailItem::messageClass},
    {Tg::Email::InternetCPID, &EmailItem::internetCPID},
    {Tg::Email::ContentClass, &EmailItem::contentClass},
}};

constexpr std::array<TextField<MeetingRequest>, 8> MeetingText = {{
    {Tg::Email::StartTime, &MeetingRequest::startTime},
    {Tg::Email::EndTime, &MeetingRequest::endTime},
    {Tg::Email::DtStamp, &MeetingRequest::dtStamp},
    {Tg::Email::Location, &MeetingRequest::location},
    {Tg::Email::Organizer, &MeetingRequest::organizer},
    {Tg::Email::RecurrenceId, &MeetingRequest::recurrenceId},
    {Tg::Email::TimeZone, &MeetingRequest::timeZone},
    {Tg::Email::GlobalObjId, &MeetingRequest::globalObjId},
}};

// MS-ASEMAIL 2.2.2.48 MeetingRequest; Recurrences, Categories and 14.0+ extras are skipped.
Result<MeetingRequest> decodeMeetingRequest(Element e) {
  MeetingRequest m;
  for (Element c : e.children()) {
    auto text = readTextField(c, MeetingText, m);
    if (!text) {
      return std::move(text).takeError();
    }
    if (*text) {
      continue;
    }
    Tag t = c.tag();
    if (t == Tg::Email::AllDayEvent) {
      CRADLE_TRY(readBool(c, m.allDayEvent));
    } else if (t == Tg::Email::InstanceType) {
      CRADLE_TRY(readUint(c, m.instanceType, 0, 4));
    } else if (t == Tg::Email::Reminder) {
      CRADLE_TRY(readUint(c, m.reminder));
    } else if (t == Tg::Email::ResponseRequested) {
      CRADLE_TRY(readBool(c, m.responseRequested));
    } else if (t == Tg::Email::Sensitivity) {
      CRADLE_TRY(readEnum(c, m.sensitivity, SensitivityValues));
    } else if (t == Tg::Email::BusyStatus) {
      CRADLE_TRY(readEnum(c, m.busyStatus, BusyStatusValues));
    }
  }
  return m;
}

void encodeMeetingRequest(WbxmlWriter& w, const MeetingRequest& m) {
  w.start(Tg::Email::MeetingRequest);
  writeOptional(w, Tg::Email::AllDayEvent, m.allDayEvent);
  writeTextFields(w, MeetingText, m);
  writeOptional(w, Tg::Email::InstanceType, m.instanceType);
  writeOptional(w, Tg::Email::Reminder, m.reminder);
  writeOptional(w, Tg::Email::ResponseRequested, m.responseRequested);
  writeEnum(w, Tg::Email::Sensitivity, m.sensitivity);
  writeEnum(w, Tg::Email::BusyStatus, m.busyStatus);
  w.end();
}

constexpr std::array<TextField<EmailFlag>, 9> FlagText = {{
    {Tg::Email::FlagType, &EmailFlag::flagType},
    {Tg::Email::CompleteTime, &EmailFlag::completeTime},
    {Tg::Tasks::StartDate, &EmailFlag::startDate},
    {Tg::Tasks::UtcStartDate, &EmailFlag::utcStartDate},
    {Tg::Tasks::DueDate, &EmailFlag::dueDate},
    {Tg::Tasks::UtcDueDate, &EmailFlag::utcDueDate},
    {Tg::Tasks::DateCompleted, &EmailFlag::dateCompleted},
    {Tg::Tasks::ReminderTime, &EmailFlag::reminderTime},
    {Tg::Tasks::Subject, &EmailFlag::subject},
}};

// MS-ASEMAIL 2.2.2.34 Flag.
Result<EmailFlag> decodeFlag(Element e) {
  EmailFlag f;
  for (Element c : e.children()) {
    auto text = readTextField(c, FlagText, f);
    if (!text) {
      return std::move(text).takeError();
    }
    if (*text) {
      continue;
    }
    if (c.tag() == Tg::Email::Status) {
      CRADLE_TRY(readUint(c, f.status, 0, 2));
    } else if (c.tag() == Tg::Tasks::ReminderSet) {
      CRADLE_TRY(readBool(c, f.reminderSet));
    }
  }
  return f;
}

void encodeFlag(WbxmlWriter& w, const EmailFlag& f) {
  if (f == EmailFlag{}) {
    w.empty(Tg::Email::Flag);  // MS-ASEMAIL 2.2.2.34: an empty Flag clears the flag
    return;
  }
  w.start(Tg::Email::Flag);
  writeOptional(w, Tg::Email::Status, f.status);
  writeTextFields(w, FlagText, f);
  writeOptional(w, Tg::Tasks::ReminderSet, f.reminderSet);
  w.end();
}

Result<EmailItem> decodeEmail(Element ad, ProtocolVersion v) {
  EmailItem m;
  BodyParts body;
  bool modern = atLeast(v, ProtocolVersion::V12_0);
  for (Element c : ad.children()) {
    auto text = readTextField(c, EmailText, m);
    if (!text) {
      return std::move(text).takeError();
    }
    if (*text) {
      continue;
    }
    auto inBody = body.take(c, EmailBodyTags, v);
    if (!inBody) {
      return std::move(inBody).takeError();
    }
    if (*inBody) {
      continue;
    }
    Tag t = c.tag();
    if (t == Tg::Email::Importance) {
      CRADLE_TRY(readEnum(c, m.importance, ImportanceValues));
    } else if (t == Tg::Email::Read) {
      CRADLE_TRY(readBool(c, m.read));
    } else if (t == Tg::Email::Categories) {
      CRADLE_TRY(readList(c, Tg::Email::Category, m.categories));
    } else if (t == Tg::Email::Attachments || t == Tg::AirSyncBase::Attachments) {
      // MS-ASAIRS 2.2.2.8: AirSyncBase:Attachments replaces Email:Attachments from 12.0 on.
      if ((t == Tg::AirSyncBase::Attachments) != modern) {
        return wrongVersion(c, v);
      }
      CRADLE_TRY(decodeAttachments(c, modern, m.attachments));
    } else if (t == Tg::Email::Flag) {
      if (m.flag) {
        return duplicateElement(c);
      }
      auto f = decodeFlag(c);
      if (!f) {
        return std::move(f).takeError();
      }
      m.flag = std::move(*f);
    } else if (t == Tg::Email::MeetingRequest) {
      if (m.meetingRequest) {
        return duplicateElement(c);
      }
      auto r = decodeMeetingRequest(c);
      if (!r) {
        return std::move(r).takeError();
      }
      m.meetingRequest = std::move(*r);
    }
  }
  m.body = body.result();
  return m;
}

void encodeEmail(WbxmlWriter& w, const EmailItem& m, ProtocolVersion v) {
  writeText(w, Tg::Email::To, m.to);
  writeText(w, Tg::Email::Cc, m.cc);
  writeText(w, Tg::Email::From, m.from);
  writeText(w, Tg::Email::ReplyTo, m.replyTo);
  writeText(w, Tg::Email::Subject, m.subject);
  writeText(w, Tg::Email::DateReceived, m.dateReceived);
  writeText(w, Tg::Email::DisplayTo, m.displayTo);
  writeText(w, Tg::Email::ThreadTopic, m.threadTopic);
  writeEnum(w, Tg::Email::Importance, m.importance);
  writeOptional(w, Tg::Email::Read, m.read);
  encodeAttachments(w, m.attachments, v);
  encodeBody(w, m.body, EmailBodyTags, v);
  writeText(w, Tg::Email::MessageClass, m.messageClass);
  if (m.meetingRequest) {
    encodeMeetingRequest(w, *m.meetingRequest);
  }
  writeText(w, Tg::Email::InternetCPID, m.internetCPID);
  if (m.flag) {
    encodeFlag(w, *m.flag);
  }
  writeText(w, Tg::Email::ContentClass, m.contentClass);
  writeList(w, Tg::Email::Categories, Tg::Email::Category, m.categories);
}

// ---------------------------------------------------------------------------------------------
// Contacts

constexpr std::array<TextField<ContactItem>, 48> ContactText = {{
    {Tg::Contacts::Anniversary, &ContactItem::anniversary},
    {Tg::Contacts::AssistantName, &ContactItem::assistantName},
    {Tg::Contacts::AssistantPhoneNumber, &ContactItem::assistantPhoneNumber},
    {Tg::Contacts::Birthday, &ContactItem::birthday},
    {Tg::Contacts::Business2PhoneNumber, &ContactItem::business2PhoneNumber},
    {Tg::Contacts::BusinessAddressCity, &ContactItem::businessCity},
    {Tg::Contacts::BusinessAddressCountry, &ContactItem::businessCountry},
    {Tg::Contacts::BusinessAddressPostalCode, &ContactItem::businessPostalCode},
    {Tg::Contacts::BusinessAddressState, &ContactItem::businessState},
    {Tg::Contacts::BusinessAddressStreet, &ContactItem::businessStreet},
    {Tg::Contacts::BusinessFaxNumber, &ContactItem::businessFaxNumber},
    {Tg::Contacts::BusinessPhoneNumber, &ContactItem::businessPhoneNumber},
    {Tg::Contacts::CarPhoneNumber, &ContactItem::carPhoneNumber},
    {Tg::Contacts::CompanyName, &ContactItem::companyName},
    {Tg::Contacts::Department, &ContactItem::department},
    {Tg::Contacts::Email1Address, &ContactItem::email1Address},
    {Tg::Contacts::Email2Address, &ContactItem::email2Address},
    {Tg::Contacts::Email3Address, &ContactItem::email3Address},
    {Tg::Contacts::FileAs, &ContactItem::fileAs},
    {Tg::Contacts::FirstName, &ContactItem::firstName},
    {Tg::Contacts::Home2PhoneNumber, &ContactItem::home2PhoneNumber},
    {Tg::Contacts::HomeAddressCity, &ContactItem::homeCity},
    {Tg::Contacts::HomeAddressCountry, &ContactItem::homeCountry},
    {Tg::Contacts::HomeAddressPostalCode, &ContactItem::homePostalCode},
    {Tg::Contacts::HomeAddressState, &ContactItem::homeState},
    {Tg::Contacts::HomeAddressStreet, &ContactItem::homeStreet},
    {Tg::Contacts::HomeFaxNumber, &ContactItem::homeFaxNumber},
    {Tg::Contacts::HomePhoneNumber, &ContactItem::homePhoneNumber},
    {Tg::Contacts::JobTitle, &ContactItem::jobTitle},
    {Tg::Contacts::LastName, &ContactItem::lastName},
    {Tg::Contacts::MiddleName, &ContactItem::middleName},
    {Tg::Contacts::MobilePhoneNumber, &ContactItem::mobilePhoneNumber},
    {Tg::Contacts::OfficeLocation, &ContactItem::officeLocation},
    {Tg::Contacts::OtherAddressCity, &ContactItem::otherCity},
    {Tg::Contacts::OtherAddressCountry, &ContactItem::otherCountry},
    {Tg::Contacts::OtherAddressPostalCode, &ContactItem::otherPostalCode},
    {Tg::Contacts::OtherAddressState, &ContactItem::otherState},
    {Tg::Contacts::OtherAddressStreet, &ContactItem::otherStreet},
    {Tg::Contacts::PagerNumber, &ContactItem::pagerNumber},
    {Tg::Contacts::RadioPhoneNumber, &ContactItem::radioPhoneNumber},
    {Tg::Contacts::Spouse, &ContactItem::spouse},
    {Tg::Contacts::Suffix, &ContactItem::suffix},
    {Tg::Contacts::Title, &ContactItem::title},
    {Tg::Contacts::WebPage, &ContactItem::webPage},
    {Tg::Contacts::YomiCompanyName, &ContactItem::yomiCompanyName},
    {Tg::Contacts::YomiFirstName, &ContactItem::yomiFirstName},
    {Tg::Contacts::YomiLastName, &ContactItem::yomiLastName},
    {Tg::Contacts::Picture, &ContactItem::picture},
}};

Result<ContactItem> decodeContact(Element ad, ProtocolVersion v) {
  ContactItem m;
  BodyParts body;
  for (Element c : ad.children()) {
    auto text = readTextField(c, ContactText, m);
    if (!text) {
      return std::move(text).takeError();
    }
    if (*text) {
      continue;
    }
    auto inBody = body.take(c, ContactsBodyTags, v);
    if (!inBody) {
      return std::move(inBody).takeError();
    }
    if (*inBody) {
      continue;
    }
    Tag t = c.tag();
    if (t == Tg::Contacts::Categories) {
      CRADLE_TRY(readList(c, Tg::Contacts::Category, m.categories));
    } else if (t == Tg::Contacts::Children) {
      CRADLE_TRY(readList(c, Tg::Contacts::Child, m.children));
    }
  }
  m.body = body.result();
  return m;
}

void encodeContact(WbxmlWriter& w, const ContactItem& m, ProtocolVersion v) {
  writeTextFields(w, ContactText, m);
  writeList(w, Tg::Contacts::Categories, Tg::Contacts::Category, m.categories);
  writeList(w, Tg::Contacts::Children, Tg::Contacts::Child, m.children);
  encodeBody(w, m.body, ContactsBodyTags, v);
}

// ---------------------------------------------------------------------------------------------
// Calendar

// MS-ASCAL 2.2.2.29 MeetingStatus.
constexpr std::initializer_list<uint32_t> MeetingStatusValues = {0, 1, 3, 5, 7, 9, 11, 13, 15};

Result<Attendee> decodeAttendee(Element e) {
  Attendee a;
  std::optional<std::string> email;
  std::optional<std::string> name;
  for (Element c : e.children()) {
    Tag t = c.tag();
    if (t == Tg::Calendar::Email) {
      CRADLE_TRY(readText(c, email));
    } else if (t == Tg::Calendar::Name) {
      CRADLE_TRY(readText(c, name));
    } else if (t == Tg::Calendar::AttendeeStatus) {
      CRADLE_TRY(readEnum(c, a.attendeeStatus, {0, 2, 3, 4, 5}));  // MS-ASCAL 2.2.2.4
    } else if (t == Tg::Calendar::AttendeeType) {
      CRADLE_TRY(readEnum(c, a.attendeeType, {1, 2, 3}));  // MS-ASCAL 2.2.2.5
    }
  }
  if (!email) {
    return missingElement(e, Tg::Calendar::Email);
  }
  a.email = std::move(*email);
  a.name = name.value_or(std::string());
  return a;
}

Status decodeAttendees(Element e, std::vector<Attendee>& out) {
  if (!out.empty()) {
    return duplicateElement(e);
  }
  for (Element c : e.children()) {
    if (!(c.tag() == Tg::Calendar::Attendee)) {
      return unexpectedElement(c, qualifiedName(e.tag()));
    }
    auto a = decodeAttendee(c);
    if (!a) {
      return std::move(a).takeError();
    }
    out.push_back(std::move(*a));
  }
  return {};
}

void encodeAttendees(WbxmlWriter& w, const std::vector<Attendee>& list) {
  if (list.empty()) {
    return;
  }
  w.start(Tg::Calendar::Attendees);
  for (const Attendee& a : list) {
    w.start(Tg::Calendar::Attendee);
    w.element(Tg::Calendar::Email, a.email);
    w.element(Tg::Calendar::Name, a.name);
    writeEnum(w, Tg::Calendar::AttendeeStatus, a.attendeeStatus);
    writeEnum(w, Tg::Calendar::AttendeeType, a.attendeeType);
    w.end();
  }
  w.end();
}

constexpr std::array<TextField<CalendarException>, 5> ExceptionText = {{
    {Tg::Calendar::Subject, &CalendarException::subject},
    {Tg::Calendar::StartTime, &CalendarException::startTime},
    {Tg::Calendar::EndTime, &CalendarException::endTime},
    {Tg::Calendar::DtStamp, &CalendarException::dtStamp},
    {Tg::Calendar::Location, &CalendarException::location},
}};

// MS-ASCAL 2.2.2.19 Exception.
Result<CalendarException> decodeException(Element e, ProtocolVersion v) {
  CalendarException x;
  BodyParts body;
  std::optional<std::string> start;
  for (Element c : e.children()) {
    auto text = readTextField(c, ExceptionText, x);
    if (!text) {
      return std::move(text).takeError();
    }
    if (*text) {
      continue;
    }
    auto inBody = body.take(c, CalendarBodyTags, v);
    if (!inBody) {
      return std::move(inBody).takeError();
    }
    if (*inBody) {
      continue;
    }
    Tag t = c.tag();
    if (t == Tg::Calendar::ExceptionStartTime) {
      CRADLE_TRY(readText(c, start));
    } else if (t == Tg::Calendar::Deleted) {
      CRADLE_TRY(readBool(c, x.deleted));
    } else if (t == Tg::Calendar::Categories) {
      CRADLE_TRY(readList(c, Tg::Calendar::Category, x.categories));
    } else if (t == Tg::Calendar::Sensitivity) {
      CRADLE_TRY(readEnum(c, x.sensitivity, SensitivityValues));
    } else if (t == Tg::Calendar::BusyStatus) {
      CRADLE_TRY(readEnum(c, x.busyStatus, BusyStatusValues));
    } else if (t == Tg::Calendar::AllDayEvent) {
      CRADLE_TRY(readBool(c, x.allDayEvent));
    } else if (t == Tg::Calendar::Reminder) {
      CRADLE_TRY(readUint(c, x.reminder));
    } else if (t == Tg::Calendar::MeetingStatus) {
      CRADLE_TRY(readOneOf(c, x.meetingStatus, MeetingStatusValues));
    } else if (t == Tg::Calendar::Attendees) {
      CRADLE_TRY(decodeAttendees(c, x.attendees));
    }
  }
  if (!start) {
    return missingElement(e, Tg::Calendar::ExceptionStartTime);
  }
  x.exceptionStartTime = std::move(*start);
  x.body = body.result();
  return x;
}

void encodeException(WbxmlWriter& w, const CalendarException& x, ProtocolVersion v) {
  w.start(Tg::Calendar::Exception);
  writeOptional(w, Tg::Calendar::Deleted, x.deleted);
  w.element(Tg::Calendar::ExceptionStartTime, x.exceptionStartTime);
  writeTextFields(w, ExceptionText, x);
  writeList(w, Tg::Calendar::Categories, Tg::Calendar::Category, x.categories);
  writeEnum(w, Tg::Calendar::Sensitivity, x.sensitivity);
  writeEnum(w, Tg::Calendar::BusyStatus, x.busyStatus);
  writeOptional(w, Tg::Calendar::AllDayEvent, x.allDayEvent);
  writeOptional(w, Tg::Calendar::Reminder, x.reminder);
  writeOptional(w, Tg::Calendar::MeetingStatus, x.meetingStatus);
  encodeAttendees(w, x.attendees);
  encodeBody(w, x.body, CalendarBodyTags, v);
  w.end();
}

constexpr std::array<TextField<CalendarItem>, 10> CalendarText = {{
    {Tg::Calendar::Timezone, &CalendarItem::timeZone},
    {Tg::Calendar::StartTime, &CalendarItem::startTime},
    {Tg::Calendar::EndTime, &CalendarItem::endTime},
    {Tg::Calendar::DtStamp, &CalendarItem::dtStamp},
    {Tg::Calendar::Subject, &CalendarItem::subject},
    {Tg::Calendar::Location, &CalendarItem::location},
    {Tg::Calendar::UID, &CalendarItem::uid},
    {Tg::Calendar::OrganizerName, &CalendarItem::organizerName},
    {Tg::Calendar::OrganizerEmail, &CalendarItem::organizerEmail},
    {Tg::Calendar::AppointmentReplyTime, &CalendarItem::appointmentReplyTime},
}};

Result<CalendarItem> decodeCalendar(Element ad, ProtocolVersion v) {
  CalendarItem m;
  BodyParts body;
  bool exceptionsSeen = false;
  for (Element c : ad.children()) {
    auto text = readTextField(c, CalendarText, m);
    if (!text) {
      return std::move(text).takeError();
    }
    if (*text) {
      continue;
    }
    auto inBody = body.take(c, CalendarBodyTags, v);
    if (!inBody) {
      return std::move(inBody).takeError();
    }
    if (*inBody) {
      continue;
    }
    Tag t = c.tag();
    if (t == Tg::Calendar::AllDayEvent) {
      CRADLE_TRY(readBool(c, m.allDayEvent));
    } else if (t == Tg::Calendar::Attendees) {
      CRADLE_TRY(decodeAttendees(c, m.attendees));
    } else if (t == Tg::Calendar::Recurrence) {
      if (m.recurrence) {
        return duplicateElement(c);
      }
      auto r = decodeRecurrence(c, CalendarRecurrenceTags);
      if (!r) {
        return std::move(r).takeError();
      }
      m.recurrence = std::move(*r);
    } else if (t == Tg::Calendar::Exceptions) {
      if (exceptionsSeen) {
        return duplicateElement(c);
      }
      exceptionsSeen = true;
      for (Element x : c.children()) {
        if (!(x.tag() == Tg::Calendar::Exception)) {
          return unexpectedElement(x, qualifiedName(c.tag()));
        }
        auto ex = decodeException(x, v);
        if (!ex) {
          return std::move(ex).takeError();
        }
        m.exceptions.push_back(std::move(*ex));
      }
    } else if (t == Tg::Calendar::Reminder) {
      CRADLE_TRY(readUint(c, m.reminder));
    } else if (t == Tg::Calendar::BusyStatus) {
      CRADLE_TRY(readEnum(c, m.busyStatus, BusyStatusValues));
    } else if (t == Tg::Calendar::Sensitivity) {
      CRADLE_TRY(readEnum(c, m.sensitivity, SensitivityValues));
    } else if (t == Tg::Calendar::MeetingStatus) {
      CRADLE_TRY(readOneOf(c, m.meetingStatus, MeetingStatusValues));
    } else if (t == Tg::Calendar::Categories) {
      CRADLE_TRY(readList(c, Tg::Calendar::Category, m.categories));
    } else if (t == Tg::Calendar::ResponseRequested) {
      CRADLE_TRY(readBool(c, m.responseRequested));
    } else if (t == Tg::Calendar::ResponseType) {
      CRADLE_TRY(readUint(c, m.responseType, 0, 5));  // MS-ASCAL 2.2.2.40
    } else if (t == Tg::Calendar::DisallowNewTimeProposal) {
      CRADLE_TRY(readBool(c, m.disallowNewTimeProposal));
    }
  }
  m.body = body.result();
  return m;
}

void encodeCalendar(WbxmlWriter& w, const CalendarItem& m, ProtocolVersion v) {
  writeText(w, Tg::Calendar::Timezone, m.timeZone);
  writeOptional(w, Tg::Calendar::AllDayEvent, m.allDayEvent);
  encodeBody(w, m.body, CalendarBodyTags, v);
  writeEnum(w, Tg::Calendar::BusyStatus, m.busyStatus);
  writeText(w, Tg::Calendar::OrganizerName, m.organizerName);
  writeText(w, Tg::Calendar::OrganizerEmail, m.organizerEmail);
  writeText(w, Tg::Calendar::DtStamp, m.dtStamp);
  writeText(w, Tg::Calendar::EndTime, m.endTime);
  writeText(w, Tg::Calendar::Location, m.location);
  writeOptional(w, Tg::Calendar::Reminder, m.reminder);
  writeEnum(w, Tg::Calendar::Sensitivity, m.sensitivity);
  writeText(w, Tg::Calendar::Subject, m.subject);
  writeText(w, Tg::Calendar::StartTime, m.startTime);
  writeText(w, Tg::Calendar::UID, m.uid);
  writeOptional(w, Tg::Calendar::MeetingStatus, m.meetingStatus);
  encodeAttendees(w, m.attendees);
  writeList(w, Tg::Calendar::Categories, Tg::Calendar::Category, m.categories);
  encodeRecurrence(w, m.recurrence, CalendarRecurrenceTags);
  if (!m.exceptions.empty()) {
    w.start(Tg::Calendar::Exceptions);
    for (const CalendarException& x : m.exceptions) {
      encodeException(w, x, v);
    }
    w.end();
  }
  writeOptional(w, Tg::Calendar::ResponseRequested, m.responseRequested);
  writeText(w, Tg::Calendar::AppointmentReplyTime, m.appointmentReplyTime);
  writeOptional(w, Tg::Calendar::ResponseType, m.responseType);
  writeOptional(w, Tg::Calendar::DisallowNewTimeProposal, m.disallowNewTimeProposal);
}

// ---------------------------------------------------------------------------------------------
// Tasks

constexpr std::array<TextField<TaskItem>, 7> TaskText = {{
    {Tg::Tasks::Subject, &TaskItem::subject},
    {Tg::Tasks::StartDate, &TaskItem::startDate},
    {Tg::Tasks::UtcStartDate, &TaskItem::utcStartDate},
    {Tg::Tasks::DueDate, &TaskItem::dueDate},
    {Tg::Tasks::UtcDueDate, &TaskItem::utcDueDate},
    {Tg::Tasks::DateCompleted, &TaskItem::dateCompleted},
    {Tg::Tasks::ReminderTime, &TaskItem::reminderTime},
}};

Result<TaskItem> decodeTask(Element ad, ProtocolVersion v) {
  TaskItem m;
  BodyParts body;
  for (Element c : ad.children()) {
    auto text = readTextField(c, TaskText, m);
    if (!text) {
      return std::move(text).takeError();
    }
    if (*text) {
      continue;
    }
    auto inBody = body.take(c, TasksBodyTags, v);
    if (!inBody) {
      return std::move(inBody).takeError();
    }
    if (*inBody) {
      continue;
    }
    Tag t = c.tag();
    if (t == Tg::Tasks::Complete) {
      CRADLE_TRY(readBool(c, m.complete));
    } else if (t == Tg::Tasks::Importance) {
      CRADLE_TRY(readEnum(c, m.importance, ImportanceValues));
    } else if (t == Tg::Tasks::ReminderSet) {
      CRADLE_TRY(readBool(c, m.reminderSet));
    } else if (t == Tg::Tasks::Sensitivity) {
      CRADLE_TRY(readEnum(c, m.sensitivity, SensitivityValues));
    } else if (t == Tg::Tasks::Categories) {
      CRADLE_TRY(readList(c, Tg::Tasks::Category, m.categories));
    } else if (t == Tg::Tasks::Recurrence) {
      if (m.recurrence) {
        return duplicateElement(c);
      }
      auto r = decodeRecurrence(c, TasksRecurrenceTags);
      if (!r) {
        return std::move(r).takeError();
      }
      m.recurrence = std::move(*r);
    }
  }
  m.body = body.result();
  return m;
}

void encodeTask(WbxmlWriter& w, const TaskItem& m, ProtocolVersion v) {
  encodeBody(w, m.body, TasksBodyTags, v);
  writeList(w, Tg::Tasks::Categories, Tg::Tasks::Category, m.categories);
  writeOptional(w, Tg::Tasks::Complete, m.complete);
  writeText(w, Tg::Tasks::DateCompleted, m.dateCompleted);
  writeText(w, Tg::Tasks::DueDate, m.dueDate);
  writeText(w, Tg::Tasks::UtcDueDate, m.utcDueDate);
  writeEnum(w, Tg::Tasks::Importance, m.importance);
  encodeRecurrence(w, m.recurrence, TasksRecurrenceTags);
  writeOptional(w, Tg::Tasks::ReminderSet, m.reminderSet);
  writeText(w, Tg::Tasks::ReminderTime, m.reminderTime);
  writeEnum(w, Tg::Tasks::Sensitivity, m.sensitivity);
  writeText(w, Tg::Tasks::StartDate, m.startDate);
  writeText(w, Tg::Tasks::UtcStartDate, m.utcStartDate);
  writeText(w, Tg::Tasks::Subject, m.subject);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public functions

std::string_view toString(ItemClass c) {
  switch (c) {
    case ItemClass::Email:
      return "Email";
    case ItemClass::Contacts:
      return "Contacts";
    case ItemClass::Calendar:
      return "Calendar";
    case ItemClass::Tasks:
      return "Tasks";
    case ItemClass::Notes:
      return "Notes";
  }
  return {};
}

std::optional<ItemClass> parseItemClass(std::string_view s) {
  for (ItemClass c : {ItemClass::Email, ItemClass::Contacts, ItemClass::Calendar, ItemClass::Tasks,
                      ItemClass::Notes}) {
    if (toString(c) == s) {
      return c;
    }
  }
  return std::nullopt;
}

ItemClass itemClassOf(const ApplicationData& data) {
  switch (data.index()) {
    case 0:
      return ItemClass::Email;
    case 1:
      return ItemClass::Contacts;
    case 2:
      return ItemClass::Calendar;
    default:
      return ItemClass::Tasks;
  }
}

std::optional<ItemClass> inferItemClass(Element applicationData) {
  for (Element c : applicationData.children()) {
    uint8_t page = c.tag().page();
    if (page == Tg::Email::PageNumber) {
      return ItemClass::Email;
    }
    if (page == Tg::Contacts::PageNumber) {
      return ItemClass::Contacts;
    }
    if (page == Tg::Calendar::PageNumber) {
      return ItemClass::Calendar;
    }
    if (page == Tg::Tasks::PageNumber) {
      return ItemClass::Tasks;
    }
  }
  return std::nullopt;
}

void encodeBodyPreference(WbxmlWriter& w, const BodyPreference& p) {
  // MS-ASAIRS 2.2.2.7 BodyPreference: Type, TruncationSize, AllOrNone, Preview.
  w.start(Tg::AirSyncBase::BodyPreference);
  w.element(Tg::AirSyncBase::Type, uint64_t{static_cast<uint8_t>(p.type)});
  writeOptional(w, Tg::AirSyncBase::TruncationSize, p.truncationSize);
  writeOptional(w, Tg::AirSyncBase::AllOrNone, p.allOrNone);
  writeOptional(w, Tg::AirSyncBase::Preview, p.preview);
  w.end();
}

Result<BodyPreference> decodeBodyPreference(Element e) {
  BodyPreference p;
  std::optional<BodyType> type;
  for (Element c : e.children()) {
    Tag t = c.tag();
    if (t == Tg::AirSyncBase::Type) {
      CRADLE_TRY(readEnum(c, type, {1, 2, 3, 4}));
    } else if (t == Tg::AirSyncBase::TruncationSize) {
      CRADLE_TRY(readUint(c, p.truncationSize));
    } else if (t == Tg::AirSyncBase::AllOrNone) {
      CRADLE_TRY(readBool(c, p.allOrNone));
    } else if (t == Tg::AirSyncBase::Preview) {
      CRADLE_TRY(readUint(c, p.preview, 0, 255));  // MS-ASAIRS 2.2.2.35.1
    } else {
      return unexpectedElement(c, qualifiedName(e.tag()));
    }
  }
  if (!type) {
    return missingElement(e, Tg::AirSyncBase::Type);
  }
  p.type = *type;
  return p;
}

void encodeApplicationData(WbxmlWriter& w, const ApplicationData& data, ProtocolVersion version) {
  switch (data.index()) {
    case 0:
      encodeEmail(w, std::get<EmailItem>(data), version);
      break;
    case 1:
      encodeContact(w, std::get<ContactItem>(data), version);
      break;
    case 2:
      encodeCalendar(w, std::get<CalendarItem>(data), version);
      break;
    default:
      encodeTask(w, std::get<TaskItem>(data), version);
      break;
  }
}

template <class T>
static Result<ApplicationData> wrap(Result<T> r) {
  if (!r) {
    return std::move(r).takeError();
  }
  return ApplicationData(std::move(*r));
}

Result<ApplicationData> decodeApplicationData(Element applicationData, ItemClass itemClass,
                                              ProtocolVersion version) {
  switch (itemClass) {
    case ItemClass::Email:
      return wrap(decodeEmail(applicationData, version));
    case ItemClass::Contacts:
      return wrap(decodeContact(applicationData, version));
    case ItemClass::Calendar:
      return wrap(decodeCalendar(applicationData, version));
    case ItemClass::Tasks:
      return wrap(decodeTask(applicationData, version));
    case ItemClass::Notes:
      break;
  }
  return badValue(applicationData,
                  "class " + std::string(toString(itemClass)) + " has no typed application data");
}

#undef CRADLE_TRY

}  // namespace cradle::eas

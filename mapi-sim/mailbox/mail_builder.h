// E-mail items from MIME and back: builds a message for deliverMail and derives EmailItem fields.
#pragma once

#include <string>

#include "eas/message/app_data.h"
#include "mapi-sim/mailbox/mailbox.h"

namespace mapisim {

// A text/plain message from mail's subject/body/from/to (To defaults to userEmail, From to
// the simulator's postmaster); Date is `at`. Non-ASCII subjects and names become RFC 2047
// words; a body that is not plain ASCII with short lines goes as quoted-printable.
std::string buildMime(const NewMail& mail, const std::string& userEmail, UnixMillis at);

// Fills every field of `email` that is unset (and, for lists, empty) from the MIME message:
// To, Cc, From, Reply-To, Subject, ThreadTopic, DisplayTo, Importance (Importance or
// X-Priority), MessageClass IPM.Note, InternetCPID 65001, ContentClass, DateReceived (from
// `receivedAt`), the text body as a PlainText Body, and the attachments with FileReference
// "<serverId>:<n>". Never fails: a malformed message gives what could be read.
void completeFromMime(cradle::eas::EmailItem& email, const std::string& mime,
                      const std::string& serverId, UnixMillis receivedAt);

// EAS date-time with milliseconds in UTC: "2026-11-25T09:26:27.123Z" (MS-ASDTYPE 2.3).
std::string formatEasTime(UnixMillis at);

}  // namespace mapisim

// Small helpers the data command handlers share: dates, class lookup, folder kinds.
#pragma once

#include <string>

#include "eas/message/sync.h"
#include "mapi-sim/handlers/command.h"

namespace mapisim {

// "2006-05-01T20:15:15.000Z" (MS-ASDTYPE 2.3 dateTime, as Email:DateReceived uses it).
std::string isoDateTime(UnixMillis t);
// "Mon, 01 May 2006 20:15:15 +0000" (RFC 5322 3.3 Date header).
std::string rfc5322Date(UnixMillis t);

// CollectionId -> the class of that folder of the user, for decoding 12.1+ requests.
cradle::eas::CollectionClassLookup classLookup(const Mailbox& mailbox, int64_t userId);

// The default folders addUser creates (Inbox .. Notes, Journal, RI): not renamed or deleted.
bool isDefaultFolder(FolderType type);

// 14.0+ reports SendMail/SmartReply/SmartForward failures in a Status element of a WBXML body;
// up to 12.1 those commands have no response body and fail with an HTTP status.
bool statusInBody(cradle::eas::ProtocolVersion v);

}  // namespace mapisim

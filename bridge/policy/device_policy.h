// Per-device policy on relayed EAS messages: data-type filters and e-mail limits.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/store/store.h"
#include "eas/message/folder_sync.h"
#include "eas/message/ping.h"
#include "eas/message/sync.h"
#include "eas/version.h"

namespace cradle::bridge {

// The data type a FolderSync folder type belongs to (MS-ASCMD 2.2.3.186.3): Email 1-6 and 12,
// Tasks 7 and 15, Calendar 8 and 13, Contacts 9 and 14; none for the rest (notes, journal,
// unknown, recipient cache), which no data-type choice removes.
std::optional<DataType> dataTypeOf(eas::FolderType type);
std::optional<DataType> dataTypeOf(eas::ItemClass itemClass);

// Folder id -> folder type of one device, learned from the FolderSync answers relayed to it.
using FolderTypes = std::map<std::string, eas::FolderType>;

// A FolderSync answer with the folders of unselected data types removed (Count follows the
// encoder). Adds and updates of every folder are recorded in `types` (deletes are erased) before
// filtering. nullopt: nothing to change (all selected, not a success, or not decodable: passed
// on as it is, the device reports what it cannot read).
std::optional<std::string> filterFolderSync(std::string_view body, uint8_t dataTypes,
                                            FolderTypes& types);

// The Ping folders whose class is selected (Notes and unknown classes stay).
std::vector<eas::PingFolder> filterPingFolders(const std::vector<eas::PingFolder>& folders,
                                               uint8_t dataTypes);

// E-mail limits as Sync Options values. Each is an upper bound: a device asking for less keeps
// its own choice.
eas::FilterType filterTypeFor(EmailPastDays days);                // MS-ASCMD 2.2.3.68.2
uint32_t truncationCodeFor(EmailSizeLimit limit);                 // 2.5 Truncation, 0..9
std::optional<uint32_t> truncationSizeFor(EmailSizeLimit limit);  // 12.0+; nullopt: entire

// Rewrites the Options of the e-mail collections of a Sync request body (a collection is
// e-mail when its Class says so, else when `types` knows its folder as e-mail): FilterType at
// most pastDays; 2.5 Truncation, 12.0+ BodyPreference TruncationSize at most sizeLimit (a
// BodyPreference Type 1 is added when the device sent none). Collections of other classes and
// the rest of the request are re-encoded unchanged. nullopt: nothing to change (an empty body
// is the cached request; an undecodable one goes upstream as it is, the server refuses it).
std::optional<std::string> rewriteSyncOptions(std::string_view body, eas::ProtocolVersion version,
                                              const EmailLimits& limits, const FolderTypes& types);

// ItemOperations with attachment Fetches (AirSyncBase:FileReference) while attachments are off:
// the answer given locally (MS-ASCMD 2.2.3.177.8 status 16, access denied, for each attachment
// Fetch; any other operation of the same request gets status 3, so the device retries it on its
// own). nullopt: no attachment Fetch, or not decodable (the server answers it).
std::optional<std::string> refuseAttachmentFetches(std::string_view body,
                                                   eas::ProtocolVersion version);

// An ItemOperations answer with attachment Fetches whose Properties Total is above maxBytes
// replaced by status 11 (data too large) without their data. nullopt: nothing above the cap, or
// a multipart or undecodable answer (passed on as it is).
std::optional<std::string> capAttachmentFetches(std::string_view body, eas::ProtocolVersion version,
                                                uint32_t maxBytes);

}  // namespace cradle::bridge

// Turns a stored item into the ApplicationData a device asked for: body form, truncation,
// attachments (MS-ASCMD 2.2.3.178 Truncation, MS-ASAIRS 2.2.2.7 BodyPreference).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eas/message/app_data.h"
#include "eas/message/sync.h"
#include "eas/version.h"
#include "mapi-sim/mailbox/mailbox.h"

namespace mapisim {

// What the device asked for, from Sync Options or ItemOperations Fetch Options.
struct BodyRequest {
  std::vector<cradle::eas::BodyPreference> bodyPreferences;  // 12.0+
  std::optional<uint32_t> truncation;                        // 2.5: Truncation 0..9
  std::optional<cradle::eas::MimeSupport> mimeSupport;
  std::optional<uint32_t> mimeTruncation;  // MIMETruncation 0..8

  static BodyRequest from(const cradle::eas::SyncOptions& o);
};

// The item as the device receives it in a Sync Add/Change, a Sync Fetch or an ItemOperations
// Fetch. E-mail: the stored fields, a body chosen and cut per `request` from the MIME message
// (plain text, HTML, or the MIME itself) and the attachments found in the MIME, each with a
// FileReference (see fileReference()). Other classes: the stored record with its body cut to the
// requested size. Never fails: an item without MIME gets the body stored with it.
cradle::eas::ApplicationData renderItem(const ItemRecord& item, const BodyRequest& request,
                                        cradle::eas::ProtocolVersion version);

// FileReference of an e-mail's n-th attachment (0-based, in mime::attachments() order):
// "<ServerId>:<n>", e.g. "5:12:0". parseFileReference is its inverse (nullopt when malformed).
std::string fileReference(const std::string& serverId, std::size_t index);
std::optional<std::pair<std::string, std::size_t>> parseFileReference(std::string_view ref);

// MS-ASCMD 2.2.3.178: 2.5 Truncation 0..8 as bytes (0: no body text); 9 and absent: no limit.
std::optional<std::size_t> truncationBytes(std::optional<uint32_t> truncation);
// MS-ASCMD 2.2.3.111: MIMETruncation 0..7 as bytes; 8 and absent: no limit.
std::optional<std::size_t> mimeTruncationBytes(std::optional<uint32_t> mimeTruncation);
// The longest prefix of `text` of at most `limit` bytes that does not split a UTF-8 sequence.
std::string_view truncateUtf8(std::string_view text, std::size_t limit);

}  // namespace mapisim

// What an EAS command handler receives and returns. Handlers are synchronous functions called on
// a worker thread (Ping is the exception: see server/push_hub.h); they never touch sockets.
#pragma once

#include <string>
#include <string_view>
#include <optional>
#include <vector>

#include "eas/http/request.h"
#include "eas/http/status.h"
#include "eas/version.h"
#include "mapi-sim/mailbox/mailbox.h"
#include "mapi-sim/policy/server_settings.h"

namespace mapisim {

struct CommandContext {
  const cradle::eas::EasRequest& request;  // parsed request line + headers
  cradle::eas::ProtocolVersion version;    // negotiated (checked against the server's list)
  std::string_view body;                   // the request body (WBXML, or MIME for 12.x SendMail)
  const UserRecord& user;                  // authenticated
  DeviceRecord& device;                    // touched; a handler that changes it calls saveDevice
  Mailbox& mailbox;
  const ServerSettings& settings;
  UnixMillis now;
};

struct CommandReply {
  cradle::eas::HttpOutcome outcome;  // 200 unless the command fails at the HTTP level
  std::string body;                  // WBXML, or empty
  std::string contentType = "application/vnd.ms-sync.wbxml";
};

inline CommandReply wbxmlReply(std::string body) {
  CommandReply r;
  r.body = std::move(body);
  return r;
}
inline CommandReply httpReply(cradle::eas::HttpStatus status) {
  CommandReply r;
  r.outcome.status = status;
  r.contentType.clear();
  return r;
}

// One handler per command (handlers/<command>.cpp).
CommandReply handleFolderSync(CommandContext& ctx);
CommandReply handleFolderCreate(CommandContext& ctx);
CommandReply handleFolderUpdate(CommandContext& ctx);
CommandReply handleFolderDelete(CommandContext& ctx);
CommandReply handleSync(CommandContext& ctx);
CommandReply handleGetItemEstimate(CommandContext& ctx);
CommandReply handleMoveItems(CommandContext& ctx);
CommandReply handleItemOperations(CommandContext& ctx);
CommandReply handleSendMail(CommandContext& ctx);     // SendMail, SmartReply, SmartForward
CommandReply handleGetAttachment(CommandContext& ctx);  // <= 12.1: AttachmentName in the query
CommandReply handleProvision(CommandContext& ctx);
CommandReply handleSettings(CommandContext& ctx);

// Provisioning gate used by the dispatcher before every command but Provision (and OPTIONS):
// nullopt when the request's policy key is acceptable; otherwise the reply to send
// (449 for <= 12.1, a 200 with the command's Status 142/143/144 for 14.0+; or 403 when the
// device is refused). Also delivers a pending RemoteWipe (449 / status 140 -> Provision).
std::optional<CommandReply> checkProvisioning(CommandContext& ctx);

// Ping support used by server/push_hub: the folders of `request` that have changes the device
// has not synced yet (compares Mailbox::folderChangeSeq with the device's Sync state).
std::vector<std::string> foldersWithPendingChanges(Mailbox& mailbox, const DeviceRecord& device,
                                                   const std::vector<std::string>& serverIds);

}  // namespace mapisim

// The EAS command table: wire names, base64 command codes, minimum versions, provisioning rule.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "eas/version.h"

namespace cradle::eas {

// Every command a request line can name. Values 0..23 are the base64 command codes of
// MS-ASHTTP 2.2.1.1.1.1.2 (they go on the wire); the legacy commands that have no base64 code
// (they exist only in the plain query and in MS-ASProtocolCommands) are numbered from 0x80.
enum class Command : uint8_t {
  Sync = 0,
  SendMail = 1,
  SmartForward = 2,
  SmartReply = 3,
  GetAttachment = 4,
  // 5..8 are unassigned in the base64 code table.
  FolderSync = 9,
  FolderCreate = 10,
  FolderDelete = 11,
  FolderUpdate = 12,
  MoveItems = 13,
  GetItemEstimate = 14,
  MeetingResponse = 15,
  Search = 16,
  Settings = 17,
  Ping = 18,
  ItemOperations = 19,
  Provision = 20,
  ResolveRecipients = 21,
  ValidateCert = 22,
  Find = 23,
  // Legacy (EAS 1.0/2.x) commands, still listed in Exchange 2010's MS-ASProtocolCommands.
  GetHierarchy = 0x80,
  CreateCollection = 0x81,
  DeleteCollection = 0x82,
  MoveCollection = 0x83,
};

// One row of the command table (the shape of Z-Push's $supportedCommands).
struct CommandInfo {
  Command command;
  std::string_view name;       // as in Cmd=<name> and in MS-ASProtocolCommands
  bool hasCode;                // false for the legacy commands: plain query only
  ProtocolVersion minVersion;  // first protocol version that has the command
  bool allowedUnprovisioned;   // a server lets it through without a current policy key
};

// The whole table, in the order Exchange lists MS-ASProtocolCommands (then Find).
std::span<const CommandInfo> allCommands();
const CommandInfo& commandInfo(Command c);

std::string_view toString(Command c);  // "FolderSync"
// Case-insensitive ASCII match of a command name ("Sync", "sync"); nullopt when unknown.
std::optional<Command> parseCommandName(std::string_view name);
// Base64 command code <-> command; nullopt for codes 5..8, > 23 and for legacy commands.
std::optional<Command> commandFromCode(uint8_t code);
std::optional<uint8_t> commandCode(Command c);

// The command exists in protocol version v.
bool commandSupported(Command c, ProtocolVersion v);
// The command may be run before the device holds a current policy key.
bool allowedBeforeProvisioning(Command c);
// The commands a server speaking up to `highest` lists in MS-ASProtocolCommands (table order).
std::vector<Command> commandsForVersion(ProtocolVersion highest);

}  // namespace cradle::eas

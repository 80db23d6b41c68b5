// The EAS command table.
#include "eas/http/commands.h"

#include <array>

#include "eas/ascii.h"

namespace cradle::eas {
namespace {

using V = ProtocolVersion;

// Minimum versions after Z-Push's $supportedCommands (zpush.php) and MS-ASCMD: commands Z-Push
// dates to 1.0/2.0 get 2.5 here, the lowest version this library speaks. Settings and
// ItemOperations are 12.0+ (MS-ASCMD 2.2.1.18, 2.2.1.10), Find is 16.1 (MS-ASCMD 2.2.1.2).
// allowedUnprovisioned: MS-ASPROV 3.1.5.1 makes Provision the way out of "policy missing", so it
// can never require a policy key; Z-Push also flags Ping UNPROVISIONED (a parked Ping carries no
// mail data; the device learns about the policy on its next Sync/FolderSync). Every other command,
// FolderSync included (MS-ASPROV 4.1.1 answers it with 449 / Status 142), needs the key.
// Row order is the order of Exchange 2010's MS-ASProtocolCommands (MS-ASHTTP 4.1), then Find.
constexpr std::array<CommandInfo, 24> Table = {{
    {Command::Sync, "Sync", true, V::V2_5, false},
    {Command::SendMail, "SendMail", true, V::V2_5, false},
    {Command::SmartForward, "SmartForward", true, V::V2_5, false},
    {Command::SmartReply, "SmartReply", true, V::V2_5, false},
    {Command::GetAttachment, "GetAttachment", true, V::V2_5, false},
    {Command::GetHierarchy, "GetHierarchy", false, V::V2_5, false},
    {Command::CreateCollection, "CreateCollection", false, V::V2_5, false},
    {Command::DeleteCollection, "DeleteCollection", false, V::V2_5, false},
    {Command::MoveCollection, "MoveCollection", false, V::V2_5, false},
    {Command::FolderSync, "FolderSync", true, V::V2_5, false},
    {Command::FolderCreate, "FolderCreate", true, V::V2_5, false},
    {Command::FolderDelete, "FolderDelete", true, V::V2_5, false},
    {Command::FolderUpdate, "FolderUpdate", true, V::V2_5, false},
    {Command::MoveItems, "MoveItems", true, V::V2_5, false},
    {Command::GetItemEstimate, "GetItemEstimate", true, V::V2_5, false},
    {Command::MeetingResponse, "MeetingResponse", true, V::V2_5, false},
    {Command::Search, "Search", true, V::V2_5, false},
    {Command::Settings, "Settings", true, V::V12_0, false},
    {Command::Ping, "Ping", true, V::V2_5, true},
    {Command::ItemOperations, "ItemOperations", true, V::V12_0, false},
    {Command::Provision, "Provision", true, V::V2_5, true},
    {Command::ResolveRecipients, "ResolveRecipients", true, V::V2_5, false},
    {Command::ValidateCert, "ValidateCert", true, V::V2_5, false},
    {Command::Find, "Find", true, V::V16_1, false},
}};

}  // namespace

std::span<const CommandInfo> allCommands() { return Table; }

const CommandInfo& commandInfo(Command c) {
  for (const CommandInfo& row : Table) {
    if (row.command == c) {
      return row;
    }
  }
  // Every enumerator has a row (checked by a test); an out-of-range value gets Sync's row rather
  // than undefined behaviour.
  return Table[0];
}

std::string_view toString(Command c) { return commandInfo(c).name; }

std::optional<Command> parseCommandName(std::string_view name) {
  for (const CommandInfo& row : Table) {
    if (equalsIgnoreCase(row.name, name)) {
      return row.command;
    }
  }
  return std::nullopt;
}

std::optional<Command> commandFromCode(uint8_t code) {
  for (const CommandInfo& row : Table) {
    if (row.hasCode && static_cast<uint8_t>(row.command) == code) {
      return row.command;
    }
  }
  return std::nullopt;
}

std::optional<uint8_t> commandCode(Command c) {
  const CommandInfo& row = commandInfo(c);
  if (!row.hasCode || row.command != c) {
    return std::nullopt;
  }
  return static_cast<uint8_t>(c);
}

bool commandSupported(Command c, ProtocolVersion v) {
  return atLeast(v, commandInfo(c).minVersion);
}

bool allowedBeforeProvisioning(Command c) { return commandInfo(c).allowedUnprovisioned; }

std::vector<Command> commandsForVersion(ProtocolVersion highest) {
  std::vector<Command> out;
  for (const CommandInfo& row : Table) {
    if (atLeast(highest, row.minVersion)) {
      out.push_back(row.command);
    }
  }
  return out;
}

}  // namespace cradle::eas

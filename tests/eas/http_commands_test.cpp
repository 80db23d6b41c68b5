// The EAS command table: names, base64 codes, minimum versions, provisioning rule.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "eas/http/commands.h"
#include "eas/http/headers.h"

namespace cradle::eas {

TEST_CASE("every command has one row and its name parses back", "[eas][http]") {
  std::set<std::string_view> names;
  for (const CommandInfo& row : allCommands()) {
    INFO(row.name);
    CHECK(commandInfo(row.command).name == row.name);
    CHECK(toString(row.command) == row.name);
    CHECK(parseCommandName(row.name) == row.command);
    CHECK(names.insert(row.name).second);
  }
  CHECK(allCommands().size() == 24);
  CHECK(parseCommandName("folderSYNC") == Command::FolderSync);
  CHECK_FALSE(parseCommandName("Notify").has_value());
  CHECK_FALSE(parseCommandName("").has_value());
  CHECK_FALSE(parseCommandName("Sync ").has_value());
}

TEST_CASE("base64 command codes (MS-ASHTTP 2.2.1.1.1.1.2)", "[eas][http]") {
  const std::pair<Command, uint8_t> expected[] = {
      {Command::Sync, 0},
      {Command::SendMail, 1},
      {Command::SmartForward, 2},
      {Command::SmartReply, 3},
      {Command::GetAttachment, 4},
      {Command::FolderSync, 9},
      {Command::FolderCreate, 10},
      {Command::FolderDelete, 11},
      {Command::FolderUpdate, 12},
      {Command::MoveItems, 13},
      {Command::GetItemEstimate, 14},
      {Command::MeetingResponse, 15},
      {Command::Search, 16},
      {Command::Settings, 17},
      {Command::Ping, 18},
      {Command::ItemOperations, 19},
      {Command::Provision, 20},
      {Command::ResolveRecipients, 21},
      {Command::ValidateCert, 22},
      {Command::Find, 23},
  };
  for (const auto& [cmd, code] : expected) {
    INFO(toString(cmd));
    CHECK(commandCode(cmd) == code);
    CHECK(commandFromCode(code) == cmd);
  }
  for (int unassigned : {5, 6, 7, 8, 24, 0x80, 0x81, 0xFF}) {
    CHECK_FALSE(commandFromCode(static_cast<uint8_t>(unassigned)).has_value());
  }
  for (Command legacy : {Command::GetHierarchy, Command::CreateCollection,
                         Command::DeleteCollection, Command::MoveCollection}) {
    CHECK_FALSE(commandCode(legacy).has_value());
    CHECK_FALSE(commandInfo(legacy).hasCode);
  }
}

TEST_CASE("minimum versions and the OPTIONS command list", "[eas][http]") {
  CHECK_FALSE(commandSupported(Command::Settings, ProtocolVersion::V2_5));
  CHECK(commandSupported(Command::Settings, ProtocolVersion::V12_0));
  CHECK_FALSE(commandSupported(Command::ItemOperations, ProtocolVersion::V2_5));
  CHECK(commandSupported(Command::Ping, ProtocolVersion::V2_5));
  CHECK(commandSupported(Command::Provision, ProtocolVersion::V2_5));
  CHECK_FALSE(commandSupported(Command::Find, ProtocolVersion::V16_0));
  CHECK(commandSupported(Command::Find, ProtocolVersion::V16_1));

  // MS-ASHTTP 4.1 (Exchange 2010, protocol 14.0): the exact MS-ASProtocolCommands value.
  CHECK(formatCommandList(commandsForVersion(ProtocolVersion::V14_0)) ==
        "Sync,SendMail,SmartForward,SmartReply,GetAttachment,GetHierarchy,CreateCollection,"
        "DeleteCollection,MoveCollection,FolderSync,FolderCreate,FolderDelete,FolderUpdate,"
        "MoveItems,GetItemEstimate,MeetingResponse,Search,Settings,Ping,ItemOperations,Provision,"
        "ResolveRecipients,ValidateCert");
  // An Exchange 2003 SP2-like server (2.5): no Settings, no ItemOperations.
  std::vector<Command> v25 = commandsForVersion(ProtocolVersion::V2_5);
  CHECK(v25.size() == 21);
  CHECK(std::find(v25.begin(), v25.end(), Command::Settings) == v25.end());
  CHECK(std::find(v25.begin(), v25.end(), Command::ItemOperations) == v25.end());
  CHECK(std::find(v25.begin(), v25.end(), Command::Find) == v25.end());
  CHECK(commandsForVersion(ProtocolVersion::V16_1).back() == Command::Find);
}

TEST_CASE("commands allowed before provisioning", "[eas][http]") {
  for (const CommandInfo& row : allCommands()) {
    INFO(row.name);
    bool expected = row.command == Command::Provision || row.command == Command::Ping;
    CHECK(allowedBeforeProvisioning(row.command) == expected);
  }
}

}  // namespace cradle::eas

// cradle: the bridge's command line; dispatches on the first word (see bridge/cli/commands.h).
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "bridge/cli/commands.h"

namespace {

constexpr const char* Usage =
    "usage: cradle serve [--config FILE] [--state DIR] [--listen HOST:PORT] [--control "
    "HOST:PORT] [--plain-http]\n"
    "       cradle device add --device-id ID --device-type T --user U --server URL [--ca FILE]\n"
    "                         [--name NAME] [--secret-out FILE] [--state DIR]\n"
    "       cradle ca export [--state DIR] [--out FILE]\n"
    "       cradle status | devices | device set|revoke ID ... | password USER | events "
    "[--follow]\n"
    "every subcommand takes --state DIR (default $XDG_STATE_HOME/cradle)\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace cradle::bridge;
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    std::cerr << Usage;
    return words.empty() ? 2 : 0;
  }
  const std::string command = words[0];
  std::vector<std::string> rest(words.begin() + 1, words.end());
  try {
    if (command == "serve") {
      return runServe(rest);
    }
    if (command == "ca" && !rest.empty() && rest[0] == "export") {
      return runCaExport({rest.begin() + 1, rest.end()});
    }
    if (command == "device" && !rest.empty() && rest[0] == "add") {
      return runDeviceAdd({rest.begin() + 1, rest.end()});
    }
    if (command == "status" || command == "device" || command == "devices" ||
        command == "password" || command == "events") {
      return runControlCommand(command, rest);
    }
  } catch (const std::exception& e) {
    std::cerr << "cradle: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "cradle: unknown command " << command << "\n" << Usage;
  return 2;
}

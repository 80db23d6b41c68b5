// The `cradle` subcommands, one function each; cli/main.cpp dispatches on the first word.
// args are the words after the subcommand; each returns the process exit status
// (0 ok, 1 failure with one line on stderr, 2 usage error).
#pragma once

#include <string>
#include <vector>

namespace cradle::bridge {

int runServe(const std::vector<std::string>& args);      // cradle serve ...
int runDeviceAdd(const std::vector<std::string>& args);  // cradle device add ...
int runCaExport(const std::vector<std::string>& args);   // cradle ca export ...
// cradle status | devices | device set ID ... | password USER | events [--follow]
int runControlCommand(const std::string& command, const std::vector<std::string>& args);

// The state folder: --state DIR when given, else $XDG_STATE_HOME/cradle, else
// ~/.local/state/cradle. Created 0700 by serve.
std::string stateDir(const std::vector<std::string>& args);

}  // namespace cradle::bridge

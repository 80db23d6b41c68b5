// stateDir(): where the bridge keeps its state (XDG base directory rules).
#include <cstdlib>
#include <string>
#include <vector>

#include "bridge/cli/commands.h"

namespace cradle::bridge {

std::string stateDir(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--state") {
      return args[i + 1];
    }
  }
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg != nullptr && xdg[0] == '/') {  // XDG: relative paths are invalid and ignored
    return std::string(xdg) + "/cradle";
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr && home[0] != '\0' ? home : ".") + "/.local/state/cradle";
}

}  // namespace cradle::bridge

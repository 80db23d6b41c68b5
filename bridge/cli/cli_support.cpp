// Helpers shared by the `cradle` subcommands.
#include "bridge/cli/cli_support.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bridge/store/secret_box.h"

namespace cradle::bridge {

std::string CliArgs::get(const std::string& name, const std::string& fallback) const {
  auto it = options.find(name);
  return it == options.end() ? fallback : it->second;
}

bool parseCliArgs(const std::vector<std::string>& args, const std::set<std::string>& valueOptions,
                  const std::set<std::string>& flagOptions, CliArgs& out, std::string& error) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--password", 0) == 0) {
      error =
          "passwords are read from standard input or the terminal, never from the command "
          "line (any local user can read it there)";
      return false;
    }
    if (a.rfind("--", 0) != 0 || a.size() == 2) {
      out.words.push_back(a);
      continue;
    }
    if (flagOptions.count(a) > 0) {
      out.flags.insert(a);
      continue;
    }
    if (valueOptions.count(a) == 0) {
      error = "unknown option " + a;
      return false;
    }
    if (i + 1 >= args.size()) {
      error = a + " needs a value";
      return false;
    }
    out.options[a] = args[++i];
  }
  return true;
}

std::string readSecretLine(const std::string& prompt) {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::cerr << prompt << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  return line;
}

bool writeFileWithMode(const std::string& path, const std::string& content, unsigned mode,
                       std::string& error) {
  const std::string temp = path + ".tmp" + std::to_string(::getpid());
  const int fd =
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = ::fchmod(fd, static_cast<mode_t>(mode)) == 0;
  std::size_t done = 0;
  while (ok && done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    ok = n > 0;
    done += ok ? static_cast<std::size_t>(n) : 0;
  }
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    ::unlink(temp.c_str());
    return false;
  }
  return true;
}

std::string readWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool ensureStateDir(const std::string& dir, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    error = "cannot create the state folder " + dir + ": " + ec.message();
    return false;
  }
  if (::chmod(dir.c_str(), 0700) != 0) {
    error = "cannot make " + dir + " private: " + std::strerror(errno);
    return false;
  }
  return true;
}

std::unique_ptr<Store> openStateStore(const std::string& dir, std::string& error) {
  auto box = SecretBox::fromKeyFile(dir + "/store.key");
  if (!box.ok()) {
    error = "key file " + dir + "/store.key: " + box.error().detail;
    return nullptr;
  }
  auto store = Store::open(dir + "/bridge.db", *box);
  if (!store.ok()) {
    error = "store " + dir + "/bridge.db: " + store.error().detail;
    return nullptr;
  }
  return std::move(*store);
}

int fail(const std::string& problem, int status) {
  std::cerr << "cradle: " << problem << "\n";
  return status;
}

}  // namespace cradle::bridge

// `device-sim load`: option parsing, password reading and signal handling around LoadRunner.
//
//   device-sim load --count N (--bridge URL | --server URL) --user U [--ca FILE]
//                   [--password-file FILE] [--id-prefix P] [--heartbeat S] [--duration SECONDS]
//                   [--wake-target K]
//
// One password for every device (from --password-file, mode 0600, or the first line of stdin).
// Against mapi-sim it is the user's password (exempt the user from the device policy:
// `mapi-sim policy exempt U on`, as the load client does not Provision). Against the bridge it is
// a device secret, and every device id P0 .. P(N-1) needs its own partnership added beforehand
// (`cradle device add` for each id, all issued the same secret).
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include "device-sim/load/load_runner.h"

namespace devicesim {

namespace {

constexpr const char* LoadUsage =
    "usage: device-sim load --count N (--bridge URL | --server URL) --user U [--ca FILE]\n"
    "         [--password-file FILE] [--id-prefix P] [--heartbeat S] [--duration SECONDS]\n"
    "         [--wake-target K]\n"
    "  One password or device secret for all devices, from --password-file (mode 0600) or\n"
    "  stdin. Through the bridge every device id P0..P(N-1) needs its own partnership.\n";

int loadUsage(const std::string& why) {
  std::cerr << "device-sim: " << why << "\n" << LoadUsage;
  return 2;
}

std::optional<uint64_t> number(const std::string& s, uint64_t max) {
  if (s.empty() || s.size() > 12 || s.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const uint64_t v = std::stoull(s);
  return v <= max ? std::optional<uint64_t>(v) : std::nullopt;
}

std::atomic<LoadRunner*> running{nullptr};

void watchSignals(sigset_t set) {
  for (;;) {
    int sig = 0;
    if (::sigwait(&set, &sig) == 0 && (sig == SIGTERM || sig == SIGINT)) {
      if (LoadRunner* r = running.load()) {
        r->stop();
      }
    }
  }
}

}  // namespace

int loadMain(int argc, char** argv) {
  std::map<std::string, std::string> opt;
  static const char* Known[] = {"--count",    "--bridge",        "--server",    "--user",
                                "--ca",       "--password-file", "--id-prefix", "--heartbeat",
                                "--duration", "--wake-target"};
  for (int i = 2; i < argc; ++i) {
    const std::string name = argv[i];
    if (name == "--password" || name.rfind("--password=", 0) == 0) {
      return loadUsage("--password is refused: use --password-file or stdin");
    }
    bool known = false;
    for (const char* k : Known) {
      known = known || name == k;
    }
    if (!known) {
      return loadUsage("unknown option " + name);
    }
    if (i + 1 >= argc) {
      return loadUsage(name + " needs a value");
    }
    opt[name] = argv[++i];
  }
  for (const char* required : {"--count", "--user"}) {
    if (!opt.count(required)) {
      return loadUsage(std::string(required) + " is required");
    }
  }
  if (opt.count("--bridge") == opt.count("--server")) {
    return loadUsage("give exactly one of --bridge URL and --server URL");
  }
  LoadConfig config;
  auto count = number(opt["--count"], 1'000'000);
  if (!count || *count == 0) {
    return loadUsage("bad --count");
  }
  config.count = static_cast<uint32_t>(*count);
  config.viaBridge = opt.count("--bridge") != 0;
  config.url = config.viaBridge ? opt["--bridge"] : opt["--server"];
  config.user = opt["--user"];
  if (config.user.empty()) {
    return loadUsage("--user is empty");
  }
  config.caFile = opt.count("--ca") ? opt["--ca"] : "";
  if (opt.count("--id-prefix")) {
    config.idPrefix = opt["--id-prefix"];
    if (config.idPrefix.empty() || config.idPrefix.size() > 24 ||
        config.idPrefix.find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") !=
            std::string::npos) {
      return loadUsage("--id-prefix takes 1 to 24 letters and digits");
    }
  }
  if (opt.count("--heartbeat")) {
    // MS-ASCMD 2.2.3.79.1 caps HeartbeatInterval at 3540 s; a server's lower bound comes back
    // as Ping status 5, which the runner follows.
    auto s = number(opt["--heartbeat"], 3540);
    if (!s || *s < 1) {
      return loadUsage("--heartbeat takes 1 to 3540 seconds");
    }
    config.heartbeatSeconds = static_cast<uint32_t>(*s);
  }
  if (opt.count("--duration")) {
    auto s = number(opt["--duration"], 10'000'000);
    if (!s || *s == 0) {
      return loadUsage("bad --duration");
    }
    config.durationMs = static_cast<int64_t>(*s) * 1000;
  }
  if (opt.count("--wake-target")) {
    auto k = number(opt["--wake-target"], UINT32_MAX);
    if (!k || *k == 0) {
      return loadUsage("bad --wake-target");
    }
    config.wakeTarget = *k;
  }
  if (opt.count("--password-file")) {
    const std::string& path = opt["--password-file"];
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      return loadUsage("cannot read the password file " + path);
    }
    if ((st.st_mode & 077) != 0) {
      return loadUsage("the password file " + path + " must be mode 0600");
    }
    std::ifstream in(path);
    if (!in || !std::getline(in, config.password)) {
      return loadUsage("the password file " + path + " is empty");
    }
  } else if (!std::getline(std::cin, config.password)) {
    return loadUsage("no password on standard input");
  }
  if (!config.password.empty() && config.password.back() == '\r') {
    config.password.pop_back();
  }

  ::signal(SIGPIPE, SIG_IGN);
  rlimit limit{};  // one socket per device
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  LoadRunner runner(std::move(config), stdout);
  running.store(&runner);
  std::thread(watchSignals, set).detach();
  const int code = runner.run();
  running.store(nullptr);
  return code;
}

}  // namespace devicesim

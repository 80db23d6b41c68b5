// device-sim: a simulated Windows Mobile handheld (`device-sim run`), printing JSON events, and
// the load generator (`device-sim load`, see device-sim/load/load_cli.cpp).
//
//   device-sim run --state DIR --profile wm6|wm61|wm5-msfp|wm5 (--bridge URL | --server URL)
//                  --user U [--ca FILE] [--password-file FILE] [--device-id ID]
//                  [--types email,contacts,calendar,tasks] [--email-days N] [--email-size BYTES]
//                  [--schedule asap|peak=10,offpeak=240[,days=all|weekdays,start=HH:MM,end=HH:MM]]
//                  [--time-scale N] [--max-pushes N] [--duration SECONDS] [--send-mail ADDRESS]
//                  [--heartbeat-default S] [--heartbeat-min S] [--heartbeat-max S]
//                  [--heartbeat-increment S] [--heartbeat-successes N] [--autd on|off]
//
// The password (or the bridge's device secret) comes from --password-file (mode 0600, else
// refused) or the first line of standard input, never from the command line. Runs until
// SIGTERM/SIGINT, --max-pushes or --duration (exit 0, after a final "summary" event). A refused
// password (HTTP 401) is reported as an "error" event and ends the run with exit status 3, as a
// handheld stops syncing until its user types the new password; other fatal errors (Ping status
// 4, a server that demands a Provision the profile cannot do, store failures) exit 1, usage
// errors 2. A remote wipe erases DIR/device.db, reports "wiped" and ends the run with 0.
// --bridge and --server differ only in what the secret is: the device speaks EAS to either.
// --autd on: Up-to-date notifications instead of Direct Push (Exchange 2003): the device prints
// "autd-listening" with the URL to register (`mapi-sim devices notify ID URL`) and syncs on
// every notice it receives there; the summary counts them as smsNotifications.
// The --heartbeat-* options override the profile's HeartbeatConfig (tests use seconds-long
// heartbeats; mapi-sim then needs `settings set heartbeat.min=1`).
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "device-sim/client/device_client.h"
#include "device-sim/client/event_log.h"
#include "device-sim/load/load_runner.h"
#include "device-sim/profiles/profile.h"
#include "device-sim/schedule/schedule.h"
#include "device-sim/store/device_store.h"

namespace {

using namespace devicesim;
namespace eas = cradle::eas;

constexpr const char* Usage =
    "usage: device-sim run --state DIR --profile wm6|wm61|wm5-msfp|wm5 (--bridge URL | --server "
    "URL)\n"
    "         --user U [--ca FILE] [--password-file FILE] [--device-id ID]\n"
    "         [--types email,contacts,calendar,tasks] [--email-days 0|1|3|7|14|30]\n"
    "         [--email-size BYTES|entire] [--schedule asap|peak=10,offpeak=240,...]\n"
    "         [--time-scale N] [--max-pushes N] [--duration SECONDS] [--send-mail ADDRESS]\n"
    "         [--heartbeat-default S] [--heartbeat-min S] [--heartbeat-max S]\n"
    "         [--heartbeat-increment S] [--heartbeat-successes N] [--autd on|off]\n"
    "  The password or device secret is read from --password-file (mode 0600) or stdin.\n";

int usage(const std::string& why) {
  std::cerr << "device-sim: " << why << "\n" << Usage;
  return 2;
}

std::optional<uint64_t> parseNumber(const std::string& s, uint64_t max) {
  if (s.empty() || s.size() > 12 || s.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const uint64_t v = std::stoull(s);
  return v <= max ? std::optional<uint64_t>(v) : std::nullopt;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, sep)) {
    out.push_back(part);
  }
  return out;
}

// "HH:MM" -> minute of the day (24:00 allowed as an end).
std::optional<uint32_t> parseClock(const std::string& s) {
  const auto parts = split(s, ':');
  if (parts.size() != 2) {
    return std::nullopt;
  }
  auto h = parseNumber(parts[0], 24);
  auto m = parseNumber(parts[1], 59);
  if (!h || !m || (*h == 24 && *m != 0)) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(*h * 60 + *m);
}

// "asap" (both periods As items arrive) or "peak=F,offpeak=F[,days=all|weekdays,start=HH:MM,
// end=HH:MM]" with F one of parseSyncFrequency's words.
std::optional<ScheduleConfig> parseSchedule(const std::string& text) {
  if (text == "asap") {
    return ScheduleConfig::asItemsArrive();
  }
  ScheduleConfig c;
  for (const std::string& part : split(text, ',')) {
    const auto eq = part.find('=');
    if (eq == std::string::npos) {
      return std::nullopt;
    }
    const std::string key = part.substr(0, eq);
    const std::string value = part.substr(eq + 1);
    if (key == "peak" || key == "offpeak") {
      auto f = parseSyncFrequency(value);
      if (!f) {
        return std::nullopt;
      }
      (key == "peak" ? c.peak : c.offPeak) = *f;
    } else if (key == "days") {
      if (value == "all") {
        c.peakDays = EveryDay;
      } else if (value == "weekdays") {
        c.peakDays = MondayToFriday;
      } else {
        return std::nullopt;
      }
    } else if (key == "start" || key == "end") {
      auto m = parseClock(value);
      if (!m) {
        return std::nullopt;
      }
      (key == "start" ? c.peakStartMinute : c.peakEndMinute) = *m;
    } else {
      return std::nullopt;
    }
  }
  return c;
}

// The device's "Past days to synchronize" choices (1 day, 3 days, 1 week, 2 weeks, 1 month, all).
std::optional<eas::FilterType> filterForDays(uint64_t days) {
  switch (days) {
    case 0:
      return eas::FilterType::NoFilter;
    case 1:
      return eas::FilterType::OneDay;
    case 3:
      return eas::FilterType::ThreeDays;
    case 7:
      return eas::FilterType::OneWeek;
    case 14:
      return eas::FilterType::TwoWeeks;
    case 30:
      return eas::FilterType::OneMonth;
    default:
      return std::nullopt;
  }
}

std::optional<std::string> readPasswordFile(const std::string& path, std::string& error) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    error = "cannot read the password file " + path;
    return std::nullopt;
  }
  if ((st.st_mode & 077) != 0) {
    error = "the password file " + path + " must be mode 0600 (others can read it now)";
    return std::nullopt;
  }
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    error = "the password file " + path + " is empty";
    return std::nullopt;
  }
  return line;
}

// Waits for SIGTERM / SIGINT or the end of --duration on its own thread (the device loop may be
// blocked in a Ping for minutes), then prints the summary and ends the process with status 0.
void watchSignals(sigset_t set, int64_t durationMs, EventLog* log) {
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    int64_t waitMs = 3'600'000;
    if (durationMs > 0) {
      waitMs = durationMs - std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count();
      if (waitMs <= 0) {
        break;
      }
    }
    timespec ts{static_cast<time_t>(waitMs / 1000), static_cast<long>((waitMs % 1000) * 1'000'000)};
    const int sig = ::sigtimedwait(&set, nullptr, &ts);
    if (sig == SIGTERM || sig == SIGINT) {
      break;
    }
  }
  if (log->summary()) {
    std::_Exit(0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "load") {
    return loadMain(argc, argv);  // device-sim/load/load_cli.cpp
  }
  if (argc < 2 || std::string(argv[1]) != "run") {
    return usage(argc < 2 ? "no command" : "unknown command " + std::string(argv[1]));
  }
  std::map<std::string, std::string> opt;
  static const char* Known[] = {"--state",
                                "--profile",
                                "--bridge",
                                "--server",
                                "--user",
                                "--ca",
                                "--password-file",
                                "--device-id",
                                "--types",
                                "--email-days",
                                "--email-size",
                                "--schedule",
                                "--time-scale",
                                "--max-pushes",
                                "--duration",
                                "--send-mail",
                                "--heartbeat-default",
                                "--heartbeat-min",
                                "--heartbeat-max",
                                "--heartbeat-increment",
                                "--heartbeat-successes",
                                "--autd"};
  for (int i = 2; i < argc; ++i) {
    const std::string name = argv[i];
    if (name == "--password" || name.rfind("--password=", 0) == 0) {
      return usage(
          "--password is refused: a command line is visible to every local user; use "
          "--password-file or stdin");
    }
    bool known = false;
    for (const char* k : Known) {
      known = known || name == k;
    }
    if (!known) {
      return usage("unknown option " + name);
    }
    if (i + 1 >= argc) {
      return usage(name + " needs a value");
    }
    opt[name] = argv[++i];
  }
  for (const char* required : {"--state", "--profile", "--user"}) {
    if (!opt.count(required)) {
      return usage(std::string(required) + " is required");
    }
  }
  if (opt.count("--bridge") == opt.count("--server")) {
    return usage("give exactly one of --bridge URL and --server URL");
  }

  DeviceConfig config;
  auto profile = findProfile(opt["--profile"]);
  if (!profile) {
    return usage("unknown profile " + opt["--profile"]);
  }
  config.profile = *profile;
  HeartbeatConfig& hb = config.profile.heartbeat;
  const std::pair<const char*, uint32_t*> hbOptions[] = {
      {"--heartbeat-default", &hb.defaultSeconds},
      {"--heartbeat-min", &hb.minSeconds},
      {"--heartbeat-max", &hb.maxSeconds},
      {"--heartbeat-increment", &hb.incrementSeconds},
      {"--heartbeat-successes", &hb.successesBeforeIncrease}};
  for (const auto& [name, field] : hbOptions) {
    if (opt.count(name)) {
      auto v = parseNumber(opt[name], MaxServerHeartbeatSeconds);
      if (!v) {
        return usage(std::string("bad ") + name);
      }
      *field = static_cast<uint32_t>(*v);
    }
  }
  if (opt.count("--heartbeat-default") && !opt.count("--heartbeat-min")) {
    hb.minSeconds = std::min(hb.minSeconds, hb.defaultSeconds);
  }
  if (auto st = validate(hb); !st.ok()) {
    return usage("heartbeat: " + st.error().message());
  }
  config.viaBridge = opt.count("--bridge") != 0;
  config.url = config.viaBridge ? opt["--bridge"] : opt["--server"];
  config.user = opt["--user"];
  config.caFile = opt.count("--ca") ? opt["--ca"] : "";
  config.deviceId = opt.count("--device-id") ? opt["--device-id"] : "";
  if (opt.count("--types")) {
    config.types.clear();
    for (const std::string& t : split(opt["--types"], ',')) {
      if (t == "email") {
        config.types.push_back(eas::ItemClass::Email);
      } else if (t == "contacts") {
        config.types.push_back(eas::ItemClass::Contacts);
      } else if (t == "calendar") {
        config.types.push_back(eas::ItemClass::Calendar);
      } else if (t == "tasks") {
        config.types.push_back(eas::ItemClass::Tasks);
      } else {
        return usage("unknown type " + t);
      }
    }
  }
  if (opt.count("--email-days")) {
    auto days = parseNumber(opt["--email-days"], 365);
    auto filter = days ? filterForDays(*days) : std::nullopt;
    if (!filter) {
      return usage("--email-days takes 0 (all), 1, 3, 7, 14 or 30");
    }
    config.emailFilter = *filter;
  }
  if (opt.count("--email-size")) {
    if (opt["--email-size"] == "entire") {
      config.emailSizeBytes = std::nullopt;
    } else {
      auto bytes = parseNumber(opt["--email-size"], UINT32_MAX);
      if (!bytes) {
        return usage("bad --email-size");
      }
      config.emailSizeBytes = static_cast<uint32_t>(*bytes);
    }
  }
  if (opt.count("--schedule")) {
    config.schedule = parseSchedule(opt["--schedule"]);
    if (!config.schedule) {
      return usage("bad --schedule");
    }
    if (auto st = validate(*config.schedule, supportsDirectPush(config.profile)); !st.ok()) {
      return usage("--schedule: " + st.error().message());
    }
  }
  if (opt.count("--autd")) {
    if (opt["--autd"] != "on" && opt["--autd"] != "off") {
      return usage("--autd on|off");
    }
    config.autd = opt["--autd"] == "on";
  }
  if (opt.count("--time-scale")) {
    auto scale = parseNumber(opt["--time-scale"], 1'000'000);
    if (!scale || *scale == 0) {
      return usage("bad --time-scale");
    }
    config.timeScale = static_cast<uint32_t>(*scale);
  }
  if (opt.count("--max-pushes")) {
    auto n = parseNumber(opt["--max-pushes"], UINT32_MAX);
    if (!n) {
      return usage("bad --max-pushes");
    }
    config.maxPushes = *n;
  }
  int64_t durationMs = 0;
  if (opt.count("--duration")) {
    auto s = parseNumber(opt["--duration"], 10'000'000);
    if (!s || *s == 0) {
      return usage("bad --duration");
    }
    durationMs = static_cast<int64_t>(*s) * 1000;
  }
  if (opt.count("--send-mail")) {
    config.sendMailTo = opt["--send-mail"];
  }
  if (opt.count("--password-file")) {
    std::string error;
    auto password = readPasswordFile(opt["--password-file"], error);
    if (!password) {
      return usage(error);
    }
    config.password = *password;
  } else if (!std::getline(std::cin, config.password)) {
    return usage("no password on standard input");
  }
  if (!config.password.empty() && config.password.back() == '\r') {
    config.password.pop_back();
  }

  std::error_code ec;
  std::filesystem::create_directories(opt["--state"], ec);
  auto store = DeviceStore::open(opt["--state"] + "/device.db");
  if (!store.ok()) {
    std::cerr << "device-sim: " << store.error().message() << "\n";
    return 1;
  }

  // Signals are taken by the watcher thread only (blocked here before it starts).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  static EventLog log(stdout);
  std::thread(watchSignals, set, durationMs, &log).detach();

  DeviceClient client(std::move(config), std::move(store).value(), log);
  const int code = client.run();
  log.summary();
  return code;
}

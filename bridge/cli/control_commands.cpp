// The control subcommands (`cradle status`, `devices`, `device set|revoke`, `password`, `events`):
// each one finds the running bridge through the state folder and calls its control API.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bridge/cli/commands.h"
#include "bridge/control/client/control_client.h"

namespace cradle::bridge {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr int Ok = 0;
constexpr int Failure = 1;
constexpr int Usage = 2;
constexpr int FollowWaitSeconds = 30;

const char* const UsageText =
    "usage: cradle status [--json] [--state DIR]\n"
    "       cradle devices [--json] [--state DIR]\n"
    "       cradle device set ID [--types contacts,calendar,email,tasks]\n"
    "                            [--schedule asap|peak=MIN,offpeak=MIN|manual]\n"
    "                            [--peak HH:MM-HH:MM] [--peak-days mon-fri]\n"
    "                            [--email-days 1|3|7|14|31|all]\n"
    "                            [--email-size headers|0.5K|1K|2K|5K|10K|20K|50K|100K|entire]\n"
    "                            [--attachments on|off] [--attachment-max BYTES] [--name TEXT]\n"
    "       cradle device revoke ID\n"
    "       cradle password USER [--server URL]   (the new password is read from stdin)\n"
    "       cradle events [--since N] [--follow] [--json]\n";

int usage(const std::string& problem) {
  std::cerr << "cradle: " << problem << "\n" << UsageText;
  return Usage;
}

int fail(const std::string& message) {
  std::cerr << "cradle: " << message << "\n";
  return Failure;
}

// Words and flags of one command line: flags with a value ("--types x" or "--types=x"), bare
// switches (--json, --follow) and positional words.
struct CommandLine {
  std::vector<std::string> words;
  std::vector<std::pair<std::string, std::string>> flags;  // in order given
  bool json = false;
  bool follow = false;
  std::string error;

  std::optional<std::string> flag(const std::string& name) const {
    std::optional<std::string> out;
    for (const auto& [n, v] : flags) {
      if (n == name) {
        out = v;
      }
    }
    return out;
  }
};

CommandLine parse(const std::vector<std::string>& args) {
  static const char* const Valued[] = {
      "--state",      "--types",      "--schedule",    "--peak",           "--peak-days",
      "--email-days", "--email-size", "--attachments", "--attachment-max", "--server",
      "--since",      "--name",       "--config"};
  CommandLine line;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--json") {
      line.json = true;
      continue;
    }
    if (a == "--follow" || a == "-f") {
      line.follow = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      line.words.push_back(a);
      continue;
    }
    const std::size_t eq = a.find('=');
    const std::string name = a.substr(0, eq);
    bool known = false;
    for (const char* v : Valued) {
      known = known || name == v;
    }
    if (!known) {
      line.error = "unknown option " + name;
      return line;
    }
    if (eq != std::string::npos) {
      line.flags.emplace_back(name, a.substr(eq + 1));
    } else if (i + 1 < args.size()) {
      line.flags.emplace_back(name, args[++i]);
    } else {
      line.error = name + " needs a value";
      return line;
    }
  }
  return line;
}

std::string stateFolder(const CommandLine& line) {
  if (auto dir = line.flag("--state")) {
    return stateDir({"--state", *dir});
  }
  return stateDir({});
}

std::string str(const Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key) || o->isNull(key)) {
    return {};
  }
  return o->get(key).convert<std::string>();
}

bool flag(const Object::Ptr& o, const std::string& key) {
  return o && o->has(key) && o->get(key).isBoolean() && o->get(key).extract<bool>();
}

std::string joined(const Object::Ptr& o, const std::string& key) {
  std::string out;
  if (!o || !o->isArray(key)) {
    return out;
  }
  const Array::Ptr a = o->getArray(key);
  for (std::size_t i = 0; i < a->size(); ++i) {
    out += (out.empty() ? "" : ",") + a->get(static_cast<unsigned>(i)).convert<std::string>();
  }
  return out;
}

std::string duration(int64_t seconds) {
  std::ostringstream out;
  if (seconds >= 86400) {
    out << seconds / 86400 << "d ";
  }
  if (seconds >= 3600) {
    out << (seconds % 86400) / 3600 << "h ";
  }
  out << (seconds % 3600) / 60 << "m";
  if (seconds < 3600) {
    out << " " << seconds % 60 << "s";
  }
  return out.str();
}

std::string liveText(const Object::Ptr& live) {
  if (!flag(live, "connected")) {
    return "not connected";
  }
  std::string out = flag(live, "devicePingHeld") ? "device Ping held" : "no device Ping";
  out += flag(live, "upstreamPingHeld") ? ", upstream Ping held" : ", no upstream Ping";
  const std::string heartbeat = str(live, "upstreamHeartbeat");
  if (!heartbeat.empty() && heartbeat != "0") {
    out += " (heartbeat " + heartbeat + " s)";
  }
  const std::string error = str(live, "lastError");
  if (!error.empty()) {
    out += "; " + error;
  }
  return out;
}

void printStatus(const Object::Ptr& o) {
  std::cout << "cradle " << str(o, "version") << ", up "
            << duration(o->getValue<int64_t>("uptimeSeconds")) << ", " << str(o, "deviceCount")
            << " device(s), " << str(o, "activeDevices") << " active\n";
  const Array::Ptr devices = o->getArray("devices");
  for (std::size_t i = 0; devices && i < devices->size(); ++i) {
    const Object::Ptr d = devices->getObject(static_cast<unsigned>(i));
    std::cout << "  " << str(d, "deviceId") << "  " << str(d, "user") << "  " << str(d, "state")
              << "  " << liveText(d->getObject("live")) << "\n";
  }
  for (const char* key : {"staleCredentials", "missingCredentials"}) {
    const Array::Ptr list = o->getArray(key);
    for (std::size_t i = 0; list && i < list->size(); ++i) {
      const Object::Ptr c = list->getObject(static_cast<unsigned>(i));
      if (std::string(key) == "staleCredentials") {
        std::cout << "password refused by the server for " << str(c, "user") << " at "
                  << str(c, "server") << " since " << str(c, "since") << ": run `cradle password "
                  << str(c, "user") << "`\n";
      } else {
        std::cout << "no password stored for " << str(c, "user") << " at " << str(c, "server")
                  << "\n";
      }
    }
  }
}

std::string intervalText(const Object::Ptr& s, const std::string& key) {
  const std::string v = str(s, key);
  return v == "manual" ? v : v + " min";
}

void printDevice(const Object::Ptr& d) {
  std::cout << str(d, "deviceId") << " (" << str(d, "deviceType");
  if (!str(d, "name").empty()) {
    std::cout << " \"" << str(d, "name") << "\"";
  }
  std::cout << ") " << str(d, "user") << " at " << str(d, "server") << ", " << str(d, "route")
            << ", " << str(d, "state") << "\n";
  const Object::Ptr s = d->getObject("settings");
  std::cout << "  types:    " << joined(s, "types") << "\n";
  if (str(s, "schedule") == "asItemsArrive") {
    std::cout << "  schedule: as items arrive\n";
  } else {
    std::cout << "  schedule: peak " << intervalText(s, "peakInterval") << ", off-peak "
              << intervalText(s, "offPeakInterval") << "; peak hours " << str(s, "peakHours")
              << " on " << joined(s, "peakDays") << "\n";
  }
  const std::string days = str(s, "emailDays");
  std::cout << "  e-mail:   " << (days == "all" ? "all" : "past " + days + " day(s)") << ", size "
            << str(s, "emailSize") << ", attachments " << (flag(s, "attachments") ? "on" : "off");
  if (flag(s, "attachments") && str(s, "attachmentMax") != "0") {
    std::cout << " up to " << str(s, "attachmentMax") << " bytes";
  }
  std::cout << "\n";
  const Object::Ptr st = d->getObject("statistics");
  std::cout << "  pushes:   " << str(st, "wakeupsDelivered") << " delivered, "
            << str(st, "wakeupsSaved") << " wake-ups saved; upstream Pings "
            << str(st, "upstreamPings") << " (" << str(st, "upstreamPingsDiedEarly")
            << " died early), heartbeat " << str(st, "heartbeatUpSeconds") << " s\n";
  std::cout << "  now:      " << liveText(d->getObject("live")) << "\n";
  if (flag(d, "pendingCredentialUpdate")) {
    std::cout << "  a new password waits for the device's next cradle connection\n";
  }
}

void printEvent(const Object::Ptr& e) {
  std::cout << str(e, "at") << "  " << str(e, "kind");
  if (!str(e, "deviceId").empty()) {
    std::cout << "  " << str(e, "deviceId");
  }
  std::cout << "  " << str(e, "text") << "\n";
}

// The settings object for `device set` from its flags; empty string with `error` on a bad flag.
std::string settingsFromFlags(const CommandLine& line, std::string& error) {
  Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [name, value] : line.flags) {
    if (name == "--types") {
      o.set("types", value);
    } else if (name == "--schedule") {
      if (value == "asap" || value == "asItemsArrive") {
        o.set("schedule", "asItemsArrive");
      } else if (value == "manual") {
        o.set("schedule", "manual");
      } else {
        o.set("schedule", "scheduled");
        std::istringstream parts(value);
        std::string part;
        while (std::getline(parts, part, ',')) {
          const std::size_t eq = part.find('=');
          const std::string key = part.substr(0, eq);
          const std::string minutes = eq == std::string::npos ? "" : part.substr(eq + 1);
          if (key == "peak") {
            o.set("peakInterval", minutes);
          } else if (key == "offpeak" || key == "off-peak") {
            o.set("offPeakInterval", minutes);
          } else {
            error = "--schedule takes asap, manual or peak=MIN,offpeak=MIN";
            return {};
          }
        }
      }
    } else if (name == "--peak") {
      o.set("peakHours", value);
    } else if (name == "--peak-days") {
      o.set("peakDays", value);
    } else if (name == "--email-days") {
      o.set("emailDays", value);
    } else if (name == "--email-size") {
      o.set("emailSize", value);
    } else if (name == "--attachments") {
      if (value != "on" && value != "off") {
        error = "--attachments takes on or off";
        return {};
      }
      o.set("attachments", value == "on");
    } else if (name == "--attachment-max") {
      char* end = nullptr;
      const long long bytes = std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || end == nullptr || *end != '\0' || bytes < 0) {
        error = "--attachment-max takes a byte count";
        return {};
      }
      o.set("attachmentMax", static_cast<int64_t>(bytes));
    } else if (name == "--name") {
      o.set("name", value);
    } else if (name != "--state" && name != "--config") {
      error = name + " does not apply to `device set`";
      return {};
    }
  }
  if (o.size() == 0) {
    error = "nothing to change: give at least one setting";
    return {};
  }
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

// The new password: the first line of stdin, or typed at the terminal without echo.
std::optional<std::string> readPassword(const std::string& user) {
  std::string line;
  if (::isatty(STDIN_FILENO) == 1) {
    std::cerr << "New password for " << user << ": " << std::flush;
    termios old{};
    const bool terminal = ::tcgetattr(STDIN_FILENO, &old) == 0;
    if (terminal) {
      termios quiet = old;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    const bool got = static_cast<bool>(std::getline(std::cin, line));
    if (terminal) {
      ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    }
    std::cerr << "\n";
    if (!got) {
      return std::nullopt;
    }
  } else if (!std::getline(std::cin, line)) {
    return std::nullopt;
  }
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  return line;
}

// Prints the answer (raw JSON with --json, else with `human`), or the error.
template <class Human>
int show(const ControlResult& r, bool json, Human human) {
  if (!r.ok()) {
    return fail(r.error);
  }
  if (json) {
    std::cout << r.body << (r.body.empty() || r.body.back() != '\n' ? "\n" : "");
    return Ok;
  }
  const Object::Ptr o = r.json();
  if (!o) {
    return fail("the bridge's answer is not JSON");
  }
  human(o);
  return Ok;
}

int events(ControlClient& client, const CommandLine& line) {
  int64_t since = 0;
  if (auto s = line.flag("--since")) {
    char* end = nullptr;
    since = std::strtoll(s->c_str(), &end, 10);
    if (s->empty() || *end != '\0' || since < 0) {
      return usage("--since takes an event number");
    }
  }
  for (bool first = true;; first = false) {
    const ControlResult r = client.events(since, first ? 0 : FollowWaitSeconds);
    if (!r.ok()) {
      return fail(r.error);
    }
    const Object::Ptr o = r.json();
    if (!o || !o->isArray("events")) {
      return fail("the bridge's answer is not JSON");
    }
    const Array::Ptr list = o->getArray("events");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const Object::Ptr e = list->getObject(static_cast<unsigned>(i));
      if (line.json) {
        std::ostringstream out;
        e->stringify(out);
        std::cout << out.str() << "\n";
      } else {
        printEvent(e);
      }
    }
    std::cout << std::flush;
    since = std::max(since, o->getValue<int64_t>("last"));
    if (!line.follow) {
      return Ok;
    }
  }
}

}  // namespace

int runControlCommand(const std::string& command, const std::vector<std::string>& args) {
  const CommandLine line = parse(args);
  if (!line.error.empty()) {
    return usage(line.error);
  }
  const std::vector<std::string>& w = line.words;
  // Check the words before looking for the bridge, so usage errors say so even when it is down.
  if (command == "status" || command == "devices") {
    if (!w.empty()) {
      return usage("unexpected argument " + w.front());
    }
  } else if (command == "device") {
    if (w.size() != 2 || (w[0] != "set" && w[0] != "revoke")) {
      return usage("device takes set ID or revoke ID");
    }
  } else if (command == "password") {
    if (w.size() != 1) {
      return usage("password takes one user name");
    }
  } else if (command == "events") {
    if (!w.empty()) {
      return usage("unexpected argument " + w.front());
    }
  } else {
    return usage("unknown command " + command);
  }
  std::string settings;
  if (command == "device" && w[0] == "set") {
    std::string error;
    settings = settingsFromFlags(line, error);
    if (settings.empty()) {
      return usage(error);
    }
  }

  std::string error;
  auto client = ControlClient::fromStateDir(stateFolder(line), error);
  if (!client) {
    return fail(error);
  }
  if (command == "status") {
    return show(client->status(), line.json, printStatus);
  }
  if (command == "devices") {
    return show(client->devices(), line.json, [](const Object::Ptr& o) {
      const Array::Ptr list = o->getArray("devices");
      if (!list || list->size() == 0) {
        std::cout << "no devices\n";
      }
      for (std::size_t i = 0; list && i < list->size(); ++i) {
        printDevice(list->getObject(static_cast<unsigned>(i)));
      }
    });
  }
  if (command == "device") {
    const ControlResult r =
        w[0] == "set" ? client->setDevice(w[1], settings) : client->revoke(w[1]);
    return show(r, line.json, printDevice);
  }
  if (command == "password") {
    const auto password = readPassword(w[0]);
    if (!password || password->empty()) {
      return fail("no password given (type it, or pass it on the first line of stdin)");
    }
    const ControlResult r =
        client->setPassword(w[0], line.flag("--server").value_or(""), *password);
    return show(r, line.json, [](const Object::Ptr& o) {
      std::cout << "password updated for " << str(o, "user") << " at " << joined(o, "servers")
                << "\n";
    });
  }
  return events(*client, line);
}

}  // namespace cradle::bridge

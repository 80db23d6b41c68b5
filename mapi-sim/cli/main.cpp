// mapi-sim: the command line. `serve` runs the simulator; every other subcommand finds the
// running server through --data DIR (admin.url + admin.token) and calls its admin API.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <signal.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mapi-sim/mailbox/mailbox.h"
#include "mapi-sim/server/sim_server.h"
#include "net/http_client.h"

namespace {

using mapisim::Mailbox;
namespace net = cradle::net;

constexpr const char* Usage =
    "usage: mapi-sim serve --data DIR [--listen HOST:PORT] [--tls] [--workers N]\n"
    "       mapi-sim --data DIR COMMAND ...\n"
    "commands (passwords are read from standard input, never from the command line):\n"
    "  user add NAME [--email E]            user list\n"
    "  user policy NAME [--policy P] [--exempt on|off]\n"
    "  user notify-smtp NAME ADDRESS        password NAME\n"
    "  deliver --to NAME [--subject S] [--body B | --mime FILE] [--from F]\n"
    "  contact add --user NAME [--first F] [--last L] [--email E] [--mobile M] [--company C]\n"
    "  event add --user NAME --subject S --start TIME --end TIME [--location L] [--tz ZONE]\n"
    "  task add --user NAME --subject S [--due TIME]\n"
    "  settings [show]                      settings set KEY=VALUE ...\n"
    "  policy set NAME FIELD=VALUE ...      policy assign USER NAME   policy exempt USER on|off\n"
    "  wipe DEVICEID                        devices [notify DEVICEID URL]\n"
    "  fault delay MS [--count N]           fault unavailable N [--retry-after S]\n"
    "  fault drop-pings [--after MS]        fault refuse on|off\n"
    "  fault drip BYTES INTERVAL_MS [--count N]   fault server-error N\n"
    "  fault show                           fault clear\n"
    "  status                               events [--since N]\n";

int usage(const std::string& problem = {}) {
  if (!problem.empty()) {
    std::cerr << "mapi-sim: " << problem << "\n";
  }
  std::cerr << Usage;
  return 2;
}

// Arguments after the command words: --name value pairs and plain words.
struct Args {
  std::vector<std::string> words;
  std::map<std::string, std::string> options;
  std::vector<std::string> flags;  // options without a value (--tls)
  bool has(const std::string& o) const { return options.count(o) > 0; }
  std::string get(const std::string& o, const std::string& fallback = {}) const {
    auto it = options.find(o);
    return it == options.end() ? fallback : it->second;
  }
};

bool parseArgs(int argc, char** argv, int from, Args& out, std::string& data, std::string& error) {
  static const char* const Flags[] = {"--tls"};
  for (int i = from; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0 && a.size() > 2) {
      bool flag = false;
      for (const char* f : Flags) {
        flag = flag || a == f;
      }
      if (flag) {
        out.flags.push_back(a);
        continue;
      }
      if (i + 1 >= argc) {
        error = a + " needs a value";
        return false;
      }
      if (a == "--password") {
        error = "passwords are read from standard input, not from the command line";
        return false;
      }
      if (a == "--data") {
        data = argv[++i];
      } else {
        out.options[a] = argv[++i];
      }
    } else {
      out.words.push_back(a);
    }
  }
  return true;
}

// One line from standard input; no echo when it is a terminal.
std::string readSecret(const std::string& prompt) {
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

std::string readFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Talks to a running server; `running` is false when DIR has no live admin endpoint.
class AdminClient {
 public:
  explicit AdminClient(const std::string& dir) {
    auto endpoint = net::parseEndpoint(readFirstLine(dir + "/admin.url"));
    token_ = readFirstLine(dir + "/admin.token");
    if (endpoint && !token_.empty()) {
      client_ = std::make_unique<net::BlockingHttpClient>(*endpoint, nullptr,
                                                          std::chrono::milliseconds(30'000));
    }
  }

  // Sends; on success returns the parsed object. status is 0 when the server is unreachable.
  Poco::JSON::Object::Ptr call(const std::string& method, const std::string& target,
                               const Poco::JSON::Object* body, int& status, std::string& error) {
    status = 0;
    if (!client_) {
      error = "not running";
      return nullptr;
    }
    net::HttpRequest r;
    r.method = method;
    r.target = target;
    r.headers.emplace_back("Authorization", "Bearer " + token_);
    if (body) {
      std::ostringstream out;
      body->stringify(out);
      r.body = out.str();
      r.headers.emplace_back("Content-Type", "application/json");
    }
    net::HttpResult result = client_->send(r);
    if (!result.ok()) {
      error = result.error;
      return nullptr;
    }
    status = result.response->status;
    try {
      Poco::JSON::Parser parser;
      auto o = parser.parse(result.response->body).extract<Poco::JSON::Object::Ptr>();
      if (status != 200) {
        error = o->optValue<std::string>("error", "HTTP " + std::to_string(status));
      }
      return o;
    } catch (const std::exception&) {
      error = "the admin API answered something that is not JSON";
      return nullptr;
    }
  }

 private:
  std::string token_;
  std::unique_ptr<net::BlockingHttpClient> client_;
};

int serve(const std::string& data, const Args& args) {
  mapisim::SimOptions options;
  options.dataDir = data;
  options.tls = std::find(args.flags.begin(), args.flags.end(), "--tls") != args.flags.end();
  const std::string listen = args.get("--listen", "127.0.0.1:0");
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return usage("--listen wants HOST:PORT");
  }
  options.host = listen.substr(0, colon);
  if (options.host.size() > 2 && options.host.front() == '[') {
    options.host = options.host.substr(1, options.host.size() - 2);
  }
  try {
    const unsigned long port = std::stoul(listen.substr(colon + 1));
    if (port > 65535) {
      return usage("--listen port out of range");
    }
    options.port = static_cast<uint16_t>(port);
    options.workers = static_cast<unsigned>(std::stoul(args.get("--workers", "2")));
  } catch (const std::exception&) {
    return usage("--listen wants HOST:PORT, --workers a number");
  }
  if (options.workers == 0 || options.workers > 64) {
    return usage("--workers must be 1..64");
  }
  // Signals are taken by one thread with sigwait: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  std::string error;
  auto server = mapisim::SimServer::create(options, error);
  if (!server) {
    std::cerr << "mapi-sim: " << error << "\n";
    return 1;
  }
  std::cout << "mapi-sim: EAS on " << (options.tls ? "https" : "http") << "://" << options.host
            << ":" << server->port() << ", admin on 127.0.0.1:" << server->adminPort()
            << std::endl;
  std::thread waiter([&server, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    server->stop();
  });
  server->run();
  // The loop ended (by a signal, or a stop from inside): release the waiter if still waiting.
  ::kill(::getpid(), SIGTERM);
  waiter.join();
  server.reset();
  ::unlink((data + "/mapi-sim.pid").c_str());
  std::cout << "mapi-sim: stopped" << std::endl;
  return 0;
}

void printJson(Poco::JSON::Object::Ptr o) {
  o->remove("ok");
  o->stringify(std::cout, 2);
  std::cout << "\n";
}

bool onOff(const std::string& v, bool& out) {
  if (v == "on" || v == "true" || v == "yes") {
    out = true;
    return true;
  }
  if (v == "off" || v == "false" || v == "no") {
    out = false;
    return true;
  }
  return false;
}

// `user add`, `user list` and `password` also work when the server is not running: they open
// the mailbox file directly (SQLite WAL lets a later server start see them).
int offline(const std::string& data, const std::vector<std::string>& w, const Args& args,
            const std::string& password) {
  ::mkdir(data.c_str(), 0700);  // the first `user add` may come before the first start
  auto mailbox = Mailbox::open(data + "/mailbox.db");
  if (!mailbox.ok()) {
    std::cerr << "mapi-sim: " << mailbox.error().message() << "\n";
    return 1;
  }
  if (w[0] == "user" && w[1] == "add") {
    auto user = (*mailbox)->addUser(w[2], password, args.get("--email"));
    if (!user.ok()) {
      std::cerr << "mapi-sim: " << user.error().detail << "\n";
      return 1;
    }
    std::cout << "user " << user->name << " <" << user->email << "> added\n";
    return 0;
  }
  if (w[0] == "user" && w[1] == "list") {
    for (const auto& u : (*mailbox)->users()) {
      std::cout << u.name << " <" << u.email << ">\n";
    }
    return 0;
  }
  auto st = (*mailbox)->setPassword(w[1], password);
  if (!st.ok()) {
    std::cerr << "mapi-sim: " << st.error().detail << "\n";
    return 1;
  }
  std::cout << "password of " << w[1] << " changed\n";
  return 0;
}

int command(const std::string& data, const Args& args) {
  const auto& w = args.words;
  if (w.empty()) {
    return usage("no command");
  }
  AdminClient admin(data);
  Poco::JSON::Object body;
  std::string method = "POST";
  std::string target;
  std::string done;

  auto need = [&](std::size_t n) { return w.size() >= n; };
  const bool canRunOffline = (need(3) && w[0] == "user" && w[1] == "add") ||
                             (need(2) && w[0] == "user" && w[1] == "list") ||
                             (need(2) && w[0] == "password");
  if (w[0] == "user" && need(3) && w[1] == "add") {
    target = "/users";
    body.set("name", w[2]);
    body.set("email", args.get("--email"));
  } else if (w[0] == "user" && need(2) && w[1] == "list") {
    method = "GET";
    target = "/users";
  } else if (w[0] == "user" && need(3) && w[1] == "policy") {
    target = "/users/policy";
    body.set("name", w[2]);
    body.set("policy", args.get("--policy"));
    bool exempt = false;
    if (args.has("--exempt") && !onOff(args.get("--exempt"), exempt)) {
      return usage("--exempt on|off");
    }
    body.set("exempt", exempt);
    done = "policy of " + w[2] + " set";
  } else if (w[0] == "user" && need(4) && w[1] == "notify-smtp") {
    target = "/users/notify-smtp";
    body.set("name", w[2]);
    body.set("address", w[3]);
    done = "notifications for " + w[2] + " go to " + w[3];
  } else if (w[0] == "password" && need(2)) {
    target = "/users/password";
    body.set("name", w[1]);
  } else if (w[0] == "deliver") {
    target = "/deliver";
    if (!args.has("--to")) {
      return usage("deliver needs --to NAME");
    }
    body.set("to", args.get("--to"));
    body.set("subject", args.get("--subject"));
    body.set("from", args.get("--from"));
    if (args.has("--mime")) {
      std::ifstream in(args.get("--mime"), std::ios::binary);
      if (!in) {
        std::cerr << "mapi-sim: cannot read " << args.get("--mime") << "\n";
        return 1;
      }
      std::ostringstream all;
      all << in.rdbuf();
      body.set("mime", all.str());
    } else {
      body.set("body", args.get("--body"));
    }
  } else if (w[0] == "contact" && need(2) && w[1] == "add") {
    target = "/contacts";
    body.set("user", args.get("--user"));
    body.set("firstName", args.get("--first"));
    body.set("lastName", args.get("--last"));
    body.set("email", args.get("--email"));
    body.set("mobile", args.get("--mobile"));
    body.set("company", args.get("--company"));
    body.set("fileAs", args.get("--file-as"));
  } else if (w[0] == "event" && need(2) && w[1] == "add") {
    target = "/events";
    body.set("user", args.get("--user"));
    body.set("subject", args.get("--subject"));
    body.set("start", args.get("--start"));
    body.set("end", args.get("--end"));
    body.set("location", args.get("--location"));
    body.set("timeZone", args.get("--tz"));
  } else if (w[0] == "task" && need(2) && w[1] == "add") {
    target = "/tasks";
    body.set("user", args.get("--user"));
    body.set("subject", args.get("--subject"));
    body.set("due", args.get("--due"));
  } else if (w[0] == "settings" && (w.size() == 1 || w[1] == "show")) {
    method = "GET";
    target = "/settings";
  } else if (w[0] == "settings" && need(3) && w[1] == "set") {
    target = "/settings";
    Poco::JSON::Array set;
    for (std::size_t i = 2; i < w.size(); ++i) {
      set.add(w[i]);
    }
    body.set("set", set);
  } else if (w[0] == "policy" && need(4) && w[1] == "set") {
    target = "/settings";
    Poco::JSON::Array set;
    for (std::size_t i = 3; i < w.size(); ++i) {
      set.add("policy." + w[2] + "." + w[i]);
    }
    body.set("set", set);
  } else if (w[0] == "policy" && need(4) && w[1] == "assign") {
    target = "/users/policy";
    body.set("name", w[2]);
    body.set("policy", w[3]);
    body.set("exempt", false);
    done = "policy " + w[3] + " assigned to " + w[2];
  } else if (w[0] == "policy" && need(4) && w[1] == "exempt") {
    target = "/settings";
    bool on = false;
    if (!onOff(w[3], on)) {
      return usage("policy exempt USER on|off");
    }
    Poco::JSON::Array set;
    set.add(std::string("security.exempt=") + (on ? "+" : "-") + w[2]);
    body.set("set", set);
  } else if (w[0] == "wipe" && need(2)) {
    target = "/wipe";
    body.set("deviceId", w[1]);
    done = "remote wipe requested for " + w[1];
  } else if (w[0] == "devices" && w.size() == 1) {
    method = "GET";
    target = "/devices";
  } else if (w[0] == "devices" && need(4) && w[1] == "notify") {
    target = "/devices/notify";
    body.set("deviceId", w[2]);
    body.set("url", w[3]);
    done = "notifications for " + w[2] + " go to " + w[3];
  } else if (w[0] == "fault" && need(2)) {
    const std::string& kind = w[1];
    target = "/faults";
    int status = 0;
    std::string error;
    Poco::JSON::Object::Ptr current = admin.call("GET", "/faults", nullptr, status, error);
    if (!current || status != 200) {
      std::cerr << "mapi-sim: " << (status == 0 ? "mapi-sim is not running for " + data : error)
                << "\n";
      return 1;
    }
    body = *current->getObject("faults");
    try {
      if (kind == "delay" && need(3)) {
        body.set("delayMs", std::stoll(w[2]));
        body.set("delayCount", std::stoll(args.get("--count", "-1")));
      } else if (kind == "unavailable" && need(3)) {
        body.set("unavailableCount", std::stoll(w[2]));
        body.set("retryAfterSeconds", std::stoll(args.get("--retry-after", "30")));
      } else if (kind == "drop-pings" && args.has("--after")) {
        body.set("dropPingsAfterMs", std::stoll(args.get("--after")));
      } else if (kind == "drop-pings") {
        target = "/faults/drop-pings";
        body.clear();
      } else if (kind == "refuse" && need(3)) {
        bool on = false;
        if (!onOff(w[2], on)) {
          return usage("fault refuse on|off");
        }
        body.set("refuseConnections", on);
      } else if (kind == "drip" && need(4)) {
        body.set("dripBytes", std::stoll(w[2]));
        body.set("dripIntervalMs", std::stoll(w[3]));
        body.set("dripCount", std::stoll(args.get("--count", "-1")));
      } else if (kind == "server-error" && need(3)) {
        body.set("serverErrorCount", std::stoll(w[2]));
      } else if (kind == "show") {
        method = "GET";
        body.clear();
        target = "/faults";
      } else if (kind == "clear") {
        method = "DELETE";
        body.clear();
      } else {
        return usage("unknown fault " + kind);
      }
    } catch (const std::exception&) {
      return usage("fault values are numbers");
    }
    if (kind != "show") {
      done = "faults updated";
    }
  } else if (w[0] == "status") {
    method = "GET";
    target = "/status";
  } else if (w[0] == "events") {
    method = "GET";
    target = "/events?since=" + args.get("--since", "0");
  } else {
    return usage("unknown command: " + w[0]);
  }

  std::string password;
  if (w[0] == "password" || (w[0] == "user" && w[1] == "add")) {
    const std::string who = w[0] == "password" ? w[1] : w[2];
    password = readSecret("password for " + who + ": ");
    if (password.empty()) {
      std::cerr << "mapi-sim: an empty password is not allowed\n";
      return 1;
    }
    body.set("password", password);
  }
  int status = 0;
  std::string error;
  Poco::JSON::Object::Ptr answer =
      admin.call(method, target, method == "GET" || body.size() == 0 ? nullptr : &body, status,
                 error);
  if (status == 0) {
    if (canRunOffline) {
      return offline(data, w, args, password);
    }
    std::cerr << "mapi-sim: mapi-sim is not running for " << data << " (" << error << ")\n";
    return 1;
  }
  if (status != 200) {
    std::cerr << "mapi-sim: " << error << "\n";
    return 1;
  }
  if (!done.empty()) {
    std::cout << done << "\n";
  } else if (w[0] == "deliver") {
    std::cout << "delivered " << answer->getValue<std::string>("serverId") << " at "
              << answer->getValue<std::string>("deliveredAt") << "\n";
  } else if (w[0] == "password") {
    std::cout << "password of " << w[1] << " changed\n";
  } else {
    printJson(answer);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    return usage();
  }
  Args args;
  std::string data;
  std::string error;
  if (!parseArgs(argc, argv, 1, args, data, error)) {
    return usage(error);
  }
  if (data.empty()) {
    return usage("--data DIR is required");
  }
  if (args.words.empty()) {
    return usage("no command");
  }
  try {
    if (args.words[0] == "serve") {
      args.words.erase(args.words.begin());
      return serve(data, args);
    }
    return command(data, args);
  } catch (const std::exception& e) {
    std::cerr << "mapi-sim: " << e.what() << "\n";
    return 1;
  }
}

// ControlServer: routes of the control API, JSON in and out, store work on two worker threads,
// long-polled events parked on the loop. The wire format is docs/control-api.md.
#include "bridge/control/control_server.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <utility>
#include <variant>

#ifndef CRADLE_VERSION
#define CRADLE_VERSION "0.0.0"
#endif

namespace cradle::bridge {

using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

constexpr unsigned WorkerThreads = 2;
constexpr int64_t MaxWaitSeconds = 60;
constexpr std::size_t DefaultEventLimit = 1000;
// How often parked event requests look for new events in the store while any are parked.
// Events written by other parts of the bridge reach the store directly, so this bounds the
// delay from such an event to the tray; events raised here wake waiters at once.
constexpr std::chrono::milliseconds EventPollInterval{25};
// A server-sent-events answer carries what arrived within this time, then the client (an
// EventSource) reconnects with Last-Event-ID.
constexpr int64_t StreamHoldSeconds = 25;

net::HttpResponse jsonResponse(int status, const Object& o) {
  net::HttpResponse r;
  r.status = status;
  std::ostringstream out;
  o.stringify(out);
  r.body = out.str() + "\n";
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

net::HttpResponse errorResponse(int status, const std::string& message) {
  Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("error", message);
  return jsonResponse(status, o);
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  // The length of the token is not secret (it is fixed by serve); its bytes are.
  if (a.size() != b.size()) {
    return false;
  }
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = static_cast<unsigned char>(
        diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
  }
  return diff == 0;
}

// "name=value&..." -> map; no percent-decoding (every value here is a number).
std::map<std::string, std::string> parseQuery(const std::string& query) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string::npos) {
      end = query.size();
    }
    std::string part = query.substr(start, end - start);
    if (!part.empty()) {
      const std::size_t eq = part.find('=');
      out[part.substr(0, eq)] = eq == std::string::npos ? std::string() : part.substr(eq + 1);
    }
    start = end + 1;
  }
  return out;
}

// A non-negative decimal number of at most 18 digits; nullopt otherwise.
std::optional<int64_t> parseCount(const std::string& text) {
  if (text.empty() || text.size() > 18 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoll(text);
}

// "2026-11-25T09:30:00.123Z"; "" for 0.
std::string isoTime(UnixMillis ms) {
  if (ms == 0) {
    return {};
  }
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buffer;
}

eas::Error badSetting(std::string detail) {
  return eas::makeError(eas::ErrorCode::BadValue, 0, std::move(detail));
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return s;
}

std::vector<std::string> splitList(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(separator, start);
    if (end == std::string::npos) {
      end = text.size();
    }
    std::string item = text.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) {
      out.push_back(item);
    }
    start = end + 1;
  }
  return out;
}

// A JSON list of strings, or one string with comma-separated items.
Result<std::vector<std::string>> stringList(const Poco::Dynamic::Var& v, const std::string& key) {
  if (v.isString()) {
    return splitList(v.extract<std::string>(), ',');
  }
  if (v.type() == typeid(Array::Ptr)) {
    std::vector<std::string> out;
    const Array::Ptr a = v.extract<Array::Ptr>();
    for (std::size_t i = 0; i < a->size(); ++i) {
      const Poco::Dynamic::Var item = a->get(static_cast<unsigned>(i));
      if (!item.isString()) {
        return badSetting("\"" + key + "\" must list strings");
      }
      out.push_back(item.extract<std::string>());
    }
    return out;
  }
  return badSetting("\"" + key + "\" must be a list of strings");
}

struct TypeName {
  const char* name;
  DataType type;
};
constexpr TypeName TypeNames[] = {{"contacts", DataType::Contacts},
                                  {"calendar", DataType::Calendar},
                                  {"email", DataType::Email},
                                  {"tasks", DataType::Tasks}};

constexpr const char* DayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

struct SizeName {
  const char* name;
  EmailSizeLimit size;
};
constexpr SizeName SizeNames[] = {{"headers", EmailSizeLimit::HeadersOnly},
                                  {"0.5K", EmailSizeLimit::HalfK},
                                  {"1K", EmailSizeLimit::K1},
                                  {"2K", EmailSizeLimit::K2},
                                  {"5K", EmailSizeLimit::K5},
                                  {"10K", EmailSizeLimit::K10},
                                  {"20K", EmailSizeLimit::K20},
                                  {"50K", EmailSizeLimit::K50},
                                  {"100K", EmailSizeLimit::K100},
                                  {"entire", EmailSizeLimit::Entire}};

std::string sizeName(EmailSizeLimit size) {
  for (const SizeName& s : SizeNames) {
    if (s.size == size) {
      return s.name;
    }
  }
  return std::to_string(static_cast<uint32_t>(size));
}

Poco::Dynamic::Var intervalJson(SyncInterval i) {
  if (i == SyncInterval::Manual) {
    return std::string("manual");
  }
  return static_cast<int>(i);
}

// Minutes 5, 10, 15, 30, 60, 120, 240 or "manual".
Result<SyncInterval> parseInterval(const Poco::Dynamic::Var& v, const std::string& key) {
  int64_t minutes = -1;
  if (v.isString()) {
    const std::string text = lower(v.extract<std::string>());
    if (text == "manual") {
      return SyncInterval::Manual;
    }
    if (auto n = parseCount(text)) {
      minutes = *n;
    }
  } else if (v.isInteger()) {
    minutes = v.convert<int64_t>();
  }
  for (int64_t allowed : {5, 10, 15, 30, 60, 120, 240}) {
    if (minutes == allowed) {
      return static_cast<SyncInterval>(allowed);
    }
  }
  return badSetting("\"" + key + "\" must be 5, 10, 15, 30, 60, 120 or 240 minutes, or \"manual\"");
}

// "HH:MM" -> minutes after midnight; 24:00 only when allowEnd.
std::optional<uint16_t> parseClock(const std::string& text, bool allowEnd) {
  if (text.size() != 5 || text[2] != ':') {
    return std::nullopt;
  }
  const auto h = parseCount(text.substr(0, 2));
  const auto m = parseCount(text.substr(3, 2));
  if (!h || !m || *m > 59 || *h > 24 || (*h == 24 && (*m != 0 || !allowEnd))) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(*h * 60 + *m);
}

std::string clockText(uint16_t minutes) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%02d:%02d", minutes / 60, minutes % 60);
  return buffer;
}

// ["mon","tue"], "mon-fri", "mon,wed,fri", "fri-mon" (wraps), "none" -> bit mask (bit 0 Sunday).
Result<uint8_t> parseDays(const Poco::Dynamic::Var& v) {
  auto items = stringList(v, "peakDays");
  if (!items.ok()) {
    return items.error();
  }
  auto dayIndex = [](const std::string& name) -> int {
    const std::string n = lower(name).substr(0, 3);
    for (int i = 0; i < 7; ++i) {
      if (name.size() >= 3 && n == DayNames[i]) {
        return i;
      }
    }
    return -1;
  };
  unsigned mask = 0;
  for (const std::string& item : *items) {
    if (lower(item) == "none") {
      continue;
    }
    const std::size_t dash = item.find('-');
    const int first = dayIndex(item.substr(0, dash));
    const int last = dash == std::string::npos ? first : dayIndex(item.substr(dash + 1));
    if (first < 0 || last < 0) {
      return badSetting("unknown day in \"" + item + "\" (use mon, tue, ... or ranges mon-fri)");
    }
    for (int d = first;; d = (d + 1) % 7) {
      mask |= 1U << static_cast<unsigned>(d);
      if (d == last) {
        break;
      }
    }
  }
  return static_cast<uint8_t>(mask);
}

Object::Ptr settingsToJson(const Partnership& p) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  Array::Ptr types = new Array;
  for (const TypeName& t : TypeNames) {
    if (hasDataType(p.dataTypes, t.type)) {
      types->add(std::string(t.name));
    }
  }
  o->set("types", types);
  const Schedule& s = p.schedule;
  o->set("schedule", s.mode == ScheduleMode::AsItemsArrive ? "asItemsArrive" : "scheduled");
  o->set("peakInterval", intervalJson(s.peakInterval));
  o->set("offPeakInterval", intervalJson(s.offPeakInterval));
  o->set("peakHours", clockText(s.peakStartMinute) + "-" + clockText(s.peakEndMinute));
  Array::Ptr days = new Array;
  for (unsigned d = 0; d < 7; ++d) {
    if ((s.peakDays & (1U << d)) != 0) {
      days->add(std::string(DayNames[d]));
    }
  }
  o->set("peakDays", days);
  if (p.email.pastDays == EmailPastDays::All) {
    o->set("emailDays", "all");
  } else {
    o->set("emailDays", static_cast<int>(p.email.pastDays));
  }
  o->set("emailSize", sizeName(p.email.sizeLimit));
  o->set("attachments", p.email.attachments);
  o->set("attachmentMax", p.email.attachmentMaxBytes);
  return o;
}

// Applies a PATCH body (any subset of the settings keys, plus "name") to p. Unknown keys and
// values out of their lists are refused with the reason; p is unchanged then.
Status applySettings(const Object& in, Partnership& target) {
  Partnership p = target;
  for (const std::string& key : in.getNames()) {
    const Poco::Dynamic::Var v = in.get(key);
    if (key == "types") {
      auto items = stringList(v, key);
      if (!items.ok()) {
        return items.error();
      }
      uint8_t mask = 0;
      for (const std::string& item : *items) {
        const TypeName* found = nullptr;
        for (const TypeName& t : TypeNames) {
          if (lower(item) == t.name) {
            found = &t;
          }
        }
        if (found == nullptr) {
          return badSetting("unknown data type \"" + item +
                            "\" (use contacts, calendar, email, tasks)");
        }
        mask = static_cast<uint8_t>(mask | static_cast<uint8_t>(found->type));
      }
      if (mask == 0) {
        return badSetting("\"types\" must name at least one data type");
      }
      p.dataTypes = mask;
    } else if (key == "schedule") {
      const std::string mode = v.isString() ? lower(v.extract<std::string>()) : std::string();
      if (mode == "asitemsarrive" || mode == "asap") {
        p.schedule.mode = ScheduleMode::AsItemsArrive;
      } else if (mode == "scheduled") {
        p.schedule.mode = ScheduleMode::Scheduled;
      } else if (mode == "manual") {
        p.schedule.mode = ScheduleMode::Scheduled;
        p.schedule.peakInterval = SyncInterval::Manual;
        p.schedule.offPeakInterval = SyncInterval::Manual;
      } else {
        return badSetting("\"schedule\" must be \"asItemsArrive\", \"scheduled\" or \"manual\"");
      }
    } else if (key == "peakInterval" || key == "offPeakInterval") {
      auto i = parseInterval(v, key);
      if (!i.ok()) {
        return i.error();
      }
      (key == "peakInterval" ? p.schedule.peakInterval : p.schedule.offPeakInterval) = *i;
    } else if (key == "peakHours") {
      const std::string text = v.isString() ? v.extract<std::string>() : std::string();
      const std::size_t dash = text.find('-');
      const auto start =
          dash == std::string::npos ? std::nullopt : parseClock(text.substr(0, dash), false);
      const auto end =
          dash == std::string::npos ? std::nullopt : parseClock(text.substr(dash + 1), true);
      if (!start || !end || *start == *end) {
        return badSetting("\"peakHours\" must be HH:MM-HH:MM with two different times");
      }
      p.schedule.peakStartMinute = *start;
      p.schedule.peakEndMinute = *end;
    } else if (key == "peakDays") {
      auto days = parseDays(v);
      if (!days.ok()) {
        return days.error();
      }
      p.schedule.peakDays = *days;
    } else if (key == "emailDays") {
      int64_t days = -1;
      if (v.isString() && lower(v.extract<std::string>()) == "all") {
        days = 0;
      } else if (v.isString()) {
        days = parseCount(v.extract<std::string>()).value_or(-1);
      } else if (v.isInteger()) {
        days = v.convert<int64_t>();
      }
      if (days != 0 && days != 1 && days != 3 && days != 7 && days != 14 && days != 31) {
        return badSetting("\"emailDays\" must be 1, 3, 7, 14, 31 or \"all\"");
      }
      p.email.pastDays = static_cast<EmailPastDays>(days);
    } else if (key == "emailSize") {
      const std::string text = v.isString() ? lower(v.extract<std::string>()) : std::string();
      const SizeName* found = nullptr;
      for (const SizeName& s : SizeNames) {
        if (text == lower(s.name)) {
          found = &s;
        }
      }
      if (found == nullptr) {
        return badSetting(
            "\"emailSize\" must be headers, 0.5K, 1K, 2K, 5K, 10K, 20K, 50K, 100K or entire");
      }
      p.email.sizeLimit = found->size;
    } else if (key == "attachments") {
      if (v.isBoolean()) {
        p.email.attachments = v.extract<bool>();
      } else if (v.isString() && (lower(v.extract<std::string>()) == "on" ||
                                  lower(v.extract<std::string>()) == "off")) {
        p.email.attachments = lower(v.extract<std::string>()) == "on";
      } else {
        return badSetting("\"attachments\" must be true or false");
      }
    } else if (key == "attachmentMax") {
      const int64_t bytes = v.isInteger() ? v.convert<int64_t>() : -1;
      if (bytes < 0 || bytes > static_cast<int64_t>(UINT32_MAX)) {
        return badSetting("\"attachmentMax\" must be a byte count (0: no cap)");
      }
      p.email.attachmentMaxBytes = static_cast<uint32_t>(bytes);
    } else if (key == "name") {
      if (!v.isString()) {
        return badSetting("\"name\" must be a string");
      }
      p.friendlyName = v.extract<std::string>();
    } else {
      return badSetting("unknown setting \"" + key + "\"");
    }
  }
  if (auto s = validatePartnership(p); !s.ok()) {
    return s;
  }
  target = std::move(p);
  return {};
}

Object::Ptr eventJson(const Event& e) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("seq", e.seq);
  o->set("at", isoTime(e.at));
  o->set("atMs", e.at);
  o->set("deviceId", e.deviceId);
  o->set("kind", e.kind);
  o->set("text", e.text);
  return o;
}

Object eventsJson(const std::vector<Event>& events, int64_t since) {
  Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  Array::Ptr list = new Array;
  for (const Event& e : events) {
    list->add(eventJson(e));
  }
  o.set("events", list);
  o.set("last", events.empty() ? since : events.back().seq);
  return o;
}

// text/event-stream body: one "id:/event:/data:" block per event (WHATWG HTML 9.2.6), or a
// keep-alive comment when nothing arrived; "retry:" asks the client to reconnect at once.
net::HttpResponse streamResponse(const std::vector<Event>& events) {
  net::HttpResponse r;
  r.headers.emplace_back("Content-Type", "text/event-stream");
  r.headers.emplace_back("Cache-Control", "no-store");
  std::string body = "retry: 100\n\n";
  if (events.empty()) {
    body += ": keep-alive\n\n";
  }
  for (const Event& e : events) {
    std::ostringstream data;
    eventJson(e)->stringify(data);
    body += "id: " + std::to_string(e.seq) + "\nevent: event\ndata: " + data.str() + "\n\n";
  }
  r.body = std::move(body);
  return r;
}

}  // namespace

// A request whose answer must wait for an event newer than `since`.
struct EventWaiter {
  std::shared_ptr<net::HttpExchange> exchange;
  int64_t since = 0;
  std::size_t limit = DefaultEventLimit;
  bool stream = false;  // answer as text/event-stream
  net::EventLoop::TimerId deadline = 0;
};

struct ControlServer::Impl {
  Impl(net::EventLoop& l, Store& s, ControlHooks h, std::string t)
      : loop(l), store(s), hooks(std::move(h)), token(std::move(t)) {}

  net::EventLoop& loop;
  Store& store;
  ControlHooks hooks;
  std::string token;
  const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::unique_ptr<net::HttpServer> httpServer;

  // Workers (store work off the loop).
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::function<void()>> tasks;
  std::vector<std::thread> workers;
  bool stopping = false;

  // False once closed: tasks posted to the loop before then must not touch this object.
  // Written and read on the loop thread only.
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  void postToLoop(std::function<void()> task) {
    loop.post([flag = alive, task = std::move(task)] {
      if (*flag) {
        task();
      }
    });
  }

  // Loop thread only.
  std::vector<std::shared_ptr<EventWaiter>> waiters;
  net::EventLoop::TimerId pollTimer = 0;
  bool pollInFlight = false;
  bool pollAgain = false;
  bool closed = false;

  void startWorkers() {
    for (unsigned i = 0; i < WorkerThreads; ++i) {
      workers.emplace_back([this] { workerMain(); });
    }
  }

  // Queued tasks still run; later posts are dropped.
  void requestStop() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
    }
    ready.notify_all();
  }

  void stopWorkers() {
    requestStop();
    for (std::thread& t : workers) {
      t.join();
    }
    workers.clear();
  }

  void post(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (stopping) {
        return;
      }
      tasks.push_back(std::move(task));
    }
    ready.notify_one();
  }

  void workerMain() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mutex);
        ready.wait(lock, [this] { return stopping || !tasks.empty(); });
        if (tasks.empty()) {
          return;  // stopping and drained
        }
        task = std::move(tasks.front());
        tasks.pop_front();
      }
      try {
        task();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "cradle control: task failed: %s\n", e.what());
      } catch (...) {
        std::fprintf(stderr, "cradle control: task failed\n");
      }
    }
  }

  // Loop thread: the HttpServer's handler.
  void handle(const std::shared_ptr<net::HttpExchange>& exchange) {
    post([this, exchange] {
      try {
        answer(exchange);
      } catch (const std::exception& e) {
        exchange->respond(errorResponse(500, std::string("internal error: ") + e.what()));
      }
    });
  }

  // Worker thread: answers the request, or parks it (events with wait).
  void answer(const std::shared_ptr<net::HttpExchange>& exchange) {
    const net::HttpRequest& request = exchange->request();
    auto auth = net::findHeader(request.headers, "Authorization");
    if (!auth || auth->size() < 7 || auth->substr(0, 7) != "Bearer " ||
        !constantTimeEquals(auth->substr(7), token)) {
      net::HttpResponse r = errorResponse(401, "control token required");
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      exchange->respond(std::move(r));
      return;
    }
    const std::size_t q = request.target.find('?');
    const std::string path = request.target.substr(0, q);
    const auto query =
        parseQuery(q == std::string::npos ? std::string() : request.target.substr(q + 1));
    const std::string& m = request.method;

    if (path == "/events" || path == "/events/stream") {
      if (m != "GET") {
        exchange->respond(errorResponse(405, "use GET"));
        return;
      }
      answerEvents(exchange, query, path == "/events/stream");
      return;
    }
    exchange->respond(route(m, path, request.body));
  }

  net::HttpResponse route(const std::string& m, const std::string& path, const std::string& body) {
    if (path == "/status") {
      return m == "GET" ? status() : errorResponse(405, "use GET");
    }
    if (path == "/devices") {
      return m == "GET" ? devices() : errorResponse(405, "use GET");
    }
    if (path == "/pairing") {
      // Reserved for the USB pairing issue: pairing requests waiting for the user's yes.
      if (m != "GET") {
        return errorResponse(405, "use GET");
      }
      Object o(Poco::JSON_PRESERVE_KEY_ORDER);
      o.set("requests", Array::Ptr(new Array));
      return jsonResponse(200, o);
    }
    if (path == "/password") {
      return m == "POST" ? password(body) : errorResponse(405, "use POST");
    }
    static const std::string DevicesPrefix = "/devices/";
    if (path.rfind(DevicesPrefix, 0) == 0) {
      std::string rest = path.substr(DevicesPrefix.size());
      const std::size_t slash = rest.find('/');
      const std::string id = rest.substr(0, slash);
      const std::string action = slash == std::string::npos ? "" : rest.substr(slash + 1);
      if (id.empty()) {
        return errorResponse(404, "no such resource");
      }
      if (action.empty()) {
        if (m == "GET") {
          return device(id);
        }
        if (m == "PATCH") {
          return patchDevice(id, body);
        }
        return errorResponse(405, "use GET or PATCH");
      }
      if (action == "revoke") {
        return m == "POST" ? revoke(id) : errorResponse(405, "use POST");
      }
    }
    return errorResponse(404, "no such resource: " + path);
  }

  static net::HttpResponse storeError(const eas::Error& e) {
    return errorResponse(500, "store: " + e.detail);
  }

  std::map<std::string, DeviceLiveStatus> live() const {
    std::map<std::string, DeviceLiveStatus> out;
    if (hooks.liveStatus) {
      for (DeviceLiveStatus& s : hooks.liveStatus()) {
        std::string id = s.deviceId;
        out.emplace(std::move(id), std::move(s));
      }
    }
    return out;
  }

  static Object::Ptr liveJson(const DeviceLiveStatus* s) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("connected", s != nullptr);
    o->set("devicePingHeld", s != nullptr && s->devicePingHeld);
    o->set("upstreamPingHeld", s != nullptr && s->upstreamPingHeld);
    o->set("upstreamHeartbeat", s != nullptr ? s->upstreamHeartbeat : 0U);
    o->set("lastError", s != nullptr ? s->lastError : std::string());
    return o;
  }

  static Object::Ptr statisticsJson(const DeviceStatistics& s) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("upstreamPings", s.upstreamPings);
    o->set("upstreamPingsDiedEarly", s.upstreamPingsDiedEarly);
    o->set("heartbeatUpSeconds", s.heartbeatUpSeconds);
    o->set("devicePings", s.devicePings);
    o->set("wakeupsDelivered", s.wakeupsDelivered);
    o->set("wakeupsSaved", s.wakeupsSaved);
    o->set("bytesToDevice", s.bytesToDevice);
    o->set("bytesToUpstream", s.bytesToUpstream);
    o->set("updated", s.updated == 0 ? std::string() : isoTime(s.updated));
    return o;
  }

  Result<Object::Ptr> deviceJson(const Partnership& p,
                                 const std::map<std::string, DeviceLiveStatus>& liveMap) const {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("deviceId", p.deviceId);
    o->set("deviceType", p.deviceType);
    o->set("name", p.friendlyName);
    o->set("user", p.user);
    o->set("server", p.serverUrl);
    o->set("caFile", p.caFile);
    o->set("route", p.route == Route::Usb ? "usb" : "lan");
    o->set("state", p.state == PartnershipState::Active ? "active" : "revoked");
    o->set("pendingCredentialUpdate", p.pendingCredentialUpdate);
    o->set("created", isoTime(p.created));
    o->set("updated", isoTime(p.updated));
    o->set("settings", settingsToJson(p));
    auto stats = store.statistics(p.deviceId);
    if (!stats.ok()) {
      return stats.error();
    }
    o->set("statistics", statisticsJson(*stats));
    auto it = liveMap.find(p.deviceId);
    o->set("live", liveJson(it == liveMap.end() ? nullptr : &it->second));
    return o;
  }

  net::HttpResponse status() {
    auto list = store.partnerships();
    if (!list.ok()) {
      return storeError(list.error());
    }
    const auto liveMap = live();
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("version", CRADLE_VERSION);
    o.set("uptimeSeconds", std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::steady_clock::now() - started)
                               .count());
    std::size_t active = 0;
    Array::Ptr devices = new Array;
    std::set<std::pair<std::string, std::string>> accounts;
    for (const Partnership& p : *list) {
      if (p.state == PartnershipState::Active) {
        ++active;
      }
      accounts.emplace(p.user, p.serverUrl);
      Object::Ptr d = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      d->set("deviceId", p.deviceId);
      d->set("user", p.user);
      d->set("state", p.state == PartnershipState::Active ? "active" : "revoked");
      auto it = liveMap.find(p.deviceId);
      d->set("live", liveJson(it == liveMap.end() ? nullptr : &it->second));
      devices->add(d);
    }
    o.set("deviceCount", list->size());
    o.set("activeDevices", active);
    o.set("devices", devices);
    Array::Ptr stale = new Array;
    Array::Ptr missing = new Array;
    for (const auto& [user, server] : accounts) {
      auto c = store.credential(user, server);
      if (!c.ok()) {
        return storeError(c.error());
      }
      Object::Ptr a = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      a->set("user", user);
      a->set("server", server);
      if (!c->has_value()) {
        missing->add(a);
      } else if ((*c)->stale) {
        a->set("since", isoTime((*c)->staleSince));
        stale->add(a);
      }
    }
    o.set("staleCredentials", stale);
    o.set("missingCredentials", missing);
    return jsonResponse(200, o);
  }

  net::HttpResponse devices() {
    auto list = store.partnerships();
    if (!list.ok()) {
      return storeError(list.error());
    }
    const auto liveMap = live();
    Array::Ptr out = new Array;
    for (const Partnership& p : *list) {
      auto d = deviceJson(p, liveMap);
      if (!d.ok()) {
        return storeError(d.error());
      }
      out->add(*d);
    }
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("devices", out);
    return jsonResponse(200, o);
  }

  // The partnership, or the response to give instead (404 / 500).
  std::variant<Partnership, net::HttpResponse> find(const std::string& id) {
    auto p = store.partnership(id);
    if (!p.ok()) {
      return storeError(p.error());
    }
    if (!p->has_value()) {
      return errorResponse(404, "no device " + id);
    }
    return std::move(**p);
  }

  net::HttpResponse device(const std::string& id) {
    auto found = find(id);
    if (auto* r = std::get_if<net::HttpResponse>(&found)) {
      return std::move(*r);
    }
    auto d = deviceJson(std::get<Partnership>(found), live());
    if (!d.ok()) {
      return storeError(d.error());
    }
    return jsonResponse(200, **d);
  }

  static Result<Object::Ptr> parseBody(const std::string& body) {
    if (body.empty()) {
      return eas::makeError(eas::ErrorCode::BadValue, 0, "a JSON object body is required");
    }
    try {
      Poco::JSON::Parser parser;
      Poco::Dynamic::Var v = parser.parse(body);
      if (v.type() != typeid(Object::Ptr)) {
        return eas::makeError(eas::ErrorCode::BadValue, 0, "the body is not a JSON object");
      }
      return v.extract<Object::Ptr>();
    } catch (const std::exception&) {
      return eas::makeError(eas::ErrorCode::BadValue, 0, "the body is not valid JSON");
    }
  }

  net::HttpResponse patchDevice(const std::string& id, const std::string& body) {
    auto in = parseBody(body);
    if (!in.ok()) {
      return errorResponse(400, in.error().detail);
    }
    auto found = find(id);
    if (auto* r = std::get_if<net::HttpResponse>(&found)) {
      return std::move(*r);
    }
    Partnership p = std::get<Partnership>(found);
    if (auto s = applySettings(**in, p); !s.ok()) {
      return errorResponse(400, s.error().detail);
    }
    auto updated = store.updatePartnership(p);
    if (!updated.ok()) {
      return errorResponse(400, updated.error().detail);
    }
    if (hooks.settingsChanged) {
      hooks.settingsChanged(id);
    }
    (void)store.addEvent(id, "settings-changed", "settings changed for device " + id);
    wakeWaiters();
    auto d = deviceJson(*updated, live());
    if (!d.ok()) {
      return storeError(d.error());
    }
    return jsonResponse(200, **d);
  }

  net::HttpResponse revoke(const std::string& id) {
    auto found = find(id);
    if (auto* r = std::get_if<net::HttpResponse>(&found)) {
      return std::move(*r);
    }
    if (std::get<Partnership>(found).state == PartnershipState::Revoked) {
      return errorResponse(409, "device " + id + " is already revoked");
    }
    if (auto s = store.setPartnershipState(id, PartnershipState::Revoked); !s.ok()) {
      return storeError(s.error());
    }
    if (hooks.settingsChanged) {
      hooks.settingsChanged(id);
    }
    (void)store.addEvent(id, "device-revoked", "device " + id + " revoked");
    wakeWaiters();
    return device(id);
  }

  net::HttpResponse password(const std::string& body) {
    auto in = parseBody(body);
    if (!in.ok()) {
      return errorResponse(400, in.error().detail);
    }
    const Object& o = **in;
    for (const std::string& key : o.getNames()) {
      if (key != "user" && key != "server" && key != "password" && key != "devicesPending") {
        return errorResponse(400, "unknown field \"" + key + "\"");
      }
    }
    auto text = [&](const std::string& key) -> std::optional<std::string> {
      if (!o.has(key) || o.isNull(key)) {
        return std::string();
      }
      const Poco::Dynamic::Var v = o.get(key);
      if (!v.isString()) {
        return std::nullopt;
      }
      return v.extract<std::string>();
    };
    const auto user = text("user");
    const auto server = text("server");
    const auto secret = text("password");
    if (!user || user->empty()) {
      return errorResponse(400, "\"user\" must be a non-empty string");
    }
    if (!server) {
      return errorResponse(400, "\"server\" must be a string");
    }
    if (!secret || secret->empty()) {
      return errorResponse(400, "\"password\" must be a non-empty string");
    }
    std::optional<bool> devicesPending;
    if (o.has("devicesPending") && !o.isNull("devicesPending")) {
      const Poco::Dynamic::Var v = o.get("devicesPending");
      if (!v.isBoolean()) {
        return errorResponse(400, "\"devicesPending\" must be true or false");
      }
      devicesPending = v.extract<bool>();
    }
    auto list = store.partnerships();
    if (!list.ok()) {
      return storeError(list.error());
    }
    // The servers this user's partnerships use; each with whether a device of it holds the real
    // password in its profile (a tethered device), which gets a pending credential update.
    std::map<std::string, bool> servers;
    for (const Partnership& p : *list) {
      if (p.user == *user && (server->empty() || p.serverUrl == *server)) {
        bool& usb = servers[p.serverUrl];
        usb = usb || (p.route == Route::Usb && p.state == PartnershipState::Active);
      }
    }
    if (servers.empty()) {
      if (server->empty()) {
        return errorResponse(404, "no device of user " + *user);
      }
      servers[*server] = false;  // a credential for a server no device uses yet
    }
    Array::Ptr updated = new Array;
    for (const auto& [url, usb] : servers) {
      if (auto s = store.setCredential(*user, url, *secret, devicesPending.value_or(usb));
          !s.ok()) {
        return errorResponse(400, s.error().detail);
      }
      updated->add(url);
    }
    if (hooks.credentialUpdated) {
      hooks.credentialUpdated(*user);
    }
    (void)store.addEvent("", "password-updated", "password updated for " + *user);
    wakeWaiters();
    Object out(Poco::JSON_PRESERVE_KEY_ORDER);
    out.set("user", *user);
    out.set("servers", updated);
    return jsonResponse(200, out);
  }

  void answerEvents(const std::shared_ptr<net::HttpExchange>& exchange,
                    const std::map<std::string, std::string>& query, bool stream) {
    int64_t since = 0;
    int64_t wait = stream ? StreamHoldSeconds : 0;
    std::size_t limit = DefaultEventLimit;
    for (const auto& [key, value] : query) {
      const auto n = parseCount(value);
      if (key == "since" && n) {
        since = *n;
      } else if (key == "wait" && n && !stream) {
        wait = std::min(*n, MaxWaitSeconds);
      } else if (key == "limit" && n && *n > 0) {
        limit = static_cast<std::size_t>(std::min<int64_t>(*n, 1000));
      } else {
        exchange->respond(errorResponse(400, "bad query parameter \"" + key + "\""));
        return;
      }
    }
    if (stream) {
      // EventSource reconnects with the id of the last event it saw.
      if (auto last = net::findHeader(exchange->request().headers, "Last-Event-ID")) {
        if (auto n = parseCount(std::string(*last))) {
          since = std::max(since, *n);
        }
      }
    }
    auto events = store.eventsSince(since, limit);
    if (!events.ok()) {
      exchange->respond(storeError(events.error()));
      return;
    }
    if (!events->empty() || wait == 0) {
      exchange->respond(stream ? streamResponse(*events)
                               : jsonResponse(200, eventsJson(*events, since)));
      return;
    }
    auto waiter = std::make_shared<EventWaiter>();
    waiter->exchange = exchange;
    waiter->since = since;
    waiter->limit = limit;
    waiter->stream = stream;
    postToLoop([this, waiter, wait] { park(waiter, std::chrono::seconds(wait)); });
  }

  // Loop thread: parks a waiter until an event arrives or its wait ends.
  void park(const std::shared_ptr<EventWaiter>& waiter, std::chrono::seconds wait) {
    if (closed || waiter->exchange->finished()) {
      return;
    }
    std::weak_ptr<EventWaiter> weak = waiter;
    waiter->deadline = loop.runAfter(wait, [this, weak] {
      auto w = weak.lock();
      if (!w) {
        return;
      }
      w->deadline = 0;
      w->exchange->respond(w->stream ? streamResponse({})
                                     : jsonResponse(200, eventsJson({}, w->since)));
      removeWaiter(w);
    });
    waiters.push_back(waiter);
    schedulePoll(EventPollInterval);
  }

  void removeWaiter(const std::shared_ptr<EventWaiter>& w) {
    waiters.erase(std::remove(waiters.begin(), waiters.end(), w), waiters.end());
  }

  // Any thread: an event was added here; look at once.
  void wakeWaiters() {
    postToLoop([this] {
      if (pollInFlight) {
        pollAgain = true;
      } else {
        schedulePoll(std::chrono::milliseconds(0));
      }
    });
  }

  // Loop thread: one poll timer at a time, only while requests are parked.
  void schedulePoll(std::chrono::milliseconds delay) {
    if (closed || pollInFlight) {
      return;
    }
    if (pollTimer != 0) {
      if (delay.count() > 0) {
        return;  // one is due soon anyway
      }
      loop.cancel(pollTimer);
      pollTimer = 0;
    }
    pollTimer = loop.runAfter(delay, [this] {
      pollTimer = 0;
      poll();
    });
  }

  // Loop thread: hands a snapshot of the waiters to a worker, which answers those with news.
  void poll() {
    waiters.erase(std::remove_if(waiters.begin(), waiters.end(),
                                 [this](const std::shared_ptr<EventWaiter>& w) {
                                   if (!w->exchange->finished()) {
                                     return false;
                                   }
                                   loop.cancel(w->deadline);  // the client went away
                                   return true;
                                 }),
                  waiters.end());
    if (waiters.empty() || closed) {
      return;
    }
    pollInFlight = true;
    pollAgain = false;
    post([this, snapshot = waiters] {
      std::vector<std::shared_ptr<EventWaiter>> answered;
      std::map<std::pair<int64_t, std::size_t>, std::vector<Event>> cache;
      for (const auto& w : snapshot) {
        auto key = std::make_pair(w->since, w->limit);
        auto it = cache.find(key);
        if (it == cache.end()) {
          auto events = store.eventsSince(w->since, w->limit);
          it = cache.emplace(key, events.ok() ? std::move(*events) : std::vector<Event>()).first;
        }
        if (!it->second.empty()) {
          w->exchange->respond(w->stream ? streamResponse(it->second)
                                         : jsonResponse(200, eventsJson(it->second, w->since)));
          answered.push_back(w);
        }
      }
      postToLoop([this, answered] {
        pollInFlight = false;
        for (const auto& w : answered) {
          loop.cancel(w->deadline);
          removeWaiter(w);
        }
        if (!waiters.empty()) {
          schedulePoll(pollAgain ? std::chrono::milliseconds(0) : EventPollInterval);
        }
      });
    });
  }

  // Loop thread.
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    *alive = false;
    if (pollTimer != 0) {
      loop.cancel(pollTimer);
      pollTimer = 0;
    }
    for (const auto& w : waiters) {
      loop.cancel(w->deadline);
    }
    waiters.clear();
    if (httpServer) {
      httpServer->close();
    }
    // Not joined here: a worker may be inside a hook that waits for this loop thread.
    requestStop();
  }
};

ControlServer::ControlServer(net::EventLoop& loop, Store& store, ControlHooks hooks,
                             std::string token)
    : impl_(std::make_unique<Impl>(loop, store, std::move(hooks), std::move(token))) {}

// close() belongs on the loop thread; here (the loop may have stopped) the workers finish their
// queued tasks and are joined, and the HttpServer is destroyed with Impl (its destructor allows
// that after the loop stopped).
ControlServer::~ControlServer() {
  impl_->closed = true;
  impl_->stopWorkers();
}

bool ControlServer::start(const std::string& host, uint16_t port, std::string& error) {
  if (impl_->token.empty()) {
    error = "the control token is empty";
    return false;
  }
  net::HttpServerOptions options;
  options.host = host;
  options.port = port;
  options.limits.maxBodyBytes = 64 * 1024;  // settings and passwords are small
  options.maxConnections = 64;
  Impl* impl = impl_.get();
  impl_->httpServer = std::make_unique<net::HttpServer>(
      impl_->loop, options,
      [impl](std::shared_ptr<net::HttpExchange> exchange) { impl->handle(exchange); });
  if (!impl_->httpServer->start(error)) {
    impl_->httpServer.reset();
    return false;
  }
  impl_->startWorkers();
  return true;
}

uint16_t ControlServer::port() const { return impl_->httpServer ? impl_->httpServer->port() : 0; }

void ControlServer::close() { impl_->close(); }

}  // namespace cradle::bridge

// AdminApi: routes, JSON in and out, and the actions behind them.
#include "mapi-sim/admin/admin_api.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstring>
#include <sstream>

#include "eas/base64.h"
#include "eas/http/request.h"

namespace mapisim {

namespace eas = cradle::eas;
namespace net = cradle::net;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

net::HttpResponse json(int status, const Object& o) {
  net::HttpResponse r;
  r.status = status;
  std::ostringstream out;
  o.stringify(out);
  r.body = out.str() + "\n";
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

net::HttpResponse error(int status, const std::string& message) {
  Object o;
  o.set("error", message);
  return json(status, o);
}

net::HttpResponse ok(Object o) {
  o.set("ok", true);
  return json(200, o);
}

net::HttpResponse ok() { return ok(Object()); }

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = static_cast<unsigned char>(diff | (static_cast<unsigned char>(a[i]) ^
                                              static_cast<unsigned char>(b[i])));
  }
  return diff == 0;
}

// Reads a string member; empty when absent. Throws std::invalid_argument on a wrong type, which
// answer() turns into a 400.
std::string str(const Object& o, const std::string& key, bool required = false) {
  if (!o.has(key) || o.isNull(key)) {
    if (required) {
      throw std::invalid_argument("missing \"" + key + "\"");
    }
    return {};
  }
  const Poco::Dynamic::Var v = o.get(key);
  if (!v.isString()) {
    throw std::invalid_argument("\"" + key + "\" must be a string");
  }
  return v.extract<std::string>();
}

std::optional<std::string> opt(const Object& o, const std::string& key) {
  std::string v = str(o, key);
  return v.empty() ? std::nullopt : std::optional<std::string>(v);
}

Object userJson(const UserRecord& u) {
  Object o;
  o.set("name", u.name);
  o.set("email", u.email);
  o.set("policy", u.policy);
  o.set("exempt", u.policyExempt);
  return o;
}

Object deviceJson(const DeviceRecord& d, const std::string& userName) {
  static const char* const Wipe[] = {"none", "requested", "sent", "done"};
  Object o;
  o.set("deviceId", d.deviceId);
  o.set("deviceType", d.deviceType);
  o.set("user", userName);
  o.set("userAgent", d.userAgent);
  o.set("protocolVersion", d.protocolVersion);
  o.set("provisioned", d.policyKey != 0);
  o.set("nonProvisionable", d.nonProvisionable);
  o.set("wipe", Wipe[static_cast<int>(d.wipe)]);
  o.set("deviceInformation", d.deviceInfo);
  o.set("notifyUrl", d.notifyUrl);
  o.set("firstSeen", isoTime(d.firstSeen));
  o.set("lastSeen", isoTime(d.lastSeen));
  return o;
}

// "2026-11-25T09:30:00Z", "2026-11-25 09:30" or compact "20261125T093000Z" -> compact form.
std::optional<std::string> compactTime(const std::string& text) {
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c != '-' && c != ':' && c != 'T' && c != ' ' && c != 'Z' && c != '.') {
      return std::nullopt;
    }
  }
  if (digits.size() == 12) {
    digits += "00";
  }
  if (digits.size() < 14) {
    return std::nullopt;
  }
  return digits.substr(0, 8) + "T" + digits.substr(8, 6) + "Z";
}

void putLe32(std::string& b, std::size_t at, int32_t v) {
  const auto u = static_cast<uint32_t>(v);
  for (int i = 0; i < 4; ++i) {
    b[at + static_cast<std::size_t>(i)] = static_cast<char>((u >> (8 * i)) & 0xFF);
  }
}

void putLe16(std::string& b, std::size_t at, uint16_t v) {
  b[at] = static_cast<char>(v & 0xFF);
  b[at + 1] = static_cast<char>(v >> 8);
}

void putName(std::string& b, std::size_t at, std::string_view name) {
  for (std::size_t i = 0; i < name.size() && i < 31; ++i) {
    putLe16(b, at + 2 * i, static_cast<uint16_t>(static_cast<unsigned char>(name[i])));
  }
}

// SYSTEMTIME of a yearly rule: month, day-of-week, week-of-month (5 = last), hour.
void putRule(std::string& b, std::size_t at, uint16_t month, uint16_t dow, uint16_t week,
             uint16_t hour) {
  putLe16(b, at + 2, month);
  putLe16(b, at + 4, dow);
  putLe16(b, at + 6, week);
  putLe16(b, at + 8, hour);
}

}  // namespace

std::optional<std::string> timeZoneBlob(const std::string& name) {
  // MS-ASDTYPE 2.6.4: Bias, StandardName[32], StandardDate, StandardBias, DaylightName[32],
  // DaylightDate, DaylightBias = 4 + 64 + 16 + 4 + 64 + 16 + 4 = 172 bytes.
  std::string b(172, '\0');
  struct Zone {
    const char* name;
    int32_t bias;
    const char* standard;
    const char* daylight;
    bool dst;
    uint16_t stdMonth, stdWeek, stdHour, dstMonth, dstWeek, dstHour;
  };
  static const Zone Zones[] = {
      {"UTC", 0, "Coordinated Universal Time", "", false, 0, 0, 0, 0, 0, 0},
      {"GMT", 0, "GMT Standard Time", "GMT Daylight Time", true, 10, 5, 2, 3, 5, 1},
      {"W. Europe", -60, "W. Europe Standard Time", "W. Europe Daylight Time", true, 10, 5, 3, 3,
       5, 2},
      {"Eastern", 300, "Eastern Standard Time", "Eastern Daylight Time", true, 11, 1, 2, 3, 2, 2},
      {"Central", 360, "Central Standard Time", "Central Daylight Time", true, 11, 1, 2, 3, 2, 2},
      {"Mountain", 420, "Mountain Standard Time", "Mountain Daylight Time", true, 11, 1, 2, 3, 2,
       2},
      {"Pacific", 480, "Pacific Standard Time", "Pacific Daylight Time", true, 11, 1, 2, 3, 2, 2},
  };
  for (const Zone& z : Zones) {
    if (name != z.name) {
      continue;
    }
    putLe32(b, 0, z.bias);
    putName(b, 4, z.standard);
    if (z.dst) {
      putRule(b, 68, z.stdMonth, 0, z.stdWeek, z.stdHour);
      putName(b, 88, z.daylight);
      putRule(b, 152, z.dstMonth, 0, z.dstWeek, z.dstHour);
      putLe32(b, 168, -60);
    }
    return eas::base64Encode(b);
  }
  return std::nullopt;
}

AdminApi::AdminApi(Mailbox& mailbox, EasService& eas, EventLog& log, Faults& faults,
                   WorkQueue& work, std::string token)
    : mailbox_(mailbox),
      eas_(eas),
      log_(log),
      faults_(faults),
      work_(work),
      token_(std::move(token)) {}

void AdminApi::handle(std::shared_ptr<net::HttpExchange> exchange) {
  work_.post([this, exchange] { exchange->respond(answer(exchange->request())); });
}

net::HttpResponse AdminApi::answer(const net::HttpRequest& request) {
  auto auth = net::findHeader(request.headers, "Authorization");
  if (!auth || auth->size() < 7 || auth->substr(0, 7) != "Bearer " ||
      !constantTimeEquals(auth->substr(7), token_)) {
    return error(401, "admin token required");
  }
  std::string path = request.target.substr(0, request.target.find('?'));
  std::string query;
  if (auto q = request.target.find('?'); q != std::string::npos) {
    query = request.target.substr(q + 1);
  }
  Object::Ptr body = new Object;
  if (!request.body.empty()) {
    try {
      Poco::JSON::Parser parser;
      body = parser.parse(request.body).extract<Object::Ptr>();
    } catch (const std::exception&) {
      return error(400, "the body is not a JSON object");
    }
  }
  const Object& in = *body;
  const std::string& m = request.method;
  try {
    if (m == "GET" && path == "/status") {
      const EasStats s = eas_.stats();
      Object o;
      o.set("heldPings", s.heldPings);
      o.set("requests", s.requests);
      o.set("unauthorized", s.unauthorized);
      o.set("badRequests", s.badRequests);
      o.set("pingWakeups", s.pingWakeups);
      o.set("pingExpiries", s.pingExpiries);
      o.set("smsNotifications", s.smsNotifications);
      o.set("smtpNotifications", s.smtpNotifications);
      o.set("users", mailbox_.users().size());
      o.set("devices", mailbox_.devices().size());
      o.set("faultsActive", faults_.anyActive());
      return ok(o);
    }
    if (m == "GET" && path == "/users") {
      Array list;
      for (const UserRecord& u : mailbox_.users()) {
        list.add(userJson(u));
      }
      Object o;
      o.set("users", list);
      return ok(o);
    }
    if (m == "POST" && path == "/users") {
      const std::string name = str(in, "name", true);
      auto added = mailbox_.addUser(name, str(in, "password", true), str(in, "email"));
      if (!added.ok()) {
        return error(409, added.error().detail);
      }
      log_.add("user", "user " + name + " added");
      return ok(userJson(*added));
    }
    if (m == "POST" && path == "/users/password") {
      const std::string name = str(in, "name", true);
      auto st = mailbox_.setPassword(name, str(in, "password", true));
      if (!st.ok()) {
        return error(404, st.error().detail);
      }
      // The old password fails at once, also for the next request of a held Ping's device.
      eas_.forgetCredentials(name);
      log_.add("password", "password of " + name + " changed");
      return ok();
    }
    if (m == "POST" && path == "/users/policy") {
      const std::string name = str(in, "name", true);
      const bool exempt = in.has("exempt") && in.getValue<bool>("exempt");
      auto st = mailbox_.setUserPolicy(name, str(in, "policy"), exempt);
      if (!st.ok()) {
        return error(404, st.error().detail);
      }
      return ok();
    }
    if (m == "POST" && path == "/users/notify-smtp") {
      const std::string name = str(in, "name", true);
      if (!mailbox_.findUser(name)) {
        return error(404, "no user " + name);
      }
      eas_.setNotifySmtp(name, str(in, "address"));
      return ok();
    }
    if (m == "POST" && path == "/deliver") {
      const std::string to = str(in, "to", true);
      auto user = mailbox_.findUser(to);
      if (!user) {
        return error(404, "no user " + to);
      }
      NewMail mail;
      mail.mime = str(in, "mime");
      mail.subject = str(in, "subject");
      mail.body = str(in, "body");
      mail.from = str(in, "from");
      mail.to = user->email;
      auto item = mailbox_.deliverMail(user->id, mail);
      if (!item.ok()) {
        return error(400, item.error().detail);
      }
      Object o;
      o.set("serverId", item->serverId);
      o.set("deliveredAt", isoTime(item->received));
      return ok(o);
    }
    if (m == "POST" && (path == "/contacts" || path == "/events" || path == "/tasks")) {
      const std::string userName = str(in, "user", true);
      auto user = mailbox_.findUser(userName);
      if (!user) {
        return error(404, "no user " + userName);
      }
      eas::ApplicationData data;
      FolderType type = FolderType::Contacts;
      if (path == "/contacts") {
        eas::ContactItem c;
        c.firstName = opt(in, "firstName");
        c.lastName = opt(in, "lastName");
        c.email1Address = opt(in, "email");
        c.mobilePhoneNumber = opt(in, "mobile");
        c.businessPhoneNumber = opt(in, "phone");
        c.companyName = opt(in, "company");
        c.fileAs = opt(in, "fileAs");
        if (!c.fileAs) {
          std::string fileAs = c.lastName.value_or("");
          if (c.firstName) {
            fileAs += (fileAs.empty() ? "" : ", ") + *c.firstName;
          }
          if (fileAs.empty()) {
            return error(400, "a contact needs a name (firstName, lastName or fileAs)");
          }
          c.fileAs = fileAs;
        }
        data = c;
      } else if (path == "/events") {
        eas::CalendarItem e;
        e.subject = str(in, "subject", true);
        e.startTime = compactTime(str(in, "start", true));
        e.endTime = compactTime(str(in, "end", true));
        if (!e.startTime || !e.endTime) {
          return error(400, "start and end must be date-times like 2026-11-25T09:30:00Z");
        }
        if (*e.endTime < *e.startTime) {
          return error(400, "the event ends before it starts");
        }
        e.location = opt(in, "location");
        const std::string zone = str(in, "timeZone").empty() ? "UTC" : str(in, "timeZone");
        e.timeZone = timeZoneBlob(zone);
        if (!e.timeZone) {
          return error(400, "unknown time zone " + zone +
                                " (UTC, GMT, W. Europe, Eastern, Central, Mountain, Pacific)");
        }
        e.dtStamp = compactTime(isoTime(unixMillisNow()));
        e.busyStatus = eas::BusyStatus::Busy;
        e.meetingStatus = 0;
        e.allDayEvent = false;
        e.uid = "mapi-sim-" + std::to_string(unixMillisNow());
        type = FolderType::Calendar;
        data = e;
      } else {
        eas::TaskItem t;
        t.subject = str(in, "subject", true);
        if (auto due = opt(in, "due")) {
          auto c = compactTime(*due);
          if (!c) {
            return error(400, "due must be a date-time like 2026-11-30T17:00:00Z");
          }
          // MS-ASTASK DueDate/UtcDueDate use the extended form.
          const std::string& d = *c;
          t.utcDueDate = d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2) + "T" +
                         d.substr(9, 2) + ":" + d.substr(11, 2) + ":" + d.substr(13, 2) + ".000Z";
          t.dueDate = t.utcDueDate;
        }
        t.complete = false;
        t.importance = eas::Importance::Normal;
        type = FolderType::Tasks;
        data = t;
      }
      auto folder = mailbox_.folderByType(user->id, type);
      if (!folder) {
        return error(404, "the user has no such default folder");
      }
      auto item = mailbox_.addItem(user->id, folder->serverId, data);
      if (!item.ok()) {
        return error(400, item.error().detail);
      }
      Object o;
      o.set("serverId", item->serverId);
      return ok(o);
    }
    if (m == "GET" && path == "/settings") {
      Poco::JSON::Parser parser;
      Object o;
      o.set("settings", parser.parse(toJson(*eas_.settings())));
      return ok(o);
    }
    if (m == "POST" && path == "/settings") {
      ServerSettings s = *eas_.settings();
      if (in.has("set")) {
        auto list = in.getArray("set");
        if (!list) {
          return error(400, "\"set\" must be a list of \"key=value\" strings");
        }
        for (std::size_t i = 0; i < list->size(); ++i) {
          const std::string kv = list->getElement<std::string>(static_cast<unsigned>(i));
          const auto eq = kv.find('=');
          if (eq == std::string::npos) {
            return error(400, "not key=value: " + kv);
          }
          auto st = applySetting(s, std::string_view(kv).substr(0, eq),
                                 std::string_view(kv).substr(eq + 1));
          if (!st.ok()) {
            return error(400, st.error().detail);
          }
        }
      }
      auto st = eas_.setSettings(s);
      if (!st.ok()) {
        return error(400, st.error().detail);
      }
      log_.add("settings", "server settings changed");
      Poco::JSON::Parser parser;
      Object o;
      o.set("settings", parser.parse(toJson(s)));
      return ok(o);
    }
    if (m == "GET" && path == "/devices") {
      Array list;
      for (const DeviceRecord& d : mailbox_.devices()) {
        auto user = mailbox_.userById(d.userId);
        list.add(deviceJson(d, user ? user->name : ""));
      }
      Object o;
      o.set("devices", list);
      return ok(o);
    }
    if (m == "POST" && path == "/wipe") {
      const std::string id = eas::canonicalDeviceId(str(in, "deviceId", true));
      auto device = mailbox_.deviceByDeviceId(id);
      if (!device) {
        return error(404, "no device " + id);
      }
      device->wipe = DeviceRecord::Wipe::Requested;
      auto st = mailbox_.saveDevice(*device);
      if (!st.ok()) {
        return error(400, st.error().detail);
      }
      // A held Ping ends so that the device's next request meets the wipe at once.
      eas_.hub().endHeld(device->id);
      log_.add("wipe", "remote wipe requested for device " + id);
      return ok();
    }
    if (m == "POST" && path == "/devices/notify") {
      auto st = eas_.setNotifyUrl(str(in, "deviceId", true), str(in, "url"));
      if (!st.ok()) {
        return error(404, st.error().detail);
      }
      return ok();
    }
    if (m == "GET" && path == "/faults") {
      Poco::JSON::Parser parser;
      Object o;
      o.set("faults", parser.parse(toJson(faults_.get())));
      return ok(o);
    }
    if (m == "POST" && path == "/faults") {
      std::string message;
      auto f = faultsFromJson(request.body.empty() ? "{}" : request.body, message);
      if (!f) {
        return error(400, message);
      }
      faults_.set(*f);
      log_.add("fault", "faults set: " + toJson(*f));
      return ok();
    }
    if (m == "POST" && path == "/faults/drop-pings") {
      const std::size_t n = eas_.hub().held();
      eas_.hub().dropAll();
      log_.add("fault", "dropped " + std::to_string(n) + " held Ping connections");
      Object o;
      o.set("dropped", n);
      return ok(o);
    }
    if (m == "DELETE" && path == "/faults") {
      faults_.clear();
      log_.add("fault", "faults cleared");
      return ok();
    }
    if (m == "GET" && path == "/events") {
      uint64_t since = 0;
      if (query.rfind("since=", 0) == 0) {
        since = std::stoull(query.substr(6));
      }
      Array list;
      for (const Event& e : log_.since(since)) {
        Object ev;
        ev.set("seq", e.seq);
        ev.set("at", isoTime(e.at));
        ev.set("kind", e.kind);
        ev.set("text", e.text);
        list.add(ev);
      }
      Object o;
      o.set("events", list);
      return ok(o);
    }
    return error(404, "no such admin call: " + m + " " + path);
  } catch (const std::invalid_argument& e) {
    return error(400, e.what());
  } catch (const Poco::Exception& e) {
    return error(400, e.displayText());
  } catch (const std::exception& e) {
    return error(400, e.what());
  }
}

}  // namespace mapisim

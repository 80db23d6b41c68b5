// Tests of the control API over loopback: token, status and devices, settings validation and
// persistence, password update, events (since, long-poll, stream), revoke, pairing.
#include "bridge/control/control_server.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "net/http_client.h"
#include "tests/bridge/control/control_fixture.h"

namespace cradle::bridge {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using test::ControlFixture;
using Clock = std::chrono::steady_clock;

constexpr const char* ServerA = "https://mail.example.com";
constexpr const char* ServerB = "https://backup.example.com:8443";

Object::Ptr parsed(const ControlResult& r) {
  INFO(r.error << " " << r.body);
  REQUIRE(r.ok());
  Object::Ptr o = r.json();
  REQUIRE(o);
  return o;
}

std::string text(const Object::Ptr& o, const std::string& key) {
  return o->get(key).convert<std::string>();
}

TEST_CASE("every request needs the bearer token", "[bridge][control]") {
  ControlFixture f;
  auto endpoint = net::parseEndpoint(f.url());
  REQUIRE(endpoint);
  net::BlockingHttpClient http(*endpoint);
  net::HttpRequest request;
  request.method = "GET";
  request.target = "/status";

  SECTION("no Authorization header") {
    auto r = http.send(request);
    REQUIRE(r.ok());
    CHECK(r.response->status == 401);
    CHECK_THAT(r.response->body, Catch::Contains("token"));
  }
  SECTION("another scheme") {
    request.headers.emplace_back("Authorization", std::string("Basic ") + ControlFixture::Token);
    auto r = http.send(request);
    REQUIRE(r.ok());
    CHECK(r.response->status == 401);
  }
  SECTION("a wrong token of the same length, and a prefix of the right one") {
    std::string wrong = ControlFixture::Token;
    wrong.back() = 'X';
    for (const std::string& token : {wrong, wrong.substr(0, 10)}) {
      auto client = f.client(token);
      auto r = client.status();
      CHECK(r.status == 401);
      CHECK_FALSE(r.ok());
    }
    auto denied = f.client(wrong).events(0);
    CHECK(denied.status == 401);
  }
  SECTION("the right token") {
    auto r = f.client().status();
    CHECK(r.status == 200);
    CHECK(r.ok());
  }
}

TEST_CASE("status reports version, devices, live state and stale credentials",
          "[bridge][control]") {
  ControlFixture f;
  f.addDevice("DEV1", "alice", ServerA);
  f.addDevice("DEV2", "bob", ServerA);
  REQUIRE(f.store->setCredential("alice", ServerA, "old-secret", false).ok());
  REQUIRE(f.store->markCredentialStale("alice", ServerA).ok());

  const ControlResult answer = f.client().status();
  auto o = parsed(answer);
  CHECK(text(o, "version") == CRADLE_VERSION_FOR_TESTS);
  CHECK(o->getValue<int>("deviceCount") == 2);
  CHECK(o->getValue<int>("activeDevices") == 2);
  CHECK(o->getValue<int64_t>("uptimeSeconds") >= 0);
  Array::Ptr devices = o->getArray("devices");
  REQUIRE(devices->size() == 2);
  Object::Ptr first = devices->getObject(0);
  CHECK(text(first, "deviceId") == "DEV1");
  CHECK(first->getObject("live")->getValue<bool>("connected"));
  CHECK(first->getObject("live")->getValue<bool>("devicePingHeld"));
  CHECK(first->getObject("live")->getValue<int>("upstreamHeartbeat") == 1680);
  CHECK_FALSE(devices->getObject(1)->getObject("live")->getValue<bool>("connected"));

  Array::Ptr stale = o->getArray("staleCredentials");
  REQUIRE(stale->size() == 1);
  CHECK(text(stale->getObject(0), "user") == "alice");
  CHECK(text(stale->getObject(0), "server") == ServerA);
  CHECK_FALSE(text(stale->getObject(0), "since").empty());
  Array::Ptr missing = o->getArray("missingCredentials");
  REQUIRE(missing->size() == 1);
  CHECK(text(missing->getObject(0), "user") == "bob");
  CHECK(answer.body.find("old-secret") == std::string::npos);
}

TEST_CASE("devices list settings, statistics and live state", "[bridge][control]") {
  ControlFixture f;
  f.addDevice("DEV1", "alice", ServerA);
  StatisticsDelta delta;
  delta.wakeupsDelivered = 3;
  delta.wakeupsSaved = 2;
  delta.heartbeatUpSeconds = 900;
  REQUIRE(f.store->addStatistics("DEV1", delta).ok());
  auto client = f.client();

  auto o = parsed(client.devices());
  Array::Ptr list = o->getArray("devices");
  REQUIRE(list->size() == 1);
  Object::Ptr d = list->getObject(0);
  CHECK(text(d, "deviceId") == "DEV1");
  CHECK(text(d, "user") == "alice");
  CHECK(text(d, "server") == ServerA);
  CHECK(text(d, "state") == "active");
  CHECK(text(d, "route") == "lan");
  Object::Ptr s = d->getObject("settings");
  CHECK(s->getArray("types")->size() == 4);
  CHECK(text(s, "schedule") == "asItemsArrive");
  CHECK(text(s, "peakHours") == "08:00-18:00");
  CHECK(s->getArray("peakDays")->size() == 5);
  CHECK(text(s, "emailDays") == "3");
  CHECK(text(s, "emailSize") == "5K");
  CHECK_FALSE(s->getValue<bool>("attachments"));
  Object::Ptr st = d->getObject("statistics");
  CHECK(st->getValue<int>("wakeupsDelivered") == 3);
  CHECK(st->getValue<int>("wakeupsSaved") == 2);
  CHECK(st->getValue<int>("heartbeatUpSeconds") == 900);
  CHECK(d->getObject("live")->getValue<bool>("upstreamPingHeld"));

  auto one = parsed(client.device("DEV1"));
  CHECK(text(one, "deviceId") == "DEV1");
  auto unknown = client.device("NOSUCH");
  CHECK(unknown.status == 404);
  CHECK_THAT(unknown.error, Catch::Contains("NOSUCH"));
  CHECK(client.call("GET", "/nothing").status == 404);
  CHECK(client.call("DELETE", "/devices").status == 405);
  auto pairing = parsed(client.pairing());
  CHECK(pairing->getArray("requests")->size() == 0);
}

TEST_CASE("PATCH changes settings, persists them and tells the bridge", "[bridge][control]") {
  ControlFixture f;
  f.addDevice("DEV1", "alice", ServerA);
  auto client = f.client();

  auto o = parsed(client.setDevice(
      "DEV1", R"({"types":["email","calendar"],"schedule":"scheduled","peakInterval":15,)"
              R"("offPeakInterval":"manual","peakHours":"07:30-19:00","peakDays":"mon-fri,sun",)"
              R"("emailDays":"all","emailSize":"0.5K","attachments":true,"attachmentMax":100000,)"
              R"("name":"Pocket PC"})"));
  CHECK(text(o->getObject("settings"), "emailSize") == "0.5K");

  auto stored = f.store->partnership("DEV1");
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  const Partnership& p = **stored;
  CHECK(p.dataTypes ==
        (static_cast<uint8_t>(DataType::Email) | static_cast<uint8_t>(DataType::Calendar)));
  CHECK(p.schedule.mode == ScheduleMode::Scheduled);
  CHECK(p.schedule.peakInterval == SyncInterval::Min15);
  CHECK(p.schedule.offPeakInterval == SyncInterval::Manual);
  CHECK(p.schedule.peakStartMinute == 7 * 60 + 30);
  CHECK(p.schedule.peakEndMinute == 19 * 60);
  CHECK(p.schedule.peakDays == 0x3F);  // Sunday to Friday
  CHECK(p.email.pastDays == EmailPastDays::All);
  CHECK(p.email.sizeLimit == EmailSizeLimit::HalfK);
  CHECK(p.email.attachments);
  CHECK(p.email.attachmentMaxBytes == 100000);
  CHECK(p.friendlyName == "Pocket PC");
  CHECK(f.settingsChangesSoFar() == std::vector<std::string>{"DEV1"});

  // A partial change keeps the rest.
  parsed(client.setDevice("DEV1", R"({"emailDays":7})"));
  auto again = f.store->partnership("DEV1");
  CHECK((*again)->email.pastDays == EmailPastDays::OneWeek);
  CHECK((*again)->email.sizeLimit == EmailSizeLimit::HalfK);

  SECTION("bad values are refused with 400 and change nothing") {
    const char* bad[] = {
        R"({"types":["fax"]})",
        R"({"types":[]})",
        R"({"types":"email,","x":1})",
        R"({"schedule":"sometimes"})",
        R"({"peakInterval":7})",
        R"({"offPeakInterval":"hourly"})",
        R"({"peakHours":"25:00-26:00"})",
        R"({"peakHours":"08:00-08:00"})",
        R"({"peakDays":["someday"]})",
        R"({"emailDays":2})",
        R"({"emailSize":"3K"})",
        R"({"attachments":"maybe"})",
        R"({"attachmentMax":-1})",
        R"({"color":"blue"})",
        R"(["emailDays"])",
        "not json",
        "",
    };
    for (const char* body : bad) {
      INFO(body);
      auto r = client.setDevice("DEV1", body);
      CHECK(r.status == 400);
      CHECK_FALSE(r.error.empty());
    }
    auto unchanged = f.store->partnership("DEV1");
    CHECK((*unchanged)->email.pastDays == EmailPastDays::OneWeek);
    CHECK((*unchanged)->dataTypes == p.dataTypes);
  }
  SECTION("an unknown device is 404") {
    auto r = client.setDevice("NOSUCH", R"({"emailDays":7})");
    CHECK(r.status == 404);
  }
  SECTION("schedule manual and asap") {
    parsed(client.setDevice("DEV1", R"({"schedule":"manual"})"));
    auto m = f.store->partnership("DEV1");
    CHECK((*m)->schedule.peakInterval == SyncInterval::Manual);
    CHECK((*m)->schedule.offPeakInterval == SyncInterval::Manual);
    parsed(client.setDevice("DEV1", R"({"schedule":"asItemsArrive"})"));
    CHECK((*f.store->partnership("DEV1"))->schedule.mode == ScheduleMode::AsItemsArrive);
  }
}

TEST_CASE("password update seals the credential, clears stale and resumes the user",
          "[bridge][control]") {
  ControlFixture f;
  f.addDevice("DEV1", "alice", ServerA, Route::Usb);
  f.addDevice("DEV2", "alice", ServerB, Route::Lan);
  f.addDevice("DEV3", "bob", ServerA, Route::Usb);
  REQUIRE(f.store->setCredential("alice", ServerA, "old-secret", false).ok());
  REQUIRE(f.store->markCredentialStale("alice", ServerA).ok());
  auto client = f.client();
  const std::size_t before = (*f.store->eventsSince(0)).size();

  auto o = parsed(client.setPassword("alice", "", "n3w \"secret\""));
  CHECK(o->getArray("servers")->size() == 2);
  for (const char* server : {ServerA, ServerB}) {
    auto c = f.store->credential("alice", server);
    REQUIRE(c.ok());
    REQUIRE(c->has_value());
    CHECK((*c)->password == "n3w \"secret\"");
    CHECK_FALSE((*c)->stale);
  }
  CHECK_FALSE((*f.store->credential("bob", ServerA)).has_value());
  // The tethered device holds the password in its profile; the LAN one uses its device secret.
  CHECK((*f.store->partnership("DEV1"))->pendingCredentialUpdate);
  CHECK_FALSE((*f.store->partnership("DEV2"))->pendingCredentialUpdate);
  CHECK_FALSE((*f.store->partnership("DEV3"))->pendingCredentialUpdate);
  CHECK(f.credentialUpdatesSoFar() == std::vector<std::string>{"alice"});

  auto events = *f.store->eventsSince(0);
  REQUIRE(events.size() == before + 1);
  CHECK(events.back().text == "password updated for alice");
  for (const Event& e : events) {
    CHECK(e.text.find("secret") == std::string::npos);
  }
  auto status = parsed(client.status());
  CHECK(status->getArray("staleCredentials")->size() == 0);

  SECTION("one server only") {
    parsed(client.setPassword("alice", ServerB, "other"));
    CHECK((*f.store->credential("alice", ServerB))->password == "other");
    CHECK((*f.store->credential("alice", ServerA))->password == "n3w \"secret\"");
  }
  SECTION("refusals") {
    CHECK(client.setPassword("carol", "", "x").status == 404);
    CHECK(client.setPassword("alice", "", "").status == 400);
    CHECK(client.call("POST", "/password", R"({"user":"alice"})").status == 400);
    CHECK(client.call("POST", "/password", R"({"user":"alice","password":1})").status == 400);
    CHECK(client.call("POST", "/password", R"({"user":"alice","password":"p","x":1})").status ==
          400);
    CHECK(client.call("GET", "/password").status == 405);
  }
}

TEST_CASE("events since N, long-poll wake-up and time-out", "[bridge][control]") {
  ControlFixture f;
  const int64_t first = *f.store->addEvent("", "test", "one");
  const int64_t second = *f.store->addEvent("DEV1", "test", "two");
  auto client = f.client();

  auto all = parsed(client.events(0));
  Array::Ptr list = all->getArray("events");
  REQUIRE(list->size() == 2);
  CHECK(text(list->getObject(1), "text") == "two");
  CHECK(text(list->getObject(1), "deviceId") == "DEV1");
  CHECK(all->getValue<int64_t>("last") == second);
  auto after = parsed(client.events(first));
  CHECK(after->getArray("events")->size() == 1);
  CHECK(client.call("GET", "/events?since=abc").status == 400);
  CHECK(client.call("GET", "/events?bogus=1").status == 400);

  SECTION("a parked request wakes within 100 ms of a new event") {
    std::atomic<bool> returned{false};
    Clock::time_point returnedAt;
    ControlResult result;
    std::thread waiter([&] {
      auto c = f.client();
      result = c.events(second, 10);
      returnedAt = Clock::now();
      returned = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK_FALSE(returned.load());  // parked, not answered empty
    const int64_t third = *f.store->addEvent("DEV2", "test", "three");
    const Clock::time_point addedAt = Clock::now();
    waiter.join();
    auto o = parsed(result);
    REQUIRE(o->getArray("events")->size() == 1);
    CHECK(o->getValue<int64_t>("last") == third);
    CHECK(returnedAt - addedAt < std::chrono::milliseconds(100));
  }
  SECTION("an event raised through the API wakes it too") {
    f.addDevice("DEV1", "alice", ServerA);
    ControlResult result;
    std::thread waiter([&] { result = f.client().events(second, 10); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    parsed(client.revoke("DEV1"));
    waiter.join();
    auto o = parsed(result);
    REQUIRE(o->getArray("events")->size() == 1);
    CHECK(text(o->getArray("events")->getObject(0), "kind") == "device-revoked");
  }
  SECTION("without news it answers empty when the wait ends") {
    const auto start = Clock::now();
    auto o = parsed(client.events(second, 1));
    CHECK(Clock::now() - start >= std::chrono::milliseconds(900));
    CHECK(o->getArray("events")->size() == 0);
    CHECK(o->getValue<int64_t>("last") == second);
  }
}

TEST_CASE("events as a server-sent event stream", "[bridge][control]") {
  ControlFixture f;
  (void)*f.store->addEvent("", "test", "one");
  const int64_t second = *f.store->addEvent("", "test", "two");
  auto client = f.client();
  auto r = client.call("GET", "/events/stream?since=1");
  REQUIRE(r.ok());
  CHECK_THAT(r.body, Catch::Contains("id: " + std::to_string(second) + "\n"));
  CHECK_THAT(r.body, Catch::Contains("data: {"));
  CHECK_THAT(r.body, Catch::Contains("\"text\":\"two\""));
  CHECK(r.body.find("\"one\"") == std::string::npos);
}

TEST_CASE("revoke marks the partnership revoked once", "[bridge][control]") {
  ControlFixture f;
  f.addDevice("DEV1", "alice", ServerA);
  auto client = f.client();
  auto o = parsed(client.revoke("DEV1"));
  CHECK(text(o, "state") == "revoked");
  CHECK((*f.store->partnership("DEV1"))->state == PartnershipState::Revoked);
  CHECK(f.settingsChangesSoFar() == std::vector<std::string>{"DEV1"});
  CHECK(client.revoke("DEV1").status == 409);
  CHECK(client.revoke("NOSUCH").status == 404);
  CHECK(client.call("GET", "/devices/DEV1/revoke").status == 405);
}

}  // namespace
}  // namespace cradle::bridge

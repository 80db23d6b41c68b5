// Faults: counters consumed per request, and their JSON form for the admin API.
#include "mapi-sim/server/faults.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace mapisim {

FaultSettings Faults::get() const {
  std::lock_guard lock(mutex_);
  return s_;
}

void Faults::set(const FaultSettings& s) {
  std::function<void(bool)> callback;
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    changed = s_.refuseConnections != s.refuseConnections;
    s_ = s;
    callback = onRefuse_;
  }
  if (changed && callback) {
    callback(s.refuseConnections);
  }
}

void Faults::onRefuseChanged(std::function<void(bool)> callback) {
  std::lock_guard lock(mutex_);
  onRefuse_ = std::move(callback);
}

void Faults::clear() { set(FaultSettings{}); }

FaultPlan Faults::planRequest() {
  std::lock_guard lock(mutex_);
  FaultPlan plan;
  if (s_.unavailableCount > 0) {
    --s_.unavailableCount;
    plan.unavailable = true;
    plan.retryAfterSeconds = s_.retryAfterSeconds;
    return plan;
  }
  if (s_.serverErrorCount > 0) {
    --s_.serverErrorCount;
    plan.serverError = true;
  }
  if (s_.delayMs > 0 && s_.delayCount != 0) {
    plan.delayMs = s_.delayMs;
    if (s_.delayCount > 0) {
      --s_.delayCount;
    }
  }
  if (s_.dripBytes > 0 && s_.dripCount != 0) {
    plan.dripBytes = s_.dripBytes;
    plan.dripIntervalMs = s_.dripIntervalMs;
    if (s_.dripCount > 0) {
      --s_.dripCount;
    }
  }
  return plan;
}

uint32_t Faults::dropPingsAfterMs() const {
  std::lock_guard lock(mutex_);
  return s_.dropPingsAfterMs;
}

bool Faults::refuseConnections() const {
  std::lock_guard lock(mutex_);
  return s_.refuseConnections;
}

bool Faults::anyActive() const {
  std::lock_guard lock(mutex_);
  return s_.delayMs > 0 || s_.unavailableCount > 0 || s_.dropPingsAfterMs > 0 ||
         s_.refuseConnections || s_.dripBytes > 0 || s_.serverErrorCount > 0;
}

std::string toJson(const FaultSettings& s) {
  Poco::JSON::Object o;
  o.set("delayMs", s.delayMs);
  o.set("delayCount", s.delayCount);
  o.set("unavailableCount", s.unavailableCount);
  o.set("retryAfterSeconds", s.retryAfterSeconds);
  o.set("dropPingsAfterMs", s.dropPingsAfterMs);
  o.set("refuseConnections", s.refuseConnections);
  o.set("dripBytes", s.dripBytes);
  o.set("dripIntervalMs", s.dripIntervalMs);
  o.set("dripCount", s.dripCount);
  o.set("serverErrorCount", s.serverErrorCount);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

namespace {

bool readInt(const Poco::JSON::Object& o, const std::string& key, int64_t min, int64_t max,
             int64_t& out, std::string& error) {
  if (!o.has(key)) {
    return true;
  }
  const Poco::Dynamic::Var v = o.get(key);
  if (!v.isInteger()) {
    error = key + " must be an integer";
    return false;
  }
  const int64_t n = v.convert<int64_t>();
  if (n < min || n > max) {
    error = key + " must be in " + std::to_string(min) + ".." + std::to_string(max);
    return false;
  }
  out = n;
  return true;
}

}  // namespace

std::optional<FaultSettings> faultsFromJson(const std::string& json, std::string& error) {
  Poco::JSON::Object::Ptr o;
  try {
    Poco::JSON::Parser parser;
    o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception& e) {
    error = std::string("faults: not a JSON object: ") + e.what();
    return std::nullopt;
  }
  static const char* const Known[] = {"delayMs",        "delayCount",       "unavailableCount",
                                      "retryAfterSeconds", "dropPingsAfterMs", "refuseConnections",
                                      "dripBytes",      "dripIntervalMs",   "dripCount",
                                      "serverErrorCount"};
  for (const auto& [key, value] : *o) {
    bool known = false;
    for (const char* k : Known) {
      known = known || key == k;
    }
    if (!known) {
      error = "faults: unknown key " + key;
      return std::nullopt;
    }
  }
  FaultSettings s;
  int64_t v = 0;
  constexpr int64_t U32 = 0xFFFFFFFF;
  auto u32 = [&](const char* key, uint32_t& field, int64_t max) {
    v = field;
    if (!readInt(*o, key, 0, max, v, error)) {
      return false;
    }
    field = static_cast<uint32_t>(v);
    return true;
  };
  auto count = [&](const char* key, int64_t& field) {
    v = field;
    if (!readInt(*o, key, -1, U32, v, error)) {
      return false;
    }
    field = v;
    return true;
  };
  if (!u32("delayMs", s.delayMs, 3'600'000) || !count("delayCount", s.delayCount) ||
      !u32("unavailableCount", s.unavailableCount, U32) ||
      !u32("retryAfterSeconds", s.retryAfterSeconds, 86'400) ||
      !u32("dropPingsAfterMs", s.dropPingsAfterMs, 86'400'000) ||
      !u32("dripBytes", s.dripBytes, 1 << 20) ||
      !u32("dripIntervalMs", s.dripIntervalMs, 60'000) || !count("dripCount", s.dripCount) ||
      !u32("serverErrorCount", s.serverErrorCount, U32)) {
    error = "faults: " + error;
    return std::nullopt;
  }
  if (o->has("refuseConnections")) {
    const Poco::Dynamic::Var r = o->get("refuseConnections");
    if (!r.isBoolean()) {
      error = "faults: refuseConnections must be true or false";
      return std::nullopt;
    }
    s.refuseConnections = r.convert<bool>();
  }
  if (s.dripBytes > 0 && s.dripIntervalMs == 0) {
    error = "faults: dripBytes needs dripIntervalMs";
    return std::nullopt;
  }
  return s;
}

}  // namespace mapisim

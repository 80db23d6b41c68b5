// The Windows Mobile adaptive Direct Push heartbeat (notes/eas-protocol.md §5.1).
#include "device-sim/heartbeat/adaptive_heartbeat.h"

#include <algorithm>
#include <string>

namespace devicesim {

namespace eas = cradle::eas;

namespace {

eas::Status configError(std::string detail) {
  return eas::makeError(eas::ErrorCode::BadValue, 0, "heartbeat: " + std::move(detail));
}

}  // namespace

eas::Status validate(const HeartbeatConfig& c) {
  if (c.serverMaxSeconds < 1 || c.serverMaxSeconds > MaxServerHeartbeatSeconds) {
    return configError("server max must be 1.." + std::to_string(MaxServerHeartbeatSeconds));
  }
  if (c.minSeconds < 1) {
    return configError("min must be at least 1");
  }
  if (c.maxSeconds < c.minSeconds) {
    return configError("max is below min");
  }
  // notes §5.1: a device above the server max only earns Status 5.
  if (c.maxSeconds > c.serverMaxSeconds) {
    return configError("max is above the server max");
  }
  if (c.defaultSeconds < c.minSeconds || c.defaultSeconds > c.maxSeconds) {
    return configError("default is outside min..max");
  }
  if (c.incrementSeconds < 1) {
    return configError("increment must be at least 1");
  }
  if (c.successesBeforeIncrease < 1) {
    return configError("successes before increase must be at least 1");
  }
  return {};
}

std::string_view describe(HeartbeatChange c) {
  switch (c) {
    case HeartbeatChange::None:
      return "none";
    case HeartbeatChange::Increased:
      return "increased";
    case HeartbeatChange::BackToPrevious:
      return "back to previous";
    case HeartbeatChange::DroppedToMin:
      return "dropped to min";
    case HeartbeatChange::Adopted:
      return "adopted server value";
  }
  return "unknown";
}

AdaptiveHeartbeat::AdaptiveHeartbeat() : AdaptiveHeartbeat(HeartbeatConfig{}) {}

AdaptiveHeartbeat::AdaptiveHeartbeat(const HeartbeatConfig& config)
    : config_(config),
      current_(config.defaultSeconds),
      previous_(config.defaultSeconds),
      serverMax_(config.serverMaxSeconds) {}

eas::Result<AdaptiveHeartbeat> AdaptiveHeartbeat::create(const HeartbeatConfig& config) {
  if (eas::Status s = validate(config); !s.ok()) {
    return std::move(s).takeError();
  }
  return AdaptiveHeartbeat(config);
}

uint32_t AdaptiveHeartbeat::upperBound() const {
  uint32_t upper = std::min(config_.maxSeconds, serverMax_);
  // A server minimum above our configured max wins: below it every Ping earns Status 5.
  return std::max(upper, std::min(serverMin_, serverMax_));
}

uint32_t AdaptiveHeartbeat::lowerBound() const {
  return std::min(std::max(config_.minSeconds, serverMin_), upperBound());
}

HeartbeatChange AdaptiveHeartbeat::onPingReturned(eas::PingStatus status) {
  if (status != eas::PingStatus::Expired && status != eas::PingStatus::Changes) {
    return HeartbeatChange::None;
  }
  // The Ping at the current value survived, so that value is now established.
  increased_ = false;
  ++successes_;
  // TechNet cc182270: "The device waits for successive round trips before attempting to adjust".
  if (successes_ < config_.successesBeforeIncrease || current_ >= upperBound()) {
    return HeartbeatChange::None;
  }
  previous_ = current_;
  current_ = std::min(current_ + config_.incrementSeconds, upperBound());
  increased_ = true;
  successes_ = 0;
  return HeartbeatChange::Increased;
}

HeartbeatChange AdaptiveHeartbeat::onPingDied() {
  successes_ = 0;
  // TechNet cc182270: increased on the last ping -> previous heartbeat; otherwise -> HeartbeatMin.
  if (increased_) {
    increased_ = false;
    current_ = std::clamp(previous_, lowerBound(), upperBound());
    return HeartbeatChange::BackToPrevious;
  }
  previous_ = current_;
  current_ = lowerBound();
  return HeartbeatChange::DroppedToMin;
}

HeartbeatChange AdaptiveHeartbeat::onStatus5(uint32_t limit) {
  if (limit == 0 || limit > MaxServerHeartbeatSeconds) {
    return HeartbeatChange::None;
  }
  // MS-ASCMD 2.2.3.177.11 Status 5: the value is the minimum if ours was too low, the maximum if
  // it was too high; remember it so later increases stay inside.
  if (limit < current_) {
    serverMax_ = limit;
    serverMin_ = std::min(serverMin_, limit);
  } else if (limit > current_) {
    serverMin_ = limit;
    serverMax_ = std::max(serverMax_, limit);
  }
  current_ = limit;  // notes §5.1: "the device adopts the returned HeartbeatInterval"
  previous_ = limit;
  increased_ = false;
  successes_ = 0;
  return HeartbeatChange::Adopted;
}

HeartbeatChange AdaptiveHeartbeat::onPingResponse(const eas::PingResponse& response) {
  if (response.status == eas::PingStatus::InvalidHeartbeat) {
    return response.heartbeatInterval ? onStatus5(*response.heartbeatInterval)
                                      : HeartbeatChange::None;
  }
  return onPingReturned(response.status);
}

}  // namespace devicesim

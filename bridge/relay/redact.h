// redact(): the one place that removes Authorization values, passwords and secrets from text
// before it reaches a log line or the event log.
#pragma once

#include <string>
#include <string_view>

namespace cradle::bridge {

// Replaces the value after "Authorization", "Basic ", "Bearer ", "password", "secret" and
// "token" (case-insensitive; followed by ':' or '=' where a key) with "[redacted]", and removes
// control characters (so untrusted text cannot forge log lines). The word "Authorization"
// itself becomes "[auth header]": logs never name it with a value nearby.
std::string redact(std::string_view text);

// A line on stderr, prefixed "cradle: ", passed through redact(). Any thread.
void logLine(std::string_view text);

}  // namespace cradle::bridge

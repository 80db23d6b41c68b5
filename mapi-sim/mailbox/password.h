// Password hashing for mapi-sim users: PBKDF2-HMAC-SHA256 with a random salt, in one text field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mapisim {

// Stored form: "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>" (16-byte salt, 32-byte hash).
// Pure functions, any thread. A malformed stored form never matches.
class PasswordHash {
 public:
  static constexpr uint32_t DefaultIterations = 10000;

  // A new salt from the system's random source for every call.
  static std::string make(std::string_view password, uint32_t iterations = DefaultIterations);
  // Compares in constant time (for equal lengths) against a stored form.
  static bool verify(std::string_view password, std::string_view stored);
  // RFC 8018 PBKDF2 with HMAC-SHA256; exposed for the test vectors.
  static std::string pbkdf2(std::string_view password, std::string_view salt, uint32_t iterations,
                            uint32_t length);
};

}  // namespace mapisim

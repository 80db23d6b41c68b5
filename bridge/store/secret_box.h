// SecretBox: AES-256-GCM sealing of the bridge's secrets at rest, with its key in a 0600 file.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "eas/result.h"

namespace cradle::bridge {

using eas::Result;
using eas::Status;

// Seals and opens small secrets (upstream passwords, device secrets) with AES-256-GCM.
// Sealed form: version byte (1) + 12-byte random nonce + ciphertext + 16-byte tag. The caller's
// context string (e.g. "upstream-password:<user>\n<server>") is the associated data, so a sealed
// value copied into another row does not open there.
// Immutable after construction: seal() and open() may be called from any thread. The key is
// wiped from memory on destruction. Errors are values (ErrorCode::BadValue, plain detail that
// never contains key or plaintext); nothing throws.
class SecretBox {
 public:
  static constexpr std::size_t KeySize = 32;
  static constexpr std::size_t NonceSize = 12;
  static constexpr std::size_t TagSize = 16;
  static constexpr uint8_t FormatVersion = 1;
  static constexpr std::size_t Overhead = 1 + NonceSize + TagSize;

  // Loads the key from `path`, creating it on first use: 32 random bytes written to a temporary
  // file opened with O_CREAT|O_EXCL and mode 0600, then linked into place without replacing a key
  // another process created meanwhile. Refuses a key file that is not a regular file, that group
  // or others may read or write, or that is not exactly 32 bytes long.
  static Result<SecretBox> fromKeyFile(const std::string& path);
  // A box over a key already in memory (exactly KeySize bytes).
  static Result<SecretBox> fromKey(std::string_view key);

  SecretBox(const SecretBox& other) = default;
  SecretBox& operator=(const SecretBox& other) = default;
  ~SecretBox();

  Result<std::string> seal(std::string_view plaintext, std::string_view context) const;
  // Fails (never throws) on a wrong version, a short input, a wrong key, a wrong context or any
  // changed byte.
  Result<std::string> open(std::string_view sealed, std::string_view context) const;

 private:
  SecretBox() = default;
  std::array<unsigned char, KeySize> key_{};
};

// `n` random bytes from OpenSSL's CSPRNG; empty on failure.
std::string randomBytes(std::size_t n);

}  // namespace cradle::bridge

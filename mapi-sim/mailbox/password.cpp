// PBKDF2-HMAC-SHA256 on Poco's SHA2Engine, with the salt from Poco::RandomInputStream.
#include "mapi-sim/mailbox/password.h"

#include <Poco/HMACEngine.h>
#include <Poco/PBKDF2Engine.h>
#include <Poco/RandomStream.h>
#include <Poco/SHA2Engine.h>

#include <vector>

#include "eas/ascii.h"

namespace mapisim {
namespace {

// Poco 1.11's SHA2Engine lacks the BLOCK_SIZE/DIGEST_SIZE constants HMACEngine needs.
class Sha256Engine : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

constexpr std::string_view Scheme = "pbkdf2-sha256";
constexpr uint32_t MaxIterations = 10'000'000;

std::string toHex(std::string_view bytes) {
  static constexpr char Digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += Digits[b >> 4];
    out += Digits[b & 0x0F];
  }
  return out;
}


bool fromHex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) {
    return false;
  }
  out.clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = cradle::eas::hexDigitValue(hex[i]);
    const int lo = cradle::eas::hexDigitValue(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return false;
    }
    out += static_cast<char>((hi << 4) | lo);
  }
  return true;
}

bool constantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  unsigned diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |=
        static_cast<unsigned>(static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]));
  }
  return diff == 0;
}

}  // namespace

std::string PasswordHash::pbkdf2(std::string_view password, std::string_view salt,
                                 uint32_t iterations, uint32_t length) {
  Poco::PBKDF2Engine<Poco::HMACEngine<Sha256Engine>> engine(std::string(salt), iterations, length);
  engine.update(password.data(), static_cast<unsigned>(password.size()));
  const auto& digest = engine.digest();
  return std::string(digest.begin(), digest.end());
}

std::string PasswordHash::make(std::string_view password, uint32_t iterations) {
  std::string salt(16, '\0');
  Poco::RandomInputStream random;
  random.read(salt.data(), static_cast<std::streamsize>(salt.size()));
  const std::string hash = pbkdf2(password, salt, iterations, 32);
  return std::string(Scheme) + "$" + std::to_string(iterations) + "$" + toHex(salt) + "$" +
         toHex(hash);
}

bool PasswordHash::verify(std::string_view password, std::string_view stored) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (fields.size() < 5) {
    const auto pos = stored.find('$', start);
    fields.push_back(stored.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) {
      break;
    }
    start = pos + 1;
  }
  if (fields.size() != 4 || fields[0] != Scheme || fields[1].empty() || fields[1].size() > 8) {
    return false;
  }
  uint32_t iterations = 0;
  for (char c : fields[1]) {
    if (c < '0' || c > '9') {
      return false;
    }
    iterations = iterations * 10 + static_cast<uint32_t>(c - '0');
  }
  std::string salt, expected;
  if (iterations == 0 || iterations > MaxIterations || !fromHex(fields[2], salt) ||
      !fromHex(fields[3], expected) || expected.empty() || expected.size() > 64) {
    return false;
  }
  const std::string actual =
      pbkdf2(password, salt, iterations, static_cast<uint32_t>(expected.size()));
  return constantTimeEqual(actual, expected);
}

}  // namespace mapisim

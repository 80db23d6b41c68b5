// SecretBox: the key file (creation and permission checks) and AES-256-GCM through OpenSSL EVP.
#include "bridge/store/secret_box.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace cradle::bridge {

namespace {

eas::Error failure(std::string detail) {
  return eas::makeError(eas::ErrorCode::BadValue, 0, std::move(detail));
}

std::string errnoText() { return std::strerror(errno); }

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

// OpenSSL takes int lengths; our secrets are small, so larger inputs are refused up front.
constexpr std::size_t MaxInput = 1 << 20;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// Reads the key from an open descriptor after checking what the file is and who may read it.
Result<std::string> readKey(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return failure(path + ": cannot inspect the key file: " + errnoText());
  }
  if (!S_ISREG(st.st_mode)) {
    return failure(path + ": the key file is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return failure(path + ": the key file has mode " + mode +
                   "; group and others must have no access (chmod 600 it)");
  }
  if (st.st_uid != ::geteuid()) {
    return failure(path + ": the key file belongs to another user");
  }
  if (st.st_size != static_cast<off_t>(SecretBox::KeySize)) {
    return failure(path + ": the key file is " + std::to_string(st.st_size) + " bytes long, not " +
                   std::to_string(SecretBox::KeySize));
  }
  std::string key(SecretBox::KeySize, '\0');
  std::size_t got = 0;
  while (got < key.size()) {
    const ssize_t n = ::read(fd, key.data() + got, key.size() - got);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      OPENSSL_cleanse(key.data(), key.size());
      return failure(path + ": cannot read the key file");
    }
    got += static_cast<std::size_t>(n);
  }
  return key;
}

Result<std::string> loadKey(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    return failure(path + ": cannot open the key file: " + errnoText());
  }
  auto key = readKey(fd, path);
  ::close(fd);
  return key;
}

// Writes a new random key next to `path` and links it into place. Returns true when this call
// created the key, false when another process did first (the caller then loads theirs).
Result<bool> createKey(const std::string& path) {
  std::string key = randomBytes(SecretBox::KeySize);
  if (key.size() != SecretBox::KeySize) {
    return failure("cannot get random bytes for a new key");
  }
  const std::string tmp = path + ".new-" + std::to_string(::getpid());
  ::unlink(tmp.c_str());  // a leftover of an earlier crash with the same pid
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    OPENSSL_cleanse(key.data(), key.size());
    return failure(tmp + ": cannot create the key file: " + errnoText());
  }
  bool written = ::fchmod(fd, 0600) == 0;
  std::size_t put = 0;
  while (written && put < key.size()) {
    const ssize_t n = ::write(fd, key.data() + put, key.size() - put);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    written = n > 0;
    put += n > 0 ? static_cast<std::size_t>(n) : 0;
  }
  written = written && ::fsync(fd) == 0;
  ::close(fd);
  OPENSSL_cleanse(key.data(), key.size());
  if (!written) {
    ::unlink(tmp.c_str());
    return failure(tmp + ": cannot write the key file: " + errnoText());
  }
  // link() never replaces an existing file: two processes starting at once keep one key.
  if (::link(tmp.c_str(), path.c_str()) == 0) {
    ::unlink(tmp.c_str());
    return true;
  }
  const int linkErrno = errno;
  if (linkErrno == EEXIST) {
    ::unlink(tmp.c_str());
    return false;
  }
  // File systems without hard links: rename, which is atomic but may replace a racing key.
  if (::rename(tmp.c_str(), path.c_str()) == 0) {
    return true;
  }
  ::unlink(tmp.c_str());
  return failure(path + ": cannot put the key file in place: " + std::strerror(linkErrno));
}

}  // namespace

std::string randomBytes(std::size_t n) {
  std::string out(n, '\0');
  if (n > MaxInput || RAND_bytes(bytes(out), static_cast<int>(n)) != 1) {
    return {};
  }
  return out;
}

Result<SecretBox> SecretBox::fromKeyFile(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return failure(path + ": cannot inspect the key file: " + errnoText());
    }
    auto created = createKey(path);
    if (!created.ok()) {
      return std::move(created).takeError();
    }
  }
  auto key = loadKey(path);
  if (!key.ok()) {
    return std::move(key).takeError();
  }
  auto box = fromKey(*key);
  OPENSSL_cleanse(key->data(), key->size());
  return box;
}

Result<SecretBox> SecretBox::fromKey(std::string_view key) {
  if (key.size() != KeySize) {
    return failure("a key must be " + std::to_string(KeySize) + " bytes long");
  }
  SecretBox box;
  std::memcpy(box.key_.data(), key.data(), KeySize);
  return box;
}

SecretBox::~SecretBox() { OPENSSL_cleanse(key_.data(), key_.size()); }

Result<std::string> SecretBox::seal(std::string_view plaintext, std::string_view context) const {
  if (plaintext.size() > MaxInput || context.size() > MaxInput) {
    return failure("a secret or its context is too large to seal");
  }
  std::string out(1 + NonceSize + plaintext.size() + TagSize, '\0');
  out[0] = static_cast<char>(FormatVersion);
  unsigned char* nonce = bytes(out) + 1;
  if (RAND_bytes(nonce, static_cast<int>(NonceSize)) != 1) {
    return failure("cannot get random bytes for a nonce");
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  // NIST SP 800-38D: AES-GCM with a 96-bit random IV and a 128-bit tag.
  bool ok =
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce) == 1;
  ok = ok && EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(context),
                               static_cast<int>(context.size())) == 1;
  unsigned char* cipher = nonce + NonceSize;
  ok = ok && EVP_EncryptUpdate(ctx.get(), cipher, &len, bytes(plaintext),
                               static_cast<int>(plaintext.size())) == 1;
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), cipher + len, &len) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(TagSize),
                                 cipher + plaintext.size()) == 1;
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    return failure("cannot seal a secret (cipher failure)");
  }
  return out;
}

Result<std::string> SecretBox::open(std::string_view sealed, std::string_view context) const {
  if (sealed.size() < Overhead || sealed.size() > MaxInput + Overhead ||
      context.size() > MaxInput) {
    return failure("sealed secret has a wrong length");
  }
  if (static_cast<uint8_t>(sealed[0]) != FormatVersion) {
    return failure("sealed secret has an unknown format version");
  }
  const unsigned char* nonce = bytes(sealed) + 1;
  const unsigned char* cipher = nonce + NonceSize;
  const std::size_t cipherLen = sealed.size() - Overhead;
  std::string tag(reinterpret_cast<const char*>(cipher + cipherLen), TagSize);
  std::string out(cipherLen, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce) == 1;
  ok = ok && EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(context),
                               static_cast<int>(context.size())) == 1;
  ok = ok &&
       EVP_DecryptUpdate(ctx.get(), bytes(out), &len, cipher, static_cast<int>(cipherLen)) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(TagSize),
                                 bytes(tag)) == 1;
  // The tag check happens here: a wrong key, context or any changed byte fails.
  ok = ok && EVP_DecryptFinal_ex(ctx.get(), bytes(out) + len, &len) == 1;
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    return failure("sealed secret does not open (wrong key, wrong context or changed bytes)");
  }
  return out;
}

}  // namespace cradle::bridge

// Tests of SecretBox: the key file's creation and checks, sealing and refusing to open.
#include "bridge/store/secret_box.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/bridge/store/store_fixture.h"

namespace cradle::bridge {
namespace {

using test::TempFolder;

mode_t fileMode(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

TEST_CASE("key file is created owner-only and loaded again", "[bridge][store]") {
  TempFolder dir;
  const std::string keyFile = dir.file("store.key");
  auto first = SecretBox::fromKeyFile(keyFile);
  REQUIRE(first.ok());
  CHECK(fileMode(keyFile) == 0600);
  CHECK(test::readWholeFile(keyFile).size() == SecretBox::KeySize);

  // The second load uses the same key: what the first sealed, the second opens.
  auto sealed = first->seal("hunter2", "ctx");
  REQUIRE(sealed.ok());
  auto second = SecretBox::fromKeyFile(keyFile);
  REQUIRE(second.ok());
  auto opened = second->open(*sealed, "ctx");
  REQUIRE(opened.ok());
  CHECK(*opened == "hunter2");
}

TEST_CASE("key file readable by others or of the wrong size is refused", "[bridge][store]") {
  TempFolder dir;
  const std::string keyFile = dir.file("store.key");
  REQUIRE(SecretBox::fromKeyFile(keyFile).ok());

  SECTION("mode 0644") {
    REQUIRE(::chmod(keyFile.c_str(), 0644) == 0);
    auto box = SecretBox::fromKeyFile(keyFile);
    REQUIRE_FALSE(box.ok());
    CHECK_THAT(box.error().detail, Catch::Contains("0644") && Catch::Contains("chmod 600"));
  }
  SECTION("mode 0640") {
    REQUIRE(::chmod(keyFile.c_str(), 0640) == 0);
    CHECK_FALSE(SecretBox::fromKeyFile(keyFile).ok());
  }
  SECTION("wrong size") {
    test::writeWholeFile(keyFile, std::string(31, 'k'));
    REQUIRE(::chmod(keyFile.c_str(), 0600) == 0);
    auto box = SecretBox::fromKeyFile(keyFile);
    REQUIRE_FALSE(box.ok());
    CHECK_THAT(box.error().detail, Catch::Contains("31 bytes"));
  }
  SECTION("a folder in its place") {
    const std::string folder = dir.file("folder.key");
    REQUIRE(::mkdir(folder.c_str(), 0700) == 0);
    CHECK_FALSE(SecretBox::fromKeyFile(folder).ok());
  }
}

TEST_CASE("seal and open round trip", "[bridge][store]") {
  auto box = SecretBox::fromKey(std::string(32, '\x42'));
  REQUIRE(box.ok());
  for (const std::string& plain : {std::string(), std::string("p"), std::string(1000, '\0')}) {
    auto sealed = box->seal(plain, "upstream-password:alice");
    REQUIRE(sealed.ok());
    CHECK(sealed->size() == plain.size() + SecretBox::Overhead);
    CHECK(static_cast<uint8_t>((*sealed)[0]) == SecretBox::FormatVersion);
    auto opened = box->open(*sealed, "upstream-password:alice");
    REQUIRE(opened.ok());
    CHECK(*opened == plain);
  }
  // A fresh nonce per message: the same secret seals differently each time.
  CHECK(box->seal("same", "c").value() != box->seal("same", "c").value());
  CHECK_FALSE(SecretBox::fromKey("short").ok());
}

TEST_CASE("tampered bytes, wrong context and wrong key do not open", "[bridge][store]") {
  auto box = SecretBox::fromKey(std::string(32, '\x01'));
  auto other = SecretBox::fromKey(std::string(32, '\x02'));
  REQUIRE(box.ok());
  REQUIRE(other.ok());
  const std::string sealed = box->seal("s3cret-password", "upstream-password:DEV1").value();

  for (std::size_t i = 0; i < sealed.size(); ++i) {
    std::string changed = sealed;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    CHECK_FALSE(box->open(changed, "upstream-password:DEV1").ok());
  }
  CHECK_FALSE(box->open(sealed.substr(0, sealed.size() - 1), "upstream-password:DEV1").ok());
  CHECK_FALSE(box->open(sealed.substr(0, 5), "upstream-password:DEV1").ok());
  CHECK_FALSE(box->open("", "upstream-password:DEV1").ok());
  auto wrongContext = box->open(sealed, "upstream-password:DEV2");
  REQUIRE_FALSE(wrongContext.ok());
  CHECK_THAT(wrongContext.error().detail, !Catch::Contains("s3cret"));
  CHECK_FALSE(other->open(sealed, "upstream-password:DEV1").ok());
  CHECK(box->open(sealed, "upstream-password:DEV1").value() == "s3cret-password");
}

}  // namespace
}  // namespace cradle::bridge

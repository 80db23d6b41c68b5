// Replays every fuzz seed and every crash found (tests/fuzz/corpus, tests/fuzz/regress) through
// the invariants the fuzz targets check, in the normal build (no clang, no libFuzzer needed).
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_checks.h"

namespace fs = std::filesystem;
using namespace cradle::eas;

namespace {

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> filesIn(const fs::path& dir) {
  std::vector<fs::path> files;
  if (fs::is_directory(dir)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file() && entry.path().filename().string().front() != '.') {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

const fs::path FuzzDir = fs::path(CRADLE_TEST_DATA_DIR) / "fuzz";

}  // namespace

TEST_CASE("fuzz-wbxml-decoder corpus and regressions keep their invariants", "[eas][fuzz]") {
  std::size_t count = 0;
  for (const char* kind : {"corpus", "regress"}) {
    for (const fs::path& file : filesIn(FuzzDir / kind / "fuzz-wbxml-decoder")) {
      INFO(file.string());
      CHECK(fuzz::checkWbxml(readFile(file)) == "");
      ++count;
    }
  }
  CHECK(count >= 20);  // the seeds are there
}

TEST_CASE("fuzz-xml-reader corpus and regressions keep their invariants", "[eas][fuzz]") {
  std::size_t count = 0;
  for (const char* kind : {"corpus", "regress"}) {
    for (const fs::path& file : filesIn(FuzzDir / kind / "fuzz-xml-reader")) {
      INFO(file.string());
      CHECK(fuzz::checkXml(readFile(file)) == "");
      ++count;
    }
  }
  CHECK(count >= 20);
}

TEST_CASE("inputs filed directly in tests/fuzz/regress go through both targets", "[eas][fuzz]") {
  for (const fs::path& file : filesIn(FuzzDir / "regress")) {
    const std::string data = readFile(file);
    INFO(file.string());
    CHECK(fuzz::checkWbxml(data) == "");
    CHECK(fuzz::checkXml(data) == "");
  }
}

TEST_CASE("the EAS corpus keeps the fuzz invariants too", "[eas][fuzz]") {
  std::size_t count = 0;
  for (const fs::path& file : filesIn(fs::path(CRADLE_TEST_DATA_DIR) / "corpus")) {
    if (file.extension() != ".xml") {
      continue;
    }
    const std::string xml = readFile(file);
    INFO(file.string());
    CHECK(fuzz::checkXml(xml) == "");
    auto doc = fromXml(xml);
    REQUIRE(doc.ok());
    CHECK(fuzz::checkWbxml(doc->encode()) == "");
    ++count;
  }
  CHECK(count >= 60);
}

TEST_CASE("the fuzz checks notice broken invariants", "[eas][fuzz]") {
  // compareTrees is what every round trip leans on: it must see each kind of difference.
  auto doc = [](std::string_view xml) { return std::move(fromXml(xml)).value(); };
  const Document a = doc("<Sync><SyncKey>1</SyncKey></Sync>");
  CHECK(fuzz::compareTrees(a, doc("<Sync><SyncKey>1</SyncKey></Sync>"), true).empty());
  CHECK_FALSE(fuzz::compareTrees(a, doc("<Sync><SyncKey>2</SyncKey></Sync>"), true).empty());
  CHECK_FALSE(fuzz::compareTrees(a, doc("<Sync><Status>1</Status></Sync>"), true).empty());
  CHECK_FALSE(
      fuzz::compareTrees(a, doc("<Sync><SyncKey>1</SyncKey><Status/></Sync>"), true).empty());
  CHECK_FALSE(fuzz::compareTrees(a, Document(), true).empty());
  const Document opaque = doc("<Sync><SyncKey><![CDATA[1]]></SyncKey></Sync>");
  CHECK_FALSE(fuzz::compareTrees(a, opaque, true).empty());
  CHECK(fuzz::compareTrees(a, opaque, false).empty());
  // The streaming comparison sees a differing event and a differing error.
  fuzz::EventLog x = fuzz::readWhole(a.encode(), Limits{});
  fuzz::EventLog y = x;
  CHECK(fuzz::compareLogs(x, y).empty());
  y.events[1].offset += 1;
  CHECK_FALSE(fuzz::compareLogs(x, y).empty());
  fuzz::EventLog bad = fuzz::readWhole("\x03\x01\x6a", Limits{});
  CHECK(bad.failed);
  CHECK_FALSE(fuzz::compareLogs(x, bad).empty());
}

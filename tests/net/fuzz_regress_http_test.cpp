// Replays the HTTP parser fuzz corpus and regressions (tests/fuzz/*/fuzz-http-parser) through the
// fuzz target's invariant, in the normal build.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/fuzz/http_fuzz_checks.h"

namespace fs = std::filesystem;

TEST_CASE("HTTP parser fuzz corpus and regressions keep their invariant", "[net][fuzz]") {
  const fs::path base = fs::path(CRADLE_TEST_DATA_DIR) / "fuzz";
  int replayed = 0;
  for (const char* dir : {"corpus", "regress"}) {
    const fs::path d = base / dir / "fuzz-http-parser";
    if (!fs::is_directory(d)) {
      continue;
    }
    for (const auto& entry : fs::directory_iterator(d)) {
      if (!entry.is_regular_file() || entry.path().filename().string().front() == '.') {
        continue;
      }
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      const std::string data = s.str();
      if (data.empty()) {
        continue;
      }
      const auto first = static_cast<unsigned char>(data[0]);
      const auto kind = (first & 0x80) ? cradle::net::HttpParser::Kind::Response
                                       : cradle::net::HttpParser::Kind::Request;
      INFO(entry.path().string());
      for (std::size_t step : {std::size_t{1}, std::size_t{(first & 0x3Fu) + 1u}, std::size_t{7}}) {
        CHECK(cradle::net::fuzz::checkHttpParser(std::string_view(data).substr(1), kind, step) ==
              "");
      }
      ++replayed;
    }
  }
  CHECK(replayed >= 5);
}

// libFuzzer target: the incremental HTTP/1.1 parser, whole versus piecewise, both kinds.
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/http_fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  // The first byte picks the piece size and the message kind.
  const std::size_t step = (data[0] & 0x3F) + 1;
  const auto kind = (data[0] & 0x80) ? cradle::net::HttpParser::Kind::Response
                                     : cradle::net::HttpParser::Kind::Request;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string problem = cradle::net::fuzz::checkHttpParser(bytes, kind, step);
  if (!problem.empty()) {
    std::fprintf(stderr, "invariant broken: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}

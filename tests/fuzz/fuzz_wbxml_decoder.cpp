// libFuzzer target: WBXML decoding (whole and streamed in random chunks), re-encoding, XML text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string failure = cradle::eas::fuzz::checkWbxml(input);
  if (!failure.empty()) {
    std::fprintf(stderr, "fuzz-wbxml-decoder: invariant broken: %s\n", failure.c_str());
    std::abort();
  }
  return 0;
}

// Hard limits applied to untrusted WBXML and XML input; one place, configurable per call.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cradle::eas {

struct Limits {
  std::size_t maxDocumentBytes = 64u << 20;  // whole document (MIME bodies ride in OPAQUE)
  std::size_t maxStringBytes = 48u << 20;    // one inline string or opaque run
  uint32_t maxDepth = 48;                    // deepest EAS document (Sync/Calendar exceptions) is ~12
  uint32_t maxElements = 1u << 20;           // elements in one document
};

}  // namespace cradle::eas

// UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
#pragma once

#include <cstddef>
#include <string_view>

namespace cradle::eas {

// Index of the first byte that starts an invalid sequence, or npos when the text is valid.
std::size_t findInvalidUtf8(std::string_view text);

}  // namespace cradle::eas

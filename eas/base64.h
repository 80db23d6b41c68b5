// Base64 (RFC 4648, standard alphabet, padded) for the XML text form and the 12.1+ query.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cradle::eas {

std::string base64Encode(std::string_view bytes);
// Strict decode: only the standard alphabet, '=' padding at the end; ASCII white space between
// groups is skipped when skipWhitespace is true. nullopt when the text is not base64.
std::optional<std::string> base64Decode(std::string_view text, bool skipWhitespace = false);

}  // namespace cradle::eas

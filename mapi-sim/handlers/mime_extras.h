// What the handlers need of a MIME message beyond mailbox/mime.h: the HTML part, the header
// block check, address lists, and the raw header/body split used to rewrite headers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mapi-sim/mailbox/mime.h"

namespace mapisim {

// The first text/html part that is not an attachment, converted to UTF-8.
std::optional<std::string> htmlText(const mime::Entity& message);

// The text starts with a header field ("Name: value", RFC 5322 2.2): a message, not just text.
bool hasHeaderBlock(std::string_view text);

// The addresses of an address-list header value ("Ann <ann@x>, bob@y, \"Doe, J\" <j@z>"), in
// order, as written (no case folding); group syntax and comments are tolerated, words without
// an '@' are dropped.
std::vector<std::string> parseAddressList(std::string_view value);

// Lower-case ASCII copy.
std::string asciiLowerCopy(std::string_view s);

// The header block and the body of a message, split at the first empty line (CRLF or LF).
struct MimeSplit {
  std::string_view headers;  // without the empty line
  std::string_view body;
};
MimeSplit splitHeaders(std::string_view text);

}  // namespace mapisim

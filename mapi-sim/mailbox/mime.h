// A small, lenient MIME (RFC 5322, 2045-2047) reader and writer for the mailbox's e-mail items.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// A namespace of its own: handlers/ has a MimePart/MimeMessage of its own for rendering.
namespace mapisim::mime {

// Hard limits; beyond them the rest is kept undecoded (never an error).
struct Limits {
  std::size_t maxBytes = 64u << 20;         // input beyond this is ignored
  std::size_t maxDepth = 8;                 // multipart nesting; deeper parts stay undecoded
  std::size_t maxParts = 256;               // entities in one message
  std::size_t maxHeaders = 512;             // header fields per entity
  std::size_t maxHeaderBytes = 256u << 10;  // one header block
};

// One MIME entity. Header values are unfolded (RFC 2047 words left as written); body is the
// transfer-decoded bytes in the part's charset. A multipart entity has `parts` and an empty body.
struct Entity {
  std::vector<std::pair<std::string, std::string>> headers;  // name as written, value unfolded
  std::string contentType = "text/plain";                    // lower case "type/subtype"
  std::string charset;                                       // lower case, may be empty
  std::string transferEncoding;                              // lower case, may be empty
  std::string disposition;  // lower case: "attachment", "inline", ""
  std::string fileName;     // decoded; Content-Disposition filename, else name
  std::string contentId;    // without the angle brackets
  std::string body;
  std::vector<Entity> parts;

  std::optional<std::string> header(std::string_view name) const;  // first, case-insensitive
  bool isMultipart() const { return contentType.rfind("multipart/", 0) == 0; }
};

// Never fails: text without a header block becomes one text/plain entity holding all of it.
Entity parse(std::string_view text, const Limits& limits = {});

// The readable text of a message: the first text/plain part that is not an attachment, else
// the first text/html part with its tags stripped; converted to UTF-8. "" when there is none.
std::string plainText(const Entity& message);
// Attachments in document order (0-based index n gives FileReference "<ServerId>:<n>"): leaves
// with Content-Disposition attachment, or (below the root) a file name, message/rfc822, or a
// type other than text/*. Same rule as handlers/mime_message.
std::vector<const Entity*> attachments(const Entity& message);

// Transfer and character decoding, lenient: bad input gives a best effort, never an error.
std::string decodeQuotedPrintable(std::string_view text);
std::string decodeBase64(std::string_view text);  // skips characters outside the alphabet
// utf-8 / us-ascii (invalid bytes become U+FFFD), iso-8859-1 / latin1, windows-1252; unknown
// charsets are treated as UTF-8.
std::string toUtf8(std::string_view bytes, std::string_view charset);
// RFC 2047 encoded words (B and Q) in a header value, converted to UTF-8.
std::string decodeHeader(std::string_view value);
// The display names of an address list ("Ann <a@x>, b@y" -> {"Ann", "b@y"}), decoded.
std::vector<std::string> displayNames(std::string_view addressList);
// Drops tags, script/style content, turns <br>/</p> into line breaks, decodes basic entities.
std::string stripTags(std::string_view html);

// Writing.
std::string encodeQuotedPrintable(std::string_view bytes);  // soft line breaks at 76
// The value as is when it is printable ASCII, else RFC 2047 "=?utf-8?B?...?=" words.
std::string encodeHeader(std::string_view utf8);
// RFC 5322 date-time in UTC: "Wed, 25 Nov 2026 09:26:27 +0000".
std::string formatDate(int64_t unixMillis);

}  // namespace mapisim::mime

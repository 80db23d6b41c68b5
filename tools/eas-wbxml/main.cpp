// eas-wbxml: EAS WBXML on stdin to the XML text form on stdout, and back.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "eas/result.h"
#include "eas/wbxml/document.h"
#include "eas/wbxml/limits.h"
#include "eas/wbxml/xml_text.h"

#ifndef CRADLE_VERSION
#define CRADLE_VERSION "unknown"
#endif

namespace {

using namespace cradle::eas;

constexpr int ExitOk = 0;
constexpr int ExitBadInput = 1;
constexpr int ExitUsage = 2;

constexpr std::string_view Usage =
    "Usage: eas-wbxml decode [--indent] [--libwbxml-names] [--no-declaration]\n"
    "       eas-wbxml encode [--trim-text]\n"
    "       eas-wbxml --help | --version\n";

constexpr std::string_view Help =
    "Converts Exchange ActiveSync WBXML (MS-ASWBXML) to and from its XML text form.\n"
    "\n"
    "  decode   read WBXML on stdin, print XML text on stdout, in the dialect of\n"
    "           `wbxml2xml -l ACTIVESYNC -m 0` (no trailing newline unless --indent)\n"
    "    --indent            one element per line, two spaces per level\n"
    "    --libwbxml-names    print libwbxml's element names where they differ from the spec's\n"
    "    --no-declaration    leave out the <?xml ...?> line and the ActiveSync DOCTYPE\n"
    "  encode   read XML text on stdin, write WBXML with the EAS header (03 01 6A 00) on stdout,\n"
    "           as `xml2wbxml -n -a` does\n"
    "    --trim-text         strip white space around text, as xml2wbxml does without -k\n"
    "                        (default: keep text byte for byte)\n"
    "\n"
    "Exit status: 0 done, 1 malformed input (one line on stderr naming the byte offset),\n"
    "2 usage error.\n";

void writeAll(std::FILE* f, std::string_view s) {
  if (!s.empty()) {
    std::fwrite(s.data(), 1, s.size(), f);
  }
}

int usageError(std::string_view problem) {
  std::string line = "eas-wbxml: ";
  line.append(problem);
  line += '\n';
  writeAll(stderr, line);
  writeAll(stderr, Usage);
  return ExitUsage;
}

// Reads stdin whole, but stops one byte past the limit: the decoder then reports TooLarge.
bool readStdin(std::string& out, std::size_t limit) {
  char buf[1 << 16];
  for (;;) {
    const std::size_t n = std::fread(buf, 1, sizeof buf, stdin);
    out.append(buf, n);
    if (out.size() > limit) {
      return true;
    }
    if (n < sizeof buf) {
      return std::ferror(stdin) == 0;
    }
  }
}

// One line on stderr, whatever bytes the detail quotes.
int inputError(const Error& error) {
  std::string line = "eas-wbxml: " + error.message();
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20) {
      c = ' ';
    }
  }
  line += '\n';
  writeAll(stderr, line);
  return ExitBadInput;
}

int finishOutput() {
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    writeAll(stderr, "eas-wbxml: cannot write to stdout\n");
    return ExitBadInput;
  }
  return ExitOk;
}

int decode(const std::vector<std::string_view>& args) {
  XmlOptions options;
  for (std::string_view a : args) {
    if (a == "--indent") {
      options.indent = true;
    } else if (a == "--libwbxml-names") {
      options.libwbxmlNames = true;
    } else if (a == "--no-declaration") {
      options.declaration = false;
    } else {
      return usageError("unknown option for decode: " + std::string(a));
    }
  }
  const Limits limits;
  std::string input;
  if (!readStdin(input, limits.maxDocumentBytes)) {
    writeAll(stderr, "eas-wbxml: cannot read stdin\n");
    return ExitBadInput;
  }
  Result<Document> doc = Document::decode(input, limits);
  if (!doc) {
    return inputError(doc.error());
  }
  writeAll(stdout, toXml(*doc, options));
  return finishOutput();
}

int encode(const std::vector<std::string_view>& args) {
  XmlReadOptions options;
  for (std::string_view a : args) {
    if (a == "--trim-text") {
      options.trimText = true;
    } else {
      return usageError("unknown option for encode: " + std::string(a));
    }
  }
  std::string input;
  if (!readStdin(input, options.limits.maxDocumentBytes)) {
    writeAll(stderr, "eas-wbxml: cannot read stdin\n");
    return ExitBadInput;
  }
  Result<Document> doc = fromXml(input, options);
  if (!doc) {
    return inputError(doc.error());
  }
  writeAll(stdout, doc->encode());
  return finishOutput();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) {
    return usageError("a command is needed");
  }
  const std::string_view command = args.front();
  args.erase(args.begin());
  if (command == "--help" || command == "-h") {
    writeAll(stdout, Usage);
    writeAll(stdout, "\n");
    writeAll(stdout, Help);
    return finishOutput();
  }
  if (command == "--version") {
    writeAll(stdout, "eas-wbxml " CRADLE_VERSION "\n");
    return finishOutput();
  }
  if (command == "decode") {
    return decode(args);
  }
  if (command == "encode") {
    return encode(args);
  }
  return usageError("unknown command: " + std::string(command));
}

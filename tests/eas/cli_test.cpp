// eas-wbxml on the command line: exit codes, one-line errors with offsets, binary-safe I/O.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

// A per-test folder under the system temporary directory, removed at the end.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("cradle-cli-test-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct Run {
  int status = -1;
  std::string out;
  std::string err;
};

void writeFile(const fs::path& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs eas-wbxml with the arguments, feeding stdin from bytes; paths are quoted for sh.
Run run(const TempDir& dir, const std::string& args, const std::string& input) {
  const fs::path in = dir.path() / "stdin";
  const fs::path out = dir.path() / "stdout";
  const fs::path err = dir.path() / "stderr";
  writeFile(in, input);
  const std::string command = "'" + std::string(CRADLE_BIN_DIR) + "/eas-wbxml' " + args + " < '" +
                              in.string() + "' > '" + out.string() + "' 2> '" + err.string() + "'";
  const int raw = std::system(command.c_str());
  Run r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = readFile(out);
  r.err = readFile(err);
  return r;
}

std::string bytes(std::initializer_list<int> list) {
  std::string s;
  for (int b : list) {
    s += static_cast<char>(b);
  }
  return s;
}

const std::string PingRequest =
    bytes({0x03, 0x01, 0x6a, 0x00, 0x00, 0x0d, 0x45, 0x48, 0x03, 0x34, 0x38,
           0x30, 0x00, 0x01, 0x49, 0x4a, 0x4b, 0x03, 0x35, 0x00, 0x01, 0x4c,
           0x03, 0x45, 0x6d, 0x61, 0x69, 0x6c, 0x00, 0x01, 0x01, 0x01, 0x01});
const std::string PingRequestXml =
    "<Ping xmlns=\"Ping:\"><HeartbeatInterval>480</HeartbeatInterval><Folders><Folder><Id>5</Id>"
    "<Class>Email</Class></Folder></Folders></Ping>";
const std::string Prolog =
    "<?xml version=\"1.0\"?><!DOCTYPE ActiveSync PUBLIC \"-//MICROSOFT//DTD ActiveSync//EN\" "
    "\"http://www.microsoft.com/\">";

bool oneLine(const std::string& s) {
  return !s.empty() && s.back() == '\n' && s.find('\n') == s.size() - 1;
}

}  // namespace

TEST_CASE("eas-wbxml decode prints wbxml2xml's form and exits 0", "[eas][cli]") {
  TempDir dir;
  Run r = run(dir, "decode", PingRequest);
  CHECK(r.status == 0);
  CHECK(r.out == Prolog + PingRequestXml);
  CHECK(r.err.empty());
  r = run(dir, "decode --no-declaration", PingRequest);
  CHECK(r.out == PingRequestXml);
  r = run(dir, "decode --indent --no-declaration", PingRequest);
  CHECK(r.status == 0);
  CHECK(r.out.substr(0, 23) == "<Ping xmlns=\"Ping:\">\n  ");
  CHECK(r.out.back() == '\n');
  // ComposeMail Mime is "MIME" in libwbxml.
  const std::string mime = bytes({0x03, 0x01, 0x6a, 0x00, 0x00, 0x15, 0x50, 0xc3, 0x01, 'a', 0x01});
  CHECK(run(dir, "decode --no-declaration", mime).out ==
        "<Mime xmlns=\"ComposeMail:\">YQ==</Mime>");
  CHECK(run(dir, "decode --libwbxml-names --no-declaration", mime).out ==
        "<MIME xmlns=\"ComposeMail:\">YQ==</MIME>");
}

TEST_CASE("eas-wbxml encode writes the WBXML and exits 0", "[eas][cli]") {
  TempDir dir;
  Run r = run(dir, "encode", Prolog + "\n" + PingRequestXml + "\n");
  CHECK(r.status == 0);
  CHECK(r.out == PingRequest);
  CHECK(r.err.empty());
  r = run(dir, "encode --trim-text", "<Sync><SyncKey> 0 </SyncKey></Sync>");
  CHECK(r.out == bytes({0x03, 0x01, 0x6a, 0x00, 0x45, 0x4b, 0x03, '0', 0x00, 0x01, 0x01}));
}

TEST_CASE("eas-wbxml round-trips binary content through stdin and stdout", "[eas][cli]") {
  TempDir dir;
  // OPAQUE with every byte value (binary element), text with CR LF, NUL-free UTF-8 and controls.
  std::string wbxml = bytes({0x03, 0x01, 0x6a, 0x00, 0x00, 0x15, 0x45, 0x50, 0xc3, 0x82, 0x00});
  for (int b = 0; b < 256; ++b) {
    wbxml += static_cast<char>(b);
  }
  wbxml += bytes({0x01, 0x51, 0x03});
  wbxml += "line\r\nnext \x01\x1a\xc3\xa9";
  wbxml += bytes({0x00, 0x01, 0x01});
  const Run decoded = run(dir, "decode", wbxml);
  REQUIRE(decoded.status == 0);
  const Run encoded = run(dir, "encode", decoded.out);
  CHECK(encoded.status == 0);
  CHECK(encoded.out == wbxml);
}

TEST_CASE("eas-wbxml exits 1 with one line naming the offset on malformed input", "[eas][cli]") {
  TempDir dir;
  std::string truncated = PingRequest.substr(0, 10);
  Run r = run(dir, "decode", truncated);
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(oneLine(r.err));
  CHECK(r.err.rfind("eas-wbxml: truncated at byte ", 0) == 0);

  r = run(dir, "decode", PingRequest + "x");
  CHECK(r.status == 1);
  CHECK(r.err.rfind("eas-wbxml: trailing data at byte 33", 0) == 0);
  CHECK(oneLine(r.err));

  r = run(dir, "decode", "");
  CHECK(r.status == 1);
  CHECK(oneLine(r.err));

  r = run(dir, "encode", "<Sync>\n<Bogus/>\n</Sync>");
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("eas-wbxml: unknown element at byte 8", 0) == 0);
  CHECK(oneLine(r.err));

  // A detail quoting input with a line break still makes one line.
  r = run(dir, "encode", "<Sync xmlns=\"a\nb\"/>");
  CHECK(r.status == 1);
  CHECK(r.err.rfind("eas-wbxml: unknown namespace at byte 13", 0) == 0);
  CHECK(oneLine(r.err));
}

TEST_CASE("eas-wbxml exits 2 on usage errors, 0 for --help and --version", "[eas][cli]") {
  TempDir dir;
  for (const char* args : {"", "frobnicate", "decode --bogus", "encode --indent", "-x"}) {
    INFO(args);
    const Run r = run(dir, args, "");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("Usage: eas-wbxml") != std::string::npos);
  }
  Run r = run(dir, "--help", "");
  CHECK(r.status == 0);
  CHECK(r.out.find("decode") != std::string::npos);
  CHECK(r.out.find("encode") != std::string::npos);
  r = run(dir, "--version", "");
  CHECK(r.status == 0);
  CHECK(r.out.rfind("eas-wbxml ", 0) == 0);
}

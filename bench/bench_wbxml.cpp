// bench-wbxml: decode and encode throughput of our WBXML codec against libwbxml's C API, on the
// corpus, in the same run and on the same bytes. See bench/README.md for the method.
#include <wbxml/wbxml.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "eas/wbxml/document.h"
#include "eas/wbxml/xml_text.h"

// libwbxml exports its tree API but Debian's libwbxml2-dev does not install wbxml_tree.h; these
// are the 0.11.x prototypes (src/wbxml_tree.h, src/wbxml_mem.h).
extern "C" {
struct WBXMLTree_s;
using WBXMLTree = WBXMLTree_s;
WBXMLError wbxml_tree_from_wbxml(WB_UTINY* wbxml, WB_ULONG wbxml_len, WBXMLLanguage lang,
                                 WBXMLCharsetMIBEnum charset, WBXMLTree** tree);
WBXMLError wbxml_tree_to_wbxml(WBXMLTree* tree, WB_UTINY** wbxml, WB_ULONG* wbxml_len,
                               WBXMLGenWBXMLParams* params);
void wbxml_tree_destroy(WBXMLTree* tree);
void wbxml_free(void* memblock);
}

namespace {

using cradle::eas::Document;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// What every pass feeds the optimiser so that no work can be dropped.
volatile std::size_t sink = 0;

struct Sample {
  std::string name;
  std::string wbxml;          // our encoding of the corpus file; both decoders read these bytes
  Document doc;               // our tree, input of our encoder
  WBXMLTree* tree = nullptr;  // libwbxml's tree of the same bytes, input of its encoder
};

struct Settings {
  fs::path corpus = CRADLE_CORPUS_DIR;
  bool quick = false;
};

void usage(std::FILE* to) {
  std::fprintf(to,
               "usage: bench-wbxml [--quick] [--corpus DIR | DIR]\n"
               "  Decodes and encodes every tests/corpus/*.xml document (converted once to WBXML\n"
               "  by our encoder) with our codec and with libwbxml, and prints MB/s and\n"
               "  'ratio decode=X' / 'ratio encode=Y' (ours / libwbxml; above 1 = ours faster).\n"
               "  --quick  fewer and shorter repetitions (under 10 s); default is about 30 s.\n");
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  return std::move(data).str();
}

WBXMLTree* libwbxmlDecode(const std::string& wbxml) {
  WBXMLTree* tree = nullptr;
  // libwbxml takes a non-const pointer but does not write through it.
  auto* bytes = reinterpret_cast<WB_UTINY*>(const_cast<char*>(wbxml.data()));
  WBXMLError rc = wbxml_tree_from_wbxml(bytes, static_cast<WB_ULONG>(wbxml.size()),
                                        WBXML_LANG_ACTIVESYNC, WBXML_CHARSET_UTF_8, &tree);
  if (rc != WBXML_OK) {
    if (tree != nullptr) {
      wbxml_tree_destroy(tree);
    }
    return nullptr;
  }
  return tree;
}

// xml2wbxml -n -a -v 1.3: EAS header, no string table, anonymous public id.
WBXMLGenWBXMLParams libwbxmlParams() {
  WBXMLGenWBXMLParams params{};
  params.wbxml_version = WBXML_VERSION_13;
  params.keep_ignorable_ws = FALSE;
  params.use_strtbl = FALSE;
  params.produce_anonymous = TRUE;
  return params;
}

// libwbxml's encoding of a tree, or an empty string if it fails.
std::string libwbxmlEncode(WBXMLTree* tree) {
  WBXMLGenWBXMLParams params = libwbxmlParams();
  WB_UTINY* out = nullptr;
  WB_ULONG len = 0;
  if (wbxml_tree_to_wbxml(tree, &out, &len, &params) != WBXML_OK || out == nullptr) {
    return {};
  }
  std::string bytes(reinterpret_cast<const char*>(out), len);
  wbxml_free(out);
  return bytes;
}

// Loads the corpus. A document joins the benchmark only if our reader, our encoder and libwbxml
// (decode, then re-encode to exactly our bytes) all handle it, so both sides do the same work.
std::vector<Sample> loadCorpus(const fs::path& dir, std::size_t& skipped) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".xml") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());

  std::vector<Sample> samples;
  skipped = 0;
  for (const auto& file : files) {
    auto parsed = cradle::eas::fromXml(readFile(file));
    if (!parsed.ok()) {
      std::fprintf(stderr, "bench-wbxml: %s: %s\n", file.string().c_str(),
                   parsed.error().message().c_str());
      ++skipped;
      continue;
    }
    Sample s;
    s.name = file.filename().string();
    s.doc = std::move(parsed).value();
    s.wbxml = s.doc.encode();
    s.tree = libwbxmlDecode(s.wbxml);
    if (s.tree == nullptr || libwbxmlEncode(s.tree) != s.wbxml) {
      // Tags libwbxml lacks (see tests/corpus/README.md).
      if (s.tree != nullptr) {
        wbxml_tree_destroy(s.tree);
      }
      ++skipped;
      continue;
    }
    samples.push_back(std::move(s));
  }
  return samples;
}

// One pass over the corpus per operation.
void oursDecode(const std::vector<Sample>& samples) {
  std::size_t n = 0;
  for (const auto& s : samples) {
    auto doc = Document::decode(s.wbxml);
    n += doc.ok() ? doc->size() : 1000000;
  }
  sink = sink + n;
}

void libwbxmlDecodePass(const std::vector<Sample>& samples) {
  std::size_t n = 0;
  for (const auto& s : samples) {
    WBXMLTree* tree = libwbxmlDecode(s.wbxml);
    n += tree != nullptr ? 1 : 1000000;
    if (tree != nullptr) {
      wbxml_tree_destroy(tree);
    }
  }
  sink = sink + n;
}

void oursEncode(const std::vector<Sample>& samples) {
  std::size_t n = 0;
  for (const auto& s : samples) {
    std::string out = s.doc.encode();
    n += out.size();
  }
  sink = sink + n;
}

void libwbxmlEncodePass(const std::vector<Sample>& samples) {
  std::size_t n = 0;
  WBXMLGenWBXMLParams params = libwbxmlParams();
  for (const auto& s : samples) {
    WB_UTINY* out = nullptr;
    WB_ULONG len = 0;
    if (wbxml_tree_to_wbxml(s.tree, &out, &len, &params) == WBXML_OK && out != nullptr) {
      n += len;
      wbxml_free(out);
    }
  }
  sink = sink + n;
}

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Op {
  const char* name;
  std::function<void(const std::vector<Sample>&)> pass;
  long passes = 1;           // per repetition, calibrated to the target time
  std::vector<double> mbps;  // one figure per repetition
};

// Runs the pass for about `seconds` (at least once); returns the passes done and time taken.
std::pair<long, double> runFor(Op& op, const std::vector<Sample>& samples, double seconds) {
  long passes = 0;
  auto start = Clock::now();
  double elapsed = 0;
  do {
    op.pass(samples);
    ++passes;
    elapsed = secondsSince(start);
  } while (elapsed < seconds);
  return {passes, elapsed};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--quick") {
      settings.quick = true;
    } else if (arg == "--corpus" && i + 1 < argc) {
      settings.corpus = argv[++i];
    } else if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return 0;
    } else if (!arg.empty() && arg[0] != '-') {
      settings.corpus = arg;
    } else {
      usage(stderr);
      return 1;
    }
  }
  std::error_code ec;
  if (!fs::is_directory(settings.corpus, ec)) {
    std::fprintf(stderr, "bench-wbxml: corpus directory %s not found\n",
                 settings.corpus.string().c_str());
    return 1;
  }

  std::size_t skipped = 0;
  std::vector<Sample> samples = loadCorpus(settings.corpus, skipped);
  if (samples.empty()) {
    std::fprintf(stderr, "bench-wbxml: no usable documents in %s\n",
                 settings.corpus.string().c_str());
    return 1;
  }
  std::size_t bytesPerPass = 0;
  for (const auto& s : samples) {
    bytesPerPass += s.wbxml.size();
  }

  // quick: 5 x 4 x 0.25 s + warm-up (~6 s); default: 11 x 4 x 0.6 s + warm-up (~29 s).
  const int repetitions = settings.quick ? 5 : 11;
  const double target = settings.quick ? 0.25 : 0.6;
  const double warmup = settings.quick ? 0.1 : 0.5;

  Op ops[] = {
      {"decode ours    ", oursDecode, 1, {}},
      {"decode libwbxml", libwbxmlDecodePass, 1, {}},
      {"encode ours    ", oursEncode, 1, {}},
      {"encode libwbxml", libwbxmlEncodePass, 1, {}},
  };
  // Warm-up (caches, allocator, branch predictors), then calibrate the passes per repetition.
  for (auto& op : ops) {
    auto [passes, elapsed] = runFor(op, samples, warmup);
    double perPass = elapsed / static_cast<double>(passes);
    op.passes = std::max(1L, static_cast<long>(target / perPass));
  }
  // Repetitions interleave the four operations, rotating the order so that no operation always
  // runs first (frequency scaling, a noisy neighbour) or always after another.
  for (int r = 0; r < repetitions; ++r) {
    for (std::size_t k = 0; k < std::size(ops); ++k) {
      Op& op = ops[(k + static_cast<std::size_t>(r)) % std::size(ops)];
      auto start = Clock::now();
      for (long p = 0; p < op.passes; ++p) {
        op.pass(samples);
      }
      double elapsed = secondsSince(start);
      op.mbps.push_back(static_cast<double>(bytesPerPass) * static_cast<double>(op.passes) /
                        elapsed / 1e6);
    }
  }

  std::printf(
      "bench-wbxml: %zu documents (%zu skipped: tags libwbxml lacks), %zu bytes of WBXML "
      "per pass, corpus %s\n",
      samples.size(), skipped, bytesPerPass, settings.corpus.string().c_str());
  std::printf("%d repetitions of ~%.2f s per operation, median (min-max) MB/s of WBXML:\n",
              repetitions, target);
  double med[std::size(ops)];
  for (std::size_t k = 0; k < std::size(ops); ++k) {
    const auto& v = ops[k].mbps;
    med[k] = median(v);
    std::printf("  %s %9.1f MB/s  (%.1f-%.1f)\n", ops[k].name, med[k],
                *std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end()));
  }
  std::printf("ratio decode=%.2f\n", med[0] / med[1]);
  std::printf("ratio encode=%.2f\n", med[2] / med[3]);

  for (auto& s : samples) {
    wbxml_tree_destroy(s.tree);
  }
  return 0;
}

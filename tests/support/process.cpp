// Test support: temporary folders and child processes.
#include "tests/support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace cradle::test {

namespace fs = std::filesystem;

TempDir::TempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) {
    throw std::runtime_error("mkdtemp failed");
  }
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {

int exitCodeOf(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return -1;
}

std::vector<char*> cArgs(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const std::string& a : argv) {
    out.push_back(const_cast<char*>(a.c_str()));  // execv does not modify them
  }
  out.push_back(nullptr);
  return out;
}

// Waits for pid up to timeout; -1 when still running.
int waitFor(pid_t pid, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      return exitCodeOf(status);
    }
    if (std::chrono::steady_clock::now() > end) {
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

RunResult run(const std::vector<std::string>& argv, const std::string& input,
              std::chrono::milliseconds timeout) {
  TempDir dir("cradle-run");
  const std::string in = dir.path() + "/in";
  const std::string out = dir.path() + "/out";
  const std::string err = dir.path() + "/err";
  {
    std::ofstream f(in, std::ios::binary);
    f << input;
  }
  auto args = cArgs(argv);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int i = ::open(in.c_str(), O_RDONLY);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(i, 0);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  RunResult r;
  r.exitCode = waitFor(pid, timeout);
  if (r.exitCode == -1) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  r.out = readFile(out);
  r.err = readFile(err);
  return r;
}

Child::~Child() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

void Child::start(const std::vector<std::string>& argv, const std::string& logDir,
                  const std::string& name) {
  outFile_ = logDir + "/" + name + ".out";
  errFile_ = logDir + "/" + name + ".err";
  auto args = cArgs(argv);
  const std::string o = outFile_;
  const std::string e = errFile_;
  pid_ = ::fork();
  if (pid_ == 0) {
    const int devnull = ::open("/dev/null", O_RDONLY);
    const int of = ::open(o.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    const int ef = ::open(e.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ::dup2(devnull, 0);
    ::dup2(of, 1);
    ::dup2(ef, 2);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
}

int Child::stop(int sig, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) {
    return -1;
  }
  ::kill(pid_, sig);
  int code = waitFor(pid_, timeout);
  if (code == -1) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
  return code;
}

bool Child::running() {
  if (pid_ <= 0) {
    return false;
  }
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::string Child::output() const { return readFile(outFile_) + readFile(errFile_); }

std::string waitForLine(const std::string& path, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    std::ifstream in(path);
    std::string line;
    if (in && std::getline(in, line) && !line.empty()) {
      return line;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return {};
}

}  // namespace cradle::test

// Test support: temporary folders and child processes (the real binaries on loopback).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace cradle::test {

// A fresh folder under $TMPDIR (or /tmp), removed with its contents at destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "cradle-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct RunResult {
  int exitCode = -1;  // 128 + signal when killed
  std::string out;
  std::string err;
};

// Runs argv[0] (a path) to completion with `input` on its standard input.
RunResult run(const std::vector<std::string>& argv, const std::string& input = {},
              std::chrono::milliseconds timeout = std::chrono::milliseconds(30'000));

// A long-running child whose output goes to files in `logDir`.
class Child {
 public:
  Child() = default;
  ~Child();  // SIGKILL + reap when still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  void start(const std::vector<std::string>& argv, const std::string& logDir,
             const std::string& name);
  // Sends sig and waits up to timeout; returns the exit code (128 + signal when killed), or -1
  // on time-out (then the child is killed).
  int stop(int sig, std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000));
  bool running();
  pid_t pid() const { return pid_; }
  std::string output() const;  // what it wrote to stdout and stderr so far

 private:
  pid_t pid_ = -1;
  std::string outFile_;
  std::string errFile_;
};

// Waits until path exists and holds a non-empty first line; returns it ("" on time-out).
std::string waitForLine(const std::string& path, std::chrono::milliseconds timeout);
std::string readFile(const std::string& path);

}  // namespace cradle::test

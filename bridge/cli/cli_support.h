// Helpers shared by the `cradle` subcommands: option parsing, secrets from stdin, private
// files, the state folder and the store.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "bridge/store/store.h"

namespace cradle::bridge {

// "--name value" options and "--flag" switches, plus plain words.
struct CliArgs {
  std::map<std::string, std::string> options;
  std::set<std::string> flags;
  std::vector<std::string> words;
  bool has(const std::string& name) const { return options.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = {}) const;
};

// Accepts only the named options and flags; "--password" anywhere is refused with a line that
// says why (a password on the command line is visible to every local user). False with error.
bool parseCliArgs(const std::vector<std::string>& args, const std::set<std::string>& valueOptions,
                  const std::set<std::string>& flagOptions, CliArgs& out, std::string& error);

// One line from standard input, without echo on a terminal (prompt on stderr then).
std::string readSecretLine(const std::string& prompt);

// Writes content atomically (temporary file + rename) with `mode`. False with error.
bool writeFileWithMode(const std::string& path, const std::string& content, unsigned mode,
                       std::string& error);
std::string readWholeFile(const std::string& path);

// Creates the state folder (and its parents) and makes it 0700.
bool ensureStateDir(const std::string& dir, std::string& error);
// STATE/store.key (0600, created on first use) and STATE/bridge.db.
std::unique_ptr<Store> openStateStore(const std::string& dir, std::string& error);

// Prints "cradle: <problem>" on stderr and returns `status`.
int fail(const std::string& problem, int status = 1);

}  // namespace cradle::bridge

// SimServer: one running mapi-sim: mailbox, EAS listener (HTTP or HTTPS with its own CA), admin
// listener, event loop and workers, and the files in DIR that let the CLI and tests find it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "mapi-sim/server/eas_service.h"

namespace mapisim {

struct SimOptions {
  std::string dataDir;
  std::string host = "127.0.0.1";  // EAS listener address
  uint16_t port = 0;               // 0: a free port (written to DIR/eas.url)
  bool tls = false;                // HTTPS with DIR/server.pem issued by DIR/ca.pem
  unsigned workers = 2;
};

// Files in DIR: mailbox.db (0600), ca.pem + ca.key (0600) and server.pem + server.key (0600)
// with --tls, eas.url ("https://127.0.0.1:PORT"), admin.url ("http://127.0.0.1:PORT", loopback
// only), admin.token (0600, new at every start), events.log, mapi-sim.pid.
class SimServer {
 public:
  // Prepares everything and binds both listeners; nullptr with `error` on failure.
  static std::unique_ptr<SimServer> create(const SimOptions& options, std::string& error);
  ~SimServer();

  // Runs the loop on the calling thread until stop(); held Pings are answered (status 1) first.
  void run();
  void stop();  // any thread (a signal-waiting thread calls it on SIGTERM)

  uint16_t port() const;
  uint16_t adminPort() const;
  EasService& eas();

 private:
  struct Impl;
  explicit SimServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes `content` to path with mode 0600 (created with that mode, then renamed into place).
bool writePrivateFile(const std::string& path, const std::string& content, std::string& error);
bool writePublicFile(const std::string& path, const std::string& content, std::string& error);
std::string randomHex(std::size_t bytes);

}  // namespace mapisim

// SimServer: start-up, files, listeners and orderly shutdown.
#include "mapi-sim/server/sim_server.h"

#include <Poco/RandomStream.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "mapi-sim/admin/admin_api.h"
#include "net/event_loop.h"
#include "net/http_server.h"
#include "net/x509.h"

namespace mapisim {

namespace net = cradle::net;

namespace {

bool writeFile(const std::string& path, const std::string& content, mode_t mode,
               std::string& error) {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  ::fchmod(fd, mode);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n <= 0) {
      error = "cannot write " + path + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

// Each held Ping is a socket; let the process use every descriptor the hard limit allows.
void raiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

bool writePrivateFile(const std::string& path, const std::string& content, std::string& error) {
  return writeFile(path, content, 0600, error);
}

bool writePublicFile(const std::string& path, const std::string& content, std::string& error) {
  return writeFile(path, content, 0644, error);
}

std::string randomHex(std::size_t bytes) {
  Poco::RandomInputStream random;
  static const char Hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    const auto b = static_cast<unsigned char>(random.get());
    out += Hex[b >> 4];
    out += Hex[b & 15];
  }
  return out;
}

struct SimServer::Impl {
  SimOptions options;
  std::unique_ptr<Mailbox> mailbox;
  std::unique_ptr<EventLog> log;
  Faults faults;
  std::unique_ptr<WorkQueue> work;
  std::unique_ptr<EasService> eas;
  std::unique_ptr<AdminApi> admin;
  net::EventLoop loop;
  std::unique_ptr<net::HttpServer> easServer;
  std::unique_ptr<net::HttpServer> adminServer;
  std::atomic<bool> stopping{false};
};

SimServer::SimServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SimServer::~SimServer() {
  impl_->faults.onRefuseChanged(nullptr);
  if (impl_->eas) {
    impl_->eas->shutdown();
  }
  if (impl_->work) {
    impl_->work->stop();
  }
  impl_->mailbox->setChangeListener(nullptr);
}

std::unique_ptr<SimServer> SimServer::create(const SimOptions& options, std::string& error) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  const std::string& dir = options.dataDir;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    error = "cannot create " + dir + ": " + std::strerror(errno);
    return nullptr;
  }
  raiseOpenFileLimit();
  auto mailbox = Mailbox::open(dir + "/mailbox.db");
  if (!mailbox.ok()) {
    error = mailbox.error().message();
    return nullptr;
  }
  impl->mailbox = std::move(mailbox).value();
  impl->log = std::make_unique<EventLog>(dir + "/events.log");
  impl->work = std::make_unique<WorkQueue>(options.workers);
  impl->eas = std::make_unique<EasService>(*impl->mailbox, *impl->log, impl->faults,
                                           *impl->work, options.tls);
  EasService* eas = impl->eas.get();
  impl->mailbox->setChangeListener([eas](const ChangeNotice& n) { eas->onChange(n); });

  net::HttpServerOptions easOptions;
  easOptions.host = options.host;
  easOptions.port = options.port;
  if (options.tls) {
    const net::CaFiles ca{dir + "/ca.pem", dir + "/ca.key"};
    if (::access(ca.certFile.c_str(), R_OK) != 0 &&
        !net::createCa(ca, "mapi-sim test CA", 3650, error)) {
      return nullptr;
    }
    const std::vector<std::string> names{"localhost", "127.0.0.1"};
    const std::string cert = dir + "/server.pem";
    const std::string key = dir + "/server.key";
    if (!net::certificateUsable(cert, ca.certFile, names, 7) &&
        !net::issueServerCertificate(ca, names, 825, cert, key, error)) {
      return nullptr;
    }
    easOptions.tls = net::TlsContext::server(cert, key, error);
    if (!easOptions.tls) {
      return nullptr;
    }
  }
  impl->easServer = std::make_unique<net::HttpServer>(
      impl->loop, easOptions,
      [eas](std::shared_ptr<net::HttpExchange> ex) { eas->handle(std::move(ex)); });
  if (!impl->easServer->start(error)) {
    return nullptr;
  }
  // Connection refusal belongs to the listener, which lives on the loop.
  Impl* raw = impl.get();
  impl->faults.onRefuseChanged([raw](bool refuse) {
    raw->loop.post([raw, refuse] { raw->easServer->setRefuseConnections(refuse); });
  });

  const std::string token = randomHex(32);
  impl->admin = std::make_unique<AdminApi>(*impl->mailbox, *impl->eas, *impl->log, impl->faults,
                                           *impl->work, token);
  AdminApi* admin = impl->admin.get();
  net::HttpServerOptions adminOptions;  // loopback only, whatever the EAS listener does
  adminOptions.host = "127.0.0.1";
  impl->adminServer = std::make_unique<net::HttpServer>(
      impl->loop, adminOptions,
      [admin](std::shared_ptr<net::HttpExchange> ex) { admin->handle(std::move(ex)); });
  if (!impl->adminServer->start(error)) {
    return nullptr;
  }
  const std::string easUrl = std::string(options.tls ? "https://" : "http://") +
                             (options.host.find(':') != std::string::npos
                                  ? "[" + options.host + "]"
                                  : options.host) +
                             ":" + std::to_string(impl->easServer->port());
  if (!writePrivateFile(dir + "/admin.token", token + "\n", error) ||
      !writePublicFile(dir + "/admin.url",
                       "http://127.0.0.1:" + std::to_string(impl->adminServer->port()) + "\n",
                       error) ||
      !writePublicFile(dir + "/eas.url", easUrl + "\n", error) ||
      !writePublicFile(dir + "/mapi-sim.pid", std::to_string(::getpid()) + "\n", error)) {
    return nullptr;
  }
  impl->log->add("start", "serving EAS on " + easUrl);
  return std::unique_ptr<SimServer>(new SimServer(std::move(impl)));
}

void SimServer::run() { impl_->loop.run(); }

void SimServer::stop() {
  if (impl_->stopping.exchange(true)) {
    return;
  }
  Impl* impl = impl_.get();
  impl->loop.post([impl] {
    impl->adminServer->close();
    // Held Pings are answered (status 1) before the listener closes: a device re-pings at
    // once instead of waiting out its heartbeat on a dead request.
    impl->eas->hub().drain();
    impl->loop.runAfter(std::chrono::milliseconds(300), [impl] {
      impl->easServer->close();
      impl->loop.stop();
    });
  });
}

uint16_t SimServer::port() const { return impl_->easServer->port(); }
uint16_t SimServer::adminPort() const { return impl_->adminServer->port(); }
EasService& SimServer::eas() { return *impl_->eas; }

}  // namespace mapisim

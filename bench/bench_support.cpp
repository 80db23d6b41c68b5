// What the benchmarks share (see bench_support.h).
#include "bench/bench_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace cradle::bench {

long rssKiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return -1;
}

long cpuTicks(pid_t pid) {
  const std::string all = test::readFile("/proc/" + std::to_string(pid) + "/stat");
  const auto close = all.rfind(')');
  if (close == std::string::npos || close + 2 > all.size()) {
    return -1;
  }
  std::istringstream rest(all.substr(close + 2));
  std::string field;
  long ticks = 0;
  // Fields 14 and 15 of proc(5) (counting from 1; field 3 follows the command name).
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14 || i == 15) {
      ticks += std::stol(field);
    }
  }
  return ticks;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

bool waitUntil(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

uint16_t freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

MapiSimAdmin::MapiSimAdmin(const std::string& dir) {
  auto url = test::waitForLine(dir + "/admin.url", std::chrono::seconds(10));
  token = test::waitForLine(dir + "/admin.token", std::chrono::seconds(10));
  auto endpoint = net::parseEndpoint(url);
  if (!endpoint) {
    throw std::runtime_error("no mapi-sim admin URL in " + dir);
  }
  client = std::make_unique<net::BlockingHttpClient>(*endpoint);
}

net::HttpResult MapiSimAdmin::call(const std::string& method, const std::string& target,
                                   const std::string& body) {
  net::HttpRequest r;
  r.method = method;
  r.target = target;
  r.headers.emplace_back("Authorization", "Bearer " + token);
  r.body = body;
  return client->send(r);
}

int MapiSimAdmin::heldPings() {
  auto r = call("GET", "/status");
  if (!r.ok()) {
    return -1;
  }
  auto p = r.response->body.find("\"heldPings\":");
  return p == std::string::npos ? -1 : std::stoi(r.response->body.substr(p + 12));
}

bool NginxProxy::start(const std::string& dir, const net::Endpoint& upstream) {
  if (::access("/usr/sbin/nginx", X_OK) != 0) {
    return false;
  }
  port = freePort();
  std::filesystem::create_directories(dir + "/tmp");
  std::ofstream conf(dir + "/nginx.conf");
  conf << "daemon off;\nmaster_process off;\nworker_processes 1;\n"
       << "worker_rlimit_nofile 20000;\npid " << dir << "/nginx.pid;\nerror_log " << dir
       << "/error.log warn;\nevents { worker_connections 19500; }\nhttp {\n"
       << "  access_log off;\n  client_body_temp_path " << dir << "/tmp/body;\n"
       << "  proxy_temp_path " << dir << "/tmp/proxy;\n  fastcgi_temp_path " << dir
       << "/tmp/fastcgi;\n  uwsgi_temp_path " << dir << "/tmp/uwsgi;\n  scgi_temp_path " << dir
       << "/tmp/scgi;\n  upstream sim { server " << upstream.host << ":" << upstream.port
       << "; keepalive 64; }\n  server {\n    listen 127.0.0.1:" << port
       << ";\n    location / {\n      proxy_pass http://sim;\n"
       << "      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n"
       << "      proxy_read_timeout 3700s;\n    }\n  }\n}\n";
  conf.close();
  child.start({"/usr/sbin/nginx", "-p", dir, "-c", dir + "/nginx.conf"}, dir, "nginx");
  for (int i = 0; i < 200; ++i) {
    net::BlockingHttpClient probe(net::Endpoint{false, "127.0.0.1", port}, nullptr,
                                  std::chrono::milliseconds(200));
    net::HttpRequest r;
    r.method = "OPTIONS";
    r.target = "/";
    if (probe.send(r).ok()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::cerr << "nginx did not start: " << child.output();
  return false;
}

}  // namespace cradle::bench

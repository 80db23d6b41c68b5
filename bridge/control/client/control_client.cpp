// ControlClient: finds the running bridge through its state folder and calls the control API.
#include "bridge/control/client/control_client.h"

#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "net/http_client.h"

namespace cradle::bridge {

namespace {

// The file's first line without surrounding blanks; nullopt when it cannot be read.
std::optional<std::string> firstLine(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return std::nullopt;
  }
  std::string line;
  std::getline(in, line);
  const std::size_t begin = line.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) {
    return std::string();
  }
  return line.substr(begin, line.find_last_not_of(" \t\r\n") - begin + 1);
}

// JSON string escaping (RFC 8259 section 7).
std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace

Poco::JSON::Object::Ptr ControlResult::json() const {
  try {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));  // keep the bridge's key order
    Poco::Dynamic::Var v = parser.parse(body);
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
      return v.extract<Poco::JSON::Object::Ptr>();
    }
  } catch (const std::exception&) {
    // not JSON: null below
  }
  return nullptr;
}

ControlClient::ControlClient(std::string url, std::string token, std::string stateDir)
    : url_(std::move(url)), token_(std::move(token)), stateDir_(std::move(stateDir)) {
  if (auto endpoint = net::parseEndpoint(url_)) {
    http_ = std::make_unique<net::BlockingHttpClient>(*endpoint);
  }
}

ControlClient::~ControlClient() = default;

std::unique_ptr<ControlClient> ControlClient::fromStateDir(const std::string& stateDir,
                                                           std::string& error) {
  const auto url = firstLine(stateDir + "/control.url");
  const auto token = firstLine(stateDir + "/control.token");
  if (!url || !token) {
    error = "cradle is not running (" + stateDir + ")";
    return nullptr;
  }
  if (url->empty() || token->empty() || !net::parseEndpoint(*url)) {
    error = "cradle's control files in " + stateDir + " are malformed";
    return nullptr;
  }
  return std::make_unique<ControlClient>(*url, *token, stateDir);
}

ControlResult ControlClient::call(const std::string& method, const std::string& path,
                                  const std::string& body, std::chrono::milliseconds timeout) {
  ControlResult result;
  if (!http_) {
    result.error = "malformed control URL " + url_;
    return result;
  }
  net::HttpRequest request;
  request.method = method;
  request.target = path;
  request.headers.emplace_back("Authorization", "Bearer " + token_);
  request.headers.emplace_back("Accept", "application/json");
  if (!body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body;
  }
  net::HttpResult answer = http_->send(request, timeout);
  if (!answer.ok()) {
    http_->disconnect();
    const std::string where = stateDir_.empty() ? url_ : stateDir_;
    if (answer.error.find("refused") != std::string::npos) {
      result.error = "cradle is not running (" + where + ")";
    } else {
      result.error = "cradle at " + url_ + " did not answer: " + answer.error;
    }
    return result;
  }
  result.status = answer.response->status;
  result.body = std::move(answer.response->body);
  if (result.status < 200 || result.status > 299) {
    std::string message;
    if (auto o = result.json(); o && o->has("error") && o->get("error").isString()) {
      message = o->getValue<std::string>("error");
    }
    if (message.empty()) {
      message = "HTTP " + std::to_string(result.status);
    }
    if (result.status == 401) {
      message +=
          " (the token in " +
          (stateDir_.empty() ? std::string("the state folder") : stateDir_ + "/control.token") +
          " does not match the running bridge)";
    }
    result.error = message;
  }
  return result;
}

ControlResult ControlClient::status() { return call("GET", "/status"); }

ControlResult ControlClient::devices() { return call("GET", "/devices"); }

ControlResult ControlClient::device(const std::string& deviceId) {
  return call("GET", "/devices/" + deviceId);
}

ControlResult ControlClient::setDevice(const std::string& deviceId,
                                       const std::string& settingsJson) {
  return call("PATCH", "/devices/" + deviceId, settingsJson);
}

ControlResult ControlClient::revoke(const std::string& deviceId) {
  return call("POST", "/devices/" + deviceId + "/revoke");
}

ControlResult ControlClient::setPassword(const std::string& user, const std::string& server,
                                         const std::string& password) {
  std::string body = "{\"user\":" + quote(user);
  if (!server.empty()) {
    body += ",\"server\":" + quote(server);
  }
  body += ",\"password\":" + quote(password) + "}";
  return call("POST", "/password", body);
}

ControlResult ControlClient::events(int64_t since, int waitSeconds) {
  std::string path = "/events?since=" + std::to_string(since);
  if (waitSeconds > 0) {
    path += "&wait=" + std::to_string(waitSeconds);
  }
  return call("GET", path, {}, std::chrono::milliseconds(10'000 + 1000LL * waitSeconds));
}

ControlResult ControlClient::pairing() { return call("GET", "/pairing"); }

}  // namespace cradle::bridge

// The invariant the HTTP parser fuzz target checks, shared with the test that replays its corpus.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "net/http_message.h"

namespace cradle::net::fuzz {

// Small limits so that the limit paths are reached by small inputs.
inline HttpLimits tinyHttpLimits() {
  HttpLimits l;
  l.maxHeaderBytes = 256;
  l.maxHeaders = 8;
  l.maxBodyBytes = 512;
  return l;
}

// Parses `bytes` as a sequence of messages, fed whole and fed in pieces of `step` bytes; both
// must give the same messages and end in the same state, errors must carry a 4xx/5xx status,
// and `consumed` must never pass the input. Returns "" when every invariant holds.
inline std::string checkHttpParser(std::string_view bytes, HttpParser::Kind kind,
                                   std::size_t step) {
  auto run = [&](std::size_t piece, std::string& log) -> std::string {
    HttpParser p(kind, tinyHttpLimits());
    std::size_t at = 0;
    int messages = 0;
    while (at < bytes.size() && messages < 64) {
      const std::size_t n = std::min(piece, bytes.size() - at);
      std::size_t consumed = 0;
      const HttpParser::State st = p.feed(bytes.substr(at, n), consumed);
      if (consumed > n) {
        return "consumed more than it was given";
      }
      at += consumed;
      if (st == HttpParser::State::Error) {
        if (p.errorStatus() < 400 || p.errorStatus() > 599) {
          return "error without a 4xx/5xx status";
        }
        log += "E" + std::to_string(p.errorStatus()) + ";";
        return {};
      }
      if (st == HttpParser::State::Complete) {
        ++messages;
        if (kind == HttpParser::Kind::Request) {
          HttpRequest r = p.takeRequest();
          log += r.method + " " + r.target + " " + std::to_string(r.body.size()) + ";";
        } else {
          HttpResponse r = p.takeResponse();
          log += std::to_string(r.status) + " " + std::to_string(r.body.size()) + ";";
        }
        continue;
      }
      if (consumed < n) {
        return "NeedMore without consuming everything it was given";
      }
    }
    if (kind == HttpParser::Kind::Response && p.finish() == HttpParser::State::Complete) {
      log += std::to_string(p.takeResponse().status) + " eof;";
    }
    return {};
  };
  std::string whole;
  std::string pieces;
  if (std::string e = run(bytes.size() + 1, whole); !e.empty()) {
    return e;
  }
  if (std::string e = run(step == 0 ? 1 : step, pieces); !e.empty()) {
    return e;
  }
  if (whole != pieces) {
    return "whole and piecewise parsing disagree: [" + whole + "] vs [" + pieces + "]";
  }
  return {};
}

}  // namespace cradle::net::fuzz

// HTML part lookup, header-block check, address-list parsing, header/body split.
#include "mapi-sim/handlers/mime_extras.h"

#include "eas/ascii.h"

namespace mapisim {
namespace {


// Same attachment rule as mime::attachments(): such a part is not the message text.
bool isAttachment(const mime::Entity& e, bool isRoot) {
  if (e.disposition == "attachment") {
    return true;
  }
  if (isRoot) {
    return false;
  }
  return !e.fileName.empty() || e.contentType == "message/rfc822" ||
         e.contentType.rfind("text/", 0) != 0;
}

const mime::Entity* findHtml(const mime::Entity& e, bool isRoot) {
  if (e.isMultipart()) {
    for (const mime::Entity& c : e.parts) {
      if (const mime::Entity* f = findHtml(c, false)) {
        return f;
      }
    }
    return nullptr;
  }
  return e.contentType == "text/html" && !isAttachment(e, isRoot) ? &e : nullptr;
}

}  // namespace

std::optional<std::string> htmlText(const mime::Entity& message) {
  if (const mime::Entity* h = findHtml(message, true)) {
    return mime::toUtf8(h->body, h->charset);
  }
  return std::nullopt;
}

bool hasHeaderBlock(std::string_view text) {
  const std::string_view first = text.substr(0, text.find('\n'));
  const auto colon = first.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return false;
  }
  for (char c : first.substr(0, colon)) {
    if (c <= 32 || c >= 127) {
      return false;
    }
  }
  return true;
}

std::string asciiLowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = cradle::eas::asciiLower(c);
  }
  return out;
}

MimeSplit splitHeaders(std::string_view text) {
  if (text.rfind("\r\n", 0) == 0) {
    return {{}, text.substr(2)};
  }
  if (text.rfind("\n", 0) == 0) {
    return {{}, text.substr(1)};
  }
  const auto crlf = text.find("\r\n\r\n");
  const auto lf = text.find("\n\n");
  if (crlf != std::string_view::npos && (lf == std::string_view::npos || crlf < lf)) {
    return {text.substr(0, crlf), text.substr(crlf + 4)};
  }
  if (lf != std::string_view::npos) {
    return {text.substr(0, lf), text.substr(lf + 2)};
  }
  return {text, {}};
}

std::vector<std::string> parseAddressList(std::string_view value) {
  std::vector<std::string> tokens;
  std::string cur;
  bool quoted = false;
  int angle = 0;
  int comment = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (quoted) {
      if (c == '\\' && i + 1 < value.size()) {
        cur += value[++i];
        continue;
      }
      if (c == '"') {
        quoted = false;
      }
      cur += c;
      continue;
    }
    if (comment > 0) {
      comment += c == '(' ? 1 : (c == ')' ? -1 : 0);
      continue;
    }
    if (c == '"') {
      quoted = true;
      cur += c;
    } else if (c == '(') {
      comment = 1;
    } else if (c == '<') {
      ++angle;
      cur += c;
    } else if (c == '>') {
      angle = angle > 0 ? angle - 1 : 0;
      cur += c;
    } else if ((c == ',' || c == ';') && angle == 0) {
      tokens.push_back(cur);
      cur.clear();
    } else if (c == ':' && angle == 0) {
      cur.clear();  // "group-name:" starts a group; its members follow
    } else {
      cur += c;
    }
  }
  tokens.push_back(cur);
  std::vector<std::string> out;
  for (const std::string& t : tokens) {
    std::string_view v = cradle::eas::trimAsciiSpace(t);
    const auto lt = v.rfind('<');
    if (lt != std::string_view::npos) {
      const auto gt = v.find('>', lt);
      v = cradle::eas::trimAsciiSpace(
          v.substr(lt + 1, gt == std::string_view::npos ? std::string_view::npos : gt - lt - 1));
    }
    if (v.find('@') != std::string_view::npos && v.find(' ') == std::string_view::npos) {
      out.emplace_back(v);
    }
  }
  return out;
}

}  // namespace mapisim

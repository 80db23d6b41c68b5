// Building a MIME message for a new mail, and the EmailItem fields a message implies.
#include "mapi-sim/mailbox/mail_builder.h"

#include <Poco/RandomStream.h>

#include <cstdio>
#include <ctime>

#include "eas/ascii.h"
#include "mapi-sim/mailbox/mime.h"

namespace mapisim {
namespace {

namespace eas = cradle::eas;

// "Name <addr>" with a non-ASCII name: encode the name only, the address stays readable.
std::string encodeAddress(const std::string& value) {
  const auto lt = value.find('<');
  if (lt == std::string::npos || lt == 0) {
    return mime::encodeHeader(value);
  }
  std::string name = value.substr(0, lt);
  while (!name.empty() && name.back() == ' ') {
    name.pop_back();
  }
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  const std::string encoded = mime::encodeHeader(name);
  if (encoded == name) {
    return value;
  }
  return encoded + " " + value.substr(lt);
}

bool needsQuotedPrintable(const std::string& body) {
  std::size_t lineLength = 0;
  for (char c : body) {
    const auto b = static_cast<unsigned char>(c);
    if (b == '\n') {
      lineLength = 0;
      continue;
    }
    if (b >= 0x80 || (b < 0x20 && b != '\r' && b != '\t') || ++lineLength > 998) {
      return true;
    }
  }
  return false;
}

// CR LF line ends for the 7bit form (RFC 5322 2.3).
std::string crlf(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 40);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
      out += '\r';
    }
    out += text[i];
  }
  return out;
}

std::string randomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  Poco::RandomInputStream random;
  random.read(raw.data(), static_cast<std::streamsize>(raw.size()));
  static constexpr char Digits[] = "0123456789abcdef";
  std::string out;
  for (char c : raw) {
    const auto b = static_cast<unsigned char>(c);
    out += Digits[b >> 4];
    out += Digits[b & 0x0F];
  }
  return out;
}

std::optional<eas::Importance> importanceOf(const mime::Entity& m) {
  if (auto v = m.header("Importance")) {
    std::string s;
    for (char c : *v) {
      if (c != ' ' && c != '\t') {
        s += eas::asciiLower(c);
      }
    }
    if (s == "high") {
      return eas::Importance::High;
    }
    if (s == "low") {
      return eas::Importance::Low;
    }
    if (s == "normal") {
      return eas::Importance::Normal;
    }
  }
  if (auto v = m.header("X-Priority")) {
    // "1 (Highest)" .. "5 (Lowest)"
    for (char c : *v) {
      if (c >= '1' && c <= '5') {
        return c <= '2' ? eas::Importance::High
                        : (c == '3' ? eas::Importance::Normal : eas::Importance::Low);
      }
      if (c != ' ') {
        break;
      }
    }
  }
  return eas::Importance::Normal;
}

std::optional<std::string> decodedHeader(const mime::Entity& m, std::string_view name) {
  auto v = m.header(name);
  if (!v) {
    return std::nullopt;
  }
  return mime::decodeHeader(*v);
}

}  // namespace

std::string formatEasTime(UnixMillis at) {
  const auto seconds = static_cast<std::time_t>(at / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(at % 1000));
  return buf;
}

std::string buildMime(const NewMail& mail, const std::string& userEmail, UnixMillis at) {
  const std::string from =
      mail.from.empty() ? std::string("mapi-sim <postmaster@mapi-sim.invalid>") : mail.from;
  const std::string to = mail.to.empty() ? userEmail : mail.to;
  std::string out;
  out += "From: " + encodeAddress(from) + "\r\n";
  out += "To: " + encodeAddress(to) + "\r\n";
  out += "Subject: " + mime::encodeHeader(mail.subject) + "\r\n";
  out += "Date: " + mime::formatDate(at) + "\r\n";
  out += "Message-ID: <" + std::to_string(at) + "." + randomHex(8) + "@mapi-sim.invalid>\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  if (needsQuotedPrintable(mail.body)) {
    out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += mime::encodeQuotedPrintable(mail.body);
  } else {
    out += "Content-Transfer-Encoding: 7bit\r\n\r\n";
    out += crlf(mail.body);
  }
  return out;
}

void completeFromMime(eas::EmailItem& email, const std::string& text, const std::string& serverId,
                      UnixMillis receivedAt) {
  const mime::Entity m = mime::parse(text);
  auto fill = [&](std::optional<std::string>& field, std::string_view header) {
    if (!field) {
      field = decodedHeader(m, header);
    }
  };
  fill(email.to, "To");
  fill(email.cc, "Cc");
  fill(email.from, "From");
  fill(email.replyTo, "Reply-To");
  fill(email.subject, "Subject");
  if (!email.threadTopic && email.subject) {
    email.threadTopic = email.subject;
  }
  if (!email.dateReceived) {
    email.dateReceived = formatEasTime(receivedAt);
  }
  if (!email.displayTo && email.to) {
    std::string joined;
    for (const auto& name : mime::displayNames(*email.to)) {
      if (!joined.empty()) {
        joined += "; ";
      }
      joined += name;
    }
    email.displayTo = joined;
  }
  if (!email.importance) {
    email.importance = importanceOf(m);
  }
  if (!email.messageClass) {
    email.messageClass = "IPM.Note";
  }
  if (!email.internetCPID) {
    email.internetCPID = "65001";  // the body is stored converted to UTF-8
  }
  if (!email.contentClass) {
    email.contentClass = "urn:content-classes:message";
  }
  if (!email.body) {
    eas::Body body;
    body.type = eas::BodyType::PlainText;
    body.data = mime::plainText(m);
    body.estimatedDataSize =
        static_cast<uint32_t>(std::min<std::size_t>(body.data->size(), UINT32_MAX));
    email.body = std::move(body);
  }
  if (email.attachments.empty()) {
    const auto parts = mime::attachments(m);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      eas::Attachment a;
      a.displayName =
          parts[i]->fileName.empty() ? "attachment-" + std::to_string(i + 1) : parts[i]->fileName;
      a.fileReference = serverId + ":" + std::to_string(i);
      a.method = 1;
      a.estimatedDataSize =
          static_cast<uint32_t>(std::min<std::size_t>(parts[i]->body.size(), UINT32_MAX));
      if (!parts[i]->contentId.empty()) {
        a.contentId = parts[i]->contentId;
      }
      if (parts[i]->disposition == "inline") {
        a.isInline = true;
      }
      email.attachments.push_back(std::move(a));
    }
  }
}

}  // namespace mapisim

// renderItem: body selection and truncation per version, attachments from the MIME message.
#include "mapi-sim/handlers/item_render.h"

#include <variant>

#include "eas/message/common.h"
#include "mapi-sim/handlers/mime_extras.h"

namespace mapisim {
namespace {

namespace eas = cradle::eas;
using eas::Body;
using eas::BodyPreference;
using eas::BodyType;
using eas::ProtocolVersion;

uint32_t sizeOf(std::string_view s) {
  return s.size() > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(s.size());
}

// A body of `type` holding `full` cut to `limit` bytes (text types on a UTF-8 boundary).
Body cutBody(BodyType type, std::string_view full, std::optional<std::size_t> limit,
             bool allOrNone = false) {
  Body b;
  b.type = type;
  b.estimatedDataSize = sizeOf(full);
  if (!limit || full.size() <= *limit) {
    b.data = std::string(full);
    b.truncated = false;
    return b;
  }
  b.truncated = true;
  if (allOrNone) {
    // MS-ASAIRS 2.2.2.3 AllOrNone: a body larger than TruncationSize is not sent at all.
    return b;
  }
  b.data =
      std::string(type == BodyType::Mime ? full.substr(0, *limit) : truncateUtf8(full, *limit));
  return b;
}

std::string escapeHtml(std::string_view text) {
  std::string out = "<html><body><pre>";
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      default:
        out += c;
    }
  }
  out += "</pre></body></html>";
  return out;
}

bool isSmime(const mime::Entity& m) {
  const std::string& t = m.contentType;
  return t == "multipart/signed" || t == "application/pkcs7-mime" ||
         t == "application/x-pkcs7-mime";
}

// 12.0+: may the device get the MIME form (MS-ASCMD 2.2.3.110.3 MIMESupport)?
bool mimeAllowed(const BodyRequest& r, const mime::Entity& m) {
  if (!r.mimeSupport) {
    return true;  // Type 4 in a BodyPreference is itself the request
  }
  switch (*r.mimeSupport) {
    case eas::MimeSupport::Never:
      return false;
    case eas::MimeSupport::SmimeOnly:
      return isSmime(m);
    case eas::MimeSupport::Always:
      return true;
  }
  return false;
}

std::optional<std::string> previewOf(std::string_view plain, const BodyPreference& p,
                                     ProtocolVersion v) {
  if (!p.preview || *p.preview == 0 || !eas::atLeast(v, ProtocolVersion::V14_0)) {
    return std::nullopt;
  }
  // Preview counts characters (MS-ASAIRS 2.2.2.36); a UTF-8 character has at most 4 bytes.
  std::string_view cut = truncateUtf8(plain, std::size_t{*p.preview} * 4);
  std::size_t chars = 0;
  std::size_t i = 0;
  for (; i < cut.size(); ++i) {
    if ((static_cast<unsigned char>(cut[i]) & 0xC0) != 0x80) {
      if (chars == *p.preview) {
        break;
      }
      ++chars;
    }
  }
  return std::string(cut.substr(0, i));
}

Body emailBody(const BodyRequest& r, ProtocolVersion v, const std::string& mimeText,
               const mime::Entity& msg, const std::string& plain) {
  if (!eas::atLeast(v, ProtocolVersion::V12_0)) {
    // 2.5: MIMEData when MIMESupport asks for it, else Body cut per Truncation.
    const bool wantMime = !mimeText.empty() && r.mimeSupport &&
                          (*r.mimeSupport == eas::MimeSupport::Always ||
                           (*r.mimeSupport == eas::MimeSupport::SmimeOnly && isSmime(msg)));
    if (wantMime) {
      return cutBody(BodyType::Mime, mimeText, mimeTruncationBytes(r.mimeTruncation));
    }
    return cutBody(BodyType::PlainText, plain, truncationBytes(r.truncation));
  }
  for (const BodyPreference& p : r.bodyPreferences) {
    const bool allOrNone = p.allOrNone.value_or(false);
    std::optional<std::size_t> limit;
    if (p.truncationSize) {
      limit = *p.truncationSize;
    }
    Body b;
    switch (p.type) {
      case BodyType::PlainText:
        b = cutBody(BodyType::PlainText, plain, limit, allOrNone);
        break;
      case BodyType::Html: {
        auto html = htmlText(msg);
        b = cutBody(BodyType::Html, html ? *html : escapeHtml(plain), limit, allOrNone);
        break;
      }
      case BodyType::Mime:
        if (mimeText.empty() || !mimeAllowed(r, msg)) {
          continue;
        }
        b = cutBody(BodyType::Mime, mimeText, limit, allOrNone);
        break;
      case BodyType::Rtf:
        continue;  // mapi-sim keeps no RTF: the next preference is used
    }
    b.preview = previewOf(plain, p, v);
    return b;
  }
  return cutBody(BodyType::PlainText, plain, std::nullopt);
}

eas::EmailItem renderEmail(const ItemRecord& item, const BodyRequest& r, ProtocolVersion v) {
  eas::EmailItem e = std::get<eas::EmailItem>(item.data);
  if (item.mime.empty()) {
    const std::string plain = e.body && e.body->data ? *e.body->data : std::string();
    e.body = emailBody(r, v, item.mime, mime::Entity{}, plain);
    return e;
  }
  const mime::Entity msg = mime::parse(item.mime);
  e.body = emailBody(r, v, item.mime, msg, mime::plainText(msg));
  e.attachments.clear();
  const auto parts = mime::attachments(msg);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const mime::Entity& p = *parts[i];
    eas::Attachment a;
    const bool message = p.contentType == "message/rfc822";
    a.displayName = !p.fileName.empty() ? p.fileName
                                        : (message ? "message" + std::to_string(i + 1) + ".eml"
                                                   : "attachment" + std::to_string(i + 1));
    a.fileReference = fileReference(item.serverId, i);
    a.method = message ? 5 : 1;  // MS-ASAIRS 2.2.2.31: 5 embedded message
    a.estimatedDataSize = sizeOf(p.body);
    if (eas::atLeast(v, ProtocolVersion::V12_0)) {
      if (!p.contentId.empty()) {
        a.contentId = p.contentId;
      }
      if (p.disposition == "inline") {
        a.isInline = true;
      }
    }
    e.attachments.push_back(std::move(a));
  }
  return e;
}

// Contacts, Calendar, Tasks: the stored body cut to the requested size.
std::optional<Body> renderOtherBody(const std::optional<Body>& stored, const BodyRequest& r,
                                    ProtocolVersion v) {
  if (!stored || !stored->data) {
    return stored;
  }
  if (!eas::atLeast(v, ProtocolVersion::V12_0)) {
    if (stored->type != BodyType::PlainText) {
      return stored;
    }
    return cutBody(BodyType::PlainText, *stored->data, truncationBytes(r.truncation));
  }
  const BodyPreference* chosen = nullptr;
  for (const BodyPreference& p : r.bodyPreferences) {
    if (p.type == stored->type) {
      chosen = &p;
      break;
    }
  }
  if (!chosen && !r.bodyPreferences.empty()) {
    chosen = &r.bodyPreferences.front();
  }
  if (!chosen) {
    return cutBody(stored->type, *stored->data, std::nullopt);
  }
  std::optional<std::size_t> limit;
  if (chosen->truncationSize) {
    limit = *chosen->truncationSize;
  }
  Body b = cutBody(stored->type, *stored->data, limit, chosen->allOrNone.value_or(false));
  if (stored->type == BodyType::PlainText) {
    b.preview = previewOf(*stored->data, *chosen, v);
  }
  return b;
}

}  // namespace

BodyRequest BodyRequest::from(const eas::SyncOptions& o) {
  return BodyRequest{o.bodyPreferences, o.truncation, o.mimeSupport, o.mimeTruncation};
}

eas::ApplicationData renderItem(const ItemRecord& item, const BodyRequest& request,
                                ProtocolVersion version) {
  if (std::holds_alternative<eas::EmailItem>(item.data)) {
    return renderEmail(item, request, version);
  }
  eas::ApplicationData out = item.data;
  std::visit(
      [&](auto& record) {
        using T = std::decay_t<decltype(record)>;
        if constexpr (!std::is_same_v<T, eas::EmailItem>) {
          record.body = renderOtherBody(record.body, request, version);
        }
      },
      out);
  return out;
}

std::string fileReference(const std::string& serverId, std::size_t index) {
  return serverId + ":" + std::to_string(index);
}

std::optional<std::pair<std::string, std::size_t>> parseFileReference(std::string_view ref) {
  const auto colon = ref.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return std::nullopt;
  }
  auto n = eas::parseUint(ref.substr(colon + 1));
  if (!n || *n > 100000) {
    return std::nullopt;
  }
  return std::make_pair(std::string(ref.substr(0, colon)), static_cast<std::size_t>(*n));
}

std::optional<std::size_t> truncationBytes(std::optional<uint32_t> truncation) {
  // MS-ASCMD 2.2.3.178: 0 all body text truncated, 1 512 B, 2 1 KB, 3 2 KB, 4 5 KB, 5 10 KB,
  // 6 20 KB, 7 50 KB, 8 100 KB, 9 no truncation.
  static constexpr std::size_t Sizes[] = {0, 512, 1024, 2048, 5120, 10240, 20480, 51200, 102400};
  if (!truncation || *truncation >= std::size(Sizes)) {
    return std::nullopt;
  }
  return Sizes[*truncation];
}

std::optional<std::size_t> mimeTruncationBytes(std::optional<uint32_t> mimeTruncation) {
  // MS-ASCMD 2.2.3.111: 0 truncate all, 1 4096, 2 5120, 3 7168, 4 10240, 5 20480, 6 51200,
  // 7 102400, 8 no truncation.
  static constexpr std::size_t Sizes[] = {0, 4096, 5120, 7168, 10240, 20480, 51200, 102400};
  if (!mimeTruncation || *mimeTruncation >= std::size(Sizes)) {
    return std::nullopt;
  }
  return Sizes[*mimeTruncation];
}

std::string_view truncateUtf8(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) {
    return text;
  }
  std::size_t end = limit;
  // Step back over continuation bytes so that the cut lands before a lead byte.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end);
}

}  // namespace mapisim

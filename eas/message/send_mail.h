// SendMail, SmartReply, SmartForward: the raw-MIME form (<= 12.1) and ComposeMail WBXML (14.0+).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eas/message/status.h"
#include "eas/result.h"
#include "eas/wbxml/document.h"

namespace cradle::eas {

// The three commands share one shape; the root element (14.0+) or the Cmd (<= 12.1) says which.
enum class ComposeCommand : uint8_t { SendMail, SmartReply, SmartForward };
std::string_view toString(ComposeCommand c);  // "SendMail", "SmartReply", "SmartForward"

// ---------------------------------------------------------------------------------------------
// EAS 2.5, 12.0, 12.1: the HTTP body is the RFC 822 message itself, sent with
// Content-Type: message/rfc822; everything else is a query parameter (built and parsed by
// eas/http: SaveInSent=T, ItemId, CollectionId, LongId, Occurrence). The server answers HTTP
// 200 with an empty body on success and an HTTP error (500 for 12.0) on failure.

inline constexpr std::string_view MimeMailContentType = "message/rfc822";

struct MimeMailRequest {
  ComposeCommand command = ComposeCommand::SendMail;
  std::string mime;         // the whole message, headers and body, as the client wrote it
  bool saveInSent = false;  // SaveInSent=T: keep a copy in Sent Items
  // SmartReply/SmartForward: the original message, by ServerId and folder, or by the LongId of a
  // Search result (12.0+); Occurrence names one instance of a recurring meeting (12.1).
  std::optional<std::string> itemId;
  std::optional<std::string> collectionId;
  std::optional<std::string> longId;
  std::optional<std::string> occurrence;
  friend bool operator==(const MimeMailRequest&, const MimeMailRequest&) = default;
};

// Checks the model before it is sent or after it was assembled from a request. Errors (all
// BadValue, offset 0 or the byte in the MIME): an empty message; a message whose first line is
// not a header field ("Name: value"); a NUL byte in the header; SendMail with ItemId,
// CollectionId, LongId or Occurrence; SmartReply/SmartForward without ItemId + CollectionId or
// LongId, or with LongId and ItemId together.
Status validate(const MimeMailRequest& m);

// ---------------------------------------------------------------------------------------------
// EAS 14.0+: ComposeMail WBXML (code page 21), MS-ASCMD 2.2.1.17, 2.2.1.19, 2.2.1.20.

// ComposeMail:Source: the message replied to or forwarded. Either FolderId + ItemId (with
// InstanceId, a date-time, for one occurrence of a recurring meeting) or LongId alone.
struct ComposeSource {
  std::optional<std::string> folderId;
  std::optional<std::string> itemId;
  std::optional<std::string> longId;
  std::optional<std::string> instanceId;
  friend bool operator==(const ComposeSource&, const ComposeSource&) = default;
};

// ComposeMail:Forwardee (16.0+, SmartForward): a recipient added to a forwarded message.
struct Forwardee {
  std::optional<std::string> name;
  std::string email;
  friend bool operator==(const Forwardee&, const Forwardee&) = default;
};

struct ComposeMailRequest {
  ComposeCommand command = ComposeCommand::SendMail;
  std::string clientId;                   // unique per message: the server refuses repeats (118)
  std::optional<ComposeSource> source;    // SmartReply/SmartForward only (required there)
  std::optional<std::string> accountId;   // 14.1+: send from another account of the user
  bool saveInSentItems = false;           // <SaveInSentItems/>
  bool replaceMime = false;               // <ReplaceMime/>: do not append/attach the original
  std::string mime;                       // the RFC 822 message (OPAQUE on the wire)
  std::optional<std::string> templateId;  // RightsManagement:TemplateID (14.1+)
  std::vector<Forwardee> forwardees;      // SmartForward, 16.0+
  friend bool operator==(const ComposeMailRequest&, const ComposeMailRequest&) = default;
};

// The server answers success with an empty body; a failure is <SendMail><Status>n</Status>
// (or SmartReply/SmartForward) with one of the common statuses of MS-ASCMD 2.2.2 (110..122 for
// mail submission; describe() and actionFor() of status.h apply).
struct ComposeMailResponse {
  ComposeCommand command = ComposeCommand::SendMail;
  std::optional<CommonStatus> status;  // absent: success
  bool succeeded() const { return !status.has_value(); }
  friend bool operator==(const ComposeMailResponse&, const ComposeMailResponse&) = default;
};

// Elements in MS-ASCMD schema order: ClientId, Source, AccountId, SaveInSentItems, ReplaceMime,
// Mime (OPAQUE), RightsManagement:TemplateID, Forwardees. Source, ReplaceMime and Forwardees are
// written only for the commands that have them.
std::string encode(const ComposeMailRequest& m);
// A success encodes to an empty string (the HTTP body is empty).
std::string encode(const ComposeMailResponse& m);

// Errors: UnexpectedElement (a root that is none of the three, an element that does not belong
// to the command, an element repeated), MissingElement (ClientId, Mime, Source for
// SmartReply/SmartForward, FolderId or ItemId alone, a Source naming nothing, a Forwardee
// without ForwardeeEmail), BadValue (ClientId empty or over 40 characters, SaveInSentItems or
// ReplaceMime with content, LongId together with FolderId/ItemId, InstanceId without ItemId).
// Mime may come as OPAQUE or as an inline string.
Result<ComposeMailRequest> decodeComposeMailRequest(const Document& doc);
// Status is required in a document and must be a common status (BadValue otherwise).
Result<ComposeMailResponse> decodeComposeMailResponse(const Document& doc);
// The HTTP body as received: empty is success for `command`, anything else must be WBXML whose
// root is `command`.
Result<ComposeMailResponse> decodeComposeMailResponseBody(std::string_view body,
                                                          ComposeCommand command);

}  // namespace cradle::eas

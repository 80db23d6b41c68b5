// ItemOperations (12.0+, MS-ASCMD 2.2.1.10): Fetch, EmptyFolderContents, Move; multipart bodies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "eas/message/app_data.h"
#include "eas/message/status.h"
#include "eas/result.h"
#include "eas/version.h"
#include "eas/wbxml/code_pages.h"
#include "eas/wbxml/document.h"

namespace cradle::eas {

// MS-ASCMD 2.2.3.177.8. Open enum: it may also hold a common status (status.h); 13 is undefined.
enum class ItemOperationsStatus : uint8_t {
  Success = 1,
  ProtocolError = 2,          // the request violates the protocol
  ServerError = 3,            // transient server problem
  DocumentLibraryBadUri = 4,  // the document library URI is malformed
  DocumentLibraryAccessDenied = 5,
  DocumentLibraryNotFound = 6,  // the object is not found, or access to it is denied
  DocumentLibraryConnectionFailed = 7,
  ByteRangeInvalid = 8,  // Range is invalid or too large
  StoreUnknown = 9,      // the Store is unknown or not supported
  FileEmpty = 10,
  DataTooLarge = 11,       // the requested data is too large
  IoFailure = 12,          // the download failed on an I/O error
  ConversionFailed = 14,   // the item could not be converted
  InvalidAttachment = 15,  // the attachment or its id (FileReference) is invalid
  ResourceAccessDenied = 16,
  PartialSuccess = 17,       // the command completed partially
  CredentialsRequired = 18,  // UserName/Password needed for the document library
};
constexpr bool isItemOperationsStatus(uint32_t v) { return v >= 1 && v <= 18 && v != 13; }
std::string_view describe(ItemOperationsStatus s);
ClientAction actionFor(ItemOperationsStatus s);

// ItemOperations:Store: which store a Fetch reads.
enum class FetchStore : uint8_t { Mailbox, DocumentLibrary };
std::string_view toString(FetchStore s);  // "Mailbox", "DocumentLibrary"

// ItemOperations:Fetch/Options. Range is "first-last" (bytes, inclusive). UserName/Password
// (12.1+) are document library credentials. Schema lists the properties to return as empty
// elements (e.g. Email:Subject); only their tags are kept. AirSyncBase:BodyPartPreference (14.1
// conversations) is not modelled and is skipped when decoding.
struct FetchOptions {
  std::vector<Tag> schema;
  std::optional<std::string> range;
  std::optional<std::string> userName;
  std::optional<std::string> password;
  std::optional<uint32_t> mimeSupport;          // AirSync:MIMESupport 0..2
  std::vector<BodyPreference> bodyPreferences;  // AirSyncBase:BodyPreference
  std::optional<bool> rightsManagementSupport;  // RightsManagement, 14.1+
  friend bool operator==(const FetchOptions&, const FetchOptions&) = default;
};

// One Fetch: exactly one way to name what is fetched (MS-ASCMD 2.2.3.67.1):
//   an item:        AirSync:CollectionId + AirSync:ServerId (Store Mailbox)
//   an attachment:  AirSyncBase:FileReference (Store Mailbox)
//   a search hit:   Search:LongId (Store Mailbox)
//   a document:     DocumentLibrary:LinkId (Store DocumentLibrary)
struct FetchRequest {
  FetchStore store = FetchStore::Mailbox;
  std::optional<std::string> collectionId;
  std::optional<std::string> serverId;
  std::optional<std::string> longId;
  std::optional<std::string> linkId;
  std::optional<std::string> fileReference;
  std::optional<FetchOptions> options;
  friend bool operator==(const FetchRequest&, const FetchRequest&) = default;
};

// Deletes the contents of a folder (MS-ASCMD 2.2.3.58).
struct EmptyFolderContentsRequest {
  std::string collectionId;
  bool deleteSubFolders = false;  // Options/<DeleteSubFolders/>
  friend bool operator==(const EmptyFolderContentsRequest&,
                         const EmptyFolderContentsRequest&) = default;
};

// Moves a whole conversation (14.0+, MS-ASCMD 2.2.3.117.1). conversationId is binary (OPAQUE).
struct ConversationMoveRequest {
  std::string conversationId;
  std::string dstFldId;
  bool moveAlways = false;  // Options/<MoveAlways/>: also move future messages
  friend bool operator==(const ConversationMoveRequest&, const ConversationMoveRequest&) = default;
};

using ItemOperation =
    std::variant<FetchRequest, EmptyFolderContentsRequest, ConversationMoveRequest>;

struct ItemOperationsRequest {
  std::vector<ItemOperation> operations;  // in request order; the response answers in order
  friend bool operator==(const ItemOperationsRequest&, const ItemOperationsRequest&) = default;
};

// Fetch/Properties. Two forms:
//  - file (attachment, document, search hit body): contentType, range, total, data or part;
//  - item (CollectionId + ServerId): the typed record in `item`.
// data holds the bytes themselves; on the wire they are base64 text (MS-ASCMD 2.2.3.39.2), or
// absent in a multipart response, where `part` names the body part that carries them.
struct FetchProperties {
  std::optional<std::string> contentType;  // AirSyncBase:ContentType
  std::optional<std::string> range;        // the range actually returned
  std::optional<uint32_t> total;           // the whole size
  std::optional<std::string> data;
  std::optional<uint32_t> part;        // multipart: index of the part (1 = first after WBXML)
  std::optional<std::string> version;  // document library: last modification date-time
  std::optional<ApplicationData> item;
  friend bool operator==(const FetchProperties&, const FetchProperties&) = default;
};

struct FetchResponse {
  ItemOperationsStatus status = ItemOperationsStatus::Success;
  std::optional<std::string> collectionId;
  std::optional<std::string> serverId;
  std::optional<std::string> longId;
  std::optional<std::string> linkId;
  std::optional<std::string> fileReference;
  std::optional<ItemClass> itemClass;  // AirSync:Class of a fetched item
  std::optional<FetchProperties> properties;
  friend bool operator==(const FetchResponse&, const FetchResponse&) = default;
};

struct EmptyFolderContentsResponse {
  ItemOperationsStatus status = ItemOperationsStatus::Success;
  std::optional<std::string> collectionId;
  friend bool operator==(const EmptyFolderContentsResponse&,
                         const EmptyFolderContentsResponse&) = default;
};

struct ConversationMoveResponse {
  ItemOperationsStatus status = ItemOperationsStatus::Success;
  std::optional<std::string> conversationId;
  friend bool operator==(const ConversationMoveResponse&,
                         const ConversationMoveResponse&) = default;
};

using ItemOperationResult =
    std::variant<FetchResponse, EmptyFolderContentsResponse, ConversationMoveResponse>;

struct ItemOperationsResponse {
  ItemOperationsStatus status = ItemOperationsStatus::Success;
  std::vector<ItemOperationResult> responses;  // Response children, in order
  friend bool operator==(const ItemOperationsResponse&, const ItemOperationsResponse&) = default;
};

// Elements in MS-ASCMD schema order. The version decides the form of fetched items' fields.
std::string encode(const ItemOperationsRequest& m);
std::string encode(const ItemOperationsResponse& m, ProtocolVersion version);

// Errors: UnexpectedElement (wrong root, unknown or repeated element), MissingElement (no
// operation, Fetch without Store or without anything to fetch, ServerId without CollectionId or
// the reverse, EmptyFolderContents without CollectionId, Move without ConversationId or
// DstFldId, a Status missing in a response), BadValue (an unknown Store, two ways of naming the
// fetched object, LinkId with Store Mailbox or a mailbox id with DocumentLibrary, a Range that is
// not "first-last" with first <= last, MIMESupport outside 0..2, a status out of range, Data
// that is not base64, Properties mixing the file and the item forms, an unknown Class), and the
// errors of decodeApplicationData for a fetched item.
Result<ItemOperationsRequest> decodeItemOperationsRequest(const Document& doc);
Result<ItemOperationsResponse> decodeItemOperationsResponse(const Document& doc,
                                                            ProtocolVersion version);

// The multipart response body (MS-ASCMD 2.2.1.10.1.1), sent when the client asked for it
// (MS-ASAcceptMultiPart: T): a little-endian int32 part count, then (offset, length) int32 pairs,
// then the parts; part 0 is the WBXML response, the others are the data Fetch/Properties/Part
// refers to.
std::string encodeMultiPart(const std::vector<std::string_view>& parts);
// Errors (BadValue, offset = byte in the body): shorter than its header, a count of zero or
// more parts than the body could describe, a part outside the body.
Result<std::vector<std::string_view>> decodeMultiPart(std::string_view body);

}  // namespace cradle::eas

// MoveItems encoding, decoding and validation (MS-ASCMD 2.2.1.12).
#include "eas/message/move_items.h"

#include <cassert>

#include "eas/message/common.h"
#include "eas/wbxml/writer.h"

namespace cradle::eas {
namespace {

namespace M = tag::Move;

Result<MoveItem> decodeMove(Element e) {
  MoveItem m;
  // MS-ASCMD 2.2.1.12: Move carries SrcMsgId, SrcFldId and DstFldId, each exactly once.
  auto src = requiredId(e, M::SrcMsgId);
  if (!src) {
    return std::move(src).takeError();
  }
  m.srcMsgId = std::string(*src);
  auto srcFld = requiredId(e, M::SrcFldId);
  if (!srcFld) {
    return std::move(srcFld).takeError();
  }
  m.srcFldId = std::string(*srcFld);
  auto dstFld = requiredId(e, M::DstFldId);
  if (!dstFld) {
    return std::move(dstFld).takeError();
  }
  m.dstFldId = std::string(*dstFld);
  return m;
}

Result<MoveItemResult> decodeResult(Element e) {
  MoveItemResult m;
  auto src = requiredId(e, M::SrcMsgId);
  if (!src) {
    return std::move(src).takeError();
  }
  m.srcMsgId = std::string(*src);
  auto status = requiredStatus<MoveItemsStatus>(e, M::Status, &isMoveItemsStatus);
  if (!status) {
    return std::move(status).takeError();
  }
  m.status = *status;
  if (e.child(M::DstMsgId)) {
    auto dst = requiredId(e, M::DstMsgId);
    if (!dst) {
      return std::move(dst).takeError();
    }
    m.dstMsgId = std::string(*dst);
  } else if (m.status == MoveItemsStatus::Success) {
    return missingElement(e, M::DstMsgId);  // a moved item always gets its new id
  }
  return m;
}

}  // namespace

std::string_view describe(MoveItemsStatus s) {
  switch (s) {
    case MoveItemsStatus::InvalidSourceId:
      return "invalid source folder or item id";
    case MoveItemsStatus::InvalidDestinationId:
      return "invalid destination folder id";
    case MoveItemsStatus::Success:
      return "success";
    case MoveItemsStatus::SameSourceAndDestination:
      return "source and destination folders are the same";
    case MoveItemsStatus::CannotMove:
      return "the item cannot be moved (several destinations, name clash or lock)";
    case MoveItemsStatus::Locked:
      return "the source or destination item is locked";
  }
  if (auto c = asCommon(s)) {
    return describe(*c);
  }
  return "unknown status";
}

ClientAction actionFor(MoveItemsStatus s) {
  switch (s) {
    case MoveItemsStatus::InvalidSourceId:
    case MoveItemsStatus::InvalidDestinationId:
      return ClientAction::FolderSync;  // then Sync the source and retry if still there
    case MoveItemsStatus::Success:
      return ClientAction::None;
    case MoveItemsStatus::SameSourceAndDestination:
    case MoveItemsStatus::CannotMove:
      return ClientAction::FixRequest;
    case MoveItemsStatus::Locked:
      return ClientAction::RetryLater;
  }
  if (auto c = asCommon(s)) {
    return actionFor(*c);
  }
  return ClientAction::GiveUp;
}

std::string encode(const MoveItemsRequest& m) {
  std::string out;
  WbxmlWriter w(out);
  w.start(M::MoveItems);
  for (const MoveItem& move : m.moves) {
    w.start(M::Move);
    w.element(M::SrcMsgId, move.srcMsgId);
    w.element(M::SrcFldId, move.srcFldId);
    w.element(M::DstFldId, move.dstFldId);
    w.end();
  }
  w.end();
  assert(w.finish().ok());  // balanced by construction
  return out;
}

std::string encode(const MoveItemsResponse& m) {
  std::string out;
  WbxmlWriter w(out);
  w.start(M::MoveItems);
  if (m.status) {
    w.element(M::Status, uint64_t{static_cast<uint8_t>(*m.status)});
  }
  for (const MoveItemResult& r : m.responses) {
    w.start(M::Response);
    w.element(M::SrcMsgId, r.srcMsgId);
    w.element(M::Status, uint64_t{static_cast<uint8_t>(r.status)});
    writeOptional(w, M::DstMsgId, r.dstMsgId);
    w.end();
  }
  w.end();
  assert(w.finish().ok());  // balanced by construction
  return out;
}

Result<MoveItemsRequest> decodeMoveItemsRequest(const Document& doc) {
  if (auto rooted = expectRoot(doc, M::MoveItems); !rooted) {
    return std::move(rooted).takeError();
  }
  Element root = doc.root();
  MoveItemsRequest m;
  for (Element e : root.children(M::Move)) {
    auto move = decodeMove(e);
    if (!move) {
      return std::move(move).takeError();
    }
    m.moves.push_back(std::move(*move));
  }
  if (m.moves.empty()) {
    return missingElement(root, M::Move);
  }
  return m;
}

Result<MoveItemsResponse> decodeMoveItemsResponse(const Document& doc) {
  if (auto rooted = expectRoot(doc, M::MoveItems); !rooted) {
    return std::move(rooted).takeError();
  }
  Element root = doc.root();
  MoveItemsResponse m;
  auto status = optionalStatus<MoveItemsStatus>(root, M::Status, &isMoveItemsStatus);
  if (!status) {
    return std::move(status).takeError();
  }
  m.status = *status;
  for (Element e : root.children(M::Response)) {
    auto r = decodeResult(e);
    if (!r) {
      return std::move(r).takeError();
    }
    m.responses.push_back(std::move(*r));
  }
  if (!m.status && m.responses.empty()) {
    return missingElement(root, M::Response);
  }
  return m;
}

}  // namespace cradle::eas

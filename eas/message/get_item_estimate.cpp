// GetItemEstimate encoding, decoding and validation for both wire forms (MS-ASCMD 2.2.1.9).
#include "eas/message/get_item_estimate.h"

#include <cassert>

#include "eas/message/common.h"
#include "eas/wbxml/writer.h"

namespace cradle::eas {
namespace {

namespace G = tag::GetItemEstimate;
namespace S = tag::AirSync;

// Up to 12.1 the request carries Class and a bare FilterType; from 14.0 FilterType moves into
// Options and Class disappears (MS-ASCMD 2.2.1.9).
bool legacyForm(ProtocolVersion v) { return !atLeast(v, ProtocolVersion::V14_0); }

// MS-ASCMD 2.2.3.68.2: FilterType 0 (no filter) .. 8 (incomplete tasks).
Result<std::optional<FilterType>> optionalFilter(Element parent) {
  auto v =
      optionalUint(parent, S::FilterType, 0, static_cast<uint32_t>(FilterType::IncompleteTasks));
  if (!v) {
    return std::move(v).takeError();
  }
  if (!*v) {
    return std::optional<FilterType>();
  }
  return std::optional<FilterType>(static_cast<FilterType>(**v));
}

Result<std::optional<ItemClass>> optionalClass(Element parent) {
  Element e = parent.child(G::Class);
  if (!e) {
    return std::optional<ItemClass>();
  }
  auto c = parseItemClass(e.text());
  if (!c) {
    return badValue(e, "unknown class '" + std::string(e.text().substr(0, 32)) + "'");
  }
  return std::optional<ItemClass>(*c);
}

Result<GetItemEstimateCollection> decodeCollection(Element c, ProtocolVersion version) {
  GetItemEstimateCollection m;
  auto key = requiredId(c, S::SyncKey);
  if (!key) {
    return std::move(key).takeError();
  }
  m.syncKey = std::string(*key);
  auto id = requiredId(c, G::CollectionId);
  if (!id) {
    return std::move(id).takeError();
  }
  m.collectionId = std::string(*id);

  if (legacyForm(version)) {
    if (Element options = c.child(S::Options)) {
      return unexpectedElement(options, "a GetItemEstimate Collection before 14.0");
    }
    auto cls = optionalClass(c);
    if (!cls) {
      return std::move(cls).takeError();
    }
    if (!*cls) {
      return missingElement(c, G::Class);  // required in 2.5, 12.0 and 12.1
    }
    m.itemClass = *cls;
    auto filter = optionalFilter(c);
    if (!filter) {
      return std::move(filter).takeError();
    }
    m.filterType = *filter;
    return m;
  }

  if (Element cls = c.child(G::Class)) {
    return unexpectedElement(cls, "a GetItemEstimate Collection from 14.0");
  }
  if (Element filter = c.child(S::FilterType)) {
    return unexpectedElement(filter, "a GetItemEstimate Collection from 14.0 (use Options)");
  }
  if (Element options = c.child(S::Options)) {
    auto filter = optionalFilter(options);
    if (!filter) {
      return std::move(filter).takeError();
    }
    m.filterType = *filter;
  }
  return m;
}

Result<GetItemEstimateResult> decodeResult(Element r, ProtocolVersion version) {
  GetItemEstimateResult m;
  auto status = requiredStatus<GetItemEstimateStatus>(r, G::Status, &isGetItemEstimateStatus);
  if (!status) {
    return std::move(status).takeError();
  }
  m.status = *status;
  Element c = r.child(G::Collection);
  if (!c) {
    if (m.status == GetItemEstimateStatus::Success) {
      return missingElement(r, G::Collection);
    }
    return m;
  }
  if (Element cls = c.child(G::Class); cls && !legacyForm(version)) {
    return unexpectedElement(cls, "a GetItemEstimate response from 14.0");
  }
  auto cls = optionalClass(c);
  if (!cls) {
    return std::move(cls).takeError();
  }
  m.itemClass = *cls;
  auto id = requiredId(c, G::CollectionId);
  if (!id) {
    return std::move(id).takeError();
  }
  m.collectionId = std::string(*id);
  auto estimate = optionalUint(c, G::Estimate);
  if (!estimate) {
    return std::move(estimate).takeError();
  }
  m.estimate = *estimate;
  if (m.status == GetItemEstimateStatus::Success && !m.estimate) {
    return missingElement(c, G::Estimate);
  }
  return m;
}

}  // namespace

std::string_view describe(GetItemEstimateStatus s) {
  switch (s) {
    case GetItemEstimateStatus::Success:
      return "success";
    case GetItemEstimateStatus::InvalidCollection:
      return "a collection or collection id is invalid";
    case GetItemEstimateStatus::SyncStateNotPrimed:
      return "the collection has not been synced from SyncKey 0 yet";
    case GetItemEstimateStatus::InvalidSyncKey:
      return "the SyncKey is invalid";
  }
  if (auto c = asCommon(s)) {
    return describe(*c);
  }
  return "unknown status";
}

ClientAction actionFor(GetItemEstimateStatus s) {
  switch (s) {
    case GetItemEstimateStatus::Success:
      return ClientAction::None;
    case GetItemEstimateStatus::InvalidCollection:
      return ClientAction::FolderSync;
    case GetItemEstimateStatus::SyncStateNotPrimed:
      return ClientAction::ResetSyncKey;  // Sync with SyncKey 0 first
    case GetItemEstimateStatus::InvalidSyncKey:
      return ClientAction::Sync;  // a successful Sync first; if it repeats, SyncKey 0
  }
  if (auto c = asCommon(s)) {
    return actionFor(*c);
  }
  return ClientAction::GiveUp;
}

std::string encode(const GetItemEstimateRequest& m) {
  std::string out;
  WbxmlWriter w(out);
  w.start(G::GetItemEstimate);
  w.start(G::Collections);
  for (const GetItemEstimateCollection& c : m.collections) {
    w.start(G::Collection);
    if (legacyForm(m.version)) {
      if (c.itemClass) {
        w.element(G::Class, toString(*c.itemClass));
      }
      w.element(G::CollectionId, c.collectionId);
      if (c.filterType) {
        w.element(S::FilterType, uint64_t{static_cast<uint8_t>(*c.filterType)});
      }
      w.element(S::SyncKey, c.syncKey);
    } else {
      w.element(S::SyncKey, c.syncKey);
      w.element(G::CollectionId, c.collectionId);
      if (c.filterType) {
        w.start(S::Options);
        w.element(S::FilterType, uint64_t{static_cast<uint8_t>(*c.filterType)});
        w.end();
      }
    }
    w.end();
  }
  w.end();
  w.end();
  assert(w.finish().ok());  // balanced by construction
  return out;
}

std::string encode(const GetItemEstimateResponse& m) {
  std::string out;
  WbxmlWriter w(out);
  w.start(G::GetItemEstimate);
  if (m.status) {
    w.element(G::Status, uint64_t{static_cast<uint8_t>(*m.status)});
  }
  for (const GetItemEstimateResult& r : m.responses) {
    w.start(G::Response);
    w.element(G::Status, uint64_t{static_cast<uint8_t>(r.status)});
    if (!r.collectionId.empty()) {
      w.start(G::Collection);
      if (r.itemClass && legacyForm(m.version)) {
        w.element(G::Class, toString(*r.itemClass));
      }
      w.element(G::CollectionId, r.collectionId);
      writeOptional(w, G::Estimate, r.estimate);
      w.end();
    }
    w.end();
  }
  w.end();
  assert(w.finish().ok());  // balanced by construction
  return out;
}

Result<GetItemEstimateRequest> decodeGetItemEstimateRequest(const Document& doc,
                                                            ProtocolVersion version) {
  if (auto rooted = expectRoot(doc, G::GetItemEstimate); !rooted) {
    return std::move(rooted).takeError();
  }
  Element root = doc.root();
  GetItemEstimateRequest m;
  m.version = version;
  Element collections = root.child(G::Collections);
  if (!collections) {
    return missingElement(root, G::Collections);
  }
  for (Element c : collections.children(G::Collection)) {
    auto decoded = decodeCollection(c, version);
    if (!decoded) {
      return std::move(decoded).takeError();
    }
    m.collections.push_back(std::move(*decoded));
  }
  if (m.collections.empty()) {
    return missingElement(collections, G::Collection);
  }
  return m;
}

Result<GetItemEstimateResponse> decodeGetItemEstimateResponse(const Document& doc,
                                                              ProtocolVersion version) {
  if (auto rooted = expectRoot(doc, G::GetItemEstimate); !rooted) {
    return std::move(rooted).takeError();
  }
  Element root = doc.root();
  GetItemEstimateResponse m;
  m.version = version;
  auto status = optionalStatus<GetItemEstimateStatus>(root, G::Status, &isGetItemEstimateStatus);
  if (!status) {
    return std::move(status).takeError();
  }
  m.status = *status;
  for (Element r : root.children(G::Response)) {
    auto decoded = decodeResult(r, version);
    if (!decoded) {
      return std::move(decoded).takeError();
    }
    m.responses.push_back(std::move(*decoded));
  }
  if (!m.status && m.responses.empty()) {
    return missingElement(root, G::Response);
  }
  return m;
}

}  // namespace cradle::eas

// The XML text form of EAS documents (the dialect of `wbxml2xml -l ACTIVESYNC -m 0`), both ways.
#pragma once

#include <string>
#include <string_view>

#include "eas/result.h"
#include "eas/wbxml/document.h"
#include "eas/wbxml/limits.h"

namespace cradle::eas {

struct XmlOptions {
  bool declaration = true;    // <?xml version="1.0"?> and the ActiveSync DOCTYPE, as wbxml2xml
  bool indent = false;        // one element per line, two spaces per level (for logs and humans)
  bool libwbxmlNames = false; // print libwbxml's names where they differ from MS-ASWBXML's
};

// Prints a document. An element carries a default xmlns="Page:" where its code page differs
// from its parent's (always on the root). Opaque content is printed as base64.
std::string toXml(const Document& doc, const XmlOptions& options = {});

// Reads the XML text form: per-element default namespaces (xmlns="Email:") or prefixed ones
// (xmlns:email="Email:" ... <email:Subject>), spec names or libwbxml's aliases. Text of opaque
// elements is base64. Offsets in errors are byte offsets in the XML text.
Result<Document> fromXml(std::string_view xml, const Limits& limits = {});

}  // namespace cradle::eas

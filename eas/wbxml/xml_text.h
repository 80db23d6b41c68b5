// The XML text form of EAS documents (the dialect of `wbxml2xml -l ACTIVESYNC -m 0`), both ways.
#pragma once

#include <string>
#include <string_view>

#include "eas/result.h"
#include "eas/wbxml/document.h"
#include "eas/wbxml/limits.h"

namespace cradle::eas {

struct XmlOptions {
  bool declaration = true;     // <?xml version="1.0"?> and the ActiveSync DOCTYPE, as wbxml2xml
  bool indent = false;         // one element per line, two spaces per level (for logs and humans)
  bool libwbxmlNames = false;  // print libwbxml's names where they differ from MS-ASWBXML's
};

// Prints a document the way `wbxml2xml -l ACTIVESYNC -m 0` does: no line breaks and no trailing
// newline (indent adds both), an element carries a default xmlns="Page:" where its code page
// differs from its parent's (always on the root), an element with neither text nor children is
// <X/>, text escapes & < > " ' as entities. Elements the table marks EAS_OPAQUE (libwbxml's binary
// elements) print their content as one line of padded base64, whether it came as OPAQUE or STR_I.
// Where wbxml2xml would print something that cannot be read back, we differ on purpose:
//  - C0 control characters other than TAB, LF and CR print as &#xN; (wbxml2xml writes them raw);
//  - text made only of white space prints as character references (&#x20;), so that it survives
//    the reader, which drops literal white-space-only text (wbxml2xml trims text instead);
//  - OPAQUE content of other elements prints as text when it is UTF-8 without NUL, and as base64
//    otherwise (wbxml2xml writes the raw bytes).
std::string toXml(const Document& doc, const XmlOptions& options = {});

struct XmlReadOptions {
  Limits limits;
  // Strip leading and trailing white space from text, as xml2wbxml does without -k. Off by
  // default so that fromXml(toXml(doc)) keeps every byte of text.
  bool trimText = false;
};

// Reads the XML text form with a small strict XML 1.0 parser: an XML declaration (UTF-8 only),
// one DOCTYPE (skipped), comments and processing instructions (skipped), CDATA, the five
// predefined entities and character references (which may also name C0 controls, as toXml
// writes them). Attributes may only declare namespaces: per-element default namespaces
// (xmlns="Email:") or prefixed ones (xmlns:email="Email:" ... <email:Subject>); "Email" without
// the colon is accepted too. Elements with no namespace in scope are AirSync (code page 0, where
// WBXML starts). Names are MS-ASWBXML's or libwbxml's aliases.
// Text: literal white-space-only text is ignorable and dropped; other text is kept byte for byte
// (line ends are not normalised, so CR survives). Text of EAS_OPAQUE elements is base64
// (white space skipped, missing padding tolerated) and becomes OPAQUE content; a CDATA section
// inside such an element is taken as raw bytes. Other elements whose content holds a CDATA
// section become OPAQUE too, as xml2wbxml does.
// Errors carry byte offsets in the XML text: XmlSyntax, UnknownElement, UnknownNamespace,
// Attributes (any attribute that is not a namespace declaration), BadText (invalid UTF-8, raw
// control characters, bad base64), TooDeep, TooLarge (Limits: input bytes, one text, elements).
Result<Document> fromXml(std::string_view xml, const Limits& limits = {});
Result<Document> fromXml(std::string_view xml, const XmlReadOptions& options);

}  // namespace cradle::eas

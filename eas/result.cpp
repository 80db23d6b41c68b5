// Names and one-line messages for eas::Error.
#include "eas/result.h"

namespace cradle::eas {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::Truncated: return "truncated";
    case ErrorCode::BadHeader: return "bad header";
    case ErrorCode::UnknownCodePage: return "unknown code page";
    case ErrorCode::UnknownToken: return "unknown token";
    case ErrorCode::BadMultiByteInt: return "bad multi-byte integer";
    case ErrorCode::UnbalancedEnd: return "unbalanced end";
    case ErrorCode::StringTable: return "string table";
    case ErrorCode::Attributes: return "attributes";
    case ErrorCode::UnsupportedToken: return "unsupported token";
    case ErrorCode::TooDeep: return "too deep";
    case ErrorCode::TooLarge: return "too large";
    case ErrorCode::TrailingData: return "trailing data";
    case ErrorCode::BadText: return "bad text";
    case ErrorCode::XmlSyntax: return "xml syntax";
    case ErrorCode::UnknownElement: return "unknown element";
    case ErrorCode::UnknownNamespace: return "unknown namespace";
    case ErrorCode::MissingElement: return "missing element";
    case ErrorCode::UnexpectedElement: return "unexpected element";
    case ErrorCode::BadValue: return "bad value";
    case ErrorCode::BadRequest: return "bad request";
  }
  return "unknown error";
}

std::string Error::message() const {
  std::string out(errorCodeName(code));
  out += " at byte ";
  out += std::to_string(offset);
  if (!detail.empty()) {
    out += ": ";
    out += detail;
  }
  return out;
}

}  // namespace cradle::eas

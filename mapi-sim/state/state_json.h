// Reading and writing the JSON text of the per-device state blobs (Poco::JSON, no exceptions out).
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>

namespace mapisim::statejson {

// The object in `text`, or null when the text is empty or not a JSON object (a state we cannot
// read is treated as no state: the device then gets "invalid SyncKey" and starts over).
Poco::JSON::Object::Ptr parseObject(const std::string& text);
std::string toText(const Poco::JSON::Object::Ptr& object);

// Typed reads that return nullopt for a missing member or a value of the wrong type.
std::optional<std::string> getString(const Poco::JSON::Object::Ptr& o, const std::string& name);
std::optional<int64_t> getInt(const Poco::JSON::Object::Ptr& o, const std::string& name);
std::optional<bool> getBool(const Poco::JSON::Object::Ptr& o, const std::string& name);
Poco::JSON::Object::Ptr getObject(const Poco::JSON::Object::Ptr& o, const std::string& name);
Poco::JSON::Array::Ptr getArray(const Poco::JSON::Object::Ptr& o, const std::string& name);

}  // namespace mapisim::statejson

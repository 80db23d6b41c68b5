// statejson: Poco::JSON behind functions that catch every Poco exception.
#include "mapi-sim/state/state_json.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace mapisim::statejson {

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
  if (text.empty()) {
    return {};
  }
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var v = parser.parse(text);
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
      return {};
    }
    return v.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
    return {};
  } catch (const std::exception&) {
    return {};
  }
}

std::string toText(const Poco::JSON::Object::Ptr& object) {
  std::ostringstream out;
  object->stringify(out);
  return out.str();
}

std::optional<std::string> getString(const Poco::JSON::Object::Ptr& o, const std::string& name) {
  try {
    if (!o || !o->has(name) || !o->get(name).isString()) {
      return std::nullopt;
    }
    return o->getValue<std::string>(name);
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

std::optional<int64_t> getInt(const Poco::JSON::Object::Ptr& o, const std::string& name) {
  try {
    if (!o || !o->has(name) || !o->get(name).isInteger()) {
      return std::nullopt;
    }
    return o->getValue<int64_t>(name);
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

std::optional<bool> getBool(const Poco::JSON::Object::Ptr& o, const std::string& name) {
  try {
    if (!o || !o->has(name) || !o->get(name).isBoolean()) {
      return std::nullopt;
    }
    return o->getValue<bool>(name);
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

Poco::JSON::Object::Ptr getObject(const Poco::JSON::Object::Ptr& o, const std::string& name) {
  if (!o || !o->has(name) || !o->isObject(name)) {
    return {};
  }
  return o->getObject(name);
}

Poco::JSON::Array::Ptr getArray(const Poco::JSON::Object::Ptr& o, const std::string& name) {
  if (!o || !o->has(name) || !o->isArray(name)) {
    return {};
  }
  return o->getArray(name);
}

}  // namespace mapisim::statejson

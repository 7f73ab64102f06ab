#include "manifest/schema.h"

#include <map>
#include <mutex>
#include <regex>

#include "core/error.h"

namespace tinyprep {
namespace {

bool has_type(const Json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "integer")
    return value.is_number_integer() ||
           (value.is_number_float() &&
            value.get<double>() == static_cast<long long>(value.get<double>()));
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  return false;
}

const std::regex& cached_regex(const std::string& pattern) {
  static std::mutex mutex;
  static std::map<std::string, std::regex> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(pattern);
  if (it == cache.end())
    it = cache.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
  return it->second;
}

std::string where_or_root(const std::string& where) {
  return where.empty() ? "/" : where;
}

}  // namespace

Schema::Schema(Json schema) : root_(std::move(schema)) {}

const Schema& Schema::builtin(std::string_view name) {
  static std::mutex mutex;
  static std::map<std::string, Schema, std::less<>> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  std::string_view text = embedded_schema(name);
  if (text.empty()) throw Error(std::string(name), 0, "no such built-in schema");
  return cache.emplace(std::string(name), Schema(Json::parse(text))).first->second;
}

std::vector<std::string> Schema::check(const Json& value) const {
  std::vector<std::string> out;
  check_at(root_, value, "", out);
  return out;
}

void Schema::check_at(const Json& s, const Json& v, const std::string& where,
                      std::vector<std::string>& out) const {
  if (!s.is_object()) return;
  const std::string at = where_or_root(where);
  if (auto ref = s.find("$ref"); ref != s.end()) {
    std::string pointer = ref->get<std::string>();
    if (pointer.rfind("#", 0) == 0)
      check_at(root_.at(Json::json_pointer(pointer.substr(1))), v, where, out);
  }
  if (auto type = s.find("type"); type != s.end()) {
    bool ok = false;
    std::string names;
    for (const auto& t : type->is_array() ? *type : Json::array({*type})) {
      ok = ok || has_type(v, t.get<std::string>());
      names += (names.empty() ? "" : " or ") + t.get<std::string>();
    }
    if (!ok) {
      out.push_back(at + ": must be " + names + ", not " + std::string(v.type_name()));
      return;
    }
  }
  if (auto e = s.find("enum"); e != s.end()) {
    bool found = false;
    for (const auto& option : *e) found = found || option == v;
    if (!found) out.push_back(at + ": " + v.dump() + " is not one of " + e->dump());
  }
  if (auto c = s.find("const"); c != s.end() && *c != v)
    out.push_back(at + ": must be " + c->dump());
  if (v.is_number()) {
    double x = v.get<double>();
    if (auto m = s.find("minimum"); m != s.end() && x < m->get<double>())
      out.push_back(at + ": must be >= " + m->dump());
    if (auto m = s.find("maximum"); m != s.end() && x > m->get<double>())
      out.push_back(at + ": must be <= " + m->dump());
    if (auto m = s.find("exclusiveMinimum"); m != s.end() && x <= m->get<double>())
      out.push_back(at + ": must be > " + m->dump());
    if (auto m = s.find("exclusiveMaximum"); m != s.end() && x >= m->get<double>())
      out.push_back(at + ": must be < " + m->dump());
  }
  if (v.is_string()) {
    const auto& text = v.get_ref<const std::string&>();
    if (auto m = s.find("minLength"); m != s.end() && text.size() < m->get<size_t>())
      out.push_back(at + ": must not be empty");
    if (auto p = s.find("pattern");
        p != s.end() && !std::regex_search(text, cached_regex(p->get<std::string>())))
      out.push_back(at + ": " + v.dump() + " does not match " + p->get<std::string>());
  }
  if (v.is_array()) {
    if (auto m = s.find("minItems"); m != s.end() && v.size() < m->get<size_t>())
      out.push_back(at + ": needs at least " + m->dump() + " items");
    if (auto m = s.find("maxItems"); m != s.end() && v.size() > m->get<size_t>())
      out.push_back(at + ": takes at most " + m->dump() + " items");
    if (auto items = s.find("items"); items != s.end())
      for (size_t i = 0; i < v.size(); ++i)
        check_at(*items, v[i], where + "/" + std::to_string(i), out);
  }
  if (v.is_object()) {
    if (auto req = s.find("required"); req != s.end())
      for (const auto& name : *req)
        if (!v.contains(name.get<std::string>()))
          out.push_back(at + ": missing required field '" + name.get<std::string>() + "'");
    auto props = s.find("properties");
    auto extra = s.find("additionalProperties");
    for (const auto& [key, child] : v.items()) {
      if (props != s.end() && props->contains(key)) {
        check_at((*props)[key], child, where + "/" + key, out);
      } else if (extra != s.end()) {
        if (extra->is_boolean() && !extra->get<bool>())
          out.push_back(at + ": unexpected field '" + key + "'");
        else
          check_at(*extra, child, where + "/" + key, out);
      }
    }
  }
  for (const char* combinator : {"anyOf", "oneOf"}) {
    auto options = s.find(combinator);
    if (options == s.end()) continue;
    int passing = 0;
    for (const auto& option : *options) {
      std::vector<std::string> sub;
      check_at(option, v, where, sub);
      passing += sub.empty();
    }
    bool ok = std::string(combinator) == "anyOf" ? passing > 0 : passing == 1;
    if (!ok)
      out.push_back(at + ": matches " + std::to_string(passing) + " of the " + combinator +
                    " options");
  }
  if (auto all = s.find("allOf"); all != s.end())
    for (const auto& option : *all) check_at(option, v, where, out);
}

}  // namespace tinyprep

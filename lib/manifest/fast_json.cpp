#include "manifest/fast_json.h"

#include <simdjson.h>

#include <cstring>
#include <string>

namespace tinyprep {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kMaxDepth = 64;

// What simdjson reads, as nlohmann would store it: non-negative integers unsigned, negative
// ones signed, members in order (a repeated key keeps its first place and its last value).
Json to_json(simdjson::dom::element e) {
  using Type = simdjson::dom::element_type;
  switch (e.type()) {
    case Type::OBJECT: {
      Json o = Json::object();
      for (auto field : simdjson::dom::object(e)) o[std::string(field.key)] = to_json(field.value);
      return o;
    }
    case Type::ARRAY: {
      Json a = Json::array();
      for (auto v : simdjson::dom::array(e)) a.push_back(to_json(v));
      return a;
    }
    case Type::STRING:
      return Json(std::string(std::string_view(e)));
    case Type::INT64: {
      const int64_t v = int64_t(e);
      if (v >= 0) return Json(static_cast<uint64_t>(v));
      return Json(v);
    }
    case Type::UINT64:
      return Json(uint64_t(e));
    case Type::DOUBLE:
      return Json(double(e));
    case Type::BOOL:
      return Json(bool(e));
    case Type::NULL_VALUE:
      break;
  }
  return Json(nullptr);
}

// Lines left to nlohmann, so that its reading stands wherever the two could differ: backslash
// escapes, control characters inside strings, a leading byte-order mark, and "-0" (nlohmann
// keeps it a signed integer; simdjson's DOM cannot tell it from 0).
bool plain(std::string_view text) {
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\\') return false;
    if (c == '"') in_string = !in_string;
    if (c < 0x20 && (in_string || (c != ' ' && c != '\t' && c != '\n' && c != '\r'))) return false;
    if (c == '-' && !in_string && i + 1 < text.size() && text[i + 1] == '0') {
      const char after = i + 2 < text.size() ? text[i + 2] : ' ';
      if (after != '.' && after != 'e' && after != 'E') return false;
    }
  }
  return !(text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF);
}

}  // namespace

bool parse_json_fast(std::string_view text, nlohmann::ordered_json& out) {
  if (!plain(text)) return false;
  // One parser and one padded copy of the line per thread: simdjson reads a few bytes past
  // the end of its input.
  thread_local simdjson::dom::parser parser;
  thread_local std::string padded;
  thread_local bool ready = parser.allocate(4096, kMaxDepth) == simdjson::SUCCESS;
  if (!ready) return false;
  if (text.size() > parser.capacity() && parser.allocate(text.size(), kMaxDepth)) return false;
  padded.assign(text);
  padded.resize(text.size() + simdjson::SIMDJSON_PADDING, ' ');
  simdjson::dom::element root;
  if (parser.parse(padded.data(), text.size(), false).get(root)) return false;
  out = to_json(root);
  return true;
}

}  // namespace tinyprep

#include "manifest/fast_json.h"

#include <charconv>
#include <cstdint>
#include <cstring>

namespace tinyprep {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kMaxDepth = 64;

// Length of the UTF-8 sequence at p (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF), or 0 when it is not one.
size_t utf8_length(const unsigned char* p, const unsigned char* end) {
  auto cont = [&](size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return p + i < end && p[i] >= lo && p[i] <= hi;
  };
  const unsigned char c = p[0];
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}

class Parser {
 public:
  explicit Parser(std::string_view text)
      : p_(reinterpret_cast<const unsigned char*>(text.data())), end_(p_ + text.size()) {}

  bool document(Json& out) {
    skip_space();
    if (!value(out, 0)) return false;
    skip_space();
    return p_ == end_;
  }

 private:
  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  bool value(Json& out, int depth) {
    if (p_ >= end_) return false;
    switch (*p_) {
      case '{':
        return object(out, depth);
      case '[':
        return array(out, depth);
      case '"': {
        std::string_view s;
        if (!string(s)) return false;
        out = std::string(s);
        return true;
      }
      case 't':
        return literal("true") && (out = true, true);
      case 'f':
        return literal("false") && (out = false, true);
      case 'n':
        return literal("null") && (out = nullptr, true);
      default:
        return number(out);
    }
  }

  bool literal(const char* word) {
    size_t n = std::strlen(word);
    if (static_cast<size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
    p_ += n;
    return true;
  }

  // A string without escapes; *p_ is the opening quote.
  bool string(std::string_view& s) {
    const unsigned char* start = ++p_;
    while (p_ < end_) {
      const unsigned char c = *p_;
      if (c == '"') {
        s = std::string_view(reinterpret_cast<const char*>(start), p_ - start);
        ++p_;
        return true;
      }
      if (c == '\\' || c < 0x20) return false;
      if (c < 0x80) {
        ++p_;
        continue;
      }
      size_t n = utf8_length(p_, end_);
      if (!n) return false;
      p_ += n;
    }
    return false;
  }

  // RFC 8259's number grammar; integers as int64 (negative) or uint64, as nlohmann makes them.
  bool number(Json& out) {
    const unsigned char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ >= end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      while (p_ < end_ && is_digit(*p_)) ++p_;
    } else {
      return false;
    }
    bool is_float = false;
    if (p_ < end_ && *p_ == '.') {
      is_float = true;
      ++p_;
      if (p_ >= end_ || !is_digit(*p_)) return false;
      while (p_ < end_ && is_digit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      is_float = true;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ >= end_ || !is_digit(*p_)) return false;
      while (p_ < end_ && is_digit(*p_)) ++p_;
    }
    const char* first = reinterpret_cast<const char*>(start);
    const char* last = reinterpret_cast<const char*>(p_);
    if (is_float) {
      double d;
      auto r = std::from_chars(first, last, d);
      if (r.ec != std::errc() || r.ptr != last) return false;  // out of range: nlohmann decides
      out = d;
    } else if (*first == '-') {
      int64_t v;
      auto r = std::from_chars(first, last, v);
      if (r.ec != std::errc() || r.ptr != last) return false;  // nlohmann makes it a float
      out = v;
    } else {
      uint64_t v;
      auto r = std::from_chars(first, last, v);
      if (r.ec != std::errc() || r.ptr != last) return false;
      out = v;
    }
    return true;
  }

  // The members of an object or the items of an array, after its opening bracket: `item`
  // parses one, then a comma or `close` follows.
  template <class Item>
  bool sequence(unsigned char close, Item item) {
    ++p_;
    skip_space();
    if (p_ < end_ && *p_ == close) {
      ++p_;
      return true;
    }
    for (;;) {
      skip_space();
      if (!item()) return false;
      skip_space();
      if (p_ >= end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ != close) return false;
      ++p_;
      return true;
    }
  }

  bool object(Json& out, int depth) {
    if (depth >= kMaxDepth) return false;
    out = Json::object();
    auto& members = out.get_ref<Json::object_t&>();
    return sequence('}', [&] {
      std::string_view key;
      if (p_ >= end_ || *p_ != '"' || !string(key)) return false;
      skip_space();
      if (p_ >= end_ || *p_ != ':') return false;
      ++p_;
      skip_space();
      // operator[]: a repeated key keeps its first place and takes the last value, as in
      // nlohmann's parser.
      return value(members[std::string(key)], depth + 1);
    });
  }

  bool array(Json& out, int depth) {
    if (depth >= kMaxDepth) return false;
    out = Json::array();
    auto& items = out.get_ref<Json::array_t&>();
    return sequence(']', [&] {
      items.emplace_back();
      return value(items.back(), depth + 1);
    });
  }

  const unsigned char* p_;
  const unsigned char* end_;
};

}  // namespace

bool parse_json_fast(std::string_view text, nlohmann::ordered_json& out) {
  return Parser(text).document(out);
}

}  // namespace tinyprep

#include "core/error.h"

namespace tinyprep {

std::string Error::located() const {
  if (path_.empty()) return what();
  if (line_ > 0) return path_ + ":" + std::to_string(line_) + ": " + what();
  return path_ + ": " + what();
}

namespace {
// Length of the UTF-8 sequence starting at text[i] (2-4), or 0 when it is not a valid one.
size_t utf8_sequence(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  size_t n = c >= 0xC2 && c <= 0xDF   ? 2
             : c >= 0xE0 && c <= 0xEF ? 3
             : c >= 0xF0 && c <= 0xF4 ? 4
                                      : 0;
  if (!n || i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
  return n;
}
}  // namespace

std::string excerpt(std::string_view text, size_t max) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "'";
  size_t i = 0;
  while (i < text.size() && i < max) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      size_t n = utf8_sequence(text, i);
      if (n && i + n <= max) {
        out.append(text.substr(i, n));
        i += n;
        continue;
      }
      if (n) break;  // a character that does not fit
    }
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  out += '\'';
  if (i < text.size()) out += "...";
  return out;
}

}  // namespace tinyprep

#include "ingest/name_pattern.h"

#include <cctype>

#include "core/error.h"

namespace tinyprep {

NamePattern::NamePattern(const std::string& pattern) : text_(pattern) {
  std::string re;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '{') {
      size_t close = pattern.find('}', i);
      if (close == std::string::npos)
        throw usage_error("--pattern '" + pattern + "': '{' without '}'");
      std::string field = pattern.substr(i + 1, close - i - 1);
      if (field.empty()) throw usage_error("--pattern '" + pattern + "': empty {}");
      for (char f : field)
        if (!std::isalnum(static_cast<unsigned char>(f)) && f != '_')
          throw usage_error("--pattern '" + pattern + "': '{" + field +
                            "}' is not a field name (letters, digits, _)");
      fields_.push_back(field);
      re += "([^/]+?)";
      i = close;
    } else if (c == '}') {
      throw usage_error("--pattern '" + pattern + "': '}' without '{'");
    } else if (c == '*') {
      re += "[^/]*?";
    } else {
      if (std::string("\\^$.|?+()[]").find(c) != std::string::npos) re += '\\';
      re += c;
    }
  }
  regex_ = std::regex(re, std::regex::ECMAScript);
}

std::optional<std::map<std::string, std::string>> NamePattern::match(
    const std::string& file_name) const {
  std::smatch m;
  if (!std::regex_match(file_name, m, regex_)) return std::nullopt;
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < fields_.size(); ++i) out[fields_[i]] = m[i + 1].str();
  return out;
}

}  // namespace tinyprep

#pragma once
// File-name patterns such as '{label}_{group}_{take}.wav': each {field} captures part of the
// name, '*' matches anything, everything else is literal.
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace tinyprep {

class NamePattern {
 public:
  /// Compiles `pattern`; throws a usage error when a brace is unbalanced or a field is empty.
  explicit NamePattern(const std::string& pattern);
  /// The fields captured from `file_name` (its last path component), or nothing when it does
  /// not match.
  std::optional<std::map<std::string, std::string>> match(const std::string& file_name) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::regex regex_;
  std::vector<std::string> fields_;
};

}  // namespace tinyprep

#pragma once
// Label rules for `tinyprep label`: take a label from the path, set, rename, fold into
// "_unknown_", keep or drop, applied to one manifest line at a time.
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "manifest/manifest.h"

namespace tinyprep {

struct LabelOptions {
  std::string from_path;           ///< regex; capture group 1 of `path` is the label
  std::string set;                 ///< label for every line (or those --where matches)
  std::vector<std::string> where;  ///< "field=value" (dots reach nested fields), all hold
  std::vector<std::string> maps;   ///< "old=new"
  std::string map_file;            ///< lines "old,new"
  std::string unknown;             ///< label for every label not in `wanted`
  std::vector<std::string> wanted;
  std::vector<std::string> keep;  ///< keep only these labels
  std::vector<std::string> drop;  ///< drop these labels
  /// A --keep, --drop or --map label that no line has is a warning, not an error.
  bool allow_missing = false;
};

/// The field at a dotted path ("audio.sample_rate"), or nullptr.
const Json* find_field(const Json& line, const std::string& dotted);

/// True when `value` (a JSON value) reads as `text`: strings equal, numbers equal as numbers,
/// true/false/null by name, arrays and objects by their compact JSON.
bool field_equals(const Json& value, const std::string& text);

class LabelRules {
 public:
  /// Checks and compiles the options; throws a usage error for a bad option and Error naming
  /// file:line for a bad --map-file line.
  explicit LabelRules(const LabelOptions& options);

  /// Applies the rules to one line in the order: --from-path, --set, --map, --unknown, then
  /// --keep and --drop on the resulting label. Returns false when the line is dropped. Throws
  /// Error naming the line when --from-path does not match or a new label is not usable.
  bool apply(Sample& sample);

  /// What a dataset.json label becomes under --map, --unknown, --keep and --drop (nothing when
  /// it is dropped).
  std::optional<std::string> rename(const std::string& label) const;

  /// After the last line: throws Error when a --keep, --drop or --map label is on no line (one
  /// message naming them all, with the labels present and "did you mean"), unless
  /// allow_missing, which makes that a warning. Warns about --map-file entries and --wanted
  /// labels that no line had, and --where clauses whose field no line has or that matched none.
  void check_unused() const;

  long changed() const { return changed_; }
  long dropped() const { return dropped_; }

 private:
  struct MapEntry {
    std::string to;
    std::string where;  // "--map" or "file:line"
    long line = 0;
  };
  struct Where {
    std::string text, field, value;
    bool field_seen = false;
    bool matched = false;
  };
  void add_map(const std::string& from, const std::string& to, const std::string& where, long line);
  std::string map_label(const std::string& label) const;

  LabelOptions o_;
  std::optional<std::regex> from_path_;
  std::vector<Where> where_;
  std::map<std::string, MapEntry> map_;
  std::set<std::string> wanted_, keep_, drop_;
  std::set<std::string> seen_;    // labels before --map (after --from-path and --set)
  std::set<std::string> mapped_;  // labels after --map
  std::set<std::string> final_;   // labels after --unknown, before --keep and --drop
  long changed_ = 0;
  long dropped_ = 0;
};

}  // namespace tinyprep

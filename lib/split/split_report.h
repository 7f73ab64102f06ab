#pragma once
// What a split did: label × split counts, the groups seen, and the warnings worth raising.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "manifest/manifest.h"
#include "split/split_rules.h"

namespace tinyprep {

class SplitTally {
 public:
  /// Counts one written line; `group` is "" for lines without a group.
  void add(const std::string& label, const std::string& group, Split split, bool kept);

  long samples() const { return samples_; }
  long kept() const { return kept_; }

  /// Prints (and records for the report) the warnings: a label without a sample in a split
  /// whose share is not zero; a group in two splits (`spread_hint` appended); with
  /// `group_share_check`, groups holding more than the test share; with `stratified`, labels
  /// farther than one sample from a target.
  void warn_problems(const SplitRatios& ratios, bool group_share_check, bool stratified,
                     const std::string& spread_hint = "");

  /// The label × split table ("n  pct%" cells) for stderr.
  std::string table() const;

  /// The report for --json; `settings` (method, seed, ratios...) comes first.
  Json report(const Json& settings) const;

 private:
  struct GroupSeen {
    long samples = 0;
    unsigned splits = 0;  // bit per Split
  };
  void warning(const std::string& what);

  std::map<std::string, std::array<long, kSplitCount>> labels_;
  std::map<std::string, GroupSeen> groups_;
  std::array<long, kSplitCount> totals_{};
  long samples_ = 0;
  long kept_ = 0;
  std::vector<std::string> warnings_;
};

}  // namespace tinyprep

#pragma once
// What a split did: label × split counts, the groups seen, and the warnings worth raising.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "manifest/manifest.h"
#include "split/split_rules.h"

namespace tinyprep {

class SplitTally {
 public:
  /// Counts one written line; `group` is "" for lines without a group, `seconds` the line's
  /// audio duration (audio_seconds), if it has audio.
  void add(const std::string& label, const std::string& group, Split split, bool kept,
           std::optional<double> seconds = std::nullopt);

  long samples() const { return samples_; }
  long kept() const { return kept_; }

  /// Prints (and records for the report) the warnings: a label without a sample in a split
  /// whose share is not zero; a group in two splits (`spread_hint` appended); with
  /// `group_share_check`, groups holding more than the test share; with `stratified`, labels
  /// farther than one sample from a target. With `hash` (the hash method, whose options
  /// `seed` and `group_field` name), a split that came out empty or more than 10 points off its
  /// share: why (how many groups) and what to do (--stratify, with what it would give).
  void warn_problems(const SplitRatios& ratios, bool hash, bool stratified,
                     const std::string& spread_hint = "", std::uint64_t seed = 0,
                     const std::string& group_field = "group");

  /// The label × split table ("n  pct%" cells) for stderr.
  std::string table() const;

  /// The report for --json; `settings` (method, seed, ratios...) comes first.
  Json report(const Json& settings) const;

 private:
  struct GroupSeen {
    long samples = 0;
    unsigned splits = 0;                 // bit per Split
    std::map<std::string, long> labels;  // label -> samples
  };
  void warning(const std::string& what);
  // The warning about splits far from their shares, or "" when every split is near its share.
  std::string far_from_shares(const SplitRatios& ratios, bool stratified, std::uint64_t seed,
                              const std::string& group_field) const;

  std::map<std::string, std::array<long, kSplitCount>> labels_;
  std::map<std::string, GroupSeen> groups_;
  std::array<long, kSplitCount> totals_{};
  std::array<double, kSplitCount> seconds_{};
  long audio_lines_ = 0;
  long samples_ = 0;
  long kept_ = 0;
  std::vector<std::string> warnings_;
};

}  // namespace tinyprep

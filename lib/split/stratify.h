#pragma once
// Stratified, grouped split assignment: whole groups go to one split, chosen so that every
// label's counts come as close as the groups allow to its share of the ratios.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "split/split_rules.h"

namespace tinyprep {

/// One group to place (a speaker, a session; or a single sample without a group).
struct StratifyGroup {
  std::string key;                           ///< the group, or the id
  std::vector<std::pair<int, long>> labels;  ///< (label index, samples) pairs
  std::optional<Split> fixed;                ///< already placed (kept lines): counted, not moved
  long size() const;
};

/// Assigns every group a split; fixed groups keep theirs. The distance to minimise is the sum
/// over labels and splits of (count - target)^2 / target, target = samples of the label × share.
/// Groups are placed largest first (ties by hash_split_bucket(key, seed), then key), each where
/// it lowers the distance most; then single groups are moved while a move lowers it. The result
/// depends only on the set of groups, not on their order. With one sample per group every label
/// ends within ±1 sample of its target in every split. A split with a zero share gets no new
/// group. `label_count` is one past the largest label index.
std::vector<Split> stratify_groups(const std::vector<StratifyGroup>& groups, int label_count,
                                   const SplitRatios& ratios, std::uint64_t seed);

}  // namespace tinyprep

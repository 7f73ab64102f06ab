#include "split/stratify.h"

#include <algorithm>
#include <array>
#include <numeric>

namespace tinyprep {
namespace {

struct State {
  std::vector<std::array<double, kSplitCount>> target;   // [label][split]
  std::vector<std::array<double, kSplitCount>> deficit;  // target - count
};

// Change of the distance sum over labels and splits of (count - target)^2 / target when `g`
// joins split `to` and leaves split `from` (from < 0: not placed yet). Dividing by the target
// weighs each split by its share, so a small test split is not starved to feed a large train
// split; with one sample per group every local minimum is within one sample of each target.
double move_cost(const StratifyGroup& g, const State& st, int from, int to) {
  double delta = 0;
  for (auto [label, n] : g.labels) {
    double x = double(n);
    // (c + n - t)^2 - (c - t)^2 = n^2 - 2 n (t - c)
    delta += (x * x - 2.0 * x * st.deficit[label][to]) / st.target[label][to];
    if (from >= 0) delta += (x * x + 2.0 * x * st.deficit[label][from]) / st.target[label][from];
  }
  return delta;
}

void place(const StratifyGroup& g, State& st, int split, long sign) {
  for (auto [label, n] : g.labels) st.deficit[label][split] -= double(sign * n);
}

}  // namespace

long StratifyGroup::size() const {
  long n = 0;
  for (const auto& [label, count] : labels) n += count;
  return n;
}

std::vector<Split> stratify_groups(const std::vector<StratifyGroup>& groups, int label_count,
                                   const SplitRatios& ratios, std::uint64_t seed) {
  // Targets from every group's samples; splits with a zero share take no new group.
  State st;
  st.target.assign(label_count, {0, 0, 0});
  std::vector<long> label_totals(label_count, 0);
  for (const auto& g : groups)
    for (auto [label, n] : g.labels) label_totals[label] += n;
  for (int l = 0; l < label_count; ++l)
    for (int s = 0; s < kSplitCount; ++s)
      st.target[l][s] = double(label_totals[l]) * double(ratios.micro[s]) / 1e8;
  st.deficit = st.target;
  auto open = [&](int s) { return ratios.micro[s] > 0; };

  std::vector<int> assigned(groups.size(), -1);
  std::vector<size_t> order;
  for (size_t i = 0; i < groups.size(); ++i) {
    if (groups[i].fixed) {
      assigned[i] = static_cast<int>(*groups[i].fixed);
      place(groups[i], st, assigned[i], +1);
    } else {
      order.push_back(i);
    }
  }
  std::vector<std::int64_t> bucket(groups.size(), 0);
  for (size_t i : order) bucket[i] = hash_split_bucket(groups[i].key, seed);
  std::vector<long> sizes(groups.size());
  for (size_t i = 0; i < groups.size(); ++i) sizes[i] = groups[i].size();
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (sizes[a] != sizes[b]) return sizes[a] > sizes[b];
    if (bucket[a] != bucket[b]) return bucket[a] < bucket[b];
    return groups[a].key < groups[b].key;
  });

  // Greedy: each group where it helps most. Ties go to the larger share, then train first.
  for (size_t i : order) {
    int best = -1;
    double best_cost = 0;
    for (int s = 0; s < kSplitCount; ++s) {
      if (!open(s)) continue;
      double cost = move_cost(groups[i], st, -1, s);
      if (best < 0 || cost < best_cost - 1e-9 ||
          (cost <= best_cost + 1e-9 && ratios.micro[s] > ratios.micro[best])) {
        best = s;
        best_cost = cost;
      }
    }
    assigned[i] = best;
    place(groups[i], st, best, +1);
  }

  // Polish: move single groups while that strictly lowers the distance. Each move lowers a
  // bounded non-negative sum, so this ends; the pass limit only bounds the time.
  for (int pass = 0; pass < 1000; ++pass) {
    bool moved = false;
    for (size_t i : order) {
      int from = assigned[i];
      int best = from;
      double best_cost = -1e-9;
      for (int s = 0; s < kSplitCount; ++s) {
        if (s == from || !open(s)) continue;
        double cost = move_cost(groups[i], st, from, s);
        if (cost < best_cost) best = s, best_cost = cost;
      }
      if (best != from) {
        place(groups[i], st, from, -1);
        place(groups[i], st, best, +1);
        assigned[i] = best;
        moved = true;
      }
    }
    if (!moved) break;
  }

  std::vector<Split> out(groups.size());
  for (size_t i = 0; i < groups.size(); ++i) out[i] = static_cast<Split>(assigned[i]);
  return out;
}

}  // namespace tinyprep

#include "split/split_report.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

#include "core/diag.h"

namespace tinyprep {
namespace {

// At most this many warnings (or names in one warning) of one kind; the rest are counted.
constexpr size_t kWarningsPerKind = 5;

std::string percent(long n, long total) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", total ? 100.0 * double(n) / double(total) : 0.0);
  return buf;
}

std::string share(std::int64_t micro) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", double(micro) / 1e6);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + "%";
}

std::string shown_label(const std::string& label) {
  return label.empty() ? "(none)" : label;
}

// "a, b, c" for up to kWarningsPerKind items, then "and N more".
std::string join_some(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < kWarningsPerKind; ++i)
    out += (i ? ", " : "") + items[i];
  if (items.size() > kWarningsPerKind)
    out += " and " + std::to_string(items.size() - kWarningsPerKind) + " more";
  return out;
}

}  // namespace

void SplitTally::add(const std::string& label, const std::string& group, Split split, bool kept) {
  int s = static_cast<int>(split);
  ++labels_[label][s];
  ++totals_[s];
  ++samples_;
  if (kept) ++kept_;
  if (!group.empty()) {
    GroupSeen& g = groups_[group];
    ++g.samples;
    g.splits |= 1u << s;
  }
}

void SplitTally::warning(const std::string& what) {
  warn(what);
  warnings_.push_back(what);
}

void SplitTally::warn_problems(const SplitRatios& ratios, bool group_share_check, bool stratified,
                               const std::string& spread_hint) {
  // A label missing from a split: one warning per split, naming the labels.
  for (Split s : kSplits) {
    if (ratios.of(s) == 0) continue;
    std::vector<std::string> missing;
    for (const auto& [label, counts] : labels_)
      if (counts[static_cast<int>(s)] == 0) missing.push_back("'" + shown_label(label) + "'");
    if (!missing.empty())
      warning(std::string(split_name(s)) + " has no sample of label" +
              (missing.size() > 1 ? "s " : " ") + join_some(missing));
  }
  std::vector<std::string> spread, large;
  double test_share = double(ratios.of(Split::kTest)) / 1e8;
  for (const auto& [group, seen] : groups_) {
    if (std::popcount(seen.splits) > 1) {
      std::string names;
      for (Split s : kSplits)
        if (seen.splits & (1u << static_cast<int>(s)))
          names += (names.empty() ? "" : " and ") + std::string(split_name(s));
      spread.push_back("group '" + group + "' is in " + names + spread_hint);
    }
    if (group_share_check && test_share > 0 && double(seen.samples) > test_share * samples_)
      large.push_back("'" + group + "' (" + std::to_string(seen.samples) + ")");
  }
  for (size_t i = 0; i < spread.size() && i < kWarningsPerKind; ++i) warning(spread[i]);
  if (spread.size() > kWarningsPerKind)
    warning("... and " + std::to_string(spread.size() - kWarningsPerKind) +
            " more groups in more than one split");
  if (!large.empty())
    warning(std::to_string(large.size()) + (large.size() > 1 ? " groups hold" : " group holds") +
            " more samples than the test share (" + share(ratios.of(Split::kTest)) + " of " +
            std::to_string(samples_) + "): " + join_some(large) +
            "; whole groups let the splits only approximate the ratios");
  if (!stratified) return;
  std::vector<std::string> off;
  for (const auto& [label, counts] : labels_) {
    long n = counts[0] + counts[1] + counts[2];
    for (Split s : kSplits) {
      double target = double(n) * double(ratios.of(s)) / 1e8;
      long got = counts[static_cast<int>(s)];
      if (std::abs(double(got) - target) >= 1.0) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.1f", target);
        off.push_back("'" + shown_label(label) + "' " + split_name(s) + " " + std::to_string(got) +
                      " (target " + buf + ")");
      }
    }
  }
  if (!off.empty())
    warning(
        "--stratify: the groups (or kept lines) do not allow every label within one sample "
        "of its target: " +
        join_some(off));
}

std::string SplitTally::table() const {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"label", "train", "validation", "test", "total"});
  auto row = [&](const std::string& name, const std::array<long, kSplitCount>& c) {
    long n = c[0] + c[1] + c[2];
    std::vector<std::string> r{name};
    for (long x : c) r.push_back(std::to_string(x) + " " + percent(x, n));
    r.push_back(std::to_string(n));
    rows.push_back(r);
  };
  for (const auto& [label, counts] : labels_) row(shown_label(label), counts);
  row("all", totals_);
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  std::string out;
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) {
      if (i == 0) {
        out += r[i] + std::string(width[i] - r[i].size(), ' ');
      } else {
        out += "  " + std::string(width[i] - r[i].size(), ' ') + r[i];
      }
    }
    out += '\n';
  }
  return out;
}

Json SplitTally::report(const Json& settings) const {
  Json out = settings;
  out["samples"] = samples_;
  out["kept"] = kept_;
  out["groups"] = groups_.size();
  Json splits = Json::object();
  for (Split s : kSplits) splits[split_name(s)] = totals_[static_cast<int>(s)];
  out["splits"] = splits;
  Json labels = Json::object();
  for (const auto& [label, counts] : labels_) {
    long n = counts[0] + counts[1] + counts[2];
    Json entry = Json::object();
    for (Split s : kSplits) entry[split_name(s)] = counts[static_cast<int>(s)];
    entry["total"] = n;
    Json achieved = Json::object();
    for (Split s : kSplits)
      achieved[split_name(s)] =
          std::round(1e4 * 100.0 * double(counts[static_cast<int>(s)]) / double(n)) / 1e4;
    entry["achieved_percent"] = achieved;
    labels[label] = entry;
  }
  out["labels"] = labels;
  out["warnings"] = warnings_;
  return out;
}

}  // namespace tinyprep

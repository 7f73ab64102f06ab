#include "split/split_report.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

#include "core/diag.h"
#include "split/stratify.h"

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

void SplitTally::add(const std::string& label, const std::string& group, Split split, bool kept,
                     std::optional<double> seconds) {
  int s = static_cast<int>(split);
  ++labels_[label][s];
  ++totals_[s];
  ++samples_;
  if (kept) ++kept_;
  if (seconds) {
    seconds_[s] += *seconds;
    ++audio_lines_;
  }
  if (!group.empty()) {
    GroupSeen& g = groups_[group];
    ++g.samples;
    g.splits |= 1u << s;
    ++g.labels[label];
  }
}

std::string SplitTally::far_from_shares(const SplitRatios& ratios, bool stratified,
                                        std::uint64_t seed, const std::string& group_field) const {
  if (samples_ == 0) return "";
  std::vector<std::string> empty, off;
  std::string got, asked;
  for (Split s : kSplits) {
    long n = totals_[static_cast<int>(s)];
    double got_pct = 100.0 * double(n) / double(samples_);
    double share_pct = double(ratios.of(s)) / 1e6;
    got += (got.empty() ? "" : "/") + std::to_string(n);
    asked += (asked.empty() ? "" : "/") + share(ratios.of(s));
    if (ratios.of(s) == 0) continue;
    if (n == 0)
      empty.push_back(split_name(s));
    else if (std::abs(got_pct - share_pct) > 10)
      off.push_back(std::string(split_name(s)) + " " + percent(n, samples_));
  }
  if (empty.empty() && off.empty()) return "";
  std::string what =
      "train/validation/test came out " + got + " samples for shares " + asked + ": ";
  auto and_list = [](const std::vector<std::string>& items) {  // at most three splits
    std::string out;
    for (size_t i = 0; i < items.size(); ++i)
      out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
    return out;
  };
  if (!empty.empty()) what += and_list(empty) + (empty.size() > 1 ? " are empty" : " is empty");
  if (!off.empty())
    what += std::string(empty.empty() ? "" : "; ") + and_list(off) +
            (off.size() > 1 ? " are" : " is") + " more than 10 points off";
  // Why: whole groups (lines without one count one each) land in one split each.
  long grouped = 0;
  for (const auto& [group, seen] : groups_) grouped += seen.samples;
  long single = samples_ - grouped;
  auto count = [](size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  const std::string field = "'" + group_field + "'";
  what += ". Why: the " + std::to_string(samples_) + " samples are ";
  if (groups_.empty())
    what += count(single, "line", "lines") + " without a " + field +
            " field, and each goes alone into one split";
  else
    what += "in only " + count(groups_.size(), "group", "groups") + " (" + field + " field)" +
            (single ? " and " + count(single, "line", "lines") + " without one" : "") +
            ", and a group goes whole into one split";
  if (stratified) {
    what +=
        "; no placement of so few comes closer. What to do: record more groups (speakers, "
        "sessions), or give --ratios that so few groups can follow";
    return what;
  }
  what +=
      ", picked by a hash of its name, not by how full the splits are. What to do: "
      "--stratify places whole groups so that every split gets its share";
  // What --stratify would give here (the same placement as a real run, when every line has a
  // group and none kept its split).
  if (single == 0 && kept_ == 0) {
    std::map<std::string, int> label_index;
    for (const auto& [label, counts] : labels_) label_index.emplace(label, 0);
    int next = 0;
    for (auto& [label, index] : label_index) index = next++;
    std::vector<StratifyGroup> groups;
    for (const auto& [group, seen] : groups_) {
      StratifyGroup g{group, {}, std::nullopt};
      for (const auto& [label, n] : seen.labels) g.labels.emplace_back(label_index[label], n);
      groups.push_back(std::move(g));
    }
    std::vector<Split> placed = stratify_groups(groups, next, ratios, seed);
    std::array<long, kSplitCount> group_count{}, sample_count{};
    for (size_t i = 0; i < groups.size(); ++i) {
      ++group_count[static_cast<int>(placed[i])];
      sample_count[static_cast<int>(placed[i])] += groups[i].size();
    }
    auto slashed = [](const std::array<long, kSplitCount>& c) {
      return std::to_string(c[0]) + "/" + std::to_string(c[1]) + "/" + std::to_string(c[2]);
    };
    what += " (here: " + slashed(group_count) + " groups, " + slashed(sample_count) + " samples)";
  }
  return what;
}

void SplitTally::warning(const std::string& what) {
  warn(what);
  warnings_.push_back(what);
}

void SplitTally::warn_problems(const SplitRatios& ratios, bool hash, bool stratified,
                               const std::string& spread_hint, std::uint64_t seed,
                               const std::string& group_field) {
  const bool group_share_check = hash;
  std::string far = hash ? far_from_shares(ratios, stratified, seed, group_field) : "";
  if (!far.empty()) warning(far);
  // A label missing from a split: one warning per split, naming the labels (an empty split is
  // the warning above).
  for (Split s : kSplits) {
    if (ratios.of(s) == 0 || (!far.empty() && totals_[static_cast<int>(s)] == 0)) continue;
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
  // Per split: samples, audio duration (when lines have audio) and the groups in it.
  Json per_split = Json::object();
  for (Split s : kSplits) {
    int i = static_cast<int>(s);
    Json entry = Json::object();
    entry["samples"] = totals_[i];
    if (audio_lines_) entry["seconds"] = std::round(seconds_[i] * 1000) / 1000;
    Json names = Json::array();
    for (const auto& [group, seen] : groups_)
      if (seen.splits & (1u << i)) names.push_back(group);
    entry["groups"] = names;
    per_split[split_name(s)] = entry;
  }
  out["per_split"] = per_split;
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

#include "split/split_manifest.h"

#include <cstdio>
#include <map>
#include <optional>
#include <vector>

#include "core/diag.h"
#include "core/error.h"
#include "core/signals.h"
#include "manifest/audio_seconds.h"
#include "manifest/dataset.h"
#include "split/split_report.h"
#include "split/stratify.h"

namespace tinyprep {
namespace {

unsigned bit(Split s) {
  return 1u << static_cast<int>(s);
}

std::optional<Split> only_split(unsigned mask) {
  for (Split s : kSplits)
    if (mask == bit(s)) return s;
  return std::nullopt;
}

// One line as the split sees it: what the rules need, read (and checked) once.
struct Line {
  std::string key;    // group, or id without a group
  std::string group;  // "" without a group
  std::string label;
  std::optional<Split> kept;
};

class Splitter {
 public:
  explicit Splitter(const SplitOptions& o) : o_(o) {}

  /// What split_by says: "hash seed=S T,V,E", "hash seed=S T,V,E stratify",
  /// "speech-commands T,V,E".
  std::string by;

  Line read(const Sample& s) const {
    Line line;
    std::string id = s.id();  // every line needs one, whatever the method
    line.group = s.str(o_.group_field.c_str());
    line.key = line.group.empty() ? id : line.group;
    line.label = s.label();
    if (o_.keep_existing) {
      std::string name = s.split();
      if (!name.empty()) {
        line.kept = parse_split_name(name);
        if (!line.kept)
          s.fail("split '" + name +
                 "' is not train, validation or test (--keep-existing keeps only those)");
      }
    }
    return line;
  }

  // The split the method gives a line that has none to keep.
  Split rule(const Sample& s, const Line& line) const {
    if (o_.method == SplitMethod::kHash) return hash_split(line.key, o_.seed, o_.ratios);
    std::string name = s.str(o_.name_field.c_str());
    if (name.empty())
      s.fail("line has no '" + o_.name_field + "' (--method speech-commands hashes its file name)");
    return speech_commands_split(name, o_.ratios.percent_of(Split::kValidation),
                                 o_.ratios.percent_of(Split::kTest));
  }

 private:
  const SplitOptions& o_;
};

// `by`: how the rule placed it ("split_by", for export's provenance); a kept split keeps the
// line's own.
void write_line(Sample& s, const Line& line, Split split, ManifestWriter& out, SplitTally& tally,
                const std::string& by) {
  s.json["split"] = split_name(split);
  if (!line.kept) s.json["split_by"] = by;
  out.write(s);
  tally.add(line.label, line.group, split, line.kept.has_value(), audio_seconds(s.json));
}

// The default: each line on its own, in one pass.
void split_streaming(const Splitter& splitter, ManifestReader& in, ManifestWriter& out,
                     SplitTally& tally) {
  Sample s;
  while (in.next(s)) {
    check_interrupted();
    Line line = splitter.read(s);
    write_line(s, line, line.kept ? *line.kept : splitter.rule(s, line), out, tally, splitter.by);
  }
}

// --stratify, or --keep-existing with groups: every line must be seen before any is placed.
void split_whole(const SplitOptions& o, const Splitter& splitter, ManifestReader& in,
                 ManifestWriter& out, SplitTally& tally) {
  std::vector<Sample> samples;
  std::vector<Line> lines;
  for (Sample s; in.next(s);) {
    check_interrupted();
    lines.push_back(splitter.read(s));
    samples.push_back(std::move(s));
  }
  // A group that already has lines in exactly one split takes its new lines there too.
  std::map<std::string, unsigned> kept_in;
  for (const Line& line : lines)
    if (line.kept) kept_in[line.key] |= bit(*line.kept);
  std::vector<std::optional<Split>> split(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].kept) {
      split[i] = lines[i].kept;
    } else if (auto it = kept_in.find(lines[i].key); it != kept_in.end()) {
      split[i] = only_split(it->second);
    }
  }

  if (o.stratify) {
    std::map<std::string, int> label_index;  // sorted, so indices do not depend on line order
    for (const Line& line : lines) label_index.emplace(line.label, 0);
    int next = 0;
    for (auto& [label, index] : label_index) index = next++;
    // Placed lines count as fixed groups (one per key and split); the others group by key.
    std::map<std::pair<std::string, int>, std::map<int, long>> by_group;
    for (size_t i = 0; i < lines.size(); ++i) {
      int where = split[i] ? static_cast<int>(*split[i]) : -1;
      ++by_group[{lines[i].key, where}][label_index[lines[i].label]];
    }
    std::vector<StratifyGroup> groups;
    std::map<std::string, size_t> free_group;
    for (const auto& [id, counts] : by_group) {
      StratifyGroup g{id.first, {counts.begin(), counts.end()}, std::nullopt};
      if (id.second >= 0) g.fixed = static_cast<Split>(id.second);
      if (id.second < 0) free_group[id.first] = groups.size();
      groups.push_back(std::move(g));
    }
    std::vector<Split> placed = stratify_groups(groups, next, o.ratios, o.seed);
    for (size_t i = 0; i < lines.size(); ++i)
      if (!split[i]) split[i] = placed[free_group.at(lines[i].key)];
  }

  for (size_t i = 0; i < lines.size(); ++i) {
    check_interrupted();
    Split s = split[i] ? *split[i] : splitter.rule(samples[i], lines[i]);
    write_line(samples[i], lines[i], s, out, tally, splitter.by);
  }
}

std::string ratios_text(const SplitRatios& r) {
  std::string out;
  for (Split s : kSplits) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", double(r.of(s)) / 1e6);
    std::string v = buf;
    while (v.back() == '0') v.pop_back();
    if (v.back() == '.') v.pop_back();
    out += (out.empty() ? "" : ",") + v;
  }
  return out;
}

}  // namespace

Json split_manifest(const SplitOptions& o) {
  // Held from the first read to the rename: a capture or import appending meanwhile waits,
  // instead of losing its lines to the replaced file.
  std::optional<DatasetLock> lock;
  if (o.in_place)
    if (auto dir = manifest_dataset_dir(o.input)) lock.emplace(*dir);
  // Refuses an existing output before reading anything.
  ManifestWriter out(o.output, o.force || o.in_place);
  ManifestReader in(o.input, o.allow_outside);
  Splitter splitter(o);
  splitter.by = o.method == SplitMethod::kHash
                    ? "hash seed=" + std::to_string(o.seed) + " " + ratios_text(o.ratios) +
                          (o.stratify ? " stratify" : "")
                    : "speech-commands " + ratios_text(o.ratios);
  SplitTally tally;
  bool whole = o.stratify || (o.keep_existing && o.method == SplitMethod::kHash);
  if (whole)
    split_whole(o, splitter, in, out, tally);
  else
    split_streaming(splitter, in, out, tally);
  if (tally.samples() == 0) throw Error(in.name(), 0, "has no samples: nothing to split");
  out.commit();
  if (lock) Dataset::open(lock->dir()).record_command(*lock);  // dataset.json's history

  bool hash = o.method == SplitMethod::kHash;
  tally.warn_problems(o.ratios, hash, o.stratify,
                      hash ? ""
                           : " (speech-commands keeps together what shares the name before "
                             "'_nohash_', not the group field)",
                      o.seed, o.group_field);
  Json settings = Json::object();
  settings["method"] = hash ? "hash" : "speech-commands";
  if (hash) settings["seed"] = o.seed;
  Json ratios = Json::object();
  for (Split s : kSplits) ratios[split_name(s)] = double(o.ratios.of(s)) / 1e6;
  settings["ratios"] = ratios;
  settings["stratify"] = o.stratify;
  settings["keep_existing"] = o.keep_existing;
  Json report = tally.report(settings);

  if (o.table) {
    std::string what = hash ? "hash of " + o.group_field + " or id, seed " + std::to_string(o.seed)
                            : "TensorFlow speech_commands which_set of '" + o.name_field + "'";
    if (o.stratify) what = "label strata with whole groups, seed " + std::to_string(o.seed);
    note(std::to_string(tally.samples()) + " samples split " + ratios_text(o.ratios) +
         " (train,validation,test) by " + what +
         (o.keep_existing ? "; " + std::to_string(tally.kept()) + " kept their split" : "") + ":");
    std::fputs(tally.table().c_str(), stderr);
  }
  if (o.json_report) {
    std::string text = report.dump(2) + "\n";
    std::fputs(text.c_str(), stdout);  // main checks stdout's final flush
  }
  return report;
}

}  // namespace tinyprep

#include "export/export_scan.h"

#include <algorithm>
#include <set>

#include "core/error.h"
#include "core/signals.h"
#include "manifest/dataset.h"

namespace tinyprep {

ManifestScan scan_manifest(ManifestReader& reader, const std::string& source,
                           const ScanVisitor& visit) {
  ManifestScan scan;
  Sample s;
  while (reader.next(s)) {
    if (!source.empty()) s.source = source;
    if ((scan.lines & 4095) == 0) check_interrupted();
    std::string id = s.id();
    if (!scan.lines) scan.first = {id, s.line};
    std::string split = s.split();
    if (split.empty()) {
      if (!scan.without_split) scan.first_without_split = s.line;
      ++scan.without_split;
      split = "all";
    }
    auto [counted, first_time] = scan.split_counts.try_emplace(split, 0);
    // A split names TFRecord shards (and HDF5 groups): "../x" must not leave the output.
    if (first_time) check_file_name_part(split, "split", s.source, s.line);
    ++counted->second;
    if (visit) visit(s, id, split);
    if (auto by = s.json.find("split_by"); by != s.json.end()) {
      if (!scan.lines)
        scan.split_by = *by;
      else if (scan.split_by != *by)
        scan.split_by = "mixed";
    } else if (scan.lines && !scan.split_by.is_null()) {
      scan.split_by = "mixed";
    }
    std::string label = s.label();
    if (label.empty())
      ++scan.unlabeled;
    else
      scan.labels.emplace(label, s.line);

    auto f = s.json.find("features");
    bool has = f != s.json.end() && f->is_object();
    if (has && (f->find("path") == f->end() || !(*f)["path"].is_string()))
      s.fail("'features' has no 'path'");
    if (has && !scan.lines) scan.first_features = s.resolve((*f)["path"]).string();
    if (!scan.lines) {
      auto media = s.json.find("path");
      if (media != s.json.end() && media->is_string())
        scan.first_media = s.resolve(media->get<std::string>()).string();
    }
    if (scan.lines && has != scan.has_features)
      s.fail(std::string(has ? "sample has 'features' but '" : "sample has no 'features' but '") +
             scan.first.id + "' (line " + std::to_string(scan.first.line) +
             (has ? ") has none" : ") has") + ": export needs all samples of one kind");
    scan.has_features = has;
    if (has) {
      auto same = [&](const char* key, std::optional<Json>& first, const char* what) {
        static const Json kAbsent;
        auto v = f->find(key);
        const Json& value = v == f->end() ? kAbsent : *v;  // compared, copied only once
        if (!scan.lines) {
          first = value;
        } else if (!value.is_null() && !first->is_null() && value != *first) {
          s.fail(std::string("features of '") + id + "' have " + what + " " + value.dump() +
                 " but those of '" + scan.first.id + "' (line " + std::to_string(scan.first.line) +
                 ") have " + first->dump());
        }
      };
      same("shape", scan.declared_shape, "shape");
      same("dtype", scan.declared_dtype, "dtype");
      same("config", scan.feature_config, "config");
    }
    ++scan.lines;
  }
  return scan;
}

std::vector<std::string> resolve_labels(const std::vector<std::string>& given,
                                        const std::vector<std::string>& dataset,
                                        const ManifestScan& scan, const std::string& source) {
  const std::vector<std::string>* list = !given.empty() ? &given : &dataset;
  const char* from = !given.empty() ? "--labels" : "dataset.json's labels";
  if (list->empty()) {
    std::vector<std::string> sorted;
    for (const auto& [label, line] : scan.labels) sorted.push_back(label);
    return sorted;  // std::map keeps them sorted
  }
  std::set<std::string> seen;
  for (const auto& l : *list)
    if (!seen.insert(l).second) throw usage_error(std::string(from) + " lists '" + l + "' twice");
  // Report the label that appears first in the manifest.
  const std::pair<const std::string, long>* missing = nullptr;
  for (const auto& entry : scan.labels)
    if (!seen.count(entry.first) && (!missing || entry.second < missing->second)) missing = &entry;
  if (missing) {
    std::string names;
    for (const auto& l : *list) names += (names.empty() ? "" : ", ") + l;
    throw Error(source, missing->second,
                "label '" + missing->first + "' is not in " + from + " (" + names + ")");
  }
  return *list;
}

}  // namespace tinyprep

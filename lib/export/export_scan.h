#pragma once
// The first, cheap pass of an export: the manifest's JSON lines only, no media.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "manifest/manifest.h"

namespace tinyprep {

/// Where a fact was first seen, for errors that name both samples.
struct FirstSeen {
  std::string id;
  long line = 0;
};

struct ManifestScan {
  std::map<std::string, uint64_t> split_counts;  ///< lines without a split count under "all"
  uint64_t lines = 0;
  uint64_t without_split = 0;
  long first_without_split = 0;
  std::map<std::string, long> labels;  ///< label -> first line
  uint64_t unlabeled = 0;
  bool has_features = false;  ///< every line has `features` (a mix is an error)
  std::optional<Json> feature_config;
  std::optional<Json> declared_shape, declared_dtype;
  FirstSeen first;
  std::string first_features;  ///< the first line's features file (resolved)
  std::string first_media;     ///< the first line's `path` (resolved), "" when it has none
  /// The `split_by` field `tinyprep split` writes (how the split was made): the value all
  /// lines share, null when none has one, "mixed" when they differ.
  Json split_by;
};

/// Called for every sample of the scan, in manifest order: its id and split ("all" for none).
using ScanVisitor =
    std::function<void(const Sample&, const std::string& id, const std::string& split)>;

/// Reads every line of `reader`; throws Error naming the line for a line without an id, a mix
/// of lines with and without `features`, or declared shapes, dtypes or feature configs that
/// differ between samples (naming both). `source` replaces the reader's name in errors when
/// not empty (a spooled stdin is "<stdin>").
ManifestScan scan_manifest(ManifestReader& reader, const std::string& source,
                           const ScanVisitor& visit = {});

/// The ordered label list: `given` (--labels), else `dataset` (dataset.json), else the scanned
/// labels sorted. Throws Error naming the first line of a label not in a given list.
std::vector<std::string> resolve_labels(const std::vector<std::string>& given,
                                        const std::vector<std::string>& dataset,
                                        const ManifestScan& scan, const std::string& source);

}  // namespace tinyprep

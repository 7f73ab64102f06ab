#pragma once
// `tinyprep merge -o all.h5 part0.h5 part1.h5 ...`: the HDF5 parts that the workers of
// `export hdf5 --shard K/N` wrote, joined per split into one file (a copy, or an HDF5 virtual
// dataset referencing the parts). The HDF5 side is in the plugin (plugin/hdf5_merge.cpp).
#include <string>
#include <vector>

namespace tinyprep {

struct Hdf5MergeOptions {
  std::vector<std::string> parts;  ///< in the order their rows are joined
  std::string out;
  bool virtual_dataset = false;  ///< --virtual: datasets that reference the parts' rows
  bool force = false;            ///< replace an existing `out`
  std::string command, tinyprep_version;
};

/// Checks that the parts are of one export (name, labels, feature config, x dtype and shape;
/// not the same worker twice), then writes `out`: per split x, y, id (every dataset of the
/// parts' groups) with the parts' rows one after another, the root attributes of the parts,
/// and a tinyprep_json whose splits count every part's examples. Throws Error naming the part
/// that differs, usage_error for bad options.
void merge_hdf5(const Hdf5MergeOptions& options);

/// What the plugin does: the file, once the parts are known to agree. `sources[i]` is the
/// name a virtual dataset gives part i (relative to the output's folder).
struct Hdf5MergeRequest {
  std::vector<std::string> parts, sources;
  std::string out;
  bool virtual_dataset = false, force = false;
  std::string tinyprep_json;  ///< replaces the parts' tinyprep_json root attribute
};
using Hdf5Merge = void (*)(const Hdf5MergeRequest& request);
inline constexpr const char* kHdf5MergeSymbol = "tinyprep_hdf5_merge_v1";

/// `tinyprep merge -o all.jsonl a.jsonl b.jsonl ...`: the lines of every manifest, in order,
/// paths rebased to the output's folder. A repeated id whose line is the same (after
/// rebasing) is kept once; one whose line differs is refused, naming both files and lines.
/// Returns the number of lines written.
long merge_manifests(const std::vector<std::string>& inputs, const std::string& out, bool force);

}  // namespace tinyprep

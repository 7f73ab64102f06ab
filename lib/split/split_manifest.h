#pragma once
// `tinyprep split` without argv: read a manifest, give every line a split, write it.
#include <cstdint>
#include <string>

#include "manifest/manifest.h"
#include "split/split_rules.h"

namespace tinyprep {

enum class SplitMethod { kHash, kSpeechCommands };

struct SplitOptions {
  std::string input = "-";   ///< manifest file, dataset folder or "-"
  std::string output = "-";  ///< manifest file or "-"
  bool force = false;        ///< replace an existing output
  /// `output` replaces the input (in_place_output): a dataset's manifest is read and replaced
  /// under the dataset's lock.
  bool in_place = false;
  bool allow_outside = false;  ///< accept a dataset's lines whose media leave its folder
  SplitMethod method = SplitMethod::kHash;
  SplitRatios ratios;
  std::uint64_t seed = 0;
  /// The field whose value keeps lines together (a line without it is keyed by its id).
  std::string group_field = "group";
  bool stratify = false;
  bool keep_existing = false;
  /// speech-commands: the field whose file name is hashed (import keeps the original name in
  /// `path` unless it copied the file under a new name).
  std::string name_field = "path";
  bool json_report = false;  ///< print the report as JSON on stdout
  bool table = true;         ///< print the label × split table on stderr
};

/// Runs the split; returns the report (also printed when asked). Throws Error naming the line
/// for a line without id (or without the hashed field), a kept split that is not one of the
/// three names, and an empty manifest.
Json split_manifest(const SplitOptions& options);

}  // namespace tinyprep

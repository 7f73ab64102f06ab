#pragma once
// `tinyprep label` without argv: stream a manifest through LabelRules.
#include <string>

#include "label/label_rules.h"

namespace tinyprep {

struct LabelRunOptions {
  std::string input = "-";     ///< manifest file, dataset folder or "-"
  std::string output = "-";    ///< manifest file or "-"
  bool force = false;          ///< replace an existing output
  bool allow_outside = false;  ///< accept a dataset's lines whose media leave its folder
  /// `output` replaces the input (in_place_output): a dataset's manifest is read and replaced
  /// under the dataset's lock, and dataset.json's label list follows the renames.
  bool in_place = false;
};

/// Relabels and filters every line; returns the number of lines written. Throws Error naming
/// the line for a bad line, and naming the input when it has no samples.
long label_manifest(LabelRules& rules, const LabelRunOptions& options);

}  // namespace tinyprep

#pragma once
// `tinyprep features`: manifest lines in, one .npy per sample into a feature folder, the same
// lines out with a `features` field, in input order whatever the thread count.
#include <string>

#include "features/feature_config.h"

namespace tinyprep {

struct FeaturesOptions {
  std::string input = "-";   ///< manifest, dataset folder or "-"
  std::string featdir;       ///< the feature folder (-o)
  std::string output = "-";  ///< manifest to write (-O), "-" for stdout
  unsigned jobs = 0;         ///< threads, 0 = all cores
  bool force = false;        ///< replace --output; recompute a folder made with another config
  FeatureConfig config;      ///< resolved by resolve_feature_config()
};

struct FeaturesResult {
  long samples = 0;   ///< lines read
  long computed = 0;  ///< .npy files written
  long skipped = 0;   ///< already in the folder for the same (sha256, config)
  long failed = 0;    ///< samples with an error (printed, and left out of the output)
};

/// Runs the command. A sample that fails (unreadable or corrupt media, NaN/Inf samples, ...)
/// is reported on stderr naming the manifest line and file, the others are still processed and
/// written; the result says how many failed (the caller turns that into exit 1).
FeaturesResult run_features(const FeaturesOptions& options);

}  // namespace tinyprep

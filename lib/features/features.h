#pragma once
// `tinyprep features`: manifest lines in, features into a feature folder (rows of packed parts,
// or one .npy per sample), the same lines out with a `features` field, in input order whatever
// the thread count.
#include <string>
#include <vector>

#include "core/shard.h"
#include "features/feature_config.h"
#include "features/feature_store.h"

namespace tinyprep {

struct FeaturesOptions {
  std::string input = "-";   ///< manifest, dataset folder or "-"
  std::string featdir;       ///< the feature folder (-o)
  std::string output = "-";  ///< manifest to write (-O), "-" for stdout
  unsigned jobs = 0;         ///< threads, 0 = all cores
  bool force = false;        ///< replace --output; recompute a folder made with another config
  FeatureLayout layout = FeatureLayout::kPacked;  ///< --layout packed|files
  double part_mb = 256;                           ///< --part-mb: MiB per part (packed)
  Shard shard;                                    ///< --shard K/N: the lines worker K takes
  std::vector<std::string> command;  ///< the command line, config.json's made_by.command
  std::string version;               ///< tinyprep's version, made_by.tinyprep_version
  FeatureConfig config;              ///< resolved by resolve_feature_config()
};

struct FeaturesResult {
  long samples = 0;   ///< lines read (with --shard: the lines this worker took)
  long computed = 0;  ///< samples computed (rows or .npy files written)
  long parts = 0;     ///< parts written (packed)
  long others = 0;    ///< lines left to the other workers of --shard K/N
  long skipped = 0;   ///< already in the folder for the same (sha256, config)
  long failed = 0;    ///< samples with an error (printed, and left out of the output)
};

/// Runs the command. A sample that fails (unreadable or corrupt media, NaN/Inf samples, ...)
/// is reported on stderr naming the manifest line and file, the others are still processed and
/// written; the result says how many failed (the caller turns that into exit 1).
FeaturesResult run_features(const FeaturesOptions& options);

}  // namespace tinyprep

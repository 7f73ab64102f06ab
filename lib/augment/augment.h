#pragma once
// `tinyprep augment`: N seeded copies of each selected manifest line (audio, IMU CSV, images)
// written to a folder; the original lines, then the copies, then any `_silence_` clips. Every
// copy is a pure function of (seed, id, copy index) and records in `augment` what was done.
// docs/augment.md specifies the generator and every transform.
#include <cstdint>
#include <optional>
#include <string>

#include "core/shard.h"

namespace tinyprep {

/// "LO:HI" option values.
struct Range {
  double lo = 0, hi = 0;
};

struct AugmentOptions {
  std::string input = "-";   ///< manifest, dataset folder or "-"
  std::string outdir;        ///< -o
  std::string output = "-";  ///< -O
  bool force = false;
  unsigned jobs = 0;
  long copies = 1;
  uint64_t seed = 0;
  bool all = false;  ///< augment every line, not only split=train
  Shard shard;       ///< --shard K/N: only the lines whose id worker K takes
  // audio
  std::string noise;  ///< DIR of audio files or a MANIFEST of them
  double noise_prob = 0.8;
  Range noise_volume{0, 0.1};
  std::optional<Range> snr_db;  ///< instead of noise_volume
  double time_shift_ms = 0;
  std::optional<Range> gain_db;
  std::optional<Range> speed;
  std::optional<double> silence_pct;
  std::optional<double> unknown_pct;
  // IMU CSV
  double jitter = 0;
  std::optional<Range> scale;
  int64_t time_shift_rows = 0;
  // images
  std::string flip;  ///< "", "horizontal", "vertical"
  double brightness = 0, contrast = 0, rotate = 0;
  double random_crop = 0;  ///< 0 off, else the share of each side kept (0 < f < 1)
};

struct AugmentResult {
  long lines = 0;    ///< lines read
  long copies = 0;   ///< copies written
  long dropped = 0;  ///< `_unknown_` lines left out by --unknown
  long silence = 0;  ///< `_silence_` clips added
};

/// "LO:HI" (LO <= HI) for option `what`; throws usage_error.
Range parse_range(const std::string& text, const std::string& what);

/// Checks option values; throws usage_error.
void check_augment_options(const AugmentOptions& options);

/// Runs the command; an unreadable input stops it with an Error naming file and line.
AugmentResult run_augment(const AugmentOptions& options);

}  // namespace tinyprep

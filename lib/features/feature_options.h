#pragma once
// The options of `tinyprep features` as data: names, help and the presets they apply to, and
// the translation of the given values into a resolved FeatureConfig (so the command file only
// registers them, and the rules are tested without argv).
#include <map>
#include <string>
#include <vector>

#include "features/feature_config.h"

namespace tinyprep {

struct FeatureOptionSpec {
  const char* name;     ///< "--n-fft"; a flag when `value` is null ("--center" / "--no-center")
  const char* value;    ///< placeholder in --help ("N", "HZ"), or null for an on/off flag
  const char* presets;  ///< space-separated presets it applies to
  const char* help;
};

/// Every preset-specific option, in --help order.
const std::vector<FeatureOptionSpec>& feature_option_specs();

/// The resolved config for `preset` at `rate` with the given options (name -> text as typed;
/// flags as "true"/"false"), conditioning included. Throws usage_error for an unknown preset,
/// an option that does not apply to the preset, an unparsable value, or values that make no
/// sense together (n_mels > n_fft/2 + 1, fmax > rate/2, win_length > n_fft, ...).
FeatureConfig feature_config_from_options(const std::string& preset, int rate, double length_ms,
                                          const std::string& align,
                                          const std::map<std::string, std::string>& given);

}  // namespace tinyprep

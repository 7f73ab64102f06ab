#pragma once
// The options of `tinyprep features` as typed data: one description per option (name, value
// placeholder, presets, help, config JSON key, and its type, which says how the text sets the
// config and what the config JSON records), from which the command registers its options,
// parses and checks their values, and feature_config_json() writes them. Their defaults are the
// preset's (default_feature_config).
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "features/feature_config.h"

namespace tinyprep {

/// How an option's text sets a FeatureConfig, and the option's value in the config JSON.
struct FeatureOptionType {
  std::function<void(FeatureConfig&, const std::string& name, const std::string& text)> set;
  std::function<Json(const FeatureConfig&)> get;
};

/// One preset-specific option of `tinyprep features`.
struct FeatureOption {
  const char* name;     ///< "--n-fft"; a flag when `value` is null ("--center" / "--no-center")
  const char* value;    ///< placeholder in --help ("N", "HZ"), or null for an on/off flag
  const char* presets;  ///< space-separated presets it applies to
  const char* help;
  const char* json;  ///< its key in the config JSON
  FeatureOptionType type;
};

/// Every preset-specific option, in --help order.
const std::vector<FeatureOption>& feature_options();

/// The option called `name` ("--n-fft"), or null.
const FeatureOption* find_feature_option(std::string_view name);

/// The resolved config for `preset` at `rate` with the given options (name -> text as typed;
/// flags as "true"/"false"), conditioning included. Throws usage_error for an unknown preset,
/// an option that does not apply to the preset, an unparsable value, or values that make no
/// sense together (n_mels > n_fft/2 + 1, fmax > rate/2, win_length > n_fft, ...).
FeatureConfig feature_config_from_options(const std::string& preset, int rate, double length_ms,
                                          const std::string& align,
                                          const std::map<std::string, std::string>& given);

}  // namespace tinyprep

#include "features/feature_options.h"

#include <climits>
#include <sstream>

#include "core/error.h"
#include "core/parse.h"
#include "features/imu_features.h"

namespace tinyprep {
namespace {

constexpr const char* kFloatPresets = "spectrogram logmel mfcc mfe";
constexpr const char* kMelPresets = "logmel mfcc mfe";
constexpr const char* kLibrosaMel = "logmel mfcc";
constexpr const char* kLibrosa = "spectrogram logmel mfcc";
constexpr const char* kImuPresets = "imu imu-spectral";

constexpr EnumName<char> kTablesNames[] = {{'a', "a"}, {'b', "b"}, {'c', "c"}};

// The part of a FeatureConfig a field belongs to.
template <class Part>
Part& part(FeatureConfig& c) {
  if constexpr (std::is_same_v<Part, SpectralConfig>)
    return c.spectral;
  else if constexpr (std::is_same_v<Part, FrontendConfig>)
    return c.frontend;
  else if constexpr (std::is_same_v<Part, ImuConfig>)
    return c.imu;
  else
    return c;
}
template <class Part>
const Part& part(const FeatureConfig& c) {
  return part<Part>(const_cast<FeatureConfig&>(c));
}

// ---- the option types ----------------------------------------------------------------------

// A whole number; below `min` is refused ("--win-length must be at least 1").
template <class Part>
FeatureOptionType integer(int Part::*field, int min = INT_MIN) {
  return {[field, min](FeatureConfig& c, const std::string& name, const std::string& text) {
            int v = parse_number<int>(text, name);
            if (v < min) throw usage_error(name + " must be at least " + std::to_string(min));
            part<Part>(c).*field = v;
          },
          [field](const FeatureConfig& c) { return Json(part<Part>(c).*field); }};
}

// A number (double, or float recorded as the decimal typed); `positive` refuses <= 0.
template <class Part, class T>
FeatureOptionType real(T Part::*field, bool positive = false) {
  return {[field, positive](FeatureConfig& c, const std::string& name, const std::string& text) {
            double v = parse_number<double>(text, name);
            if (positive && v <= 0) throw usage_error(name + " must be positive");
            part<Part>(c).*field = static_cast<T>(v);
          },
          [field](const FeatureConfig& c) {
            if constexpr (std::is_same_v<T, float>)
              return Json(json_decimal(part<Part>(c).*field));
            else
              return Json(part<Part>(c).*field);
          }};
}

// An on/off flag ("true"/"false").
template <class Part>
FeatureOptionType flag(bool Part::*field) {
  return {[field](FeatureConfig& c, const std::string&, const std::string& text) {
            part<Part>(c).*field = text == "true";
          },
          [field](const FeatureConfig& c) { return Json(part<Part>(c).*field); }};
}

// One of the names of an enum's table.
template <class Part, class E, size_t N>
FeatureOptionType choice(E Part::*field, const EnumName<E> (&names)[N]) {
  return {[field, &names](FeatureConfig& c, const std::string& name, const std::string& text) {
            std::optional<E> v = enum_from_name(names, text);
            if (!v) throw usage_error(name + " must be " + names_text(names));
            part<Part>(c).*field = *v;
          },
          [field, &names](const FeatureConfig& c) {
            return Json(enum_name(names, part<Part>(c).*field));
          }};
}

// A number, or `word` for a setting without one (--ref max, --top-db none), recorded in the
// config JSON as `word_json`.
FeatureOptionType number_or(const char* word, Json word_json,
                            void (*store)(FeatureConfig&, std::optional<double>),
                            std::optional<double> (*load)(const FeatureConfig&)) {
  return {[word, store](FeatureConfig& c, const std::string& name, const std::string& text) {
            store(c, text == word ? std::nullopt
                                  : std::optional<double>(parse_number<double>(text, name)));
          },
          [word_json, load](const FeatureConfig& c) {
            std::optional<double> v = load(c);
            return v ? Json(*v) : word_json;
          }};
}

// --axes: a list of column names, null (all columns) when not given.
FeatureOptionType axes_list() {
  return {
      [](FeatureConfig& c, const std::string& name, const std::string& text) {
        c.imu.axes = parse_imu_axes(text, name);
      },
      [](const FeatureConfig& c) { return c.imu.axes.empty() ? Json(nullptr) : Json(c.imu.axes); }};
}

// --range: AXIS:LO:HI,...; recorded as {"aX": [-4.0, 4.0], ...}.
FeatureOptionType axis_ranges() {
  return {[](FeatureConfig& c, const std::string& name, const std::string& text) {
            c.imu.ranges = parse_imu_ranges(text, name);
          },
          [](const FeatureConfig& c) {
            Json o = Json::object();
            for (const auto& [axis, r] : c.imu.ranges) o[axis] = {r.lo, r.hi};
            return o;
          }};
}

bool applies(const FeatureOption& option, const std::string& preset) {
  std::istringstream words(option.presets);
  std::string w;
  while (words >> w)
    if (w == preset) return true;
  return false;
}

using S = SpectralConfig;
using F = FrontendConfig;
using I = ImuConfig;

}  // namespace

const std::vector<FeatureOption>& feature_options() {
  static const std::vector<FeatureOption> options = {
      {"--format", "uint16|float|int8", "micro_speech imu",
       "micro_speech: raw frontend value, speech_commands' training value (x 10/256), or the "
       "micro_speech model input (default int8); imu: float (float32, the default) or int8 "
       "(quantised with --scale/--zero-point)",
       "format", choice(&FeatureConfig::format, kFrontendFormatNames)},
      {"--frontend-tables", "a|b|c", "micro_speech",
       "a: TF op / micro_speech until Oct 2023 (default), b: tflite-micro after Oct 2023, "
       "c: today's audio_preprocessor_int8",
       "tables", choice(&F::tables, kTablesNames)},
      {"--window-ms", "MS", "micro_speech", "frontend window (default 30)", "window_ms",
       integer(&F::window_ms)},
      {"--stride-ms", "MS", "micro_speech", "frontend stride (default 20)", "stride_ms",
       integer(&F::stride_ms)},
      {"--channels", "N", "micro_speech", "frontend filterbank channels (default 40)", "channels",
       integer(&F::channels)},
      {"--lower-hz", "HZ", "micro_speech", "lowest filterbank frequency (default 125)", "lower_hz",
       real(&F::lower_hz)},
      {"--upper-hz", "HZ", "micro_speech", "highest filterbank frequency (default 7500)",
       "upper_hz", real(&F::upper_hz)},
      {"--pcan", nullptr, "micro_speech", "per-channel amplitude normalisation (default on)",
       "pcan", flag(&F::pcan)},
      {"--noise-reduction", nullptr, "micro_speech", "noise reduction (default on)",
       "noise_reduction", flag(&F::noise_reduction)},
      {"--n-fft", "N", kFloatPresets, "FFT size (default 2048; mfe 256)", "n_fft",
       integer(&S::n_fft)},
      {"--win-length", "N", kFloatPresets, "window length in samples (default n_fft; mfe 20 ms)",
       "win_length", integer(&S::win_length, 1)},
      {"--hop-length", "N", kFloatPresets,
       "samples between frames (default win_length/4; mfe 10 ms)", "hop_length",
       integer(&S::hop_length, 1)},
      {"--center", nullptr, kLibrosa,
       "pad n_fft/2 zeros on both sides so frame t is centred at t*hop (default on)", "center",
       flag(&S::center)},
      {"--power", "P", kLibrosa, "exponent of the magnitude: 2 power, 1 magnitude (default 2)",
       "power", real(&S::power)},
      {"--n-mels", "N", kMelPresets, "mel bands (default 128; mfe 40)", "n_mels",
       integer(&S::n_mels)},
      {"--fmin", "HZ", kMelPresets, "lowest mel frequency (default 0)", "fmin", real(&S::fmin)},
      {"--fmax", "HZ", kMelPresets, "highest mel frequency (default rate/2)", "fmax",
       real(&S::fmax, true)},
      {"--mel-scale", "slaney|htk", kLibrosaMel, "mel formula (default slaney)", "mel_scale",
       choice(&S::mel_scale, kMelScaleNames)},
      {"--mel-norm", "slaney|none", kLibrosaMel, "filter normalisation (default slaney: area)",
       "mel_norm", choice(&S::mel_norm, kMelNormNames)},
      {"--ref", "R|max", kLibrosaMel, "power_to_db reference (default 1.0; max: the clip's)", "ref",
       number_or(
           "max", "max",
           [](FeatureConfig& c, std::optional<double> v) {
             c.spectral.ref_max = !v;
             if (v) c.spectral.ref = *v;
           },
           [](const FeatureConfig& c) {
             return c.spectral.ref_max ? std::nullopt : std::optional<double>(c.spectral.ref);
           })},
      {"--amin", "A", kLibrosaMel, "power_to_db floor (default 1e-10)", "amin", real(&S::amin)},
      {"--top-db", "DB|none", kLibrosaMel, "dynamic range kept below the clip's peak (default 80)",
       "top_db",
       number_or(
           "none", nullptr,
           [](FeatureConfig& c, std::optional<double> v) { c.spectral.top_db = v; },
           [](const FeatureConfig& c) { return c.spectral.top_db; })},
      {"--n-mfcc", "N", "mfcc", "coefficients kept (default 20)", "n_mfcc", integer(&S::n_mfcc)},
      {"--pre-emphasis", "COEF", kFloatPresets,
       "y[n] - COEF y[n-1] before framing (default 0: off; mfe 0.98)", "pre_emphasis",
       real(&S::pre_emphasis)},
      {"--noise-floor-db", "DB", "mfe", "dB mapped to 0 (default -52)", "noise_floor_db",
       real(&S::noise_floor_db)},
      {"--rows", "N", kImuPresets,
       "pad (zeros at the end) or trim every window to N rows "
       "(default 0: keep each length)",
       "rows", integer(&I::rows, 0)},
      {"--axes", "A,B,..", kImuPresets, "CSV columns used, in this order (default: all)", "axes",
       axes_list()},
      {"--normalize", "range|zscore|none", "imu",
       "scale each axis by its sensor range to [0, 1], standardise it over the window, or keep "
       "it (default range)",
       "normalize", choice(&I::normalize, kImuNormalizeNames)},
      {"--range", "AXIS:LO:HI,..", "imu",
       "sensor range of axes (default: dataset.json's format.imu_ranges, else +-4 g for "
       "accelerometer axes aX/accX.., +-2000 dps for gyroscope axes gX/gyroX..)",
       "ranges", axis_ranges()},
      {"--scale", "S", "imu",
       "int8: the model input's scale (default 1/255 with --normalize "
       "range)",
       "scale", real(&I::scale, true)},
      {"--zero-point", "Z", "imu",
       "int8: the model input's zero point (default -128 with "
       "--normalize range, else 0)",
       "zero_point", integer(&I::zero_point)},
      {"--bins", "N", "imu-spectral", "log-spaced FFT bands per axis (default 8)", "bins",
       integer(&I::bins, 1)},
  };
  return options;
}

const FeatureOption* find_feature_option(std::string_view name) {
  for (const FeatureOption& o : feature_options())
    if (name == o.name) return &o;
  return nullptr;
}

FeatureConfig feature_config_from_options(const std::string& preset, int rate, double length_ms,
                                          const std::string& align,
                                          const std::map<std::string, std::string>& given) {
  FeatureConfig c = default_feature_config(preset, rate);  // checks the preset name
  c.length_ms = length_ms;
  c.align = align_from_name(align);
  for (const auto& [name, text] : given) {
    const FeatureOption* option = find_feature_option(name);
    if (!option) throw usage_error("unknown option " + name);
    if (!applies(*option, preset))
      throw usage_error(name + " does not apply to --preset " + preset + " (it is for " +
                        option->presets + ")");
    option->type.set(c, name, text);
  }
  return resolve_feature_config(c);
}

}  // namespace tinyprep

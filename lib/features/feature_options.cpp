#include "features/feature_options.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "core/error.h"

namespace tinyprep {
namespace {

constexpr const char* kFloatPresets = "spectrogram logmel mfcc mfe";
constexpr const char* kMelPresets = "logmel mfcc mfe";
constexpr const char* kLibrosaMel = "logmel mfcc";
constexpr const char* kLibrosa = "spectrogram logmel mfcc";

bool applies(const FeatureOptionSpec& spec, const std::string& preset) {
  std::istringstream words(spec.presets);
  std::string w;
  while (words >> w)
    if (w == preset) return true;
  return false;
}

double to_double(const std::string& name, const std::string& text) {
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
    throw usage_error(name + ": '" + text + "' is not a number");
  return v;
}

int to_int(const std::string& name, const std::string& text) {
  errno = 0;
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || v < -1000000000 || v > 1000000000)
    throw usage_error(name + ": '" + text + "' is not a whole number");
  return static_cast<int>(v);
}

}  // namespace

const std::vector<FeatureOptionSpec>& feature_option_specs() {
  static const std::vector<FeatureOptionSpec> specs = {
      {"--format", "uint16|float|int8", "micro_speech",
       "raw frontend value, speech_commands' training value (x 10/256), or the micro_speech "
       "model input (default int8)"},
      {"--frontend-tables", "a|b|c", "micro_speech",
       "a: TF op / micro_speech until Oct 2023 (default), b: tflite-micro after Oct 2023, "
       "c: today's audio_preprocessor_int8"},
      {"--window-ms", "MS", "micro_speech", "frontend window (default 30)"},
      {"--stride-ms", "MS", "micro_speech", "frontend stride (default 20)"},
      {"--channels", "N", "micro_speech", "frontend filterbank channels (default 40)"},
      {"--lower-hz", "HZ", "micro_speech", "lowest filterbank frequency (default 125)"},
      {"--upper-hz", "HZ", "micro_speech", "highest filterbank frequency (default 7500)"},
      {"--pcan", nullptr, "micro_speech", "per-channel amplitude normalisation (default on)"},
      {"--noise-reduction", nullptr, "micro_speech", "noise reduction (default on)"},
      {"--n-fft", "N", kFloatPresets, "FFT size (default 2048; mfe 256)"},
      {"--win-length", "N", kFloatPresets, "window length in samples (default n_fft; mfe 20 ms)"},
      {"--hop-length", "N", kFloatPresets,
       "samples between frames (default win_length/4; mfe 10 ms)"},
      {"--center", nullptr, kLibrosa,
       "pad n_fft/2 zeros on both sides so frame t is centred at t*hop (default on)"},
      {"--power", "P", kLibrosa, "exponent of the magnitude: 2 power, 1 magnitude (default 2)"},
      {"--n-mels", "N", kMelPresets, "mel bands (default 128; mfe 40)"},
      {"--fmin", "HZ", kMelPresets, "lowest mel frequency (default 0)"},
      {"--fmax", "HZ", kMelPresets, "highest mel frequency (default rate/2)"},
      {"--mel-scale", "slaney|htk", kLibrosaMel, "mel formula (default slaney)"},
      {"--mel-norm", "slaney|none", kLibrosaMel, "filter normalisation (default slaney: area)"},
      {"--ref", "R|max", kLibrosaMel, "power_to_db reference (default 1.0; max: the clip's)"},
      {"--amin", "A", kLibrosaMel, "power_to_db floor (default 1e-10)"},
      {"--top-db", "DB|none", kLibrosaMel, "dynamic range kept below the clip's peak (default 80)"},
      {"--n-mfcc", "N", "mfcc", "coefficients kept (default 20)"},
      {"--pre-emphasis", "COEF", kFloatPresets,
       "y[n] - COEF y[n-1] before framing (default 0: off; mfe 0.98)"},
      {"--noise-floor-db", "DB", "mfe", "dB mapped to 0 (default -52)"},
  };
  return specs;
}

FeatureConfig feature_config_from_options(const std::string& preset, int rate, double length_ms,
                                          const std::string& align,
                                          const std::map<std::string, std::string>& given) {
  FeatureConfig c = default_feature_config(preset, rate);  // checks the preset name
  c.length_ms = length_ms;
  c.align = align_from_name(align);
  for (const auto& [name, text] : given) {
    const FeatureOptionSpec* spec = nullptr;
    for (const auto& s : feature_option_specs())
      if (name == s.name) spec = &s;
    if (!spec) throw usage_error("unknown option " + name);
    if (!applies(*spec, preset))
      throw usage_error(name + " does not apply to --preset " + preset + " (it is for " +
                        spec->presets + ")");
    const bool on = text == "true";
    SpectralConfig& s = c.spectral;
    FrontendConfig& f = c.frontend;
    if (name == "--format") {
      if (text == "uint16")
        c.format = FrontendFormat::kUInt16;
      else if (text == "float")
        c.format = FrontendFormat::kFloat;
      else if (text == "int8")
        c.format = FrontendFormat::kInt8;
      else
        throw usage_error("--format must be uint16, float or int8");
    } else if (name == "--frontend-tables") {
      if (text != "a" && text != "b" && text != "c")
        throw usage_error("--frontend-tables must be a, b or c");
      f.tables = text[0];
    } else if (name == "--window-ms") {
      f.window_ms = to_int(name, text);
    } else if (name == "--stride-ms") {
      f.stride_ms = to_int(name, text);
    } else if (name == "--channels") {
      f.channels = to_int(name, text);
    } else if (name == "--lower-hz") {
      f.lower_hz = static_cast<float>(to_double(name, text));
    } else if (name == "--upper-hz") {
      f.upper_hz = static_cast<float>(to_double(name, text));
    } else if (name == "--pcan") {
      f.pcan = on;
    } else if (name == "--noise-reduction") {
      f.noise_reduction = on;
    } else if (name == "--n-fft") {
      s.n_fft = to_int(name, text);
    } else if (name == "--win-length") {
      s.win_length = to_int(name, text);
      if (s.win_length <= 0) throw usage_error("--win-length must be at least 1");
    } else if (name == "--hop-length") {
      s.hop_length = to_int(name, text);
      if (s.hop_length <= 0) throw usage_error("--hop-length must be at least 1");
    } else if (name == "--center") {
      s.center = on;
    } else if (name == "--power") {
      s.power = to_double(name, text);
    } else if (name == "--n-mels") {
      s.n_mels = to_int(name, text);
    } else if (name == "--fmin") {
      s.fmin = to_double(name, text);
    } else if (name == "--fmax") {
      s.fmax = to_double(name, text);
      if (s.fmax <= 0) throw usage_error("--fmax must be positive");
    } else if (name == "--mel-scale") {
      if (text != "slaney" && text != "htk") throw usage_error("--mel-scale must be slaney or htk");
      s.mel_scale = text == "htk" ? MelScale::kHtk : MelScale::kSlaney;
    } else if (name == "--mel-norm") {
      if (text != "slaney" && text != "none")
        throw usage_error("--mel-norm must be slaney or none");
      s.mel_norm = text == "none" ? MelNorm::kNone : MelNorm::kSlaney;
    } else if (name == "--ref") {
      s.ref_max = text == "max";
      if (!s.ref_max) s.ref = to_double(name, text);
    } else if (name == "--amin") {
      s.amin = to_double(name, text);
    } else if (name == "--top-db") {
      if (text == "none")
        s.top_db.reset();
      else
        s.top_db = to_double(name, text);
    } else if (name == "--n-mfcc") {
      s.n_mfcc = to_int(name, text);
    } else if (name == "--pre-emphasis") {
      s.pre_emphasis = to_double(name, text);
    } else if (name == "--noise-floor-db") {
      s.noise_floor_db = to_double(name, text);
    }
  }
  return resolve_feature_config(c);
}

}  // namespace tinyprep

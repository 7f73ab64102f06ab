#include "features/feature_config.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <functional>
#include <mutex>

#include "core/error.h"
#include "core/hash.h"
#include "features/feature_options.h"

namespace tinyprep {
namespace {

// Bumped whenever a change of the code changes the values for the same parameters, so that
// incremental runs recompute instead of reusing stale files.
constexpr int kFeaturesVersion = 1;

SpectralKind kind_of(const std::string& preset) {
  if (preset == "spectrogram") return SpectralKind::kSpectrogram;
  if (preset == "logmel") return SpectralKind::kLogMel;
  if (preset == "mfcc") return SpectralKind::kMfcc;
  if (preset == "mfe") return SpectralKind::kMfe;
  throw usage_error("unknown preset '" + preset +
                    "' (expected micro_speech, spectrogram, logmel, mfcc, mfe, imu or "
                    "imu-spectral)");
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string samples_text(int64_t n) {
  return std::to_string(n) + (n == 1 ? " sample" : " samples");
}

// The frontend's band in the words of its options, naming the one to change (at --rate 8000
// the default --upper-hz 7500 is above Nyquist): the frontend's own check only says "need ...".
void check_frontend_band(const FeatureConfig& c) {
  const FeatureConfig defaults = default_feature_config(c.preset, c.sample_rate);
  // "--upper-hz 7500 (the default)": the value as the option's row records it.
  auto shown = [&](const char* name) {
    const FeatureOption& o = *find_feature_option(name);
    const Json value = o.type.get(c);
    return std::string(o.name) + " " + number_text(value.get<double>()) +
           (value == o.type.get(defaults) ? " (the default)" : "");
  };
  const double lower = c.frontend.lower_hz, upper = c.frontend.upper_hz;
  const double nyquist = c.sample_rate / 2.0;
  if (!(upper <= nyquist))
    throw usage_error(shown("--upper-hz") + " is above the Nyquist frequency " +
                      number_text(nyquist) + " Hz of --rate " + std::to_string(c.sample_rate) +
                      ": give --upper-hz " + number_text(nyquist) + " or lower");
  if (!(lower >= 0 && lower < upper))
    throw usage_error(shown("--lower-hz") + " must be at least 0 and below --upper-hz " +
                      number_text(upper));
}

// The IMU presets: rate 0 is each line's recorded rate; --length-ms and --align do not apply
// (--rows does); int8 needs the model input's quantisation, which a [0, 1] input has by default.
FeatureConfig resolve_imu_config(FeatureConfig c) {
  ImuConfig& m = c.imu;
  if (c.sample_rate < 0 || c.sample_rate > 1000000)
    throw usage_error("--rate must be between 1 and 1000000 Hz (or left out: the recorded rate)");
  if (m.rows > 10000000) throw usage_error("--rows must be at most 10000000");
  const bool int8 = c.format == FrontendFormat::kInt8;
  if (c.format == FrontendFormat::kUInt16 || (c.preset == "imu-spectral" && int8))
    throw usage_error(std::string("--format ") + enum_name(kFrontendFormatNames, c.format) +
                      " does not apply to --preset " + c.preset +
                      (c.preset == "imu" ? " (float or int8)" : " (always float32)"));
  if (!m.ranges.empty() && m.normalize != ImuNormalize::kRange)
    throw usage_error("--range applies to --normalize range only");
  const bool given_q = m.scale != 0 || m.zero_point != INT_MIN;
  if (!int8 && given_q) throw usage_error("--scale and --zero-point apply to --format int8 only");
  if (int8) {
    if (m.normalize == ImuNormalize::kRange) {
      // What a [0, 1] input quantises to: 0 -> -128, 1 -> 127.
      if (m.scale == 0) m.scale = 1.0 / 255.0;
      if (m.zero_point == INT_MIN) m.zero_point = -128;
    } else if (m.scale == 0) {
      throw usage_error("--format int8 with --normalize " +
                        std::string(enum_name(kImuNormalizeNames, m.normalize)) +
                        " needs the model input's --scale (and --zero-point, default 0)");
    }
    if (m.zero_point == INT_MIN) m.zero_point = 0;
    if (m.zero_point < -128 || m.zero_point > 127)
      throw usage_error("--zero-point must be between -128 and 127");
  }
  if (m.bins < 1 || m.bins > 1000) throw usage_error("--bins must be between 1 and 1000");
  return c;
}

}  // namespace

double json_decimal(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.7g", v);
  return std::strtod(buf, nullptr);
}

int64_t FeatureConfig::length_samples() const {
  return static_cast<int64_t>(std::llround(length_ms * sample_rate / 1000.0));
}

FeatureConfig default_feature_config(const std::string& preset, int sample_rate) {
  FeatureConfig c;
  c.preset = preset;
  c.sample_rate = sample_rate;
  if (preset == "micro_speech") {
    c.frontend.sample_rate = sample_rate;
  } else if (c.is_imu()) {
    c.format = FrontendFormat::kFloat;
  } else {
    c.spectral = default_spectral_config(kind_of(preset), sample_rate);
  }
  return c;
}

FeatureConfig resolve_feature_config(FeatureConfig c) {
  if (c.is_imu()) return resolve_imu_config(c);
  if (c.sample_rate <= 0 || c.sample_rate > 1000000)
    throw usage_error("--rate must be between 1 and 1000000 Hz");
  if (!(c.length_ms >= 0) || c.length_ms > 3600e3)
    throw usage_error("--length-ms must be between 0 (keep each clip's length) and 3600000");
  size_t frames = 0, window = 0;
  if (c.is_micro()) {
    c.frontend.sample_rate = c.sample_rate;
    check_frontend_band(c);
    MicroFrontend probe(c.frontend);  // checks the frontend options
    window = probe.window_samples();
    frames = probe.frames_for(c.length_samples());
  } else {
    c.spectral.kind = kind_of(c.preset);
    c.spectral.sample_rate = c.sample_rate;
    c.spectral = resolve_spectral_config(c.spectral);
    SpectralExtractor probe(c.spectral);
    window = c.spectral.kind == SpectralKind::kMfe ? c.spectral.win_length : c.spectral.n_fft;
    frames = probe.frames_for(c.length_samples());
  }
  if (c.length_ms > 0 && frames == 0)
    throw usage_error("--length-ms " + number_text(c.length_ms) + " gives " +
                      samples_text(c.length_samples()) + ", fewer than one " +
                      std::to_string(window) + "-sample frame");
  return c;
}

namespace {

// The IMU presets' parameters; `put` adds an option's entry as its row says.
Json imu_config_json(const FeatureConfig& c, Json& j, const std::function<void(const char*)>& put) {
  const ImuConfig& m = c.imu;
  j["sample_rate"] = c.sample_rate > 0 ? Json(c.sample_rate) : Json(nullptr);  // null: recorded
  j["resample"] = "linear";
  put("--rows");
  j["pad"] = "zeros_at_end";
  put("--axes");
  if (c.preset == "imu-spectral") {
    put("--bins");
    j["bands"] = "log_spaced_fft_bins";
    j["statistics"] = {"mean", "rms", "skewness", "kurtosis"};
    return j;
  }
  put("--normalize");
  if (m.normalize == ImuNormalize::kRange) {
    auto ranges = [](const std::map<std::string, ImuRange>& r) {
      Json o = Json::object();
      for (const auto& [axis, v] : r) o[axis] = {v.lo, v.hi};
      return o;
    };
    j["ranges"] = ranges(m.ranges);
    j["dataset_ranges"] = ranges(m.dataset_ranges);
    j["default_ranges"] = {{"accelerometer", {-kAccelRangeG, kAccelRangeG}},
                           {"gyroscope", {-kGyroRangeDps, kGyroRangeDps}}};
  }
  put("--format");
  if (c.format == FrontendFormat::kInt8) {
    put("--scale");
    put("--zero-point");
  }
  return j;
}

}  // namespace

Json feature_config_json(const FeatureConfig& c) {
  Json j;
  // An option's entry: its key and value as its description (feature_options.h) says.
  auto put = [&](const char* option) {
    const FeatureOption* o = find_feature_option(option);
    j[o->json] = o->type.get(c);
  };
  j["preset"] = c.preset;
  j["features_version"] = kFeaturesVersion;
  if (c.is_imu()) return imu_config_json(c, j, put);
  j["sample_rate"] = c.sample_rate;
  j["length_ms"] = c.length_ms;
  j["align"] = align_name(c.align);
  if (c.is_micro()) {
    const FrontendConfig& f = c.frontend;
    for (const char* o : {"--window-ms", "--stride-ms", "--channels", "--lower-hz", "--upper-hz",
                          "--noise-reduction"})
      put(o);
    j["smoothing_bits"] = f.smoothing_bits;
    j["even_smoothing"] = json_decimal(f.even_smoothing);
    j["odd_smoothing"] = json_decimal(f.odd_smoothing);
    j["min_signal_remaining"] = json_decimal(f.min_signal_remaining);
    put("--pcan");
    j["pcan_strength"] = json_decimal(f.pcan_strength);
    j["pcan_offset"] = json_decimal(f.pcan_offset);
    j["gain_bits"] = f.gain_bits;
    j["log_scale"] = f.log_scale;
    j["scale_shift"] = f.scale_shift;
    put("--frontend-tables");
    put("--format");
    return j;
  }
  const SpectralKind kind = c.spectral.kind;
  const bool mfe = kind == SpectralKind::kMfe;
  for (const char* o : {"--n-fft", "--win-length", "--hop-length"}) put(o);
  if (mfe) {
    j["window"] = "rectangular";
  } else {
    j["window"] = "hann";
    put("--center");
    j["pad_mode"] = "constant";
    put("--power");
  }
  if (kind != SpectralKind::kSpectrogram) {
    for (const char* o : {"--n-mels", "--fmin", "--fmax"}) put(o);
    if (mfe) {
      j["mel_scale"] = "edge_impulse";
      put("--noise-floor-db");
    } else {
      for (const char* o : {"--mel-scale", "--mel-norm", "--ref", "--amin", "--top-db"}) put(o);
    }
  }
  if (kind == SpectralKind::kMfcc) {
    put("--n-mfcc");
    j["dct"] = "ortho-II";
  }
  put("--pre-emphasis");
  return j;
}

std::string feature_config_hash(const FeatureConfig& config) {
  // nlohmann::json (unordered) sorts keys: the hash does not depend on insertion order.
  nlohmann::json sorted = nlohmann::json::parse(feature_config_json(config).dump());
  return sha256_hex(sorted.dump());
}

std::string feature_config_tag(const FeatureConfig& config) {
  return config.preset + "@" + feature_config_hash(config).substr(0, 12);
}

// MicroFrontend keeps per-clip state and scratch: one per thread, lent out from a free list.
struct FeatureExtractor::FrontendPool {
  FrontendConfig config;
  std::mutex mutex;
  std::vector<std::unique_ptr<MicroFrontend>> free;

  std::unique_ptr<MicroFrontend> take() {
    {
      std::lock_guard lock(mutex);
      if (!free.empty()) {
        auto f = std::move(free.back());
        free.pop_back();
        return f;
      }
    }
    return std::make_unique<MicroFrontend>(config);
  }
  void give(std::unique_ptr<MicroFrontend> f) {
    std::lock_guard lock(mutex);
    free.push_back(std::move(f));
  }
};

FeatureExtractor::FeatureExtractor(const FeatureConfig& config) : config_(config) {
  if (config_.is_micro()) {
    frontends_ = std::make_unique<FrontendPool>();
    frontends_->config = config_.frontend;
    frontends_->give(frontends_->take());  // builds the tables once, and checks the config
  } else if (!config_.is_imu()) {          // the IMU presets: features/imu_features.h
    spectral_ = std::make_unique<SpectralExtractor>(config_.spectral);
  }
}

FeatureExtractor::~FeatureExtractor() = default;

DType FeatureExtractor::dtype() const {
  if (config_.preset == "imu" && config_.format == FrontendFormat::kInt8) return DType::kInt8;
  if (!config_.is_micro()) return DType::kFloat32;
  switch (config_.format) {
    case FrontendFormat::kUInt16:
      return DType::kUInt16;
    case FrontendFormat::kFloat:
      return DType::kFloat32;
    case FrontendFormat::kInt8:
      return DType::kInt8;
  }
  return DType::kInt8;
}

size_t FeatureExtractor::frames_for(size_t n) const {
  if (config_.is_imu()) return n;  // rows
  if (spectral_) return spectral_->frames_for(n);
  auto f = frontends_->take();
  size_t frames = f->frames_for(n);
  frontends_->give(std::move(f));
  return frames;
}

size_t FeatureExtractor::bins() const {
  if (config_.is_imu()) return 0;  // the axes of each file
  return spectral_ ? spectral_->bins() : static_cast<size_t>(config_.frontend.channels);
}

size_t FeatureExtractor::window_samples() const {
  if (config_.is_imu()) return 1;
  if (spectral_) {
    const SpectralConfig& s = config_.spectral;
    return s.kind == SpectralKind::kMfe ? s.win_length : s.n_fft;
  }
  auto f = frontends_->take();
  size_t w = f->window_samples();
  frontends_->give(std::move(f));
  return w;
}

int FeatureExtractor::empty_mel_bands() const {
  return spectral_ ? spectral_->empty_mel_bands() : 0;
}

namespace {

// x * 32768 clamped to int16 and rounded half to even, as lrint does in the default rounding
// mode: PCM16 sources come back exactly. With SSE2, four samples at a time (cvtps2dq rounds as
// lrint; packssdw saturates); lrint per sample was a fifth of the micro_speech preset's time.
void float_to_pcm16(const float* x, int16_t* out, size_t n) {
  size_t i = 0;
#ifdef __SSE2__
  const __m128 scale = _mm_set1_ps(32768.0f), lo = _mm_set1_ps(-32768.0f),
               hi = _mm_set1_ps(32767.0f);
  for (; i + 8 <= n; i += 8) {
    __m128 a = _mm_min_ps(_mm_max_ps(_mm_mul_ps(_mm_loadu_ps(x + i), scale), lo), hi);
    __m128 b = _mm_min_ps(_mm_max_ps(_mm_mul_ps(_mm_loadu_ps(x + i + 4), scale), lo), hi);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                     _mm_packs_epi32(_mm_cvtps_epi32(a), _mm_cvtps_epi32(b)));
  }
#endif
  for (; i < n; ++i)
    out[i] = static_cast<int16_t>(std::clamp(std::lrint(x[i] * 32768.0f), -32768L, 32767L));
}

}  // namespace

FeatureArray FeatureExtractor::compute(const float* x, size_t n) const {
  if (config_.is_imu()) throw Error("internal: the IMU presets are computed from CSV tables");
  FeatureArray a;
  a.dtype = dtype();
  if (spectral_) {
    thread_local std::vector<float> values;
    spectral_->compute(x, n, values);
    a.shape = {spectral_->frames_for(n), spectral_->bins()};
    a.data.assign(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
    return a;
  }
  // The frontend reads int16: PCM16 sources come back exactly (x * 32768 is their integer).
  thread_local std::vector<int16_t> pcm;
  thread_local std::vector<uint16_t> raw;
  pcm.resize(n);
  float_to_pcm16(x, pcm.data(), n);
  std::unique_ptr<MicroFrontend> f = frontends_->take();
  f->compute(pcm.data(), n, raw);
  const size_t frames = f->frames_for(n);
  frontends_->give(std::move(f));
  a.shape = {frames, static_cast<size_t>(config_.frontend.channels)};
  switch (config_.format) {
    case FrontendFormat::kUInt16:
      a.data.assign(reinterpret_cast<const char*>(raw.data()), raw.size() * sizeof(uint16_t));
      break;
    case FrontendFormat::kFloat: {
      a.data.resize(raw.size() * sizeof(float));
      for (size_t i = 0; i < raw.size(); ++i) {
        const float v = frontend_to_float(raw[i]);
        std::memcpy(&a.data[i * sizeof(float)], &v, sizeof v);
      }
      break;
    }
    case FrontendFormat::kInt8:
      a.data.resize(raw.size());
      for (size_t i = 0; i < raw.size(); ++i)
        a.data[i] = static_cast<char>(frontend_to_int8(raw[i]));
      break;
  }
  return a;
}

}  // namespace tinyprep

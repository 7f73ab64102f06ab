#pragma once
// A feature configuration: preset, conditioning and every parameter of the extractor, its
// canonical JSON and hash (what config.json records and what incremental runs compare), and the
// extractor it builds.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "array/npy.h"
#include "audio/condition.h"
#include "audio/micro_frontend.h"
#include "audio/spectral.h"
#include "core/enum_names.h"
#include "features/imu_config.h"
#include "manifest/manifest.h"

namespace tinyprep {

/// The presets of `tinyprep features --preset`.
inline constexpr const char* kFeaturePresets[] = {
    "micro_speech", "spectrogram", "logmel", "mfcc", "mfe", "imu", "imu-spectral"};

/// Output of the micro_speech preset (and of imu: float or int8).
enum class FrontendFormat {
  kUInt16,  ///< the raw frontend value
  kFloat,   ///< v * 10 / 256, what speech_commands trains on
  kInt8,    ///< the micro_speech model input
};
/// --format's names.
inline constexpr EnumName<FrontendFormat> kFrontendFormatNames[] = {
    {FrontendFormat::kUInt16, "uint16"},
    {FrontendFormat::kFloat, "float"},
    {FrontendFormat::kInt8, "int8"}};

struct FeatureConfig {
  std::string preset = "logmel";
  int sample_rate = 16000;
  double length_ms = 1000;  ///< 0: keep each clip's length
  Align align = Align::kStart;
  SpectralConfig spectral;  ///< spectrogram, logmel, mfcc, mfe
  FrontendConfig frontend;  ///< micro_speech
  FrontendFormat format = FrontendFormat::kInt8;
  ImuConfig imu;  ///< imu, imu-spectral (sample_rate 0: each line's recorded rate)

  bool is_micro() const { return preset == "micro_speech"; }
  bool is_imu() const { return preset == "imu" || preset == "imu-spectral"; }
  /// Target length in samples (0 = keep).
  int64_t length_samples() const;
};

/// The default config of a preset at a rate (librosa's defaults, Edge Impulse's for mfe,
/// micro_speech's for the frontend). Throws usage_error for an unknown preset.
FeatureConfig default_feature_config(const std::string& preset, int sample_rate);

/// Fills derived defaults and checks the whole config (including that the target length holds
/// at least one frame); throws usage_error naming the offending option.
FeatureConfig resolve_feature_config(FeatureConfig config);

/// A float parameter as the decimal the user typed (0.025, not 0.0250000004).
double json_decimal(float v);

/// Every parameter that changes the output, in a fixed order.
Json feature_config_json(const FeatureConfig& config);
/// sha256 of the canonical (sorted, compact) JSON of feature_config_json().
std::string feature_config_hash(const FeatureConfig& config);
/// "<preset>@<first 12 hex digits of the hash>", the manifest's `features.config`.
std::string feature_config_tag(const FeatureConfig& config);

/// One clip's features, ready for a .npy file.
struct FeatureArray {
  DType dtype = DType::kFloat32;
  std::vector<size_t> shape;  ///< frames x bins
  std::string data;           ///< little-endian bytes, C order
};

/// Computes the features of conditioned mono audio at the config's rate. Thread-safe.
class FeatureExtractor {
 public:
  /// `config` must be resolved. Throws usage_error on a config the extractor refuses.
  explicit FeatureExtractor(const FeatureConfig& config);
  ~FeatureExtractor();

  DType dtype() const;
  /// Frames for a clip of n samples (0: too short for one frame).
  size_t frames_for(size_t n) const;
  size_t bins() const;
  /// Samples one frame needs (the analysis window).
  size_t window_samples() const;
  /// Mel bands without any FFT bin (librosa warns about those).
  int empty_mel_bands() const;

  /// Features of x[0, n); frames_for(n) must be > 0.
  FeatureArray compute(const float* x, size_t n) const;

 private:
  struct FrontendPool;
  FeatureConfig config_;
  std::unique_ptr<SpectralExtractor> spectral_;
  std::unique_ptr<FrontendPool> frontends_;
};

}  // namespace tinyprep

#pragma once
// TensorFlow's micro frontend (the audio_microfrontend op that speech_commands trains with
// --preprocess=micro, and the micro_speech feature generator on the device), bit-exact:
// Hann window, 16-bit fixed-point FFT, mel filterbank, square root, noise reduction, PCAN
// gain control and log, all in integer arithmetic (docs/FRONTEND_SPEC.md).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace tinyprep {

/// Fixed-point formats the frontend's tables and arithmetic share (FRONTEND_SPEC.md).
inline constexpr int kFrontendWindowBits = 12;
inline constexpr int kFrontendNoiseReductionBits = 14;
inline constexpr int kFrontendPcanSnrBits = 12;

/// The frontend's options; the defaults are micro_speech / speech_commands --preprocess=micro.
struct FrontendConfig {
  int sample_rate = 16000;
  int window_ms = 30;
  int stride_ms = 20;
  int channels = 40;
  float lower_hz = 125, upper_hz = 7500;
  /// Off: the noise estimate is still tracked (PCAN needs it) but not subtracted.
  bool noise_reduction = true;
  int smoothing_bits = 10;
  float even_smoothing = 0.025f, odd_smoothing = 0.06f, min_signal_remaining = 0.05f;
  bool pcan = true;
  float pcan_strength = 0.95f, pcan_offset = 80.f;
  int gain_bits = 21;
  bool log_scale = true;
  int scale_shift = 6;
  /// Which upstream table construction (tests/data/kws_tflm/README.md "Which target"):
  /// 'a' TF op and micro_speech until Oct 2023 (double precision mel, the reference outputs);
  /// 'b' tflite-micro microfrontend after Oct 2023 (float precision window and mel);
  /// 'c' today's micro_speech audio_preprocessor_int8 (as 'a' but weights truncated).
  char tables = 'a';
};

/// Every table the frontend derives from a config, in the upstream layout (the names are the
/// ones of tests/data/kws_tflm/micro_speech_tables.txt).
struct FrontendTables {
  int window_size = 0;          ///< samples per frame
  int window_step = 0;          ///< samples between frame starts
  int fft_size = 0;             ///< next power of two >= window_size
  std::vector<int16_t> window;  ///< Hann coefficients, 12 fraction bits
  int start_index = 0;          ///< first FFT bin the filterbank reads
  int end_index = 0;            ///< one past the last
  /// Per filterbank group (channels + 1 of them; group 0 only feeds channel 0's rising edge).
  std::vector<int> channel_frequency_starts, channel_weight_starts, channel_widths;
  std::vector<int16_t> weights, unweights;  ///< 12 fraction bits, zero on alignment padding
  int noise_even_smoothing_q14 = 0, noise_odd_smoothing_q14 = 0;
  int noise_min_signal_remaining_q14 = 0;
  int pcan_snr_shift = 0;
  std::vector<int16_t> pcan_gain_lut;  ///< 125 values: the wide-dynamic-function table
  int log_correction_bits = 0;         ///< log2(fft_size) - 1 - 6
};

/// Builds the tables of a config; throws usage_error (naming the option) on nonsense configs.
FrontendTables build_frontend_tables(const FrontendConfig& config);

/// The frontend with its tables built once (constructor) for many clips. Holds scratch and the
/// noise state, so use one object per thread.
class MicroFrontend {
 public:
  /// Throws usage_error on nonsense configs.
  explicit MicroFrontend(const FrontendConfig& config);
  ~MicroFrontend();
  MicroFrontend(MicroFrontend&&) noexcept;
  MicroFrontend& operator=(MicroFrontend&&) noexcept;

  const FrontendConfig& config() const;
  const FrontendTables& tables() const;
  int channels() const;
  int window_samples() const;
  int stride_samples() const;

  /// Frames in a clip of n samples: (n - window) / stride + 1, 0 when shorter than a window
  /// (trailing samples are dropped, nothing is padded).
  int frames_for(size_t n_samples) const;

  /// The features of one clip with fresh state (as TF training does): out is resized to
  /// frames_for(n) * channels() values, frame-major (row = frame, oldest first; column =
  /// channel, low to high frequency).
  void compute(const int16_t* samples, size_t n, std::vector<uint16_t>& out);

  // Streaming use (the on-device feature provider keeps its noise state across windows):
  /// Zeroes the noise estimates.
  void reset();
  /// One frame from window_samples() samples into channels() values; updates the state.
  void process_window(const int16_t* window, uint16_t* out);
  /// The per-channel noise estimates (what PCAN divides by), channels() of them.
  std::vector<uint32_t> noise_estimates() const;
  /// Presets the noise estimates; throws usage_error unless there are channels() of them.
  void set_noise_estimates(const std::vector<uint32_t>& estimates);

  /// AVX2 kernels are used when the CPU has them (same results); false forces the portable
  /// code (for tests and benchmarks). Returns whether AVX2 is now in use.
  bool use_avx2(bool on);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A frontend value as speech_commands trains on it: v * 10 / 256 (exact in float).
float frontend_to_float(uint16_t v);

/// The micro_speech model input: (v * 256 + 333) / 666 - 128, clamped to [-128, 127].
int8_t frontend_to_int8(uint16_t v);

/// The frontend's rounded integer square root: floor(sqrt(x)), plus one when x - r*r > r,
/// except at 0xFFFF for x < 2^32 (the 32-bit routine's cap) and at 0xFFFFFFFF above.
uint32_t frontend_sqrt(uint64_t x);

}  // namespace tinyprep

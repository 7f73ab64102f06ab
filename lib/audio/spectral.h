#pragma once
// Float32 spectral features with librosa 0.10's definitions (stft, filters.mel, power_to_db,
// feature.mfcc), time-major (frames x bins), plus an Edge Impulse-style MFE. Everything that
// does not depend on the signal (window, mel matrix, DCT, FFT plan) is computed once per config.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audio/real_fft.h"
#include "core/enum_names.h"

namespace tinyprep {

enum class SpectralKind {
  kSpectrogram,  ///< |STFT|^power, frames x (n_fft/2 + 1)
  kLogMel,       ///< power_to_db(mel @ |STFT|^power), frames x n_mels
  kMfcc,         ///< orthonormal DCT-II of the log-mel, frames x n_mfcc
  kMfe,          ///< Edge Impulse-style MFE: log mel energies scaled to [0, 1], frames x n_mels
};
enum class MelScale { kSlaney, kHtk };
enum class MelNorm { kSlaney, kNone };
/// --mel-scale's names.
inline constexpr EnumName<MelScale> kMelScaleNames[] = {{MelScale::kSlaney, "slaney"},
                                                        {MelScale::kHtk, "htk"}};
/// --mel-norm's names.
inline constexpr EnumName<MelNorm> kMelNormNames[] = {{MelNorm::kSlaney, "slaney"},
                                                      {MelNorm::kNone, "none"}};

/// Every parameter, with librosa 0.10's defaults. 0 in win_length/hop_length/fmax means
/// librosa's derived default (n_fft, win_length / 4, sample_rate / 2).
struct SpectralConfig {
  SpectralKind kind = SpectralKind::kLogMel;
  int sample_rate = 16000;
  int n_fft = 2048;
  int win_length = 0;
  int hop_length = 0;
  bool center = true;  ///< pad n_fft/2 zeros on both sides (librosa 0.10: pad_mode 'constant')
  double power = 2.0;
  int n_mels = 128;
  double fmin = 0.0;
  double fmax = 0.0;
  MelScale mel_scale = MelScale::kSlaney;
  MelNorm mel_norm = MelNorm::kSlaney;
  double ref = 1.0;
  bool ref_max = false;  ///< ref = the clip's maximum (librosa's ref=np.max)
  double amin = 1e-10;
  std::optional<double> top_db = 80.0;
  int n_mfcc = 20;
  double pre_emphasis = 0.0;    ///< coefficient; 0 = off
  double noise_floor_db = -52;  ///< mfe only
};

/// The defaults of a kind: librosa 0.10's for spectrogram/logmel/mfcc; for mfe Edge Impulse's
/// (20 ms frames, 10 ms stride, 256-point FFT, 40 filters, pre-emphasis 0.98, noise floor -52).
SpectralConfig default_spectral_config(SpectralKind kind, int sample_rate);

/// Fills the derived defaults (0 values) and checks that the values make sense; throws
/// usage_error naming the option otherwise (n_mels > n_fft/2 + 1, fmax > rate/2, ...).
SpectralConfig resolve_spectral_config(SpectralConfig config);

/// Hz to mel and back, Slaney (librosa's default, linear below 1 kHz, log above) or HTK.
double hz_to_mel(double hz, MelScale scale);
double mel_to_hz(double mel, MelScale scale);

/// librosa.filters.mel as a dense n_mels x (n_fft/2 + 1) matrix in double (for tests and
/// inspection; the extractor keeps only each band's nonzero range).
std::vector<double> mel_filterbank(int sample_rate, int n_fft, int n_mels, double fmin, double fmax,
                                   MelScale scale, MelNorm norm);

/// A feature extractor for one resolved config; const and thread-safe after construction.
class SpectralExtractor {
 public:
  /// `config` must come from resolve_spectral_config().
  explicit SpectralExtractor(const SpectralConfig& config);
  ~SpectralExtractor();

  const SpectralConfig& config() const { return config_; }
  /// Frames produced for a clip of n samples (0 when it is too short for one frame).
  size_t frames_for(size_t n) const;
  /// Values per frame.
  size_t bins() const { return bins_; }
  /// Mel bands with no nonzero weight (librosa warns about them too).
  int empty_mel_bands() const { return empty_bands_; }

  /// Computes frames_for(n) x bins() values into `out` (resized). No allocation per frame:
  /// per-thread buffers are reused from clip to clip.
  void compute(const float* x, size_t n, std::vector<float>& out) const;

 private:
  void compute_blocks(const float* y, size_t n, size_t frames, float* blocks) const;
  void to_db(float* values, size_t count) const;

  SpectralConfig config_;
  RealFft fft_;
  std::vector<float> window_;  ///< n_fft long, zero outside [win_start_, win_end_)
  int win_start_ = 0, win_end_ = 0;
  // The mel matrix, sparse: band b weighs FFT bins [first, first + count) with
  // weights_[offset...].
  std::vector<int> band_first_, band_count_;
  std::vector<size_t> band_offset_;
  std::vector<float> weights_;
  std::vector<float> dct_;  ///< n_mfcc x n_mels, orthonormal DCT-II
  int empty_bands_ = 0;
  size_t bins_ = 0;
};

}  // namespace tinyprep

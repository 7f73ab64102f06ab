#pragma once
// Conditioning before any feature: downmix to mono, resample to the target rate, and pad or trim
// to the target length, so every clip enters the feature extractor in the same shape.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "audio/audio_file.h"
#include "core/enum_names.h"

namespace tinyprep {

/// Where a clip sits in the target window when it is padded or trimmed.
enum class Align {
  kStart,    ///< keep the beginning: pad or trim at the end
  kCenter,   ///< keep the middle: pad or trim equally on both sides (the extra sample at the end)
  kLoudest,  ///< keep the window of the target length with the most energy
};
/// --align's names.
inline constexpr EnumName<Align> kAlignNames[] = {
    {Align::kStart, "start"}, {Align::kCenter, "center"}, {Align::kLoudest, "loudest"}};

/// "start", "center" or "loudest"; throws usage_error for any other name.
Align align_from_name(const std::string& name);
/// "start", "center" or "loudest".
const char* align_name(Align align);

struct ConditionOptions {
  int sample_rate = 16000;  ///< target rate in Hz
  int64_t length = 16000;   ///< target length in samples; 0 keeps each clip's own length
  Align align = Align::kStart;
};

/// What conditioning did to one clip, so the caller can note or warn about it.
struct ConditionReport {
  int source_rate = 0;
  int source_channels = 0;
  int64_t source_frames = 0;  ///< frames in the file
  int64_t fitted_from = 0;    ///< frames after downmix and resampling, before pad/trim
  int64_t offset = 0;         ///< where the kept part starts in them: > 0 trimmed, < 0 padded
  bool resampled = false;
  bool downmixed = false;
};

/// Averages interleaved channels into one.
std::vector<float> downmix(const float* interleaved, int64_t frames, int channels);

/// Resamples mono float audio with libsoxr at high quality (SOXR_HQ, single-threaded, so the
/// result is the same on every run); output length round(n * to / from). Throws Error on failure.
std::vector<float> resample(const std::vector<float>& in, int from_rate, int to_rate);

/// Start of the window of `window` samples with the largest sum of squares in x[0, n) (the
/// earliest one on ties). For n <= window the whole clip fits: returns the (negative or zero)
/// start that centers the clip in the window.
int64_t loudest_window_start(const float* x, int64_t n, int64_t window);

/// The part of x that lands in a window of `length` samples aligned per `align`: out[i] =
/// x[offset + i], zero where that is outside x. Returns `offset` through `offset_out`.
std::vector<float> fit_length(std::vector<float> x, int64_t length, Align align,
                              int64_t* offset_out = nullptr);

/// Rates further apart than this are refused: a header that says 1 Hz is wrong, not audio.
inline constexpr int64_t kMaxResampleRatio = 64;

/// Throws Error (without a path: the caller names the file) unless both rates are positive and
/// at most kMaxResampleRatio times apart.
void check_resample_rates(int from_rate, int to_rate);

/// Downmix, resample and pad/trim a decoded clip; `report` says what was done. A mono clip at
/// the target rate and length passes through without a copy when moved in. A clip that is
/// trimmed after resampling has only the part the window needs (with a margin for the filter)
/// downmixed and resampled; --align loudest then picks the loudest stretch of the input. Throws
/// Error (without a path) for rates check_resample_rates() refuses.
std::vector<float> condition(AudioClip clip, const ConditionOptions& options,
                             ConditionReport* report = nullptr);

}  // namespace tinyprep

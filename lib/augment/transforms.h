#pragma once
// The transforms of `tinyprep augment` as pure functions of their parameters: the parameters
// are drawn in lib/augment/augment.cpp and recorded in each copy's `augment` field, and these
// functions applied to the source and the recorded parameters give the copy again
// (docs/augment.md has the formulas).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "augment/random.h"

namespace tinyprep {

// ---- audio ----

/// What is done to one audio copy, in this order: speed (resampled from speed_from_rate to the
/// clip's rate, then centred back to its length), time shift (y[i] = x[i - shift], zeros
/// outside), gain (x 10^(gain_db / 20)), background noise (+ volume x noise[offset + i], zeros
/// past the noise's end), clipped to [-1, 1], to 16 bits (round half to even of x 32768,
/// saturated).
struct AudioAugment {
  int speed_from_rate = 0;  ///< 0: no speed change
  int64_t shift = 0;        ///< samples; > 0 later
  double gain_db = 0;
  bool noise = false;
  long noise_file = 0;           ///< index into the sorted noise list
  int64_t noise_offset = 0;      ///< samples at the clip's rate
  double noise_volume = 0;       ///< factor on the noise
  std::optional<double> snr_db;  ///< --snr-db: the volume was chosen for it
};

/// Speed, time shift and gain on interleaved samples in [-1, 1]: `frames` x `channels` values,
/// in double.
std::vector<double> audio_foreground(const std::vector<float>& x, int64_t frames, int channels,
                                     int rate, const AudioAugment& a);

/// The `frames` samples of mono `noise` from `offset` (zeros past its end).
std::vector<float> noise_slice(const std::vector<float>& noise, int64_t offset, int64_t frames);

/// The volume that puts `slice` `snr_db` below the foreground's mean power: sqrt(Ps / (Pn x
/// 10^(snr_db / 10))), 0 when either power is 0.
double snr_volume(const std::vector<double>& y, const std::vector<float>& slice, double snr_db);

/// y + volume x slice (the same slice on every channel), clipped to [-1, 1], as 16-bit.
std::vector<int16_t> mix_to_int16(const std::vector<double>& y, int channels,
                                  const std::vector<float>* slice, double volume);

// ---- IMU CSV ----

/// What is done to one IMU copy: every augmented column (axis) shifted by shift_rows
/// (y[r] = x[r - shift], the first or last row repeated outside), times its scale, plus
/// sigma x normal() per value drawn row by row, axis by axis; rounded to float32.
struct ImuAugment {
  std::vector<size_t> axes;  ///< columns augmented (others, like a time column, kept)
  int64_t shift_rows = 0;
  std::vector<double> scale;  ///< per axis; empty: 1
  std::vector<double> sigma;  ///< per axis; empty: no jitter
};

/// Applies `a` to a rows x columns table; jitter draws from `rng`.
std::vector<float> apply_imu(const std::vector<float>& values, size_t columns, const ImuAugment& a,
                             AugmentRandom& rng);

/// A float32 as the shortest text that reads back as the same float32.
std::string float_text(float v);

}  // namespace tinyprep

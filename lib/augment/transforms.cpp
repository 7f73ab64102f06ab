#include "augment/transforms.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "audio/condition.h"

namespace tinyprep {

std::vector<double> audio_foreground(const std::vector<float>& x, int64_t frames, int channels,
                                     int rate, const AudioAugment& a) {
  const size_t ch = size_t(channels);
  std::vector<float> sped;
  const std::vector<float>* src = &x;
  if (a.speed_from_rate > 0 && a.speed_from_rate != rate) {
    sped.assign(size_t(frames) * ch, 0.0f);
    for (size_t c = 0; c < ch; ++c) {
      std::vector<float> one(static_cast<size_t>(frames));
      for (int64_t i = 0; i < frames; ++i) one[size_t(i)] = x[size_t(i) * ch + c];
      std::vector<float> r =
          fit_length(resample(one, a.speed_from_rate, rate), frames, Align::kCenter);
      for (int64_t i = 0; i < frames; ++i) sped[size_t(i) * ch + c] = r[size_t(i)];
    }
    src = &sped;
  }
  const double gain = a.gain_db != 0 ? std::pow(10.0, a.gain_db / 20.0) : 1.0;
  std::vector<double> y(size_t(frames) * ch, 0.0);
  for (int64_t i = 0; i < frames; ++i) {
    const int64_t from = i - a.shift;
    if (from < 0 || from >= frames) continue;
    for (size_t c = 0; c < ch; ++c)
      y[size_t(i) * ch + c] = double((*src)[size_t(from) * ch + c]) * gain;
  }
  return y;
}

std::vector<float> noise_slice(const std::vector<float>& noise, int64_t offset, int64_t frames) {
  std::vector<float> out(size_t(frames), 0.0f);
  for (int64_t i = 0; i < frames; ++i) {
    const int64_t at = offset + i;
    if (at >= 0 && at < int64_t(noise.size())) out[size_t(i)] = noise[size_t(at)];
  }
  return out;
}

double snr_volume(const std::vector<double>& y, const std::vector<float>& slice, double snr_db) {
  double ps = 0, pn = 0;
  for (double v : y) ps += v * v;
  for (float v : slice) pn += double(v) * double(v);
  if (y.empty() || slice.empty()) return 0;
  ps /= double(y.size());
  pn /= double(slice.size());
  if (ps <= 0 || pn <= 0) return 0;
  return std::sqrt(ps / (pn * std::pow(10.0, snr_db / 10.0)));
}

std::vector<int16_t> mix_to_int16(const std::vector<double>& y, int channels,
                                  const std::vector<float>* slice, double volume) {
  const size_t ch = size_t(channels);
  std::vector<int16_t> out(y.size());
  for (size_t k = 0; k < y.size(); ++k) {
    double v = y[k];
    if (slice) v = v + volume * double((*slice)[k / ch]);
    v = std::clamp(v, -1.0, 1.0);
    out[k] = static_cast<int16_t>(std::clamp(std::nearbyint(v * 32768.0), -32768.0, 32767.0));
  }
  return out;
}

std::vector<float> apply_imu(const std::vector<float>& values, size_t columns, const ImuAugment& a,
                             AugmentRandom& rng) {
  std::vector<float> out = values;
  const int64_t rows = columns ? int64_t(values.size() / columns) : 0;
  if (rows == 0) return out;
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t from = std::clamp<int64_t>(r - a.shift_rows, 0, rows - 1);
    for (size_t k = 0; k < a.axes.size(); ++k) {
      const size_t c = a.axes[k];
      double v = double(values[size_t(from) * columns + c]);
      if (!a.scale.empty()) v = v * a.scale[k];
      if (!a.sigma.empty()) v = v + a.sigma[k] * rng.normal();
      out[size_t(r) * columns + c] = static_cast<float>(v);
    }
  }
  return out;
}

std::string float_text(float v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  return std::string(buf, end);
}

}  // namespace tinyprep

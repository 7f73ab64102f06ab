#include "audio/condition.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "core/error.h"

namespace tinyprep {

Align align_from_name(const std::string& name) {
  if (std::optional<Align> a = enum_from_name(kAlignNames, name)) return *a;
  throw usage_error("unknown alignment '" + name + "' (expected " + names_text(kAlignNames) + ")");
}

const char* align_name(Align align) {
  return enum_name(kAlignNames, align, "start");
}

std::vector<float> downmix(const float* interleaved, int64_t frames, int channels) {
  std::vector<float> mono(static_cast<size_t>(frames));
  if (channels <= 1) {
    std::copy(interleaved, interleaved + frames, mono.begin());
    return mono;
  }
  const float scale = 1.0f / static_cast<float>(channels);
  for (int64_t i = 0; i < frames; ++i) {
    const float* frame = interleaved + i * channels;
    float sum = 0;
    for (int c = 0; c < channels; ++c) sum += frame[c];
    mono[i] = sum * scale;
  }
  return mono;
}

std::vector<float> resample(const std::vector<float>& in, int from_rate, int to_rate) {
  check_resample_rates(from_rate, to_rate);
  if (from_rate == to_rate) return in;
  const int64_t n = static_cast<int64_t>(in.size());
  const int64_t out_len = (n * to_rate + from_rate / 2) / from_rate;
  std::vector<float> out(static_cast<size_t>(out_len), 0.0f);
  if (n == 0 || out_len == 0) return out;
  soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  // One thread: the same samples on every run, and the caller already runs clips in parallel.
  soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  size_t done_in = 0, done_out = 0;
  soxr_error_t err = soxr_oneshot(from_rate, to_rate, 1, in.data(), in.size(), &done_in, out.data(),
                                  out.size(), &done_out, &io, &quality, &runtime);
  if (err) throw Error(std::string("resample: ") + err);
  // soxr may hand back a sample or two fewer at the very end; those stay zero.
  return out;
}

int64_t loudest_window_start(const float* x, int64_t n, int64_t window) {
  if (n <= window) return -((window - n) / 2);
  // Energy of [s, s + window) for s = 0..n-window, kept as a running sum: add the sample that
  // enters, drop the one that leaves.
  double energy = 0;
  for (int64_t i = 0; i < window; ++i) energy += double(x[i]) * x[i];
  double best = energy;
  int64_t best_start = 0;
  for (int64_t s = 1; s + window <= n; ++s) {
    const double in = x[s + window - 1], out = x[s - 1];
    energy += in * in - out * out;
    if (energy > best) {
      best = energy;
      best_start = s;
    }
  }
  return best_start;
}

std::vector<float> fit_length(std::vector<float> x, int64_t length, Align align,
                              int64_t* offset_out) {
  const int64_t n = static_cast<int64_t>(x.size());
  int64_t offset = 0;
  if (length <= 0 || length == n) {
    if (offset_out) *offset_out = 0;
    return x;
  }
  switch (align) {
    case Align::kStart:
      offset = 0;
      break;
    case Align::kCenter:
      offset = (n - length) / 2;
      break;  // truncates toward zero both ways
    case Align::kLoudest:
      offset = loudest_window_start(x.data(), n, length);
      break;
  }
  std::vector<float> out(static_cast<size_t>(length), 0.0f);
  const int64_t from = std::max<int64_t>(0, -offset);        // first output index filled
  const int64_t to = std::min<int64_t>(length, n - offset);  // one past the last one
  if (to > from) std::memcpy(&out[from], &x[from + offset], sizeof(float) * (to - from));
  if (offset_out) *offset_out = offset;
  return out;
}

void check_resample_rates(int from_rate, int to_rate) {
  if (from_rate <= 0 || to_rate <= 0) throw Error("resample: sample rates must be positive");
  const int64_t from = from_rate, to = to_rate;
  if (from > kMaxResampleRatio * to || to > kMaxResampleRatio * from)
    throw Error("sample rate " + std::to_string(from_rate) + " Hz is more than " +
                std::to_string(kMaxResampleRatio) + " times away from the target " +
                std::to_string(to_rate) + " Hz: not resampled (is the header right?)");
}

namespace {

// Output samples of resample() for n input samples.
int64_t resampled_length(int64_t n, int from_rate, int to_rate) {
  return static_cast<int64_t>((static_cast<__int128>(n) * to_rate + from_rate / 2) / from_rate);
}

// Mono samples [begin, end) of the clip's frames (downmixed when it has several channels).
std::vector<float> mono_part(AudioClip& clip, int channels, int64_t begin, int64_t end) {
  if (channels > 1) return downmix(clip.samples.data() + begin * channels, end - begin, channels);
  if (begin == 0 && end == static_cast<int64_t>(clip.samples.size()))
    return std::move(clip.samples);
  return std::vector<float>(clip.samples.begin() + begin, clip.samples.begin() + end);
}

}  // namespace

std::vector<float> condition(AudioClip clip, const ConditionOptions& options,
                             ConditionReport* report) {
  const AudioInfo& info = clip.info;
  const int channels = std::max(1, info.channels);
  const int64_t frames = static_cast<int64_t>(clip.samples.size()) / channels;
  const int from = info.sample_rate, to = options.sample_rate;
  ConditionReport r;
  r.source_rate = from;
  r.source_channels = info.channels;
  r.source_frames = frames;
  r.downmixed = channels > 1;
  r.resampled = from != to;
  const int64_t length = options.length;
  if (r.resampled) check_resample_rates(from, to);
  const int64_t total = r.resampled ? resampled_length(frames, from, to) : frames;
  int ch = channels;
  auto whole = [&] {
    std::vector<float> mono = mono_part(clip, ch, 0, frames);
    if (r.resampled) mono = resample(mono, from, to);
    r.fitted_from = static_cast<int64_t>(mono.size());
    std::vector<float> out = fit_length(std::move(mono), length, options.align, &r.offset);
    if (report) *report = r;
    return out;
  };
  if (!r.resampled || length <= 0 || total <= length) return whole();

  // Trimmed after resampling: resample only the part of the clip the window needs (with a
  // margin for the filter), not the whole clip (an hour of audio, or a header that claims 1 Hz).
  // Output sample o lies at input sample o * p / q; the part starts at a multiple of p, so its
  // samples fall on the same output grid.
  const int64_t g = std::gcd(from, to), p = from / g, q = to / g;
  int64_t offset = 0;  // first output sample kept
  switch (options.align) {
    case Align::kStart:
      offset = 0;
      break;
    case Align::kCenter:
      offset = (total - length) / 2;
      break;
    case Align::kLoudest: {
      // The loudest stretch of the input that becomes `length` output samples.
      const int64_t window = std::max<int64_t>(1, resampled_length(length, to, from));
      clip.samples = mono_part(clip, ch, 0, frames);
      ch = 1;
      const int64_t start = loudest_window_start(clip.samples.data(), frames, window);
      offset = std::clamp<int64_t>(resampled_length(start, from, to), 0, total - length);
      break;
    }
  }
  const double scale = static_cast<double>(p) / static_cast<double>(q);
  const int64_t margin = 256 + from / 10;  // input samples either side (0.1 s and more)
  const double first = std::floor(static_cast<double>(offset) * scale) - margin;
  int64_t begin = first <= 0 ? 0 : static_cast<int64_t>(first) / p * p;
  const double last = std::ceil(static_cast<double>(offset + length) * scale) + margin;
  int64_t end = last >= static_cast<double>(frames) ? frames : static_cast<int64_t>(last);
  begin = std::min(begin, end);
  if (begin == 0 && end == frames) return whole();  // the window needs all of it
  std::vector<float> part = resample(mono_part(clip, ch, begin, end), from, to);
  const int64_t base = begin / p * q;  // output index of part[0]
  std::vector<float> out(static_cast<size_t>(length), 0.0f);
  for (int64_t i = 0; i < length; ++i) {
    const int64_t k = offset + i - base;
    if (k >= 0 && k < static_cast<int64_t>(part.size())) out[i] = part[k];
  }
  r.fitted_from = total;
  r.offset = offset;
  if (report) *report = r;
  return out;
}

}  // namespace tinyprep

#include "audio/condition.h"

#include <soxr.h>

#include <algorithm>
#include <cstring>

#include "core/error.h"

namespace tinyprep {

Align align_from_name(const std::string& name) {
  if (name == "start") return Align::kStart;
  if (name == "center") return Align::kCenter;
  if (name == "loudest") return Align::kLoudest;
  throw usage_error("unknown alignment '" + name + "' (expected start, center or loudest)");
}

const char* align_name(Align align) {
  switch (align) {
    case Align::kStart:
      return "start";
    case Align::kCenter:
      return "center";
    case Align::kLoudest:
      return "loudest";
  }
  return "start";
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
  if (from_rate <= 0 || to_rate <= 0) throw Error("resample: sample rates must be positive");
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

std::vector<float> condition(AudioClip clip, const ConditionOptions& options,
                             ConditionReport* report) {
  const AudioInfo& info = clip.info;
  const int channels = std::max(1, info.channels);
  const int64_t frames = static_cast<int64_t>(clip.samples.size()) / channels;
  ConditionReport r;
  r.source_rate = info.sample_rate;
  r.source_channels = info.channels;
  r.source_frames = frames;
  std::vector<float> mono =
      channels > 1 ? downmix(clip.samples.data(), frames, channels) : std::move(clip.samples);
  r.downmixed = channels > 1;
  if (info.sample_rate != options.sample_rate) {
    mono = resample(mono, info.sample_rate, options.sample_rate);
    r.resampled = true;
  }
  r.fitted_from = static_cast<int64_t>(mono.size());
  std::vector<float> out = fit_length(std::move(mono), options.length, options.align, &r.offset);
  if (report) *report = r;
  return out;
}

}  // namespace tinyprep

// Table construction of the micro frontend. The float/double mix below is deliberate: it is
// what reproduces the upstream tables bit for bit (variant 'a' matches
// micro_speech_tables.txt exactly; see the tests for 'b' and 'c').
#include <cmath>
#include <string>

#include "audio/micro_frontend.h"
#include "core/error.h"

namespace tinyprep {
namespace {

constexpr int kWindowBits = kFrontendWindowBits;
constexpr int kFilterbankBits = 12;
constexpr int kNoiseReductionBits = kFrontendNoiseReductionBits;
constexpr int kPcanSnrBits = kFrontendPcanSnrBits;
constexpr int kWideDynamicFunctionBits = 32;
constexpr int kFilterbankBlock = 4;      // filterbank taps are padded to multiples of this
constexpr int kFilterbankAlignment = 2;  // and start on even bins

int msb32(uint32_t x) {
  return x == 0 ? 0 : 32 - __builtin_clz(x);
}

std::string show(double v) {
  std::string s = std::to_string(v);
  while (s.size() > 1 && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

void check_config(const FrontendConfig& c) {
  auto fail = [](const std::string& what) { throw usage_error("frontend: " + what); };
  if (c.sample_rate < 1000 || c.sample_rate > 1000000) {
    fail("sample rate must be 1000..1000000 Hz, not " + std::to_string(c.sample_rate));
  }
  if (c.window_ms <= 0 || c.stride_ms <= 0) fail("window and stride must be positive (ms)");
  if (c.stride_ms > c.window_ms) fail("stride must not exceed the window");
  if (c.channels < 1 || c.channels > 1024) {
    fail("channels must be 1..1024, not " + std::to_string(c.channels));
  }
  if (!std::isfinite(c.lower_hz) || !std::isfinite(c.upper_hz) || c.lower_hz < 0 ||
      c.lower_hz >= c.upper_hz || c.upper_hz > c.sample_rate / 2.0) {
    fail("need 0 <= lower_hz < upper_hz <= sample_rate/2 (got " + show(c.lower_hz) + ".." +
         show(c.upper_hz) + ")");
  }
  if (c.smoothing_bits < 0 || c.smoothing_bits > 16) fail("smoothing_bits must be 0..16");
  for (float v : {c.even_smoothing, c.odd_smoothing, c.min_signal_remaining}) {
    if (!(v >= 0 && v <= 1)) fail("noise smoothing and min_signal_remaining must be in [0, 1]");
  }
  if (!std::isfinite(c.pcan_strength) || !(c.pcan_offset >= 0) || !std::isfinite(c.pcan_offset)) {
    fail("pcan_strength must be finite and pcan_offset finite and >= 0");
  }
  if (c.gain_bits < 0 || c.gain_bits > 31) fail("gain_bits must be 0..31");
  if (c.scale_shift < 0 || c.scale_shift > 16) fail("scale_shift must be 0..16");
  if (c.tables != 'a' && c.tables != 'b' && c.tables != 'c') {
    fail(std::string("tables must be a, b or c, not '") + c.tables + "'");
  }
}

// Mel of a frequency as each variant computes it (result stored in float in all of them).
float freq_to_mel(float freq, char variant) {
  if (variant == 'b') return 1127.0f * log1pf(freq / 700.0f);
  return float(1127.0 * log1p(freq / 700.0));
}

void build_window(const FrontendConfig& c, FrontendTables& t) {
  t.window.resize(t.window_size);
  const float arg = float(2 * M_PI / t.window_size);
  for (int i = 0; i < t.window_size; ++i) {
    double v;
    if (c.tables == 'b') {
      v = 0.5f - 0.5f * cosf(arg * (float(i) + 0.5f));
    } else {
      v = 0.5 - 0.5 * cos(2 * M_PI * (i + 0.5) / t.window_size);
    }
    t.window[i] = int16_t(floor(v * (1 << kWindowBits) + 0.5));
  }
}

void quantize_weight(float w, char variant, int16_t* weight, int16_t* unweight) {
  const float scale = 1 << kFilterbankBits;
  if (variant == 'c') {  // numpy float32 and int() truncation
    *weight = int16_t(w * scale);
    *unweight = int16_t(float(1.0f - w) * scale);
  } else if (variant == 'b') {
    *weight = int16_t(floor(w * scale + 0.5));
    *unweight = int16_t(floor(float(1.0f - w) * scale + 0.5));
  } else {
    *weight = int16_t(floor(w * scale + 0.5));
    *unweight = int16_t(floor((1.0 - w) * scale + 0.5));
  }
}

void build_filterbank(const FrontendConfig& c, FrontendTables& t) {
  const char v = c.tables;
  const int groups = c.channels + 1;
  const int spectrum_size = t.fft_size / 2 + 1;
  const float mel_low = freq_to_mel(c.lower_hz, v);
  const float mel_high = freq_to_mel(c.upper_hz, v);
  const float mel_spacing = (mel_high - mel_low) / float(groups);
  std::vector<float> center(groups);
  for (int i = 0; i < groups; ++i) center[i] = mel_low + mel_spacing * float(i + 1);

  const float hz_per_bin = float(0.5 * c.sample_rate / (float(spectrum_size) - 1));
  t.start_index = int(1.5 + c.lower_hz / hz_per_bin);  // bin 0 (DC) always excluded
  t.channel_frequency_starts.assign(groups, 0);
  t.channel_weight_starts.assign(groups, 0);
  t.channel_widths.assign(groups, 0);
  std::vector<int> first_bin(groups), bins(groups);
  int bin = t.start_index;
  int weight_count = 0;
  bool have_zero_block = false;
  for (int g = 0; g < groups; ++g) {
    int end = bin;
    while (freq_to_mel(float(end) * hz_per_bin, v) <= center[g]) {
      if (++end > spectrum_size) throw usage_error("frontend: upper_hz too close to Nyquist");
    }
    first_bin[g] = bin;
    bins[g] = end - bin;
    if (bins[g] == 0) {
      // An empty group reads a block of zero weights placed at the front (once).
      t.channel_widths[g] = kFilterbankBlock;
      if (!have_zero_block) {
        have_zero_block = true;
        for (int j = 0; j < g; ++j) t.channel_weight_starts[j] += kFilterbankBlock;
        weight_count += kFilterbankBlock;
      }
    } else {
      const int aligned = bin / kFilterbankAlignment * kFilterbankAlignment;
      const int width = bin - aligned + bins[g];
      t.channel_frequency_starts[g] = aligned;
      t.channel_weight_starts[g] = weight_count;
      t.channel_widths[g] = (width + kFilterbankBlock - 1) / kFilterbankBlock * kFilterbankBlock;
      weight_count += t.channel_widths[g];
    }
    bin = end;
  }
  t.weights.assign(weight_count, 0);
  t.unweights.assign(weight_count, 0);
  t.end_index = 0;
  for (int g = 0; g < groups; ++g) {
    const float lower = g == 0 ? mel_low : center[g - 1];
    const int offset = first_bin[g] - t.channel_frequency_starts[g];
    for (int j = 0; j < bins[g]; ++j) {
      const float mel = freq_to_mel(float(first_bin[g] + j) * hz_per_bin, v);
      const float w = (center[g] - mel) / (center[g] - lower);
      const int at = t.channel_weight_starts[g] + offset + j;
      quantize_weight(w, v, &t.weights[at], &t.unweights[at]);
    }
    t.end_index = std::max(t.end_index, first_bin[g] + bins[g]);
  }
}

// PCAN gain for a noise estimate x with input_bits fraction bits (float powf, as upstream).
int16_t pcan_gain(const FrontendConfig& c, int input_bits, uint32_t x) {
  const float xf = float(x) / float(uint32_t(1) << input_bits);
  const float gain = float(uint32_t(1) << c.gain_bits) * powf(xf + c.pcan_offset, -c.pcan_strength);
  if (gain > 32767) return 32767;
  return int16_t(gain + 0.5f);
}

void build_pcan(const FrontendConfig& c, FrontendTables& t) {
  const int input_bits = c.smoothing_bits - t.log_correction_bits;
  if (input_bits < 0 || input_bits > 31) {
    throw usage_error("frontend: smoothing_bits too small for this FFT size");
  }
  t.pcan_snr_shift = c.gain_bits - t.log_correction_bits - kPcanSnrBits;
  if (c.pcan && t.pcan_snr_shift < 0) throw usage_error("frontend: gain_bits too small for PCAN");
  t.pcan_gain_lut.assign(4 * kWideDynamicFunctionBits - 3, 0);
  t.pcan_gain_lut[0] = pcan_gain(c, input_bits, 0);
  t.pcan_gain_lut[1] = pcan_gain(c, input_bits, 1);
  // Per power-of-two interval n: value at its start and a quadratic through 1.5x and 2x.
  for (int n = 2; n <= kWideDynamicFunctionBits; ++n) {
    const uint32_t x0 = uint32_t(1) << (n - 1);
    const uint32_t x1 = x0 + (x0 >> 1);
    const uint32_t x2 = n == kWideDynamicFunctionBits ? x0 + (x0 - 1) : 2 * x0;
    const int32_t y0 = pcan_gain(c, input_bits, x0);
    const int32_t y1 = pcan_gain(c, input_bits, x1);
    const int32_t y2 = pcan_gain(c, input_bits, x2);
    const int32_t a1 = 4 * (y1 - y0) - (y2 - y0);
    const int32_t a2 = (y2 - y0) - a1;
    t.pcan_gain_lut[4 * n - 6] = int16_t(y0);
    t.pcan_gain_lut[4 * n - 5] = int16_t(a1);
    t.pcan_gain_lut[4 * n - 4] = int16_t(a2);
  }
}

}  // namespace

FrontendTables build_frontend_tables(const FrontendConfig& c) {
  check_config(c);
  FrontendTables t;
  t.window_size = int(int64_t(c.window_ms) * c.sample_rate / 1000);
  t.window_step = int(int64_t(c.stride_ms) * c.sample_rate / 1000);
  if (t.window_size < 4 || t.window_step < 1 || t.window_size > 65536) {
    throw usage_error("frontend: the window must be 4..65536 samples (got " +
                      std::to_string(t.window_size) + ")");
  }
  t.fft_size = 1;
  while (t.fft_size < t.window_size) t.fft_size *= 2;
  t.log_correction_bits = msb32(uint32_t(t.fft_size)) - 1 - kFilterbankBits / 2;
  build_window(c, t);
  build_filterbank(c, t);
  const float q14 = 1 << kNoiseReductionBits;
  t.noise_even_smoothing_q14 = int(c.even_smoothing * q14);
  t.noise_odd_smoothing_q14 = int(c.odd_smoothing * q14);
  t.noise_min_signal_remaining_q14 = int(c.min_signal_remaining * q14);
  build_pcan(c, t);
  return t;
}

}  // namespace tinyprep

#include "audio/micro_frontend.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "audio/fixed_fft.h"
#include "audio/micro_frontend_avx2.h"
#include "core/error.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define TINYPREP_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TINYPREP_VECTOR_CLONES
#endif

namespace tinyprep {
namespace {

constexpr int kWindowBits = kFrontendWindowBits;
constexpr int kNoiseReductionBits = kFrontendNoiseReductionBits;
constexpr int kPcanSnrBits = kFrontendPcanSnrBits;
constexpr int kPcanOutputBits = 6;
constexpr int kLogScaleLog2 = 16;
constexpr int kLogSegmentsLog2 = 7;
constexpr uint32_t kLogCoeff = 45426;  // ln(2) in Q16

inline int msb32(uint32_t x) {
  return x == 0 ? 0 : 32 - __builtin_clz(x);
}

// log2(1 + i/128) - i/128 in Q16 for i = 0..128, plus one padding entry: the correction that
// the log's linear interpolation adds to the fraction bits.
struct LogTable {
  uint16_t v[130];
  LogTable() {
    for (int i = 0; i <= 128; ++i) {
      v[i] = uint16_t(std::floor(0.5 + 65536 * (std::log2(1 + i / 128.0) - i / 128.0)));
    }
    v[129] = 0;
  }
};
const LogTable kLogLut;

// The fixed-point natural log scaled by 2^scale_shift, for x > 1.
inline uint32_t log_scale(uint32_t x, int scale_shift) {
  const int n = msb32(x) - 1;
  // Both shifts, then a select: n varies from channel to channel, a branch would mispredict.
  const uint32_t rest = x - (uint32_t(1) << n);
  const uint32_t up = rest << ((kLogScaleLog2 - n) & 31);
  const uint32_t down = rest >> ((n - kLogScaleLog2) & 31);
  const int32_t frac = int32_t(n < kLogScaleLog2 ? up : down);
  const int seg = frac >> (kLogScaleLog2 - kLogSegmentsLog2);
  const int32_t c0 = kLogLut.v[seg];
  const int32_t c1 = kLogLut.v[seg + 1];
  const int32_t rel = ((c1 - c0) * (frac - (seg << (kLogScaleLog2 - kLogSegmentsLog2)))) >> 16;
  const uint32_t log2 = (uint32_t(n) << kLogScaleLog2) + uint32_t(frac + c0 + rel);
  const uint32_t loge = uint32_t((uint64_t(kLogCoeff) * log2 + 32768) >> kLogScaleLog2);
  return ((loge << scale_shift) + 32768) >> kLogScaleLog2;
}

// PCAN's gain: piecewise quadratic in each power-of-two interval of the noise estimate. The
// int32 steps wrap like the C original, so they are done in uint32.
inline int16_t wide_dynamic_gain(uint32_t x, const int16_t* lut) {
  if (x <= 2) return lut[x];
  const int n = msb32(x);
  const int16_t* p = lut + 4 * n - 6;
  const uint32_t up = x << ((11 - n) & 31), down = x >> ((n - 11) & 31);
  const int32_t frac = int32_t((n < 11 ? up : down) & 0x3FF);
  uint32_t r = uint32_t((int32_t(p[2]) * frac) >> 5);
  r += uint32_t(int32_t(p[1])) << 5;
  r *= uint32_t(frac);
  r = uint32_t(int32_t(r + (1u << 14)) >> 15);
  return int16_t(int32_t(r) + p[0]);
}

// One channel's filterbank taps as a dense run of bins (weights of its falling edge and the
// unweights of its rising edge merged), padded with zero taps to a multiple of 4.
struct ChannelTaps {
  int first_bin;
  int count;
  int offset;  // into the coefficient array
};

TINYPREP_VECTOR_CLONES
void window_frame(const int16_t* __restrict x, const int16_t* __restrict coef, int n,
                  int16_t* __restrict out, int16_t* max_abs) {
  int16_t m = 0;
  for (int i = 0; i < n; ++i) {
    const int16_t v = int16_t((int32_t(x[i]) * coef[i]) >> kWindowBits);
    out[i] = v;
    // |v| in int16: -32768 stays -32768 and never wins.
    const int16_t a = v < 0 ? int16_t(-v) : v;
    m = a > m ? a : m;
  }
  *max_abs = m;
}

TINYPREP_VECTOR_CLONES
void split_scaled(const int16_t* __restrict w, int half, int shift, int16_t* __restrict even,
                  int16_t* __restrict odd) {
  for (int i = 0; i < half; ++i) {
    even[i] = int16_t(uint16_t(w[2 * i]) << shift);
    odd[i] = int16_t(uint16_t(w[2 * i + 1]) << shift);
  }
}

TINYPREP_VECTOR_CLONES
void filterbank(const uint32_t* __restrict energy, const uint32_t* __restrict coef,
                const ChannelTaps* taps, int channels, uint64_t* __restrict work) {
  for (int c = 0; c < channels; ++c) {
    const uint32_t* e = energy + taps[c].first_bin;
    const uint32_t* w = coef + taps[c].offset;
    uint64_t sum = 0;
    for (int j = 0; j < taps[c].count; ++j) sum += uint64_t(e[j]) * w[j];
    work[c] = sum;
  }
}

inline uint32_t isqrt_round(uint64_t x) {
  // The double root is within one of the true one (x loses at most 2^-53 relative in the
  // conversion); fix it up. r <= 2^32 - 1 keeps r*r exact in uint64.
  uint64_t r = std::min<uint64_t>(uint64_t(std::sqrt(double(x))), 0xFFFFFFFF);
  while (r * r > x) --r;
  while (r < 0xFFFFFFFF && (r + 1) * (r + 1) <= x) ++r;
  const uint64_t cap = x >> 32 == 0 ? 0xFFFF : 0xFFFFFFFF;
  r += uint64_t((x - r * r > r) & (r != cap));  // round to nearest, without a branch
  return uint32_t(r);
}

}  // namespace

uint32_t frontend_sqrt(uint64_t x) {
  return isqrt_round(x);
}

float frontend_to_float(uint16_t v) {
  return float(v) * (10.0f / 256.0f);
}

int8_t frontend_to_int8(uint16_t v) {
  const int32_t q = (int32_t(v) * 256 + 333) / 666 - 128;
  return int8_t(std::clamp(q, -128, 127));
}

struct MicroFrontend::Impl {
  FrontendConfig config;
  FrontendTables t;
  FixedRealFft fft;
  int half;
  int lanes;  // channels rounded up to a multiple of 8 (the AVX2 tail's width)
  std::vector<ChannelTaps> taps;
  std::vector<uint32_t> coef;
  std::vector<int16_t> windowed, even, odd;
  std::vector<uint32_t> energy;
  std::vector<uint64_t> work;      // lanes long, padding stays 0
  std::vector<uint32_t> estimate;  // lanes long
  std::vector<uint16_t> padded_out;
  bool avx2 = false;
#if TINYPREP_HAVE_FRONTEND_AVX2
  frontend_avx2::TailTables tail;
  std::vector<uint32_t> smoothing, log_pairs;
  std::vector<int32_t> gain_lut;
#endif

  explicit Impl(const FrontendConfig& c)
      : config(c), t(build_frontend_tables(c)), fft(t.fft_size), half(t.fft_size / 2) {
    lanes = (c.channels + 7) / 8 * 8;
    windowed.assign(t.fft_size, 0);
    even.assign(half, 0);
    odd.assign(half, 0);
    energy.assign(half + 1 + 8, 0);  // zero outside [start_index, end_index) forever
    work.assign(lanes, 0);
    estimate.assign(lanes, 0);
    padded_out.assign(lanes, 0);
    // Channel c = group c+1's weights plus group c's unweights (the "carry").
    for (int c = 0; c < config.channels; ++c) {
      std::vector<uint32_t> dense(half + 1, 0);
      auto add = [&](int g, const std::vector<int16_t>& w) {
        for (int j = 0; j < t.channel_widths[g]; ++j) {
          const int bin = t.channel_frequency_starts[g] + j;
          const int16_t v = w[t.channel_weight_starts[g] + j];
          if (v != 0) dense.at(bin) += uint32_t(v);
        }
      };
      add(c + 1, t.weights);
      add(c, t.unweights);
      int lo = 0, hi = half + 1;
      while (lo < hi && dense[lo] == 0) ++lo;
      while (hi > lo && dense[hi - 1] == 0) --hi;
      const int count = (hi - lo + 3) / 4 * 4;
      taps.push_back({lo, count, int(coef.size())});
      for (int j = 0; j < count; ++j) coef.push_back(lo + j < hi ? dense[lo + j] : 0);
    }
#if TINYPREP_HAVE_FRONTEND_AVX2
    smoothing.resize(lanes);
    for (int i = 0; i < lanes; ++i) {
      smoothing[i] = i % 2 ? t.noise_odd_smoothing_q14 : t.noise_even_smoothing_q14;
    }
    gain_lut.assign(t.pcan_gain_lut.begin(), t.pcan_gain_lut.end());
    log_pairs.resize(129);
    for (int i = 0; i < 129; ++i) log_pairs[i] = kLogLut.v[i] | uint32_t(kLogLut.v[i + 1]) << 16;
    tail.lanes = lanes;
    tail.smoothing = smoothing.data();
    tail.min_signal_remaining = t.noise_min_signal_remaining_q14;
    tail.smoothing_bits = c.smoothing_bits;
    tail.noise_reduction = c.noise_reduction;
    tail.pcan = c.pcan;
    tail.log_scale = c.log_scale;
    tail.snr_shift = t.pcan_snr_shift;
    tail.gain_lut = gain_lut.data();
    tail.log_correction_bits = t.log_correction_bits;
    tail.scale_shift = c.scale_shift;
    tail.log_pairs = log_pairs.data();
    avx2 = frontend_avx2::available() && lanes <= frontend_avx2::kMaxLanes;
#endif
  }

  void frame(const int16_t* x, uint16_t* out) {
    int16_t max_abs;
    window_frame(x, t.window.data(), t.window_size, windowed.data(), &max_abs);
    const int shift = 15 - msb32(uint32_t(max_abs));
    split_scaled(windowed.data(), half, shift, even.data(), odd.data());
    fft.power(even.data(), odd.data(), t.start_index, t.end_index, energy.data());
    filterbank(energy.data(), coef.data(), taps.data(), config.channels, work.data());
#if TINYPREP_HAVE_FRONTEND_AVX2
    if (avx2 && frontend_avx2::tail(tail, work.data(), shift, estimate.data(), padded_out.data())) {
      std::copy_n(padded_out.begin(), config.channels, out);
      return;
    }
#endif

    const int smoothing_bits = config.smoothing_bits;
    const int log_shift = t.log_correction_bits;
    for (int c = 0; c < config.channels; ++c) {
      uint32_t v = isqrt_round(work[c]) >> shift;
      // Noise reduction: track the noise, subtract it, keep at least a fraction of the signal.
      const uint32_t s = c % 2 ? t.noise_odd_smoothing_q14 : t.noise_even_smoothing_q14;
      const uint32_t scaled = v << smoothing_bits;
      uint32_t est = uint32_t(
          (uint64_t(scaled) * s + uint64_t(estimate[c]) * ((1u << kNoiseReductionBits) - s)) >>
          kNoiseReductionBits);
      estimate[c] = est;
      if (config.noise_reduction) {
        est = std::min(est, scaled);
        const uint32_t floor =
            uint32_t((uint64_t(v) * t.noise_min_signal_remaining_q14) >> kNoiseReductionBits);
        v = std::max((scaled - est) >> smoothing_bits, floor);
      }
      if (config.pcan) {
        const uint32_t gain =
            uint32_t(int32_t(wide_dynamic_gain(estimate[c], t.pcan_gain_lut.data())));
        const uint32_t snr = uint32_t((uint64_t(v) * gain) >> t.pcan_snr_shift);
        const uint32_t small = (snr * snr) >> (2 + 2 * kPcanSnrBits - kPcanOutputBits);
        const uint32_t large = (snr >> (kPcanSnrBits - kPcanOutputBits)) - (1u << kPcanOutputBits);
        v = snr < (2u << kPcanSnrBits) ? small : large;
      }
      if (config.log_scale) {
        v = log_shift < 0 ? v >> -log_shift : v << log_shift;
        v = v > 1 ? log_scale(v, config.scale_shift) : 0;
      }
      out[c] = uint16_t(std::min<uint32_t>(v, 0xFFFF));
    }
  }
};

MicroFrontend::MicroFrontend(const FrontendConfig& config)
    : impl_(std::make_unique<Impl>(config)) {}
MicroFrontend::~MicroFrontend() = default;
MicroFrontend::MicroFrontend(MicroFrontend&&) noexcept = default;
MicroFrontend& MicroFrontend::operator=(MicroFrontend&&) noexcept = default;

const FrontendConfig& MicroFrontend::config() const {
  return impl_->config;
}
const FrontendTables& MicroFrontend::tables() const {
  return impl_->t;
}
int MicroFrontend::channels() const {
  return impl_->config.channels;
}
int MicroFrontend::window_samples() const {
  return impl_->t.window_size;
}
int MicroFrontend::stride_samples() const {
  return impl_->t.window_step;
}

int MicroFrontend::frames_for(size_t n) const {
  const size_t size = impl_->t.window_size;
  return n < size ? 0 : int((n - size) / impl_->t.window_step + 1);
}

void MicroFrontend::compute(const int16_t* samples, size_t n, std::vector<uint16_t>& out) {
  const int frames = frames_for(n);
  const int channels = impl_->config.channels;
  out.resize(size_t(frames) * channels);
  reset();
  for (int f = 0; f < frames; ++f) {
    impl_->frame(samples + size_t(f) * impl_->t.window_step, out.data() + size_t(f) * channels);
  }
}

void MicroFrontend::reset() {
  std::fill(impl_->estimate.begin(), impl_->estimate.end(), 0);
}

bool MicroFrontend::use_avx2(bool on) {
  const bool fft = impl_->fft.use_avx2(on);
#if TINYPREP_HAVE_FRONTEND_AVX2
  impl_->avx2 = on && frontend_avx2::available() && impl_->lanes <= frontend_avx2::kMaxLanes;
#endif
  return fft || impl_->avx2;
}

void MicroFrontend::process_window(const int16_t* window, uint16_t* out) {
  impl_->frame(window, out);
}

std::vector<uint32_t> MicroFrontend::noise_estimates() const {
  return {impl_->estimate.begin(), impl_->estimate.begin() + impl_->config.channels};
}

void MicroFrontend::set_noise_estimates(const std::vector<uint32_t>& estimates) {
  const size_t channels = impl_->config.channels;
  if (estimates.size() != channels) {
    throw usage_error("frontend: " + std::to_string(estimates.size()) +
                      " noise estimates given for " + std::to_string(channels) + " channels");
  }
  std::copy(estimates.begin(), estimates.end(), impl_->estimate.begin());
}

}  // namespace tinyprep

#include "audio/spectral.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

#include "core/error.h"

namespace tinyprep {
namespace {

constexpr int kL = RealFft::kLanes;
typedef float V __attribute__((vector_size(kL * sizeof(float)), aligned(4)));

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Edge Impulse's MFE filterbank (its speechpy fork): mel = 1127 ln(1 + f/700), band edges
// rounded down to FFT bins, triangles over whole bins. Dense n_mels x (n_fft/2 + 1).
std::vector<double> ei_filterbank(int sample_rate, int n_fft, int n_mels, double fmin,
                                  double fmax) {
  const int bins = n_fft / 2 + 1;
  auto to_mel = [](double f) { return 1127.0 * std::log(1.0 + f / 700.0); };
  auto to_hz = [](double m) { return 700.0 * (std::exp(m / 1127.0) - 1.0); };
  const double lo = to_mel(fmin), hi = to_mel(fmax);
  std::vector<int> edge(n_mels + 2);
  for (int i = 0; i < n_mels + 2; ++i) {
    const double mel = lo + i * ((hi - lo) / (n_mels + 1));
    edge[i] = static_cast<int>(std::floor((n_fft + 1) * to_hz(mel) / sample_rate));
  }
  std::vector<double> fb(static_cast<size_t>(n_mels) * bins, 0.0);
  for (int b = 0; b < n_mels; ++b) {
    const int left = edge[b], mid = edge[b + 1], right = edge[b + 2];
    for (int k = std::max(left, 0); k <= std::min(right, bins - 1); ++k) {
      double w = 0;
      if (k > left && k <= mid) w = double(k - left) / (mid - left);
      if (k >= mid && k < right) w = double(right - k) / (right - mid);
      fb[static_cast<size_t>(b) * bins + k] = w;
    }
  }
  return fb;
}

struct Scratch {
  std::vector<float> y, in, fft, power, blocks, coeffs;
};

template <class T>
T* sized(std::vector<T>& v, size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

// |X|^2 to |X|^power in place (power != 2), bins x kL values.
void apply_exponent(float* p, size_t count, double power) {
  for (size_t i = 0; i < count; ++i)
    p[i] = power == 1.0 ? std::sqrt(p[i]) : static_cast<float>(std::pow(std::sqrt(p[i]), power));
}

// Windowed frames into the lanes of `in` (n_fft x kL) for kL frames that lie wholly inside the
// signal: frame l starts at y + first + l * hop. Eight samples of each of the eight frames are
// loaded as rows and transposed 8 x 8 with two-source shuffles (unpack, shufps, perm2f128).
__attribute__((target_clones("avx2", "default"))) void gather_lanes(const float* y, long first,
                                                                    long hop, const float* window,
                                                                    int win_start, int win_end,
                                                                    int n_fft, float* in) {
  // GCC's __builtin_shuffle takes the lane indices as a vector, clang's __builtin_shufflevector
  // as constants.
#if defined(__clang__)
#define TINYPREP_SHUFFLE(a, b, ...) __builtin_shufflevector(a, b, __VA_ARGS__)
#else
  typedef int32_t Idx __attribute__((vector_size(kL * sizeof(int32_t))));
#define TINYPREP_SHUFFLE(a, b, ...) __builtin_shuffle(a, b, Idx{__VA_ARGS__})
#endif
  V* out = reinterpret_cast<V*>(in);
  const V zero = {};
  for (int i = 0; i < win_start; ++i) out[i] = zero;
  const float* p = y + first;
  const long h = hop;
  int i = win_start;
  for (; i + kL <= win_end; i += kL) {
    V r[kL];
    for (int l = 0; l < kL; ++l) r[l] = *reinterpret_cast<const V*>(p + l * h + i);  // vmovups
    V t[kL];
    for (int l = 0; l < kL; l += 2) {
      t[l] = TINYPREP_SHUFFLE(r[l], r[l + 1], 0, 8, 1, 9, 4, 12, 5, 13);
      t[l + 1] = TINYPREP_SHUFFLE(r[l], r[l + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    V u[kL];
    for (int g = 0; g < kL; g += 4) {
      u[g + 0] = TINYPREP_SHUFFLE(t[g], t[g + 2], 0, 1, 8, 9, 4, 5, 12, 13);        // columns 0, 4
      u[g + 1] = TINYPREP_SHUFFLE(t[g], t[g + 2], 2, 3, 10, 11, 6, 7, 14, 15);      // 1 and 5
      u[g + 2] = TINYPREP_SHUFFLE(t[g + 1], t[g + 3], 0, 1, 8, 9, 4, 5, 12, 13);    // 2 and 6
      u[g + 3] = TINYPREP_SHUFFLE(t[g + 1], t[g + 3], 2, 3, 10, 11, 6, 7, 14, 15);  // 3 and 7
    }
    for (int c = 0; c < 4; ++c) {
      out[i + c] = TINYPREP_SHUFFLE(u[c], u[c + 4], 0, 1, 2, 3, 8, 9, 10, 11) * window[i + c];
      out[i + c + 4] =
          TINYPREP_SHUFFLE(u[c], u[c + 4], 4, 5, 6, 7, 12, 13, 14, 15) * window[i + c + 4];
    }
  }
  for (; i < win_end; ++i) {
    const V v = {p[i],         p[i + h],     p[i + 2 * h], p[i + 3 * h],
                 p[i + 4 * h], p[i + 5 * h], p[i + 6 * h], p[i + 7 * h]};
    out[i] = v * window[i];
  }
  for (int k = win_end; k < n_fft; ++k) out[k] = zero;
}

// ln(x) for x > 0 normal, from x = 2^e m with m in [sqrt(1/2), sqrt(2)): ln m = 2 atanh(s),
// s = (m - 1) / (m + 1), |s| < 0.172, by its series to s^9 (truncation < 1e-9). Only + - * /,
// so every x86-64 machine gives the same bits, unlike libm's FMA or non-FMA variants.
typedef int32_t VI __attribute__((vector_size(kL * sizeof(int32_t)), aligned(4)));
// Always inlined, so the vector-return ABI difference GCC warns about never applies.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
[[gnu::always_inline]] inline void ln_lanes(V& x) {
  const VI bits = (VI)x;
  VI e = ((bits >> 23) & 0xff) - 127;
  V m = (V)((bits & 0x007fffff) | 0x3f800000);
  const VI big = m > 1.41421356f;
  m = big ? m * 0.5f : m;
  e = e - big;  // big is -1 where true
  const V s = (m - 1.0f) / (m + 1.0f), z = s * s;
  const V series = 1.0f + z * (1.0f / 3 + z * (1.0f / 5 + z * (1.0f / 7 + z * (1.0f / 9))));
  const V ef = __builtin_convertvector(e, V);
  // ln 2 split in two so e * ln2_hi is exact.
  x = ef * 0.693145751953125f + (ef * 1.428606765330187e-06f + 2.0f * s * series);
}

// v = 10 log10(max(floor, v)) - offset over count values; returns the largest result.
__attribute__((target_clones("avx2", "default"))) float db_lanes(float* v, size_t count,
                                                                 float floor, float offset) {
  const float k = 4.342944819032518f;  // 10 / ln 10
  V top = {};
  top -= INFINITY;
  size_t i = 0;
  for (; i + kL <= count; i += kL) {
    V x;
    std::memcpy(&x, v + i, sizeof x);
    x = x > floor ? x : floor;  // NaN-free inputs: max(floor, x)
    ln_lanes(x);
    x = x * k - offset;
    top = top > x ? top : x;
    std::memcpy(v + i, &x, sizeof x);
  }
  if (i < count) {
    V x;
    for (int l = 0; l < kL; ++l) x[l] = i + l < count ? v[i + l] : floor;
    x = x > floor ? x : floor;
    ln_lanes(x);
    x = x * k - offset;
    for (int l = 0; i + l < count; ++l) {
      v[i + l] = x[l];
      top[l] = std::max(top[l], x[l]);
    }
  }
  float best = -INFINITY;
  for (int l = 0; l < kL; ++l) best = std::max(best, top[l]);
  return best;
}
#pragma GCC diagnostic pop

// Sparse mel projection of kL frames: bands[b] = sum_k w[b][k] power[k].
__attribute__((target_clones("avx2", "default"))) void mel_lanes(const float* power,
                                                                 const int* first, const int* count,
                                                                 const size_t* offset,
                                                                 const float* weights, int n_bands,
                                                                 float* out) {
  const V* p = reinterpret_cast<const V*>(power);
  V* o = reinterpret_cast<V*>(out);
  for (int b = 0; b < n_bands; ++b) {
    const float* w = weights + offset[b];
    const V* pk = p + first[b];
    V acc = {};
    for (int k = 0; k < count[b]; ++k) acc += pk[k] * w[k];
    o[b] = acc;
  }
}

// Orthonormal DCT-II of kL frames: out[k] = sum_i dct[k][i] in[i], each bins x kL.
__attribute__((target_clones("avx2", "default"))) void dct_lanes(const float* in, const float* dct,
                                                                 int n_in, int n_out, float* out) {
  const V* x = reinterpret_cast<const V*>(in);
  V* o = reinterpret_cast<V*>(out);
  for (int k = 0; k < n_out; ++k) {
    const float* d = dct + static_cast<size_t>(k) * n_in;
    V acc = {};
    for (int i = 0; i < n_in; ++i) acc += x[i] * d[i];
    o[k] = acc;
  }
}

}  // namespace

double hz_to_mel(double hz, MelScale scale) {
  if (scale == MelScale::kHtk) return 2595.0 * std::log10(1.0 + hz / 700.0);
  const double f_sp = 200.0 / 3, min_log_hz = 1000.0, min_log_mel = min_log_hz / f_sp;
  const double logstep = std::log(6.4) / 27.0;
  if (hz >= min_log_hz) return min_log_mel + std::log(hz / min_log_hz) / logstep;
  return hz / f_sp;
}

double mel_to_hz(double mel, MelScale scale) {
  if (scale == MelScale::kHtk) return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
  const double f_sp = 200.0 / 3, min_log_hz = 1000.0, min_log_mel = min_log_hz / f_sp;
  const double logstep = std::log(6.4) / 27.0;
  if (mel >= min_log_mel) return min_log_hz * std::exp(logstep * (mel - min_log_mel));
  return f_sp * mel;
}

std::vector<double> mel_filterbank(int sample_rate, int n_fft, int n_mels, double fmin, double fmax,
                                   MelScale scale, MelNorm norm) {
  const int bins = n_fft / 2 + 1;
  // Band edges: n_mels + 2 points evenly spaced in mel (np.linspace), back in Hz.
  const double lo = hz_to_mel(fmin, scale), hi = hz_to_mel(fmax, scale);
  const double step = (hi - lo) / (n_mels + 1);
  std::vector<double> mel_f(n_mels + 2);
  for (int i = 0; i < n_mels + 2; ++i) mel_f[i] = mel_to_hz(i * step + lo, scale);
  mel_f[n_mels + 1] = mel_to_hz(hi, scale);
  const double bin_hz = 1.0 / (n_fft * (1.0 / sample_rate));  // np.fft.rfftfreq's spacing
  std::vector<double> fb(static_cast<size_t>(n_mels) * bins);
  for (int b = 0; b < n_mels; ++b) {
    const double enorm = norm == MelNorm::kSlaney ? 2.0 / (mel_f[b + 2] - mel_f[b]) : 1.0;
    for (int k = 0; k < bins; ++k) {
      const double f = k * bin_hz;
      const double lower = -(mel_f[b] - f) / (mel_f[b + 1] - mel_f[b]);
      const double upper = (mel_f[b + 2] - f) / (mel_f[b + 2] - mel_f[b + 1]);
      // librosa stores the triangle in float32, then scales it by enorm (in double).
      const float w = static_cast<float>(std::max(0.0, std::min(lower, upper)));
      fb[static_cast<size_t>(b) * bins + k] = norm == MelNorm::kSlaney ? w * enorm : w;
    }
  }
  return fb;
}

SpectralConfig default_spectral_config(SpectralKind kind, int sample_rate) {
  SpectralConfig c;
  c.kind = kind;
  c.sample_rate = sample_rate;
  if (kind == SpectralKind::kMfe) {
    c.n_fft = 256;
    c.win_length = static_cast<int>(std::lround(0.020 * sample_rate));
    c.hop_length = static_cast<int>(std::lround(0.010 * sample_rate));
    c.n_mels = 40;
    c.center = false;
    c.pre_emphasis = 0.98;
  }
  return c;
}

SpectralConfig resolve_spectral_config(SpectralConfig c) {
  const bool mfe = c.kind == SpectralKind::kMfe;
  if (c.sample_rate <= 0) throw usage_error("--rate must be positive");
  if (c.n_fft < 1) throw usage_error("--n-fft must be at least 1");
  if (c.win_length == 0) c.win_length = c.n_fft;
  if (c.win_length < 1) throw usage_error("--win-length must be at least 1");
  // Edge Impulse crops a frame longer than the FFT (numpy's rfft(frame, n)); librosa refuses.
  if (!mfe && c.win_length > c.n_fft)
    throw usage_error("--win-length " + std::to_string(c.win_length) + " is longer than --n-fft " +
                      std::to_string(c.n_fft));
  if (c.hop_length == 0) c.hop_length = std::max(1, c.win_length / 4);
  if (c.hop_length < 1) throw usage_error("--hop-length must be at least 1");
  if (!(c.power > 0) || !std::isfinite(c.power)) throw usage_error("--power must be positive");
  const int bins = c.n_fft / 2 + 1;
  const double nyquist = c.sample_rate / 2.0;
  if (c.fmax == 0) c.fmax = nyquist;
  if (c.kind != SpectralKind::kSpectrogram) {
    if (c.n_mels < 1) throw usage_error("--n-mels must be at least 1");
    if (c.n_mels > bins)
      throw usage_error("--n-mels " + std::to_string(c.n_mels) + " is more than the " +
                        std::to_string(bins) + " FFT bins of --n-fft " + std::to_string(c.n_fft) +
                        " (n_fft/2 + 1)");
    if (!(c.fmin >= 0)) throw usage_error("--fmin must be >= 0");
    if (!(c.fmax <= nyquist))
      throw usage_error("--fmax " + num(c.fmax) + " is above the Nyquist frequency " +
                        num(nyquist) + " of --rate " + std::to_string(c.sample_rate));
    if (!(c.fmin < c.fmax))
      throw usage_error("--fmin " + num(c.fmin) + " must be below --fmax " + num(c.fmax));
  }
  if (c.kind == SpectralKind::kMfcc && (c.n_mfcc < 1 || c.n_mfcc > c.n_mels))
    throw usage_error("--n-mfcc must be between 1 and --n-mels (" + std::to_string(c.n_mels) + ")");
  if (!(c.amin > 0)) throw usage_error("--amin must be positive");
  if (!c.ref_max && !(c.ref > 0)) throw usage_error("--ref must be positive (or 'max')");
  if (c.top_db && !(*c.top_db >= 0)) throw usage_error("--top-db must be >= 0 (or 'none')");
  if (!(c.pre_emphasis >= 0 && c.pre_emphasis < 1))
    throw usage_error("--pre-emphasis must be in [0, 1)");
  return c;
}

SpectralExtractor::SpectralExtractor(const SpectralConfig& config)
    : config_(config), fft_(config.n_fft) {
  const SpectralConfig& c = config_;
  const int n_fft = c.n_fft, bins = n_fft / 2 + 1;
  bins_ = c.kind == SpectralKind::kSpectrogram ? bins
          : c.kind == SpectralKind::kMfcc      ? c.n_mfcc
                                               : c.n_mels;
  window_.assign(n_fft, 0.0f);
  if (c.kind == SpectralKind::kMfe) {
    // Rectangular frame at the start of the FFT buffer (cropped to n_fft).
    win_start_ = 0;
    win_end_ = std::min(c.win_length, n_fft);
    std::fill(window_.begin(), window_.end() - (n_fft - win_end_), 1.0f);
  } else {
    // Periodic Hann (scipy get_window('hann', N, fftbins=True)), centered in n_fft.
    win_start_ = (n_fft - c.win_length) / 2;
    win_end_ = win_start_ + c.win_length;
    for (int i = 0; i < c.win_length; ++i)
      window_[win_start_ + i] =
          static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / c.win_length));
  }
  if (c.kind == SpectralKind::kSpectrogram) return;
  std::vector<double> fb =
      c.kind == SpectralKind::kMfe
          ? ei_filterbank(c.sample_rate, n_fft, c.n_mels, c.fmin, c.fmax)
          : mel_filterbank(c.sample_rate, n_fft, c.n_mels, c.fmin, c.fmax, c.mel_scale, c.mel_norm);
  // Edge Impulse scales the power spectrum by 1/n_fft; fold it into the weights.
  const double scale = c.kind == SpectralKind::kMfe ? 1.0 / n_fft : 1.0;
  band_first_.assign(c.n_mels, 0);
  band_count_.assign(c.n_mels, 0);
  band_offset_.assign(c.n_mels, 0);
  for (int b = 0; b < c.n_mels; ++b) {
    const double* row = &fb[static_cast<size_t>(b) * bins];
    int first = 0, last = -1;
    for (int k = 0; k < bins; ++k)
      if (row[k] != 0) {
        if (last < 0) first = k;
        last = k;
      }
    band_offset_[b] = weights_.size();
    if (last < 0) {
      ++empty_bands_;
      continue;
    }
    band_first_[b] = first;
    band_count_[b] = last - first + 1;
    for (int k = first; k <= last; ++k) weights_.push_back(static_cast<float>(row[k] * scale));
  }
  if (c.kind == SpectralKind::kMfcc) {
    const int n = c.n_mels;
    dct_.resize(static_cast<size_t>(c.n_mfcc) * n);
    for (int k = 0; k < c.n_mfcc; ++k)
      for (int i = 0; i < n; ++i)
        dct_[static_cast<size_t>(k) * n + i] =
            static_cast<float>(std::sqrt((k == 0 ? 1.0 : 2.0) / n) *
                               std::cos(std::numbers::pi * k * (2 * i + 1) / (2.0 * n)));
  }
}

SpectralExtractor::~SpectralExtractor() = default;

size_t SpectralExtractor::frames_for(size_t n) const {
  const SpectralConfig& c = config_;
  size_t span = n;  // samples the frames may start in
  size_t frame = c.n_fft;
  if (c.kind == SpectralKind::kMfe) frame = c.win_length;
  if (c.center) span += 2 * static_cast<size_t>(c.n_fft / 2);
  if (span < frame) return 0;
  return 1 + (span - frame) / c.hop_length;
}

// Frames of |STFT|^power (spectrogram) or of mel energies into `blocks`: batch j holds frames
// 8j..8j+7 as bins() x kL values (frame in the lane), frames past the end computed from zeros.
void SpectralExtractor::compute_blocks(const float* y, size_t n, size_t frames,
                                       float* blocks) const {
  thread_local Scratch s;
  const SpectralConfig& c = config_;
  const int n_fft = c.n_fft, bins = n_fft / 2 + 1;
  const bool mel = c.kind != SpectralKind::kSpectrogram;
  const size_t block = static_cast<size_t>(mel ? c.n_mels : bins) * kL;
  float* in = sized(s.in, static_cast<size_t>(n_fft) * kL);
  float* fft_scratch = sized(s.fft, fft_.scratch_floats());
  float* power = mel ? sized(s.power, static_cast<size_t>(bins) * kL) : nullptr;
  const long pad = c.center ? n_fft / 2 : 0;
  const long len = static_cast<long>(n), hop = c.hop_length;
  const bool mfe = c.kind == SpectralKind::kMfe;
  for (size_t t0 = 0, j = 0; t0 < frames; t0 += kL, ++j) {
    const int lanes = static_cast<int>(std::min<size_t>(kL, frames - t0));
    const long first = static_cast<long>(t0) * hop - pad;
    if (lanes == kL && first + win_start_ >= 0 && first + (kL - 1) * hop + win_end_ <= len) {
      gather_lanes(y, first, hop, window_.data(), win_start_, win_end_, n_fft, in);
    } else {
      std::memset(in, 0, sizeof(float) * n_fft * kL);
      for (int l = 0; l < lanes; ++l) {
        const long start = first + l * hop;
        const long lo = std::max<long>(win_start_, -start);
        const long hi = std::min<long>(win_end_, len - start);
        for (long i = lo; i < hi; ++i) in[i * kL + l] = window_[i] * y[start + i];
      }
    }
    float* dest = blocks + j * block;
    fft_.power_lanes(in, mel ? power : dest, fft_scratch);
    if (!mel) {
      if (c.power != 2.0) apply_exponent(dest, block, c.power);
      continue;
    }
    if (!mfe && c.power != 2.0) apply_exponent(power, static_cast<size_t>(bins) * kL, c.power);
    mel_lanes(power, band_first_.data(), band_count_.data(), band_offset_.data(), weights_.data(),
              c.n_mels, dest);
  }
}

// librosa.power_to_db in float32, as librosa computes it on float32 input.
void SpectralExtractor::to_db(float* v, size_t count) const {
  const SpectralConfig& c = config_;
  const float amin = static_cast<float>(c.amin);
  float ref = static_cast<float>(c.ref);
  if (c.ref_max) {
    ref = 0;
    for (size_t i = 0; i < count; ++i) ref = std::max(ref, v[i]);
  }
  // amin below the smallest normal float: libm handles the subnormals.
  float top = -INFINITY;
  if (c.amin >= 1.1754944e-38) {
    // The reference goes through the same float log as the values (as librosa's float32 path
    // does), so a value equal to ref is exactly 0 dB.
    float offset = std::max(amin, ref);
    db_lanes(&offset, 1, amin, 0.0f);
    top = db_lanes(v, count, amin, offset);
  } else {
    const float offset = 10.0f * std::log10(std::max(amin, ref));
    for (size_t i = 0; i < count; ++i) {
      v[i] = 10.0f * std::log10(std::max(amin, v[i])) - offset;
      top = std::max(top, v[i]);
    }
  }
  if (c.top_db) {
    const float floor = top - static_cast<float>(*c.top_db);
    for (size_t i = 0; i < count; ++i) v[i] = std::max(v[i], floor);
  }
}

void SpectralExtractor::compute(const float* x, size_t n, std::vector<float>& out) const {
  thread_local Scratch s;
  const SpectralConfig& c = config_;
  const size_t frames = frames_for(n);
  out.resize(frames * bins_);
  if (frames == 0) return;
  const float* y = x;
  if (c.pre_emphasis != 0 && n > 0) {
    float* e = sized(s.y, n);
    const float coef = static_cast<float>(c.pre_emphasis);
    for (size_t i = n - 1; i > 0; --i) e[i] = x[i] - coef * x[i - 1];
    if (c.kind == SpectralKind::kMfe) {
      e[0] = x[0] - coef * x[n - 1];  // speechpy's np.roll: the first sample sees the last
    } else {
      // librosa.effects.preemphasis starts lfilter from the state zi = 2 y[0] - y[1].
      e[0] = x[0] + (2 * x[0] - (n > 1 ? x[1] : 0.0f));
    }
    y = e;
  }
  const size_t batches = (frames + kL - 1) / kL;
  const size_t width = c.kind == SpectralKind::kSpectrogram ? bins_ : c.n_mels;
  float* blocks = sized(s.blocks, batches * width * kL);
  compute_blocks(y, n, frames, blocks);
  const size_t count = batches * width * kL;
  // Padding frames past the end are silent, so they never raise the maxima top_db and ref=max
  // look at.
  switch (c.kind) {
    case SpectralKind::kSpectrogram:
      break;
    case SpectralKind::kLogMel:
      to_db(blocks, count);
      break;
    case SpectralKind::kMfcc: {
      to_db(blocks, count);
      float* coeffs = sized(s.coeffs, batches * bins_ * kL);
      for (size_t j = 0; j < batches; ++j)
        dct_lanes(blocks + j * width * kL, dct_.data(), c.n_mels, c.n_mfcc,
                  coeffs + j * bins_ * kL);
      blocks = coeffs;
      break;
    }
    case SpectralKind::kMfe: {
      db_lanes(blocks, count, 1e-30f, 0.0f);
      const float floor_db = static_cast<float>(c.noise_floor_db);
      const float range = -floor_db + 12.0f;
      for (size_t i = 0; i < count; ++i) {
        const float d = std::clamp((blocks[i] - floor_db) / range, 0.0f, 1.0f);
        // Quantised to 1/256 steps as Edge Impulse does (rounding half to even), at most 255.
        blocks[i] = std::min(255.0f, std::nearbyint(d * 256.0f)) / 256.0f;
      }
      break;
    }
  }
  // Lanes to rows.
  for (size_t t = 0; t < frames; ++t) {
    const float* src = blocks + (t / kL) * bins_ * kL + t % kL;
    float* row = out.data() + t * bins_;
    for (size_t k = 0; k < bins_; ++k) row[k] = src[k * kL];
  }
}

}  // namespace tinyprep

#include "audio/real_fft.h"

#include <cmath>
#include <cstring>
#include <numbers>

#include "core/error.h"

namespace tinyprep {
namespace {

constexpr int kL = RealFft::kLanes;
// kL floats side by side; aligned(4) so loads and stores need no particular buffer alignment.
typedef float V __attribute__((vector_size(kL * sizeof(float)), aligned(4)));
struct CV {
  V r, i;
};

bool is_pow2(int n) {
  return n > 0 && (n & (n - 1)) == 0;
}

// exp(-2 pi i k / n) in double, rounded once to float.
void twiddle(long k, long n, float& re, float& im) {
  const double a = 2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n);
  re = static_cast<float>(std::cos(a));
  im = static_cast<float>(-std::sin(a));
}

// Plain iterative radix-2 complex FFT in double (Bluestein's helper); sign -1 forward.
void fft_double(std::complex<double>* a, int n, const std::complex<double>* roots) {
  for (int i = 1, j = 0; i < n; ++i) {
    int bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (int len = 2; len <= n; len <<= 1) {
    const int step = n / len;
    for (int i = 0; i < n; i += len)
      for (int k = 0; k < len / 2; ++k) {
        std::complex<double> u = a[i + k], v = a[i + k + len / 2] * roots[k * step];
        a[i + k] = u + v;
        a[i + k + len / 2] = u - v;
      }
  }
}

}  // namespace

struct RealFft::Plan {
  // Power of two: m = n/2 point complex FFT, radix-4 stages (+ one radix-2 when log2 m is odd).
  int m = 0;
  std::vector<float> stage_twiddles;  // per radix-4 stage, per p: w1r w1i w2r w2i w3r w3i
  std::vector<float> post_twiddles;   // per k in [0, m/2]: exp(-2 pi i k / n), re and im
  // Bluestein (other sizes).
  int big = 0;                               // power of two >= 2n - 1
  std::vector<std::complex<double>> chirp;   // exp(-i pi k^2 / n)
  std::vector<std::complex<double>> kernel;  // FFT of the conjugate chirp, wrapped
  std::vector<std::complex<double>> roots;   // exp(-2 pi i k / big)
};

namespace {

[[gnu::always_inline]] inline void radix4_stage(int len, int s, const CV* x, CV* y,
                                                const float* tw) {
  const int q4 = len / 4;
  for (int p = 0; p < q4; ++p) {
    const float* w = tw + 6 * p;
    for (int q = 0; q < s; ++q) {
      const CV a = x[q + s * p], b = x[q + s * (p + q4)];
      const CV c = x[q + s * (p + 2 * q4)], d = x[q + s * (p + 3 * q4)];
      const V apc_r = a.r + c.r, apc_i = a.i + c.i;
      const V amc_r = a.r - c.r, amc_i = a.i - c.i;
      const V bpd_r = b.r + d.r, bpd_i = b.i + d.i;
      // -i (b - d)
      const V mj_r = b.i - d.i, mj_i = d.r - b.r;
      CV* out = y + q + s * 4 * p;
      out[0].r = apc_r + bpd_r;
      out[0].i = apc_i + bpd_i;
      const V t1r = amc_r + mj_r, t1i = amc_i + mj_i;
      const V t2r = apc_r - bpd_r, t2i = apc_i - bpd_i;
      const V t3r = amc_r - mj_r, t3i = amc_i - mj_i;
      if (p == 0) {
        out[s] = {t1r, t1i};
        out[2 * s] = {t2r, t2i};
        out[3 * s] = {t3r, t3i};
      } else {
        out[s] = {t1r * w[0] - t1i * w[1], t1r * w[1] + t1i * w[0]};
        out[2 * s] = {t2r * w[2] - t2i * w[3], t2r * w[3] + t2i * w[2]};
        out[3 * s] = {t3r * w[4] - t3i * w[5], t3r * w[5] + t3i * w[4]};
      }
    }
  }
}

// The whole power-of-two transform; with `power`, writes |X|^2 to re (im unused) instead of
// X, saving a pass over the spectrum.
template <bool power>
[[gnu::always_inline]] inline void transform_pow2(int m, const float* stage_twiddles,
                                                  const float* post_twiddles, float* in, float* re,
                                                  float* im, float* scratch) {
  CV* x = reinterpret_cast<CV*>(in);  // z[j] = in[2j] + i in[2j+1], already in CV layout
  CV* y = reinterpret_cast<CV*>(scratch);
  const float* tw = stage_twiddles;
  int len = m, s = 1;
  for (; len >= 4; len /= 4, s *= 4) {
    radix4_stage(len, s, x, y, tw);
    tw += 6 * (len / 4);
    std::swap(x, y);
  }
  if (len == 2) {
    for (int q = 0; q < s; ++q) {
      const CV a = x[q], b = x[q + s];
      y[q] = {a.r + b.r, a.i + b.i};
      y[q + s] = {a.r - b.r, a.i - b.i};
    }
    std::swap(x, y);
  }
  // x now holds Z, the m-point DFT of z. Unpack the spectrum of the real signal:
  // X[k] = E + T, X[m-k] = conj(E - T), E = (Z[k] + conj Z[m-k]) / 2,
  // T = W^k O, O = -i (Z[k] - conj Z[m-k]) / 2, W = exp(-2 pi i / n).
  V* rv = reinterpret_cast<V*>(re);
  V* iv = reinterpret_cast<V*>(im);
  const V zero = {};
  const V dc = x[0].r + x[0].i, nyquist = x[0].r - x[0].i;
  if constexpr (power) {
    rv[0] = dc * dc;
    rv[m] = nyquist * nyquist;
  } else {
    rv[0] = dc;
    iv[0] = zero;
    rv[m] = nyquist;
    iv[m] = zero;
  }
  const float* pw = post_twiddles;
  for (int k = 1; 2 * k <= m; ++k) {
    const CV a = x[k], b = x[m - k];
    const V er = (a.r + b.r) * 0.5f, ei = (a.i - b.i) * 0.5f;
    const V orr = (a.i + b.i) * 0.5f, oi = (b.r - a.r) * 0.5f;
    const float c = pw[2 * k], sn = pw[2 * k + 1];
    const V tr = orr * c - oi * sn, ti = orr * sn + oi * c;
    const V r1 = er + tr, i1 = ei + ti, r2 = er - tr, i2 = ti - ei;
    if constexpr (power) {
      rv[k] = r1 * r1 + i1 * i1;
      if (2 * k != m) rv[m - k] = r2 * r2 + i2 * i2;
    } else {
      rv[k] = r1;
      iv[k] = i1;
      if (2 * k != m) {
        rv[m - k] = r2;
        iv[m - k] = i2;
      }
    }
  }
}

// Compiled twice (AVX2 and baseline x86-64, chosen at load time); neither clone may use FMA,
// so both give the same bits.
__attribute__((target_clones("avx2", "default"))) void forward_pow2(int m,
                                                                    const float* stage_twiddles,
                                                                    const float* post_twiddles,
                                                                    float* in, float* re, float* im,
                                                                    float* scratch) {
  transform_pow2<false>(m, stage_twiddles, post_twiddles, in, re, im, scratch);
}

__attribute__((target_clones("avx2", "default"))) void power_pow2(int m,
                                                                  const float* stage_twiddles,
                                                                  const float* post_twiddles,
                                                                  float* in, float* out,
                                                                  float* scratch) {
  transform_pow2<true>(m, stage_twiddles, post_twiddles, in, out, nullptr, scratch);
}

}  // namespace

RealFft::RealFft(int n) : n_(n), pow2_(is_pow2(n) && n >= 2), plan_(std::make_unique<Plan>()) {
  if (n < 1) throw usage_error("FFT size must be at least 1, not " + std::to_string(n));
  Plan& p = *plan_;
  if (pow2_) {
    p.m = n / 2;
    for (int len = p.m; len >= 4; len /= 4)
      for (int q = 0; q < len / 4; ++q)
        for (int j = 1; j <= 3; ++j) {
          float r, i;
          twiddle(static_cast<long>(j) * q, len, r, i);
          p.stage_twiddles.push_back(r);
          p.stage_twiddles.push_back(i);
        }
    p.post_twiddles.resize(2 * (p.m / 2 + 1));
    for (int k = 0; k <= p.m / 2; ++k)
      twiddle(k, n, p.post_twiddles[2 * k], p.post_twiddles[2 * k + 1]);
    return;
  }
  p.big = 1;
  while (p.big < 2 * n - 1) p.big <<= 1;
  p.chirp.resize(n);
  for (long k = 0; k < n; ++k) {
    // k^2 mod 2n keeps the angle small, so it stays accurate for large k.
    const long k2 = (k * k) % (2L * n);
    const double a = std::numbers::pi * static_cast<double>(k2) / n;
    p.chirp[k] = {std::cos(a), -std::sin(a)};
  }
  p.roots.resize(p.big / 2 + 1);
  for (int k = 0; k <= p.big / 2; ++k) {
    const double a = 2.0 * std::numbers::pi * k / p.big;
    p.roots[k] = {std::cos(a), -std::sin(a)};
  }
  p.kernel.assign(p.big, {0.0, 0.0});
  p.kernel[0] = std::conj(p.chirp[0]);
  for (int k = 1; k < n; ++k) p.kernel[k] = p.kernel[p.big - k] = std::conj(p.chirp[k]);
  fft_double(p.kernel.data(), p.big, p.roots.data());
}

RealFft::~RealFft() = default;
RealFft::RealFft(RealFft&&) noexcept = default;
RealFft& RealFft::operator=(RealFft&&) noexcept = default;

size_t RealFft::scratch_floats() const {
  if (pow2_) return static_cast<size_t>(n_) * kL;
  // big complex doubles, then room for the imaginary parts power_lanes() squares.
  return static_cast<size_t>(plan_->big) * 4 + static_cast<size_t>(n_ / 2 + 1) * kL;
}

void RealFft::forward_lanes(float* in, float* re, float* im, float* scratch) const {
  if (pow2_)
    return forward_pow2(plan_->m, plan_->stage_twiddles.data(), plan_->post_twiddles.data(), in, re,
                        im, scratch);
  const Plan& p = *plan_;
  auto* a = reinterpret_cast<std::complex<double>*>(scratch);
  const int bins = n_ / 2 + 1;
  for (int lane = 0; lane < kL; ++lane) {
    for (int k = 0; k < n_; ++k) a[k] = p.chirp[k] * static_cast<double>(in[k * kL + lane]);
    std::fill(a + n_, a + p.big, std::complex<double>(0.0, 0.0));
    fft_double(a, p.big, p.roots.data());
    // Inverse transform by conjugation: ifft(v) = conj(fft(conj(v))) / big.
    for (int k = 0; k < p.big; ++k) a[k] = std::conj(a[k] * p.kernel[k]);
    fft_double(a, p.big, p.roots.data());
    const double scale = 1.0 / p.big;
    for (int k = 0; k < bins; ++k) {
      const std::complex<double> v = std::conj(a[k]) * scale * p.chirp[k];
      re[k * kL + lane] = static_cast<float>(v.real());
      im[k * kL + lane] = static_cast<float>(v.imag());
    }
  }
}

void RealFft::power_lanes(float* in, float* power, float* scratch) const {
  if (pow2_)
    return power_pow2(plan_->m, plan_->stage_twiddles.data(), plan_->post_twiddles.data(), in,
                      power, scratch);
  // Bluestein: transform, then square (im borrows the end of the scratch).
  const size_t bins = static_cast<size_t>(n_ / 2 + 1) * kL;
  float* im = scratch + static_cast<size_t>(plan_->big) * 4;
  forward_lanes(in, power, im, scratch);
  for (size_t i = 0; i < bins; ++i) power[i] = power[i] * power[i] + im[i] * im[i];
}

std::vector<std::complex<float>> RealFft::forward(const float* x) const {
  std::vector<float> in(static_cast<size_t>(n_) * kL, 0.0f), re(bins() * kL), im(bins() * kL);
  std::vector<float> scratch(scratch_floats());
  for (int i = 0; i < n_; ++i) in[i * kL] = x[i];
  forward_lanes(in.data(), re.data(), im.data(), scratch.data());
  std::vector<std::complex<float>> out(bins());
  for (int k = 0; k < bins(); ++k) out[k] = {re[k * kL], im[k * kL]};
  return out;
}

}  // namespace tinyprep

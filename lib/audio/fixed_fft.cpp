#include "audio/fixed_fft.h"

#include <cmath>

#include "audio/fixed_fft_avx2.h"
#include "core/error.h"

namespace tinyprep {
namespace {

constexpr double kPi = 3.14159265358979323846264338327950288;
constexpr int32_t kRound = 1 << 14;

// kissfft's C_FIXDIV(x, 2) and C_FIXDIV(x, 4): a Q15 multiply by SAMP_MAX/div, not a shift.
inline int16_t div2(int16_t x) {
  return int16_t((int32_t(x) * 16383 + kRound) >> 15);
}
inline int16_t div4(int16_t x) {
  return int16_t((int32_t(x) * 8191 + kRound) >> 15);
}

// C_MUL: both products summed before the one rounding. |sum| < 2^31 for int16 inputs and
// |twiddle| <= 32767, so int32 does not overflow; the int16 store truncates (wraps).
inline int16_t mul_re(int16_t ar, int16_t ai, int16_t br, int16_t bi) {
  return int16_t((int32_t(ar) * br - int32_t(ai) * bi + kRound) >> 15);
}
inline int16_t mul_im(int16_t ar, int16_t ai, int16_t br, int16_t bi) {
  return int16_t((int32_t(ar) * bi + int32_t(ai) * br + kRound) >> 15);
}

inline ComplexInt16 cmul(ComplexInt16 a, ComplexInt16 b) {
  return {mul_re(a.re, a.im, b.re, b.im), mul_im(a.re, a.im, b.re, b.im)};
}
inline ComplexInt16 cadd(ComplexInt16 a, ComplexInt16 b) {
  return {int16_t(a.re + b.re), int16_t(a.im + b.im)};
}
inline ComplexInt16 csub(ComplexInt16 a, ComplexInt16 b) {
  return {int16_t(a.re - b.re), int16_t(a.im - b.im)};
}

// A unit complex number in Q15 as kissfft's fixed-point kf_cexp makes it (double precision).
ComplexInt16 q15_unit(double phase) {
  return {int16_t(std::floor(0.5 + 32767 * std::cos(phase))),
          int16_t(std::floor(0.5 + 32767 * std::sin(phase)))};
}

// Radix-4 butterflies over m outputs spaced m apart, twiddles tw[k * stride * {1,2,3}].
void butterfly4(ComplexInt16* f, const ComplexInt16* tw, int stride, int m) {
  for (int k = 0; k < m; ++k) {
    ComplexInt16 a[4];
    for (int j = 0; j < 4; ++j) a[j] = {div4(f[k + j * m].re), div4(f[k + j * m].im)};
    const ComplexInt16 b1 = cmul(a[1], tw[k * stride]);
    const ComplexInt16 b2 = cmul(a[2], tw[2 * k * stride]);
    const ComplexInt16 b3 = cmul(a[3], tw[3 * k * stride]);
    const ComplexInt16 s5 = csub(a[0], b2);
    const ComplexInt16 c0 = cadd(a[0], b2);
    const ComplexInt16 s3 = cadd(b1, b3);
    const ComplexInt16 s4 = csub(b1, b3);
    f[k + 2 * m] = csub(c0, s3);
    f[k] = cadd(c0, s3);
    f[k + m] = {int16_t(s5.re + s4.im), int16_t(s5.im - s4.re)};
    f[k + 3 * m] = {int16_t(s5.re - s4.im), int16_t(s5.im + s4.re)};
  }
}

void butterfly2(ComplexInt16* f, const ComplexInt16* tw, int stride, int m) {
  for (int k = 0; k < m; ++k) {
    const ComplexInt16 a0 = {div2(f[k].re), div2(f[k].im)};
    const ComplexInt16 a1 = {div2(f[k + m].re), div2(f[k + m].im)};
    const ComplexInt16 t = cmul(a1, tw[k * stride]);
    f[k + m] = csub(a0, t);
    f[k] = cadd(a0, t);
  }
}

// ---- The fast path for n = 512 (a 256-point complex FFT, four radix-4 stages). ----
// These portable loops are written lane by lane for the auto-vectoriser; fixed_fft_avx2.cpp has
// the same steps in AVX2 intrinsics, used when the CPU has AVX2.
// Real and imaginary parts live in separate arrays. Each stage runs its butterflies lane by
// lane over a contiguous run (sub-transforms for the first two stages, frequencies for the
// last two, with one 16x16 transpose between); every butterfly does exactly the arithmetic of
// butterfly4 above, only the memory layout differs.

constexpr int kHalf512 = 256;
// Offsets in the fast-path buffer (int16 units).
constexpr int kTw1 = 0;                  // stage 1: per k<4, 3 rows x 16 lanes, re then im
constexpr int kTw2 = kTw1 + 4 * 2 * 48;  // stage 2: 3 rows x 16 lanes, re then im
constexpr int kTw3 = kTw2 + 2 * 48;      // stage 3: 3 rows x 64 lanes, re then im
constexpr int kSuper = kTw3 + 2 * 192;   // split pass: 128 re then 128 im
constexpr int kBufA = kSuper + 256;      // work buffers: re[264] then im[264]
constexpr int kBufB = kBufA + 2 * 264;
constexpr int kBufIn = kBufB + 2 * 264;  // input copy for forward(): re[256] then im[256]
constexpr int kFastSize = kBufIn + 2 * 256;
constexpr int kStride = 264;  // distance of the im array from the re array in work buffers

// Inputs x[j * kIn + i], outputs y[q * kOut + i], twiddles t[(j - 1) * kLen + i], i < kLen.
template <int kLen, int kIn, int kOut, bool kRotate>
inline void radix4_run(const int16_t* __restrict xr, const int16_t* __restrict xi,
                       int16_t* __restrict yr, int16_t* __restrict yi, const int16_t* __restrict tr,
                       const int16_t* __restrict ti) {
  for (int i = 0; i < kLen; ++i) {
    const int16_t a0r = div4(xr[i]), a0i = div4(xi[i]);
    int16_t b1r = div4(xr[kIn + i]), b1i = div4(xi[kIn + i]);
    int16_t b2r = div4(xr[2 * kIn + i]), b2i = div4(xi[2 * kIn + i]);
    int16_t b3r = div4(xr[3 * kIn + i]), b3i = div4(xi[3 * kIn + i]);
    if constexpr (kRotate) {
      const int16_t r1 = mul_re(b1r, b1i, tr[i], ti[i]);
      b1i = mul_im(b1r, b1i, tr[i], ti[i]);
      b1r = r1;
      const int16_t r2 = mul_re(b2r, b2i, tr[kLen + i], ti[kLen + i]);
      b2i = mul_im(b2r, b2i, tr[kLen + i], ti[kLen + i]);
      b2r = r2;
      const int16_t r3 = mul_re(b3r, b3i, tr[2 * kLen + i], ti[2 * kLen + i]);
      b3i = mul_im(b3r, b3i, tr[2 * kLen + i], ti[2 * kLen + i]);
      b3r = r3;
    }
    const int16_t s5r = int16_t(a0r - b2r), s5i = int16_t(a0i - b2i);
    const int16_t c0r = int16_t(a0r + b2r), c0i = int16_t(a0i + b2i);
    const int16_t s3r = int16_t(b1r + b3r), s3i = int16_t(b1i + b3i);
    const int16_t s4r = int16_t(b1r - b3r), s4i = int16_t(b1i - b3i);
    yr[i] = int16_t(c0r + s3r);
    yi[i] = int16_t(c0i + s3i);
    yr[kOut + i] = int16_t(s5r + s4i);
    yi[kOut + i] = int16_t(s5i - s4r);
    yr[2 * kOut + i] = int16_t(c0r - s3r);
    yi[2 * kOut + i] = int16_t(c0i - s3i);
    yr[3 * kOut + i] = int16_t(s5r - s4i);
    yi[3 * kOut + i] = int16_t(s5i + s4r);
  }
}

// 256-point complex FFT: (in_re, in_im) natural order -> b (re at b, im at b + kStride),
// natural order; a is scratch of the same shape.
void fft256(const int16_t* in_re, const int16_t* in_im, const int16_t* fast, int16_t* a,
            int16_t* b) {
  int16_t* ar = a;
  int16_t* ai = a + kStride;
  int16_t* br = b;
  int16_t* bi = b + kStride;
  // Stage 1 (sub-transforms of length 4 over inputs 64 apart). Every twiddle is tw[0] =
  // (32767, 0), and C_MUL by it is the identity on the |x| <= 8191 that C_FIXDIV(x, 4) leaves
  // ((x * 32767 + 16384) >> 15 == x for -16383 <= x <= 16384), so it is skipped.
  radix4_run<64, 64, 64, false>(in_re, in_im, br, bi, nullptr, nullptr);
  // Stage 2: 16 sub-transforms of length 16; run over the sub-transform, one k at a time.
  for (int k = 0; k < 4; ++k) {
    const int16_t* t = fast + kTw1 + k * 96;
    radix4_run<16, 16, 64, true>(br + k * 64, bi + k * 64, ar + k * 16, ai + k * 16, t, t + 48);
  }
  // From [frequency][sub-transform] to [sub-transform][frequency].
  for (int r = 0; r < 16; ++r) {
    for (int c = 0; c < 16; ++c) {
      br[c * 16 + r] = ar[r * 16 + c];
      bi[c * 16 + r] = ai[r * 16 + c];
    }
  }
  // Stage 3: 4 sub-transforms of length 64; run over the frequency.
  for (int g = 0; g < 4; ++g) {
    const int16_t* t = fast + kTw2;
    radix4_run<16, 64, 16, true>(br + g * 16, bi + g * 16, ar + g * 64, ai + g * 64, t, t + 48);
  }
  // Stage 4: the whole transform.
  radix4_run<64, 64, 64, true>(ar, ai, br, bi, fast + kTw3, fast + kTw3 + 192);
}

// kiss_fftr's split pass for bins 1..255 of a 256-point complex result z (re at z, im at
// z + kStride) into x (same layout); bins 0 and 256 are done by the caller.
void split256(const int16_t* __restrict zr, const int16_t* __restrict zi,
              const int16_t* __restrict sr, const int16_t* __restrict si, int16_t* __restrict xr,
              int16_t* __restrict xi) {
  // k = 128 is its own mirror and handled after the loop (its second store wins).
  for (int k = 1; k < 128; ++k) {
    const int16_t pr = div2(zr[k]), pi = div2(zi[k]);
    const int16_t qr = div2(zr[kHalf512 - k]), qi = div2(int16_t(-zi[kHalf512 - k]));
    const int16_t f1r = int16_t(pr + qr), f1i = int16_t(pi + qi);
    const int16_t f2r = int16_t(pr - qr), f2i = int16_t(pi - qi);
    const int16_t tr = mul_re(f2r, f2i, sr[k - 1], si[k - 1]);
    const int16_t ti = mul_im(f2r, f2i, sr[k - 1], si[k - 1]);
    xr[k] = int16_t((f1r + tr) >> 1);
    xi[k] = int16_t((f1i + ti) >> 1);
    xr[kHalf512 - k] = int16_t((f1r - tr) >> 1);
    xi[kHalf512 - k] = int16_t((ti - f1i) >> 1);
  }
  const int16_t pr = div2(zr[128]), pi = div2(zi[128]);
  const int16_t qr = pr, qi = div2(int16_t(-zi[128]));
  const int16_t f1r = int16_t(pr + qr), f1i = int16_t(pi + qi);
  const int16_t f2r = int16_t(pr - qr), f2i = int16_t(pi - qi);
  const int16_t tr = mul_re(f2r, f2i, sr[127], si[127]);
  const int16_t ti = mul_im(f2r, f2i, sr[127], si[127]);
  xr[128] = int16_t((f1r - tr) >> 1);
  xi[128] = int16_t((ti - f1i) >> 1);
}

void energy_soa(const int16_t* x, int first, int end, uint32_t* energy) {
  const int16_t* __restrict xr = x;
  const int16_t* __restrict xi = x + kStride;
  uint32_t* __restrict e = energy;
  for (int k = first; k < end; ++k) {
    e[k] = uint32_t(int32_t(xr[k]) * xr[k]) + uint32_t(int32_t(xi[k]) * xi[k]);
  }
}

}  // namespace

FixedRealFft::FixedRealFft(int n) : n_(n), half_(n / 2) {
  if (n < 4 || n > 65536 || (n & (n - 1)) != 0) {
    throw usage_error("FFT size must be a power of two from 4 to 65536, not " + std::to_string(n));
  }
  // kissfft factors powers of 4 first, then one 2: outermost stage first.
  for (int rest = half_; rest > 1;) {
    const int p = rest % 4 == 0 ? 4 : 2;
    radix_.push_back(p);
    rest /= p;
  }
  twiddle_.resize(half_);
  for (int i = 0; i < half_; ++i) twiddle_[i] = q15_unit(-2 * kPi * i / half_);
  super_.resize(half_ / 2);
  for (int i = 0; i < half_ / 2; ++i) {
    super_[i] = q15_unit(-kPi * (double(i + 1) / half_ + 0.5));
  }
  zin_.resize(half_);
  zout_.resize(half_);
  bins_.resize(half_ + 1);
  if (n_ == 512) {
    soa_.assign(kFastSize, 0);
    int16_t* f = soa_.data();
    for (int k = 0; k < 4; ++k) {
      for (int j = 1; j < 4; ++j) {
        for (int i = 0; i < 16; ++i) {
          f[kTw1 + k * 96 + (j - 1) * 16 + i] = twiddle_[j * k * 16].re;
          f[kTw1 + k * 96 + 48 + (j - 1) * 16 + i] = twiddle_[j * k * 16].im;
        }
      }
    }
    for (int j = 1; j < 4; ++j) {
      for (int k = 0; k < 16; ++k) {
        f[kTw2 + (j - 1) * 16 + k] = twiddle_[j * k * 4].re;
        f[kTw2 + 48 + (j - 1) * 16 + k] = twiddle_[j * k * 4].im;
      }
      for (int k = 0; k < 64; ++k) {
        f[kTw3 + (j - 1) * 64 + k] = twiddle_[j * k].re;
        f[kTw3 + 192 + (j - 1) * 64 + k] = twiddle_[j * k].im;
      }
    }
    for (int i = 0; i < 128; ++i) {
      f[kSuper + i] = super_[i].re;
      f[kSuper + 128 + i] = super_[i].im;
    }
    use_avx2(true);
  }
}

bool FixedRealFft::use_avx2(bool on) {
  avx2_ = false;
#if TINYPREP_HAVE_AVX2_PATH
  if (on && n_ == 512 && fft_avx2::available()) {
    if (avx2_table_.empty()) {
      avx2_table_.resize(fft_avx2::kTableSize);
      fft_avx2::build_tables(twiddle_.data(), super_.data(), avx2_table_.data());
    }
    avx2_ = true;
  }
#else
  (void)on;
#endif
  return avx2_;
}

void FixedRealFft::complex_reference(const ComplexInt16* in, ComplexInt16* out, int stride,
                                     int level) {
  const int p = radix_[level];
  const int m = half_ / (stride * p);
  if (m == 1) {
    for (int q = 0; q < p; ++q) out[q] = in[q * stride];
  } else {
    for (int q = 0; q < p; ++q)
      complex_reference(in + q * stride, out + q * m, stride * p, level + 1);
  }
  if (p == 4) {
    butterfly4(out, twiddle_.data(), stride, m);
  } else {
    butterfly2(out, twiddle_.data(), stride, m);
  }
}

void FixedRealFft::split_pass(const ComplexInt16* z, ComplexInt16* out) const {
  const ComplexInt16 dc = {div2(z[0].re), div2(z[0].im)};
  out[0] = {int16_t(dc.re + dc.im), 0};
  out[half_] = {int16_t(dc.re - dc.im), 0};
  for (int k = 1; k <= half_ / 2; ++k) {
    const ComplexInt16 fpk = {div2(z[k].re), div2(z[k].im)};
    const ComplexInt16 fpnk = {div2(z[half_ - k].re), div2(int16_t(-z[half_ - k].im))};
    const ComplexInt16 f1 = cadd(fpk, fpnk);
    const ComplexInt16 f2 = csub(fpk, fpnk);
    const ComplexInt16 tw = cmul(f2, super_[k - 1]);
    out[k] = {int16_t((f1.re + tw.re) >> 1), int16_t((f1.im + tw.im) >> 1)};
    out[half_ - k] = {int16_t((f1.re - tw.re) >> 1), int16_t((tw.im - f1.im) >> 1)};
  }
}

void FixedRealFft::forward_reference(const int16_t* in, ComplexInt16* out) {
  for (int i = 0; i < half_; ++i) zin_[i] = {in[2 * i], in[2 * i + 1]};
  complex_reference(zin_.data(), zout_.data(), 1, 0);
  split_pass(zout_.data(), out);
}

void FixedRealFft::forward(const int16_t* in, ComplexInt16* out) {
  if (n_ != 512) {
    forward_reference(in, out);
    return;
  }
  int16_t* f = soa_.data();
  for (int i = 0; i < kHalf512; ++i) {
    f[kBufIn + i] = in[2 * i];
    f[kBufIn + 256 + i] = in[2 * i + 1];
  }
#if TINYPREP_HAVE_AVX2_PATH
  if (avx2_) {
    fft_avx2::fft256(f + kBufIn, f + kBufIn + 256, avx2_table_.data(), f + kBufA, f + kBufB);
  } else {
    fft256(f + kBufIn, f + kBufIn + 256, f, f + kBufA, f + kBufB);
  }
#else
  fft256(f + kBufIn, f + kBufIn + 256, f, f + kBufA, f + kBufB);
#endif
  for (int i = 0; i < kHalf512; ++i) zout_[i] = {f[kBufB + i], f[kBufB + kStride + i]};
  split_pass(zout_.data(), out);
}

void FixedRealFft::power(const int16_t* even, const int16_t* odd, int first, int end,
                         uint32_t* energy) {
  if (first < 0 || end > half_ + 1 || first > end) {
    throw Error("FixedRealFft::power: bin range out of bounds");
  }
  if (n_ != 512) {
    for (int i = 0; i < half_; ++i) zin_[i] = {even[i], odd[i]};
    complex_reference(zin_.data(), zout_.data(), 1, 0);
    split_pass(zout_.data(), bins_.data());
    for (int k = first; k < end; ++k) {
      const ComplexInt16 x = bins_[k];
      energy[k] = uint32_t(int32_t(x.re) * x.re) + uint32_t(int32_t(x.im) * x.im);
    }
    return;
  }
  int16_t* f = soa_.data();
  int16_t* a = f + kBufA;
  int16_t* b = f + kBufB;
#if TINYPREP_HAVE_AVX2_PATH
  if (avx2_) {
    fft_avx2::fft256(even, odd, avx2_table_.data(), a, b);
    fft_avx2::split256(b, avx2_table_.data(), a);
  } else {
    fft256(even, odd, f, a, b);
    split256(b, b + kStride, f + kSuper, f + kSuper + 128, a, a + kStride);
  }
#else
  fft256(even, odd, f, a, b);
  split256(b, b + kStride, f + kSuper, f + kSuper + 128, a, a + kStride);
#endif
  // DC and Nyquist (imaginary parts 0).
  const int16_t dr = div2(b[0]), di = div2(b[kStride]);
  a[0] = int16_t(dr + di);
  a[kHalf512] = int16_t(dr - di);
  a[kStride] = a[kStride + kHalf512] = 0;
#if TINYPREP_HAVE_AVX2_PATH
  if (avx2_) {
    fft_avx2::energy(a, first, end, energy);
    return;
  }
#endif
  energy_soa(a, first, end, energy);
}

}  // namespace tinyprep

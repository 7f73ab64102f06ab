// AVX2 kernels of FixedRealFft's 512-point path (same memory layout and the same integer
// results as the portable loops in fixed_fft.cpp; chosen at run time when the CPU has AVX2).
//  - C_FIXDIV(x, 4) = (x * 8191 + 2^14) >> 15 is exactly pmulhrsw(x, 8191) (it rounds the same
//    way: ((x*y >> 14) + 1) >> 1 == (x*y + 2^14) >> 15).
//  - C_MUL sums both products before rounding: pmaddwd on (re, im) pairs against precomputed
//    (tw.re, -tw.im) and (tw.im, tw.re) pairs.
#include "audio/fixed_fft_avx2.h"

#if TINYPREP_HAVE_AVX2_PATH
#include <immintrin.h>

#define TARGET_AVX2 __attribute__((target("avx2")))

namespace tinyprep::fft_avx2 {
namespace {

constexpr int kStride = 264;  // im arrays follow re arrays at this distance

// Twiddle pairs for one 16-lane block: 4 vectors (re lo, re hi, im lo, im hi) of 16 int16.
constexpr int kPairs = 64;
constexpr int kStage2 = 0;                      // 4 k x 3 rotations
constexpr int kStage3 = kStage2 + 12 * kPairs;  // 3 rotations
constexpr int kStage4 = kStage3 + 3 * kPairs;   // 4 blocks x 3 rotations
constexpr int kSplit = kStage4 + 12 * kPairs;   // 8 blocks
static_assert(kSplit + 8 * kPairs == kTableSize);

TARGET_AVX2 inline __m256i load(const int16_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}
TARGET_AVX2 inline void store(int16_t* p, __m256i v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
}

TARGET_AVX2 inline __m256i div4(__m256i x) {
  return _mm256_mulhrs_epi16(x, _mm256_set1_epi16(8191));
}
TARGET_AVX2 inline __m256i div2(__m256i x) {
  return _mm256_mulhrs_epi16(x, _mm256_set1_epi16(16383));
}

// (sum + 2^14) >> 15 of the int32 pair sums, packed back to int16. kWrap: truncate to 16 bits
// as a C int16 store does (needed where the result can exceed int16); otherwise the result is
// known to fit and the saturating pack is exact.
template <bool kWrap>
TARGET_AVX2 inline __m256i round_pack(__m256i lo, __m256i hi) {
  const __m256i half = _mm256_set1_epi32(1 << 14);
  lo = _mm256_srai_epi32(_mm256_add_epi32(lo, half), 15);
  hi = _mm256_srai_epi32(_mm256_add_epi32(hi, half), 15);
  if constexpr (kWrap) {
    lo = _mm256_srai_epi32(_mm256_slli_epi32(lo, 16), 16);
    hi = _mm256_srai_epi32(_mm256_slli_epi32(hi, 16), 16);
  }
  return _mm256_packs_epi32(lo, hi);
}

template <bool kWrap>
TARGET_AVX2 inline void cmul(__m256i& re, __m256i& im, const int16_t* pairs) {
  const __m256i lo = _mm256_unpacklo_epi16(re, im);
  const __m256i hi = _mm256_unpackhi_epi16(re, im);
  re = round_pack<kWrap>(_mm256_madd_epi16(lo, load(pairs)),
                         _mm256_madd_epi16(hi, load(pairs + 16)));
  im = round_pack<kWrap>(_mm256_madd_epi16(lo, load(pairs + 32)),
                         _mm256_madd_epi16(hi, load(pairs + 48)));
}

// One 16-lane radix-4 butterfly: inputs x[j * in_step], outputs y[q * out_step]; pairs: the
// three rotations' twiddle pairs, or null for the all-tw[0] first stage (identity there).
// In the FFT stages C_MUL's inputs are C_FIXDIV(x, 4) outputs (|x| <= 8191), so the products
// stay below 11585 in magnitude and never need wrapping.
TARGET_AVX2 inline void radix4(const int16_t* xr, const int16_t* xi, int in_step, int16_t* yr,
                               int16_t* yi, int out_step, const int16_t* pairs) {
  const __m256i a0r = div4(load(xr)), a0i = div4(load(xi));
  __m256i b1r = div4(load(xr + in_step)), b1i = div4(load(xi + in_step));
  __m256i b2r = div4(load(xr + 2 * in_step)), b2i = div4(load(xi + 2 * in_step));
  __m256i b3r = div4(load(xr + 3 * in_step)), b3i = div4(load(xi + 3 * in_step));
  if (pairs) {
    cmul<false>(b1r, b1i, pairs);
    cmul<false>(b2r, b2i, pairs + kPairs);
    cmul<false>(b3r, b3i, pairs + 2 * kPairs);
  }
  const __m256i s5r = _mm256_sub_epi16(a0r, b2r), s5i = _mm256_sub_epi16(a0i, b2i);
  const __m256i c0r = _mm256_add_epi16(a0r, b2r), c0i = _mm256_add_epi16(a0i, b2i);
  const __m256i s3r = _mm256_add_epi16(b1r, b3r), s3i = _mm256_add_epi16(b1i, b3i);
  const __m256i s4r = _mm256_sub_epi16(b1r, b3r), s4i = _mm256_sub_epi16(b1i, b3i);
  store(yr, _mm256_add_epi16(c0r, s3r));
  store(yi, _mm256_add_epi16(c0i, s3i));
  store(yr + out_step, _mm256_add_epi16(s5r, s4i));
  store(yi + out_step, _mm256_sub_epi16(s5i, s4r));
  store(yr + 2 * out_step, _mm256_sub_epi16(c0r, s3r));
  store(yi + 2 * out_step, _mm256_sub_epi16(c0i, s3i));
  store(yr + 3 * out_step, _mm256_sub_epi16(s5r, s4i));
  store(yi + 3 * out_step, _mm256_add_epi16(s5i, s4r));
}

// 16x16 int16 transpose: two 8x8 in-lane transposes per half, then swap 128-bit halves.
TARGET_AVX2 void transpose16(const int16_t* in, int16_t* out) {
  __m256i d[2][8];
  for (int half = 0; half < 2; ++half) {
    __m256i a[8], b[8], c[8];
    for (int r = 0; r < 8; ++r) a[r] = load(in + (half * 8 + r) * 16);
    for (int r = 0; r < 4; ++r) {
      b[2 * r] = _mm256_unpacklo_epi16(a[2 * r], a[2 * r + 1]);
      b[2 * r + 1] = _mm256_unpackhi_epi16(a[2 * r], a[2 * r + 1]);
    }
    for (int r = 0; r < 2; ++r) {
      c[4 * r] = _mm256_unpacklo_epi32(b[4 * r], b[4 * r + 2]);
      c[4 * r + 1] = _mm256_unpackhi_epi32(b[4 * r], b[4 * r + 2]);
      c[4 * r + 2] = _mm256_unpacklo_epi32(b[4 * r + 1], b[4 * r + 3]);
      c[4 * r + 3] = _mm256_unpackhi_epi32(b[4 * r + 1], b[4 * r + 3]);
    }
    for (int r = 0; r < 4; ++r) {
      d[half][2 * r] = _mm256_unpacklo_epi64(c[r], c[r + 4]);
      d[half][2 * r + 1] = _mm256_unpackhi_epi64(c[r], c[r + 4]);
    }
  }
  for (int col = 0; col < 8; ++col) {
    store(out + col * 16, _mm256_permute2x128_si256(d[0][col], d[1][col], 0x20));
    store(out + (col + 8) * 16, _mm256_permute2x128_si256(d[0][col], d[1][col], 0x31));
  }
}

TARGET_AVX2 inline __m256i reverse16(__m256i v) {
  const __m256i mask = _mm256_setr_epi8(14, 15, 12, 13, 10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1, 14,
                                        15, 12, 13, 10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1);
  return _mm256_permute4x64_epi64(_mm256_shuffle_epi8(v, mask), 0x4E);
}

// floor((a + b) / 2) and floor((a - b) / 2) of int16 lanes without 17-bit intermediates.
TARGET_AVX2 inline __m256i half_sum(__m256i a, __m256i b) {
  const __m256i carry = _mm256_and_si256(_mm256_and_si256(a, b), _mm256_set1_epi16(1));
  return _mm256_add_epi16(_mm256_add_epi16(_mm256_srai_epi16(a, 1), _mm256_srai_epi16(b, 1)),
                          carry);
}
TARGET_AVX2 inline __m256i half_diff(__m256i a, __m256i b) {
  const __m256i borrow = _mm256_and_si256(_mm256_andnot_si256(a, b), _mm256_set1_epi16(1));
  return _mm256_sub_epi16(_mm256_sub_epi16(_mm256_srai_epi16(a, 1), _mm256_srai_epi16(b, 1)),
                          borrow);
}

TARGET_AVX2 void make_pairs(const int16_t* twr, const int16_t* twi, int16_t* out) {
  const __m256i r = load(twr), i = load(twi);
  const __m256i neg_i = _mm256_sub_epi16(_mm256_setzero_si256(), i);
  store(out, _mm256_unpacklo_epi16(r, neg_i));
  store(out + 16, _mm256_unpackhi_epi16(r, neg_i));
  store(out + 32, _mm256_unpacklo_epi16(i, r));
  store(out + 48, _mm256_unpackhi_epi16(i, r));
}

}  // namespace

bool available() {
  return __builtin_cpu_supports("avx2");
}

void build_tables(const ComplexInt16* tw, const ComplexInt16* super, int16_t* table) {
  int16_t re[16], im[16];
  auto block = [&](auto value, int16_t* out) {
    for (int i = 0; i < 16; ++i) {
      const ComplexInt16 v = value(i);
      re[i] = v.re;
      im[i] = v.im;
    }
    make_pairs(re, im, out);
  };
  for (int k = 0; k < 4; ++k) {
    for (int j = 1; j < 4; ++j) {
      block([&](int) { return tw[j * k * 16]; }, table + kStage2 + (k * 3 + j - 1) * kPairs);
    }
  }
  for (int j = 1; j < 4; ++j) {
    block([&](int k) { return tw[j * k * 4]; }, table + kStage3 + (j - 1) * kPairs);
    for (int b = 0; b < 4; ++b) {
      block([&](int k) { return tw[j * (b * 16 + k)]; },
            table + kStage4 + (b * 3 + j - 1) * kPairs);
    }
  }
  for (int b = 0; b < 8; ++b) {
    block([&](int i) { return super[b * 16 + i]; }, table + kSplit + b * kPairs);
  }
}

TARGET_AVX2 void fft256(const int16_t* in_re, const int16_t* in_im, const int16_t* table,
                        int16_t* a, int16_t* b) {
  int16_t* ar = a;
  int16_t* ai = a + kStride;
  int16_t* br = b;
  int16_t* bi = b + kStride;
  for (int v = 0; v < 4; ++v) {
    radix4(in_re + v * 16, in_im + v * 16, 64, br + v * 16, bi + v * 16, 64, nullptr);
  }
  for (int k = 0; k < 4; ++k) {
    radix4(br + k * 64, bi + k * 64, 16, ar + k * 16, ai + k * 16, 64,
           table + kStage2 + k * 3 * kPairs);
  }
  transpose16(ar, br);
  transpose16(ai, bi);
  for (int g = 0; g < 4; ++g) {
    radix4(br + g * 16, bi + g * 16, 64, ar + g * 64, ai + g * 64, 16, table + kStage3);
  }
  for (int v = 0; v < 4; ++v) {
    radix4(ar + v * 16, ai + v * 16, 64, br + v * 16, bi + v * 16, 64,
           table + kStage4 + v * 3 * kPairs);
  }
}

TARGET_AVX2 void split256(const int16_t* z, const int16_t* table, int16_t* x) {
  const int16_t* zr = z;
  const int16_t* zi = z + kStride;
  int16_t* xr = x;
  int16_t* xi = x + kStride;
  const __m256i zero = _mm256_setzero_si256();
  // k = 16v+1 .. 16v+16; the mirror bins 256-k are loaded and stored reversed. For k = 128
  // (last lane of the last block) the mirror store comes second and wins, as upstream.
  for (int v = 0; v < 8; ++v) {
    const int k0 = 16 * v + 1;
    const __m256i pr = div2(load(zr + k0)), pi = div2(load(zi + k0));
    const __m256i qr = div2(reverse16(load(zr + 256 - k0 - 15)));
    const __m256i qi = div2(_mm256_sub_epi16(zero, reverse16(load(zi + 256 - k0 - 15))));
    const __m256i f1r = _mm256_add_epi16(pr, qr), f1i = _mm256_add_epi16(pi, qi);
    __m256i tr = _mm256_sub_epi16(pr, qr), ti = _mm256_sub_epi16(pi, qi);
    cmul<true>(tr, ti, table + kSplit + v * kPairs);
    store(xr + k0, half_sum(f1r, tr));
    store(xi + k0, half_sum(f1i, ti));
    store(xr + 256 - k0 - 15, reverse16(half_diff(f1r, tr)));
    store(xi + 256 - k0 - 15, reverse16(half_diff(ti, f1i)));
  }
}

TARGET_AVX2 void energy(const int16_t* x, int first, int end, uint32_t* out) {
  const int16_t* xr = x;
  const int16_t* xi = x + kStride;
  int k = first;
  for (; k + 16 <= end; k += 16) {
    const __m256i r = load(xr + k), i = load(xi + k);
    const __m256i lo = _mm256_unpacklo_epi16(r, i), hi = _mm256_unpackhi_epi16(r, i);
    // re*re + im*im; the one overflow (both -32768) wraps to 2^31, as the uint32 result.
    const __m256i elo = _mm256_madd_epi16(lo, lo), ehi = _mm256_madd_epi16(hi, hi);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + k),
                        _mm256_permute2x128_si256(elo, ehi, 0x20));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + k + 8),
                        _mm256_permute2x128_si256(elo, ehi, 0x31));
  }
  for (; k < end; ++k) out[k] = uint32_t(int32_t(xr[k]) * xr[k]) + uint32_t(int32_t(xi[k]) * xi[k]);
}

}  // namespace tinyprep::fft_avx2

#endif  // TINYPREP_HAVE_AVX2_PATH

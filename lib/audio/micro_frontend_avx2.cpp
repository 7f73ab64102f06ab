// AVX2 version of the frontend's per-channel steps (see micro_frontend_avx2.h). Every step
// keeps the uint32/uint64 wrap-around of the scalar code; tests compare both on random data.
#include "audio/micro_frontend_avx2.h"

#if TINYPREP_HAVE_FRONTEND_AVX2
#include <immintrin.h>

#define TARGET_AVX2 __attribute__((target("avx2")))

namespace tinyprep::frontend_avx2 {
namespace {

TARGET_AVX2 inline __m256i load(const void* p) {
  return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}
TARGET_AVX2 inline void store(void* p, __m256i v) {
  _mm256_storeu_si256(static_cast<__m256i*>(p), v);
}

// (uint64(a) * b) >> shift, truncated to 32 bits, per uint32 lane.
TARGET_AVX2 inline __m256i mul_shift(__m256i a, __m256i b, __m128i shift) {
  const __m256i even = _mm256_srl_epi64(_mm256_mul_epu32(a, b), shift);
  const __m256i odd =
      _mm256_srl_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32)), shift);
  return _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// (uint64(a) * b + uint64(c) * d) >> shift, truncated to 32 bits, per uint32 lane.
TARGET_AVX2 inline __m256i mul_add_shift(__m256i a, __m256i b, __m256i c, __m256i d,
                                         __m128i shift) {
  const __m256i even =
      _mm256_srl_epi64(_mm256_add_epi64(_mm256_mul_epu32(a, b), _mm256_mul_epu32(c, d)), shift);
  const __m256i odd = _mm256_srl_epi64(
      _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32)),
                       _mm256_mul_epu32(_mm256_srli_epi64(c, 32), _mm256_srli_epi64(d, 32))),
      shift);
  return _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// Position of the highest set bit, 1-based, for x >= 1: both x and x >> 8 convert to float
// exactly when below 2^24, and the float's exponent is floor(log2).
TARGET_AVX2 inline __m256i msb(__m256i x) {
  const __m256i high = _mm256_srli_epi32(x, 8);
  const __m256i has_high = _mm256_cmpgt_epi32(high, _mm256_setzero_si256());  // high < 2^24
  const __m256i y = _mm256_blendv_epi8(x, high, has_high);  // below 2^24 either way
  const __m256i bits = _mm256_castps_si256(_mm256_cvtepi32_ps(y));
  const __m256i exponent = _mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(126));
  return _mm256_add_epi32(exponent, _mm256_and_si256(has_high, _mm256_set1_epi32(8)));
}

TARGET_AVX2 inline __m256i unsigned_le(__m256i a, __m256i b) {  // all ones where a <= b
  return _mm256_cmpeq_epi32(_mm256_min_epu32(a, b), a);
}

// floor(sqrt(x)) rounded as the frontend's routine, for 4 uint64 lanes below 2^52.
TARGET_AVX2 inline __m256i sqrt4(__m256i x) {
  const __m256i magic = _mm256_set1_epi64x(0x4330000000000000);  // 2^52 as a double
  const __m256d xd =
      _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(x, magic)), _mm256_castsi256_pd(magic));
  __m256i r = _mm256_cvtepu32_epi64(_mm256_cvttpd_epi32(_mm256_sqrt_pd(xd)));
  const __m256i one = _mm256_set1_epi64x(1);
  // Within one of the true root: step down if r*r > x, up if (r+1)^2 <= x.
  __m256i rr = _mm256_mul_epu32(r, r);
  r = _mm256_add_epi64(r, _mm256_cmpgt_epi64(rr, x));
  rr = _mm256_mul_epu32(r, r);
  const __m256i next = _mm256_add_epi64(_mm256_add_epi64(rr, _mm256_add_epi64(r, r)), one);
  const __m256i up = _mm256_andnot_si256(_mm256_cmpgt_epi64(next, x), one);
  r = _mm256_add_epi64(r, up);
  rr = _mm256_mul_epu32(r, r);
  // Round: +1 when x - r*r > r, except at the 32-bit routine's cap (r = 0xFFFF, x < 2^32).
  const __m256i round = _mm256_cmpgt_epi64(_mm256_sub_epi64(x, rr), r);
  const __m256i capped =
      _mm256_and_si256(_mm256_cmpeq_epi64(r, _mm256_set1_epi64x(0xFFFF)),
                       _mm256_cmpgt_epi64(_mm256_set1_epi64x(int64_t(1) << 32), x));
  return _mm256_add_epi64(r, _mm256_and_si256(_mm256_andnot_si256(capped, round), one));
}

TARGET_AVX2 inline __m256i pcan(__m256i v, __m256i estimate, const TailTables& t) {
  // Wide dynamic function of the estimate: a quadratic in each power-of-two interval.
  const __m256i two = _mm256_set1_epi32(2);
  const __m256i small_x = unsigned_le(estimate, two);
  const __m256i n = msb(_mm256_max_epu32(estimate, two));
  const __m256i base = _mm256_sub_epi32(_mm256_slli_epi32(n, 2), _mm256_set1_epi32(6));
  const __m256i p0 = _mm256_i32gather_epi32(t.gain_lut, base, 4);
  const __m256i p1 = _mm256_i32gather_epi32(t.gain_lut + 1, base, 4);
  const __m256i p2 = _mm256_i32gather_epi32(t.gain_lut + 2, base, 4);
  const __m256i eleven = _mm256_set1_epi32(11);
  // Shift counts past 31 give 0 in AVX2, so one of these is always 0 (or both equal x).
  const __m256i frac =
      _mm256_and_si256(_mm256_or_si256(_mm256_sllv_epi32(estimate, _mm256_sub_epi32(eleven, n)),
                                       _mm256_srlv_epi32(estimate, _mm256_sub_epi32(n, eleven))),
                       _mm256_set1_epi32(0x3FF));
  __m256i r = _mm256_srai_epi32(_mm256_mullo_epi32(p2, frac), 5);
  r = _mm256_add_epi32(r, _mm256_slli_epi32(p1, 5));
  r = _mm256_mullo_epi32(r, frac);
  r = _mm256_srai_epi32(_mm256_add_epi32(r, _mm256_set1_epi32(1 << 14)), 15);
  r = _mm256_add_epi32(r, p0);
  r = _mm256_srai_epi32(_mm256_slli_epi32(r, 16), 16);  // the int16 result, sign-extended
  const __m256i direct = _mm256_i32gather_epi32(t.gain_lut, _mm256_min_epu32(estimate, two), 4);
  const __m256i gain = _mm256_blendv_epi8(r, direct, small_x);
  // snr = (v * gain) >> snr_shift; shrink: snr^2 >> 20 below 8192, else snr / 64 - 64.
  const __m256i snr = mul_shift(v, gain, _mm_cvtsi32_si128(t.snr_shift));
  const __m256i quiet = _mm256_srli_epi32(_mm256_mullo_epi32(snr, snr), 20);
  const __m256i loud = _mm256_sub_epi32(_mm256_srli_epi32(snr, 6), _mm256_set1_epi32(64));
  return _mm256_blendv_epi8(loud, quiet, unsigned_le(snr, _mm256_set1_epi32(8191)));
}

TARGET_AVX2 inline __m256i log_scale(__m256i v, const TailTables& t) {
  const __m256i two = _mm256_set1_epi32(2);
  const __m256i positive = unsigned_le(two, v);  // v > 1
  const __m256i x = _mm256_max_epu32(v, two);
  const __m256i n = _mm256_sub_epi32(msb(x), _mm256_set1_epi32(1));
  const __m256i rest = _mm256_sub_epi32(x, _mm256_sllv_epi32(_mm256_set1_epi32(1), n));
  const __m256i sixteen = _mm256_set1_epi32(16);
  const __m256i frac = _mm256_or_si256(_mm256_sllv_epi32(rest, _mm256_sub_epi32(sixteen, n)),
                                       _mm256_srlv_epi32(rest, _mm256_sub_epi32(n, sixteen)));
  const __m256i seg = _mm256_srli_epi32(frac, 9);
  const __m256i pair = _mm256_i32gather_epi32(reinterpret_cast<const int*>(t.log_pairs), seg, 4);
  const __m256i c0 = _mm256_and_si256(pair, _mm256_set1_epi32(0xFFFF));
  const __m256i c1 = _mm256_srli_epi32(pair, 16);
  const __m256i rel =
      _mm256_srai_epi32(_mm256_mullo_epi32(_mm256_sub_epi32(c1, c0),
                                           _mm256_sub_epi32(frac, _mm256_slli_epi32(seg, 9))),
                        16);
  const __m256i log2 =
      _mm256_add_epi32(_mm256_slli_epi32(n, 16), _mm256_add_epi32(frac, _mm256_add_epi32(c0, rel)));
  // (45426 * log2 + 2^15) >> 16 without 64 bits: split log2 into its integer and fraction.
  const __m256i coeff = _mm256_set1_epi32(45426);
  const __m256i loge = _mm256_add_epi32(
      _mm256_mullo_epi32(coeff, _mm256_srli_epi32(log2, 16)),
      _mm256_srli_epi32(
          _mm256_add_epi32(
              _mm256_mullo_epi32(coeff, _mm256_and_si256(log2, _mm256_set1_epi32(0xFFFF))),
              _mm256_set1_epi32(1 << 15)),
          16));
  const __m256i scaled =
      _mm256_srli_epi32(_mm256_add_epi32(_mm256_sll_epi32(loge, _mm_cvtsi32_si128(t.scale_shift)),
                                         _mm256_set1_epi32(1 << 15)),
                        16);
  return _mm256_and_si256(scaled, positive);
}

}  // namespace

bool available() {
  return __builtin_cpu_supports("avx2");
}

TARGET_AVX2 bool tail(const TailTables& t, const uint64_t* work, int shift, uint32_t* estimate,
                      uint16_t* out) {
  __m256i high = _mm256_setzero_si256();
  for (int c = 0; c < t.lanes; c += 4) high = _mm256_or_si256(high, load(work + c));
  if (!_mm256_testz_si256(high, _mm256_set1_epi64x(~((int64_t(1) << 52) - 1)))) return false;

  // Step by step over all channels (not channel block by block): the blocks are independent,
  // so the core overlaps their long latency chains (sqrt, gathers).
  const __m128i shift_count = _mm_cvtsi32_si128(shift);
  const __m128i smoothing_bits = _mm_cvtsi32_si128(t.smoothing_bits);
  const __m128i q14 = _mm_cvtsi32_si128(14);
  const __m256i pick_low = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  alignas(32) uint32_t values[kMaxLanes];
  for (int c = 0; c < t.lanes; c += 8) {
    // Square roots of 8 uint64 sums, >> shift, gathered into 8 uint32 lanes.
    const __m256i r0 = _mm256_srl_epi64(sqrt4(load(work + c)), shift_count);
    const __m256i r1 = _mm256_srl_epi64(sqrt4(load(work + c + 4)), shift_count);
    const __m256i lo = _mm256_permutevar8x32_epi32(r0, pick_low);
    const __m256i hi = _mm256_permutevar8x32_epi32(r1, pick_low);
    store(values + c, _mm256_permute2x128_si256(lo, hi, 0x20));
  }
  for (int c = 0; c < t.lanes; c += 8) {
    // Noise reduction (the estimate is tracked even when the subtraction is off).
    __m256i v = load(values + c);
    const __m256i s = load(t.smoothing + c);
    const __m256i scaled = _mm256_sll_epi32(v, smoothing_bits);
    const __m256i old = load(estimate + c);
    const __m256i est =
        mul_add_shift(scaled, s, old, _mm256_sub_epi32(_mm256_set1_epi32(1 << 14), s), q14);
    store(estimate + c, est);
    if (t.noise_reduction) {
      const __m256i kept = _mm256_sub_epi32(scaled, _mm256_min_epu32(est, scaled));
      const __m256i floor = mul_shift(v, _mm256_set1_epi32(int(t.min_signal_remaining)), q14);
      store(values + c, _mm256_max_epu32(_mm256_srl_epi32(kept, smoothing_bits), floor));
    }
  }
  if (t.pcan) {
    for (int c = 0; c < t.lanes; c += 8) {
      store(values + c, pcan(load(values + c), load(estimate + c), t));
    }
  }
  for (int c = 0; c < t.lanes; c += 8) {
    __m256i v = load(values + c);
    if (t.log_scale) {
      v = t.log_correction_bits < 0 ? _mm256_srl_epi32(v, _mm_cvtsi32_si128(-t.log_correction_bits))
                                    : _mm256_sll_epi32(v, _mm_cvtsi32_si128(t.log_correction_bits));
      v = log_scale(v, t);
    }
    v = _mm256_min_epu32(v, _mm256_set1_epi32(0xFFFF));
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(v, v), 0x08);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + c), _mm256_castsi256_si128(packed));
  }
  return true;
}

}  // namespace tinyprep::frontend_avx2

#endif  // TINYPREP_HAVE_FRONTEND_AVX2

#pragma once
// Internal to fixed_fft.cpp: the AVX2 kernels of the 512-point path (see fixed_fft_avx2.cpp).
#include <cstdint>

#include "audio/fixed_fft.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(TINYPREP_NO_AVX2)
#define TINYPREP_HAVE_AVX2_PATH 1
#else
#define TINYPREP_HAVE_AVX2_PATH 0
#endif

#if TINYPREP_HAVE_AVX2_PATH
namespace tinyprep::fft_avx2 {

constexpr int kTableSize = 35 * 64;  // int16 values of twiddle pairs

/// True when the CPU runs AVX2.
bool available();
/// Twiddle pairs from the 256-point twiddles and the 128 split-pass twiddles.
void build_tables(const ComplexInt16* twiddle, const ComplexInt16* super, int16_t* table);
/// 256-point complex FFT, natural order in and out; a, b: re[264] then im[264] each; result in b.
void fft256(const int16_t* in_re, const int16_t* in_im, const int16_t* table, int16_t* a,
            int16_t* b);
/// Split pass of bins 1..255 from z into x (both re[264] then im[264]).
void split256(const int16_t* z, const int16_t* table, int16_t* x);
/// re*re + im*im of bins [first, end) of x into out.
void energy(const int16_t* x, int first, int end, uint32_t* out);

}  // namespace tinyprep::fft_avx2
#endif

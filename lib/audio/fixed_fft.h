#pragma once
// Real FFT in 16-bit fixed point with exactly the arithmetic of kissfft v130 built with
// FIXED_POINT=16 (kiss_fftr), which TensorFlow's micro frontend uses: an n/2-point complex FFT
// of the even/odd samples (radix 4, then one radix 2 when log2(n/2) is odd; every butterfly
// divides its inputs by the radix with Q15 rounding) followed by the real split pass. The
// output is about DFT(x)/n. Written from the algorithm description in
// docs/FRONTEND_SPEC.md, not from kissfft's sources.
#include <cstdint>
#include <vector>

namespace tinyprep {

/// One complex FFT value, real and imaginary parts in int16.
struct ComplexInt16 {
  int16_t re = 0;
  int16_t im = 0;
  friend bool operator==(const ComplexInt16&, const ComplexInt16&) = default;
};

/// The fixed-point real FFT of one size; tables are built once, scratch is reused, so one
/// object serves one thread at a time.
class FixedRealFft {
 public:
  /// n: a power of two in [4, 65536]; throws usage_error otherwise.
  explicit FixedRealFft(int n);

  int size() const { return n_; }

  /// Transforms n real samples into bins 0..n/2 (n/2 + 1 values).
  void forward(const int16_t* in, ComplexInt16* out);

  /// The same result by the plain recursive decimation-in-time walk (slow; the fast paths are
  /// tested against it).
  void forward_reference(const int16_t* in, ComplexInt16* out);

  /// Power spectrum re*re + im*im (computed in int32, wrapping to uint32 like the frontend) of
  /// bins [first, end), written to energy[first..end). The input comes already split: even[i]
  /// = x[2i] and odd[i] = x[2i+1], n/2 values each. 0 <= first <= end <= n/2 + 1.
  void power(const int16_t* even, const int16_t* odd, int first, int end, uint32_t* energy);

  /// The 512-point path uses AVX2 kernels when the CPU has them (same results); false forces
  /// the portable loops (for tests). Returns whether AVX2 is now in use.
  bool use_avx2(bool on);

 private:
  void complex_reference(const ComplexInt16* in, ComplexInt16* out, int stride, int level);
  void split_pass(const ComplexInt16* z, ComplexInt16* out) const;

  int n_;
  int half_;                           // n/2: size of the complex FFT
  std::vector<int> radix_;             // outermost stage first, like kissfft's factor list
  std::vector<ComplexInt16> twiddle_;  // e^(-2 pi i k / half), Q15
  std::vector<ComplexInt16> super_;    // split-pass twiddles, Q15
  std::vector<ComplexInt16> zin_, zout_, bins_;
  // Separate real/imaginary work buffers of the vectorised 512-point path.
  std::vector<int16_t> soa_;
  bool avx2_ = false;
  std::vector<int16_t> avx2_table_;
};

}  // namespace tinyprep

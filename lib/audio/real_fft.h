#pragma once
// A real-input FFT in float32 that transforms several frames at once: the frames sit side by
// side in SIMD lanes ("vertical" vectorisation), so every butterfly is a full-width vector op
// and no stage needs shuffles. Power-of-two sizes use a packed half-size complex FFT (radix-4
// Stockham, no bit reversal) and a real post-pass; other sizes fall back to Bluestein's
// algorithm in double precision.
#include <complex>
#include <cstddef>
#include <memory>
#include <vector>

namespace tinyprep {

class RealFft {
 public:
  /// Frames transformed together by forward_lanes().
  static constexpr int kLanes = 8;

  /// Plans a transform of `n` >= 1 real samples (else usage_error); twiddles are computed once,
  /// in double.
  explicit RealFft(int n);
  ~RealFft();
  RealFft(RealFft&&) noexcept;
  RealFft& operator=(RealFft&&) noexcept;

  int size() const { return n_; }
  /// Output bins: n/2 + 1.
  int bins() const { return n_ / 2 + 1; }
  bool is_power_of_two() const { return pow2_; }

  /// Transforms kLanes frames. `in` holds n x kLanes floats, sample i of lane l at
  /// in[i * kLanes + l]; it is used as scratch and overwritten. Writes bins() x kLanes real and
  /// imaginary parts to re and im (same layout). `scratch` needs scratch_floats() floats. No
  /// allocation; safe to call from several threads with their own buffers.
  void forward_lanes(float* in, float* re, float* im, float* scratch) const;
  size_t scratch_floats() const;
  /// As forward_lanes, but writes |X|^2 (bins() x kLanes) to `power`.
  void power_lanes(float* in, float* power, float* scratch) const;

  /// One frame (convenience, for tests): returns the n/2 + 1 complex bins of x[0, n).
  std::vector<std::complex<float>> forward(const float* x) const;

 private:
  struct Plan;
  int n_;
  bool pow2_;
  std::unique_ptr<Plan> plan_;
};

}  // namespace tinyprep

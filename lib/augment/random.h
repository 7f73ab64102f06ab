#pragma once
// The random numbers of `tinyprep augment`, specified exactly (docs/augment.md) so that every
// copy is a pure function of (seed, sample id, copy index) on any machine, thread count or line
// order, and a script can draw the same numbers. No std:: distribution is used: their output
// differs between standard libraries.
#include <cstdint>
#include <string>
#include <string_view>

namespace tinyprep {

/// SplitMix64 (Steele, Lea, Flood 2014) started from the first 8 bytes, big-endian, of
/// SHA-256("tinyprep-augment-v1:<seed>:<stream>:<copy>"), <seed> and <copy> in decimal.
class AugmentRandom {
 public:
  AugmentRandom(uint64_t seed, std::string_view stream, long copy);
  explicit AugmentRandom(uint64_t state) : state_(state) {}

  /// state += 0x9E3779B97F4A7C15; z = state; z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9;
  /// z = (z ^ z >> 27) * 0x94D049BB133111EB; return z ^ z >> 31.
  uint64_t next();
  /// (next() >> 11) * 2^-53: [0, 1) in steps of 2^-53.
  double uniform();
  /// a + (b - a) * uniform().
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  /// lo + floor(uniform() * (hi - lo + 1)): an integer in [lo, hi].
  int64_t integer(int64_t lo, int64_t hi);
  /// Box-Muller, one value per call from two uniforms u1, u2 (in that order):
  /// sqrt(-2 * log(1 - u1)) * cos(2 * pi * u2).
  double normal();
  uint64_t state() const { return state_; }

 private:
  uint64_t state_;
};

}  // namespace tinyprep

#include "augment/random.h"

#include <algorithm>
#include <cmath>

#include "core/hash.h"

namespace tinyprep {

AugmentRandom::AugmentRandom(uint64_t seed, std::string_view stream, long copy) : state_(0) {
  const std::string hex = sha256_hex("tinyprep-augment-v1:" + std::to_string(seed) + ":" +
                                     std::string(stream) + ":" + std::to_string(copy));
  for (int i = 0; i < 16; ++i) {
    const char c = hex[size_t(i)];
    state_ = state_ << 4 | uint64_t(c <= '9' ? c - '0' : c - 'a' + 10);
  }
}

uint64_t AugmentRandom::next() {
  state_ += 0x9E3779B97F4A7C15ull;
  uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double AugmentRandom::uniform() {
  return double(next() >> 11) * 0x1.0p-53;
}

int64_t AugmentRandom::integer(int64_t lo, int64_t hi) {
  if (hi <= lo) {
    next();  // one draw either way, so later draws do not depend on the range
    return lo;
  }
  const double span = double(hi - lo + 1);
  const auto k = static_cast<int64_t>(std::floor(uniform() * span));
  return lo + std::min<int64_t>(k, hi - lo);
}

double AugmentRandom::normal() {
  const double u1 = uniform(), u2 = uniform();
  return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(2.0 * M_PI * u2);
}

}  // namespace tinyprep

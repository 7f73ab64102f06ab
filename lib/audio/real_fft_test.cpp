#include "audio/real_fft.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

#include "core/error.h"

namespace tinyprep {
namespace {

// The definition: X[k] = sum_j x[j] exp(-2 pi i j k / n), in double.
std::vector<std::complex<double>> dft(const std::vector<float>& x) {
  const size_t n = x.size();
  std::vector<std::complex<double>> out(n / 2 + 1);
  for (size_t k = 0; k <= n / 2; ++k) {
    std::complex<double> sum = 0;
    for (size_t j = 0; j < n; ++j) {
      const double a = -2.0 * std::numbers::pi * static_cast<double>((j * k) % n) / n;
      sum += static_cast<double>(x[j]) * std::complex<double>(std::cos(a), std::sin(a));
    }
    out[k] = sum;
  }
  return out;
}

std::vector<float> noise(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> x(n);
  for (auto& v : x) v = u(rng);
  return x;
}

// Largest error relative to the signal's energy scale: float32 rounding bounds the error of
// every bin by about eps * log2(n) * ||x|| * sqrt(n), whatever the bin's own size.
double max_error(const std::vector<std::complex<float>>& got,
                 const std::vector<std::complex<double>>& want, const std::vector<float>& x) {
  double norm = 0;
  for (float v : x) norm += double(v) * v;
  norm = std::sqrt(norm * x.size());
  double worst = 0;
  for (size_t k = 0; k < want.size(); ++k)
    worst = std::max(worst, std::abs(std::complex<double>(got[k]) - want[k]) / norm);
  return worst;
}

}  // namespace

TEST_CASE("RealFft matches the DFT for power-of-two sizes", "[fft]") {
  for (int n : {2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048}) {
    RealFft fft(n);
    CHECK(fft.is_power_of_two());
    CHECK(fft.bins() == n / 2 + 1);
    std::vector<float> x = noise(n, 7 + n);
    INFO("n = " << n);
    CHECK(max_error(fft.forward(x.data()), dft(x), x) < 1e-6);
  }
}

TEST_CASE("RealFft falls back to Bluestein for other sizes", "[fft]") {
  for (int n : {1, 3, 5, 6, 7, 12, 100, 400, 441, 480, 1000}) {
    RealFft fft(n);
    CHECK(!fft.is_power_of_two());
    std::vector<float> x = noise(n, 11 + n);
    INFO("n = " << n);
    CHECK(max_error(fft.forward(x.data()), dft(x), x) < 1e-6);
  }
}

TEST_CASE("RealFft transforms each lane independently", "[fft]") {
  for (int n : {512, 480}) {
    RealFft fft(n);
    const int L = RealFft::kLanes, bins = fft.bins();
    std::vector<std::vector<float>> frames;
    std::vector<float> in(static_cast<size_t>(n) * L), re(bins * L), im(bins * L);
    std::vector<float> scratch(fft.scratch_floats());
    for (int l = 0; l < L; ++l) {
      frames.push_back(noise(n, 100 + l));
      for (int i = 0; i < n; ++i) in[i * L + l] = frames[l][i];
    }
    fft.forward_lanes(in.data(), re.data(), im.data(), scratch.data());
    for (int l = 0; l < L; ++l) {
      std::vector<std::complex<float>> lane(bins);
      for (int k = 0; k < bins; ++k) lane[k] = {re[k * L + l], im[k * L + l]};
      INFO("n = " << n << ", lane " << l);
      CHECK(max_error(lane, dft(frames[l]), frames[l]) < 1e-6);
    }
  }
}

TEST_CASE("RealFft of a pure tone puts the energy in its bin", "[fft]") {
  const int n = 512;
  std::vector<float> x(n);
  for (int i = 0; i < n; ++i)
    x[i] = static_cast<float>(std::cos(2 * std::numbers::pi * 37 * i / n));
  auto X = RealFft(n).forward(x.data());
  CHECK(std::abs(X[37]) == Approx(n / 2.0).epsilon(1e-6));
  for (int k = 0; k <= n / 2; ++k)
    if (k != 37) CHECK(std::abs(X[k]) < 1e-3);
}

}  // namespace tinyprep

TEST_CASE("RealFft refuses a size below 1 with the one error type", "[fft]") {
  CHECK_THROWS_AS(tinyprep::RealFft(0), tinyprep::Error);
}

#include "audio/fixed_fft.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <complex>
#include <random>
#include <vector>

#include "core/error.h"

using namespace tinyprep;

namespace {

std::vector<int16_t> random_signal(std::mt19937& rng, int n, int amplitude) {
  std::uniform_int_distribution<int> dist(-amplitude, amplitude - 1);
  std::vector<int16_t> x(n);
  for (auto& v : x) v = int16_t(dist(rng));
  return x;
}

// Signals that push the int16 arithmetic to its edges (wrap-around included).
std::vector<std::vector<int16_t>> edge_signals(int n) {
  std::vector<std::vector<int16_t>> out;
  out.emplace_back(n, int16_t(-32768));
  out.emplace_back(n, int16_t(32767));
  std::vector<int16_t> alt(n), impulse(n, 0), square(n), sine(n), chirp(n);
  for (int i = 0; i < n; ++i) {
    alt[i] = i % 2 ? int16_t(-32768) : int16_t(32767);
    square[i] = (i / 3) % 2 ? int16_t(-32768) : int16_t(32767);
    sine[i] = int16_t(std::lround(32767 * std::sin(2 * M_PI * 5 * i / n)));
    chirp[i] = int16_t(std::lround(32767 * std::cos(M_PI * i * double(i) / n)));
  }
  impulse[0] = int16_t(-32768);
  out.push_back(alt);
  out.push_back(impulse);
  out.push_back(square);
  out.push_back(sine);
  out.push_back(chirp);
  return out;
}

void split(const std::vector<int16_t>& x, std::vector<int16_t>& even, std::vector<int16_t>& odd) {
  even.resize(x.size() / 2);
  odd.resize(x.size() / 2);
  for (size_t i = 0; i < x.size() / 2; ++i) {
    even[i] = x[2 * i];
    odd[i] = x[2 * i + 1];
  }
}

}  // namespace

TEST_CASE("FixedRealFft rejects sizes that are not powers of two in range") {
  CHECK_THROWS_AS(FixedRealFft(0), Error);
  CHECK_THROWS_AS(FixedRealFft(2), Error);
  CHECK_THROWS_AS(FixedRealFft(480), Error);
  CHECK_THROWS_AS(FixedRealFft(131072), Error);
  CHECK(FixedRealFft(4).size() == 4);
}

TEST_CASE("FixedRealFft is about DFT/n (fixed-point rounding tolerance)") {
  // kissfft divides by SAMP_MAX/4 = 8191 and SAMP_MAX/2 = 16383 in Q15, not by 1/4 and 1/2, so
  // the transform has a known gain g = (8191/8192)^(radix-4 stages) * (16383/16384)^(radix-2
  // stages + the split pass), up to 11 LSB at full scale for n = 2048. After that gain, what is
  // left is rounding: each stage rounds once in C_FIXDIV and once in C_MUL (<= 1/2 LSB each,
  // plus 2^-16 relative twiddle error) and the split pass truncates with >> 1. Errors of earlier
  // stages are divided by the radix again but summed over as many terms, so they do not grow
  // or shrink; measured worst case 3.1 LSB over full-scale noise and cosines up to n = 4096.
  // Asserted: |fixed - g * DFT/n| <= 4 LSB on each of the real and imaginary parts.
  std::mt19937 rng(7);
  for (int n : {8, 16, 32, 64, 128, 256, 512, 1024, 2048}) {
    FixedRealFft fft(n);
    int radix4 = 0, radix2 = 0;
    for (int rest = n / 2; rest > 1;) rest /= rest % 4 == 0 ? (++radix4, 4) : (++radix2, 2);
    const double gain = std::pow(8191.0 / 8192, radix4) * std::pow(16383.0 / 16384, radix2 + 1);
    for (int trial = 0; trial < (n >= 1024 ? 8 : 30); ++trial) {
      std::vector<int16_t> x = random_signal(rng, n, 32768);
      if (trial % 2) {
        for (int i = 0; i < n; ++i) {
          x[i] = int16_t(std::lround(32767 * std::cos(2 * M_PI * (trial % 7 + 1) * i / n + trial)));
        }
      }
      std::vector<ComplexInt16> out(n / 2 + 1);
      fft.forward(x.data(), out.data());
      double worst = 0;
      for (int k = 0; k <= n / 2; ++k) {
        std::complex<double> sum = 0;
        for (int i = 0; i < n; ++i) sum += double(x[i]) * std::polar(1.0, -2 * M_PI * k * i / n);
        sum *= gain / n;
        worst =
            std::max({worst, std::abs(sum.real() - out[k].re), std::abs(sum.imag() - out[k].im)});
      }
      INFO("n = " << n << ", trial " << trial);
      CHECK(worst <= 4.0);
    }
  }
}

TEST_CASE("FixedRealFft fast 512-point path equals the reference walk bit for bit") {
  FixedRealFft fft(512);
  const bool avx2 = GENERATE(false, true);
  if (fft.use_avx2(avx2) != avx2) {
    WARN("no AVX2 on this CPU: only the portable path is checked");
    return;
  }
  std::mt19937 rng(11);
  std::vector<std::vector<int16_t>> inputs = edge_signals(512);
  for (int trial = 0; trial < 300; ++trial) {
    inputs.push_back(random_signal(rng, 512, trial % 3 == 0 ? 32768 : 1 << (trial % 16)));
  }
  std::vector<ComplexInt16> fast(257), ref(257);
  std::vector<int16_t> even, odd;
  std::vector<uint32_t> energy(257);
  for (size_t t = 0; t < inputs.size(); ++t) {
    const std::vector<int16_t>& x = inputs[t];
    fft.forward(x.data(), fast.data());
    fft.forward_reference(x.data(), ref.data());
    INFO("input " << t);
    REQUIRE(fast == ref);
    split(x, even, odd);
    fft.power(even.data(), odd.data(), 0, 257, energy.data());
    for (int k = 0; k <= 256; ++k) {
      const uint32_t want =
          uint32_t(int32_t(ref[k].re) * ref[k].re) + uint32_t(int32_t(ref[k].im) * ref[k].im);
      INFO("bin " << k);
      REQUIRE(energy[k] == want);
    }
  }
}

TEST_CASE("FixedRealFft power writes only the requested bins, for every size") {
  std::mt19937 rng(3);
  for (int n : {4, 8, 32, 128, 256, 512, 1024}) {
    FixedRealFft fft(n);
    std::vector<int16_t> x = random_signal(rng, n, 20000), even, odd;
    split(x, even, odd);
    std::vector<ComplexInt16> ref(n / 2 + 1);
    fft.forward_reference(x.data(), ref.data());
    const int first = n / 8, end = n / 2 - n / 8;
    std::vector<uint32_t> energy(n / 2 + 1, 0xDEADBEEF);
    fft.power(even.data(), odd.data(), first, end, energy.data());
    for (int k = 0; k <= n / 2; ++k) {
      INFO("n = " << n << ", bin " << k);
      if (k < first || k >= end) {
        CHECK(energy[k] == 0xDEADBEEF);
      } else {
        CHECK(energy[k] == uint32_t(ref[k].re * ref[k].re + ref[k].im * ref[k].im));
      }
    }
  }
}

TEST_CASE("FixedRealFft on simple signals") {
  FixedRealFft fft(16);
  std::vector<ComplexInt16> out(9);
  // A constant: everything in bin 0, about 16000 (32767 * 16000/32768 after the Q15 scalings).
  std::vector<int16_t> dc(16, 16000);
  fft.forward(dc.data(), out.data());
  CHECK(std::abs(out[0].re - 16000) <= 2);
  CHECK(out[0].im == 0);
  for (int k = 1; k <= 8; ++k) {
    CHECK(std::abs(out[k].re) <= 1);
    CHECK(std::abs(out[k].im) <= 1);
  }
  // A cosine in bin 2: half its amplitude in bin 2 (the other half is in bin n-2).
  std::vector<int16_t> cosine(16);
  for (int i = 0; i < 16; ++i)
    cosine[i] = int16_t(std::lround(16000 * std::cos(2 * M_PI * 2 * i / 16)));
  fft.forward(cosine.data(), out.data());
  CHECK(std::abs(out[2].re - 8000) <= 2);
  CHECK(std::abs(out[2].im) <= 2);
  CHECK(std::abs(out[1].re) <= 2);
  CHECK(std::abs(out[3].re) <= 2);
}

#include "audio/condition.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <numeric>
#include <random>

#include "core/error.h"

namespace tinyprep {
namespace {

// The definition, by brute force: the earliest start with the largest window energy.
int64_t brute_loudest(const std::vector<float>& x, int64_t window) {
  int64_t best = 0;
  double best_energy = -1;
  for (int64_t s = 0; s + window <= static_cast<int64_t>(x.size()); ++s) {
    double e = 0;
    for (int64_t i = s; i < s + window; ++i) e += double(x[i]) * x[i];
    if (e > best_energy * (1 + 1e-12) + 1e-300) best_energy = e, best = s;
  }
  return best;
}

std::vector<float> ramp(size_t n) {
  std::vector<float> x(n);
  std::iota(x.begin(), x.end(), 1.0f);
  return x;
}

}  // namespace

TEST_CASE("loudest window matches brute force", "[condition]") {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1, 1);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<float> x(200 + trial * 7);
    for (auto& v : x) v = u(rng) * (trial % 3 == 0 ? 1.0f : 0.1f);
    // a loud burst somewhere
    const size_t at = (trial * 37) % (x.size() - 20);
    for (size_t i = at; i < at + 20; ++i) x[i] *= 10;
    for (int64_t window : {1, 2, 19, 20, 21, 100, static_cast<int>(x.size())}) {
      INFO("trial " << trial << " window " << window);
      CHECK(loudest_window_start(x.data(), x.size(), window) == brute_loudest(x, window));
    }
  }
}

TEST_CASE("loudest window: edges, ties and short clips", "[condition]") {
  std::vector<float> x(100, 0.0f);
  x[99] = 1;  // loudest sample is the very last one: the last window must be reachable
  CHECK(loudest_window_start(x.data(), 100, 10) == 90);
  x[99] = 0;
  x[0] = 1;  // ... and the very first
  CHECK(loudest_window_start(x.data(), 100, 10) == 0);
  std::vector<float> silent(50, 0.0f);
  CHECK(loudest_window_start(silent.data(), 50, 10) == 0);  // ties: the earliest
  // Shorter than the window: centered (negative start = padding in front).
  CHECK(loudest_window_start(silent.data(), 50, 60) == -5);
  CHECK(loudest_window_start(silent.data(), 50, 61) == -5);  // odd padding: the extra at the end
  CHECK(loudest_window_start(silent.data(), 0, 16000) == -8000);
}

TEST_CASE("fit_length pads and trims per alignment", "[condition]") {
  std::vector<float> x = ramp(10);  // 1..10
  int64_t offset = 0;
  CHECK(fit_length(x, 4, Align::kStart, &offset) == std::vector<float>{1, 2, 3, 4});
  CHECK(offset == 0);
  CHECK(fit_length(x, 4, Align::kCenter, &offset) == std::vector<float>{4, 5, 6, 7});
  CHECK(offset == 3);
  CHECK(fit_length(x, 4, Align::kLoudest, &offset) == std::vector<float>{7, 8, 9, 10});
  CHECK(offset == 6);
  CHECK(fit_length(x, 13, Align::kStart) ==
        std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0, 0});
  CHECK(fit_length(x, 13, Align::kCenter, &offset) ==
        std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0});
  CHECK(offset == -1);
  CHECK(fit_length(x, 13, Align::kLoudest) == fit_length(x, 13, Align::kCenter));
  CHECK(fit_length(x, 10, Align::kLoudest) == x);
  CHECK(fit_length(x, 0, Align::kCenter) == x);  // 0 keeps the clip's own length
  CHECK(fit_length({}, 3, Align::kLoudest) == std::vector<float>{0, 0, 0});
}

TEST_CASE("condition downmixes, resamples and fits", "[condition]") {
  AudioClip clip;
  clip.info.sample_rate = 8000;
  clip.info.channels = 2;
  const int n = 4000;  // 0.5 s of a 440 Hz tone, right channel silent
  for (int i = 0; i < n; ++i) {
    clip.samples.push_back(static_cast<float>(std::sin(2 * std::numbers::pi * 440 * i / 8000)));
    clip.samples.push_back(0.0f);
  }
  clip.info.frames = n;
  ConditionReport report;
  std::vector<float> y = condition(clip, {16000, 16000, Align::kStart}, &report);
  CHECK(report.downmixed);
  CHECK(report.resampled);
  CHECK(report.fitted_from == 8000);
  CHECK(y.size() == 16000);
  // The resampled tone keeps its frequency and (halved by the downmix) amplitude.
  for (int i = 1000; i < 7000; i += 97)
    CHECK(y[i] == Approx(0.5 * std::sin(2 * std::numbers::pi * 440 * i / 16000)).margin(2e-3));
  for (int i = 8000; i < 16000; i += 101) CHECK(y[i] == 0.0f);
  // Deterministic.
  CHECK(condition(clip, {16000, 16000, Align::kStart}) == y);
}

TEST_CASE("resample length is round(n * to / from)", "[condition]") {
  for (size_t n : {0, 1, 3, 10, 2384, 4727})
    for (auto [from, to] :
         {std::pair{8000, 16000}, {44100, 16000}, {16000, 8000}, {22050, 16000}}) {
      std::vector<float> x(n, 0.25f);
      CHECK(static_cast<int64_t>(resample(x, from, to).size()) ==
            static_cast<int64_t>(std::llround(double(n) * to / from)));
    }
  CHECK_THROWS_AS(align_from_name("middle"), Error);
}

TEST_CASE("a clip trimmed after resampling: only the window's part is resampled", "[condition]") {
  // 20 s of noise at 44.1 kHz (stereo) with a loud second at 13 s, to 1 s at 16 kHz: the same
  // samples as resampling all of it and then trimming, within float rounding.
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 0.05f);
  AudioClip clip;
  clip.info.sample_rate = 44100;
  clip.info.channels = 2;
  const int64_t n = 20 * 44100;
  for (int64_t i = 0; i < n; ++i) {
    const float gain = i >= 13 * 44100 && i < 14 * 44100 ? 10.0f : 1.0f;
    clip.samples.push_back(gain * noise(rng));
    clip.samples.push_back(gain * noise(rng));
  }
  clip.info.frames = n;
  const std::vector<float> all = resample(downmix(clip.samples.data(), n, 2), 44100, 16000);
  for (Align align : {Align::kStart, Align::kCenter, Align::kLoudest}) {
    INFO(align_name(align));
    ConditionReport report;
    std::vector<float> y = condition(clip, {16000, 16000, align}, &report);
    REQUIRE(y.size() == 16000);
    CHECK(report.fitted_from == static_cast<int64_t>(all.size()));
    int64_t offset = 0;
    std::vector<float> want = fit_length(all, 16000, align, &offset);
    if (align == Align::kLoudest) {  // chosen on the input: the loud second, to a sample or so
      CHECK(std::abs(report.offset - offset) <= 3);
      CHECK(std::abs(report.offset - 13 * 16000) <= 3);
      want = std::vector<float>(all.begin() + report.offset, all.begin() + report.offset + 16000);
    } else {
      CHECK(report.offset == offset);
    }
    double worst = 0;
    for (size_t i = 0; i < y.size(); ++i)
      worst = std::max(worst, double(std::fabs(y[i] - want[i])));
    CHECK(worst < 1e-5);
  }
}

TEST_CASE("rates far from the target are refused, and an hour costs a window", "[condition]") {
  AudioClip clip;
  clip.info.sample_rate = 1;
  clip.info.channels = 1;
  clip.samples.assign(4350, 0.5f);  // the 8.7 KB file of issue 10: 69.6 M samples at 16 kHz
  clip.info.frames = 4350;
  CHECK_THROWS_WITH(condition(clip, {16000, 16000, Align::kStart}),
                    "sample rate 1 Hz is more than 64 times away from the target 16000 Hz: not "
                    "resampled (is the header right?)");
  CHECK_THROWS_AS(resample(clip.samples, 16000 * 65, 16000), Error);
  // Two hours at 250 Hz (64 times less than 16 kHz): 115 M samples if resampled whole; the
  // window of 16000 needs 250 of them (and the margin).
  clip.info.sample_rate = 250;
  clip.samples.assign(2 * 3600 * 250, 0.25f);
  ConditionReport report;
  std::vector<float> y = condition(clip, {16000, 16000, Align::kCenter}, &report);
  CHECK(report.fitted_from == int64_t(2) * 3600 * 16000);
  REQUIRE(y.size() == 16000);
  CHECK(y[8000] == Approx(0.25f).margin(1e-4));
}

}  // namespace tinyprep

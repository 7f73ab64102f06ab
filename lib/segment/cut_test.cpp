#include "segment/cut.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

using namespace tinyprep;

namespace {

// White noise at `noise_db` dBFS with tone bursts (440 Hz, -20 dBFS) at the given spans.
std::vector<float> bursts(int rate, double seconds, std::vector<std::pair<double, double>> spans,
                          double noise_db = -60) {
  std::mt19937 gen(7);
  std::normal_distribution<float> normal(0, float(std::pow(10, noise_db / 20)));
  std::vector<float> x(size_t(rate * seconds));
  for (auto& v : x) v = normal(gen);
  for (auto [a, b] : spans)
    for (size_t i = size_t(a * rate); i < size_t(b * rate); ++i)
      x[i] += 0.1f * float(std::sin(2 * M_PI * 440 * double(i) / rate));
  return x;
}

}  // namespace

TEST_CASE("events: bursts found, close ones merged, short ones dropped") {
  const int rate = 16000;
  auto x = bursts(rate, 6, {{1.0, 1.4}, {1.5, 1.7}, {3.0, 3.05}, {4.0, 4.5}});
  auto events = detect_events(x.data(), int64_t(x.size()), rate, EventOptions{});
  REQUIRE(events.size() == 2);  // 1.0-1.7 (gap 100 ms < 200), 3.0 too short (50 < 80 ms)
  CHECK(std::abs(events[0].start / double(rate) - 1.0) <= 0.01);
  CHECK(std::abs(events[0].end / double(rate) - 1.7) <= 0.01);
  CHECK(std::abs(events[1].start / double(rate) - 4.0) <= 0.01);
  CHECK(std::abs(events[1].end / double(rate) - 4.5) <= 0.01);
  CHECK(events[0].peak_db == Approx(-23).margin(1));  // a 0.1 sine: -23 dBFS
  CHECK(events[0].floor_db == Approx(-60).margin(2));

  EventOptions apart;
  apart.min_gap_ms = 50;
  apart.min_event_ms = 0;
  CHECK(detect_events(x.data(), int64_t(x.size()), rate, apart).size() == 4);
}

TEST_CASE("events: noise alone and digital silence give none") {
  auto x = bursts(8000, 3, {});
  CHECK(detect_events(x.data(), int64_t(x.size()), 8000, EventOptions{}).empty());
  std::vector<float> zeros(8000, 0.0f);
  CHECK(detect_events(zeros.data(), 8000, 8000, EventOptions{}).empty());
}

TEST_CASE("events: the loudest N, in time order") {
  std::vector<AudioEvent> e = {{0, 1, -30, -60}, {2, 3, -10, -60}, {4, 5, -20, -60}};
  auto kept = loudest_events(e, 2);
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].start == 2);
  CHECK(kept[1].start == 4);
  CHECK(loudest_events(e, 0).size() == 3);
}

TEST_CASE("clips: centred, shifted inside, or padded") {
  CHECK(centred_clip(5000, 1000, 10000, false).start == 4500);
  CHECK(centred_clip(100, 1000, 10000, false).start == 0);
  CHECK(centred_clip(9900, 1000, 10000, false).start == 9000);
  CHECK(centred_clip(100, 1000, 10000, true).start == -400);
  ClipSpan whole = centred_clip(100, 1000, 600, false);
  CHECK(whole.start == 0);
  CHECK(whole.length == 600);
}

TEST_CASE("windows: those that fit, and with pad the first that does not") {
  auto w = sliding_windows(11, 4, 3, false);
  REQUIRE(w.size() == 3);  // 0, 3, 6
  CHECK(w[2].start == 6);
  CHECK(sliding_windows(11, 4, 3, true).size() == 4);  // 9 padded
  CHECK(sliding_windows(8, 4, 4, true).size() == 2);   // an exact fit: no padded window
  CHECK(sliding_windows(3, 4, 4, false).empty());
}

TEST_CASE("trigger: IMU_Capture's rule, with pre-rows and a window cut short") {
  // 3 columns; rows 5 and 30 exceed 2.5 (sum of |a|); row 7 inside the first window.
  std::vector<float> v(40 * 3, 0.1f);
  v[5 * 3] = -3;
  v[7 * 3 + 1] = 3;
  v[30 * 3 + 2] = 2.4f;  // 2.4 + 0.1 + 0.1 = 2.6
  v[38 * 3] = 5;
  TriggerOptions o;
  o.rows = 10;
  o.pre_rows = 2;
  int64_t cut = 0;
  auto w = imu_triggers(v, 3, {0, 1, 2}, o, &cut);
  REQUIRE(w.size() == 2);
  CHECK(w[0].trigger == 5);
  CHECK(w[0].start == 3);
  CHECK(w[1].trigger == 30);
  CHECK(w[1].start == 28);
  CHECK(cut == 38);  // 36 + 10 > 40
  o.threshold = 10;
  CHECK(imu_triggers(v, 3, {0, 1, 2}, o, &cut).empty());
  CHECK(cut == -1);
}

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "audio/audio_file.h"
#include "audio/condition.h"
#include "augment/augment.h"
#include "augment/random.h"
#include "augment/transforms.h"
#include "core/error.h"
#include "core/io.h"
#include "core/testing.h"
#include "manifest/manifest.h"

using namespace tinyprep;

TEST_CASE("the generator is SplitMix64 from sha256(tinyprep-augment-v1:seed:stream:copy)") {
  AugmentRandom r(42, "yes", 1);
  CHECK(r.state() == 0x7ea9cbfcc2213acfull);  // the first 8 bytes of the hash (Python)
  CHECK(r.next() == 0x99497f023a80c6edull);
  CHECK(r.next() == 0xa9f9c08c2756c668ull);
  CHECK(r.next() == 0x5f98af3f4aaabefeull);
  CHECK(AugmentRandom(42, "yes", 2).state() != AugmentRandom(42, "yes", 1).state());
  CHECK(AugmentRandom(43, "yes", 1).state() != AugmentRandom(42, "yes", 1).state());
}

TEST_CASE("uniform, integer and normal draws") {
  AugmentRandom r(1, "x", 1);
  double sum = 0, sq = 0;
  int hits[7] = {};
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    REQUIRE(u >= 0);
    REQUIRE(u < 1);
    const int64_t k = r.integer(-3, 3);
    REQUIRE(k >= -3);
    REQUIRE(k <= 3);
    ++hits[k + 3];
    const double z = r.normal();
    sum += z;
    sq += z * z;
  }
  for (int h : hits) CHECK(h > n / 7 * 0.9);
  CHECK(std::fabs(sum / n) < 0.03);
  CHECK(std::fabs(sq / n - 1) < 0.05);
  AugmentRandom a(1, "y", 1), b(1, "y", 1);
  a.integer(5, 5);  // an empty range still takes one draw
  b.next();
  CHECK(a.next() == b.next());
}

TEST_CASE("time shift, gain and noise mixing as speech_commands does them") {
  std::vector<float> x = {0.5f, -0.5f, 0.25f, 1.0f};
  AudioAugment a;
  a.shift = 1;
  a.gain_db = 20 * std::log10(2.0);
  std::vector<double> y = audio_foreground(x, 4, 1, 8000, a);
  CHECK(y[0] == 0);
  CHECK(y[1] == Approx(1.0));
  CHECK(y[3] == Approx(0.5));
  std::vector<float> noise = {0.1f, 0.2f};
  std::vector<float> slice = noise_slice(noise, 1, 4);
  CHECK(slice == std::vector<float>{0.2f, 0, 0, 0});
  std::vector<int16_t> out = mix_to_int16(y, 1, &slice, 0.5);
  CHECK(out[0] == static_cast<int16_t>(std::nearbyint(0.1 * 32768)));
  CHECK(out[1] == 32767);  // clipped to 1, saturated
  CHECK(out[2] == -32768);
  CHECK(snr_volume({1, -1}, {0.5f, 0.5f}, 20) == Approx(0.2));
}

TEST_CASE("usage errors") {
  CHECK_THROWS_AS(parse_range("6", "--gain-db"), Error);
  CHECK_THROWS_AS(parse_range("6:-6", "--gain-db"), Error);
  CHECK(parse_range("-6:-3", "--gain-db").hi == -3);
  AugmentOptions o;
  o.outdir = "x";
  o.silence_pct = 10;
  CHECK_THROWS_WITH(check_augment_options(o), Catch::Contains("--noise"));
}

// Each copy re-made from the source and its `augment` record alone, with --speed (soxr) and a
// 16 kHz noise file mixed into 8 kHz clips (resampled): the recorded values give the same bytes.
TEST_CASE("an augment record reproduces its copy, speed and resampled noise included") {
  testing::TempDir dir("augment");
  const std::string data = TINYPREP_TEST_DATA;
  const std::string manifest = (dir.path / "in.jsonl").string();
  write_file_atomic(manifest, "{\"id\":\"d\",\"path\":\"" + data +
                                  "/fsdd/0_george_0.wav\",\"split\":\"train\"}\n"
                                  "{\"id\":\"y\",\"path\":\"" +
                                  data + "/kws_tflm/yes_1000ms.wav\",\"split\":\"train\"}\n");
  std::filesystem::create_directories(dir.path / "noise");
  std::filesystem::copy_file(data + "/kws_tflm/noise_1000ms.wav", dir.path / "noise" / "n.wav");
  AugmentOptions o;
  o.input = manifest;
  o.outdir = (dir.path / "out").string();
  o.output = (dir.path / "out.jsonl").string();
  o.copies = 4;
  o.seed = 3;
  o.noise = (dir.path / "noise").string();
  o.noise_prob = 1;
  o.snr_db = Range{5, 20};
  o.speed = Range{0.8, 1.2};
  o.time_shift_ms = 50;
  o.gain_db = Range{-6, 6};
  AugmentResult r = run_augment(o);
  CHECK(r.copies == 8);
  AudioClip noise = read_audio((dir.path / "noise" / "n.wav").string());
  ManifestReader reader(o.output);
  Sample s;
  int checked = 0;
  std::map<std::string, std::string> sources;
  while (reader.next(s)) {
    if (!s.json.contains("augment")) {
      sources[s.id()] = s.media_path().string();
      continue;
    }
    const Json& rec = s.json["augment"];
    AudioClip src = read_audio(sources.at(rec["source"].get<std::string>()));
    const int rate = src.info.sample_rate;
    AudioAugment a;
    a.speed_from_rate = rec["speed_from_rate"].get<int>();
    CHECK(a.speed_from_rate == std::llround(rate * rec["speed"].get<double>()));
    a.shift = rec["time_shift"].get<int64_t>();
    a.gain_db = rec["gain_db"].get<double>();
    std::vector<double> y = audio_foreground(src.samples, src.info.frames, 1, rate, a);
    const std::vector<float> nz = rate == noise.info.sample_rate
                                      ? noise.samples
                                      : resample(noise.samples, noise.info.sample_rate, rate);
    std::vector<float> slice =
        noise_slice(nz, rec["noise"]["offset"].get<int64_t>(), src.info.frames);
    const double volume = rec["noise"]["volume"].get<double>();
    CHECK(volume == snr_volume(y, slice, rec["noise"]["snr_db"].get<double>()));
    std::vector<int16_t> want = mix_to_int16(y, 1, &slice, volume);
    std::vector<int16_t> got = read_audio_int16(s.media_path().string());
    CHECK(got == want);
    ++checked;
  }
  CHECK(checked == 8);
}

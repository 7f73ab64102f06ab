#include "audio/micro_frontend.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"

using namespace tinyprep;

namespace {

const std::string kData = std::string(TINYPREP_TEST_DATA) + "/kws_tflm/";

// A minimal reader for 16-bit PCM mono WAV (the test clips), so that these tests do not
// depend on the rest of lib/audio.
std::vector<int16_t> read_wav16(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto u32 = [&](size_t at) {
    uint32_t v;
    std::memcpy(&v, &bytes.at(at + 3) - 3, 4);
    return v;
  };
  auto u16 = [&](size_t at) {
    uint16_t v;
    std::memcpy(&v, &bytes.at(at + 1) - 1, 2);
    return v;
  };
  REQUIRE(bytes.size() >= 12);
  REQUIRE(std::string(bytes.data(), 4) == "RIFF");
  REQUIRE(std::string(bytes.data() + 8, 4) == "WAVE");
  bool format_ok = false;
  for (size_t at = 12; at + 8 <= bytes.size();) {
    const std::string id(bytes.data() + at, 4);
    const uint32_t size = u32(at + 4);
    if (id == "fmt ") {
      format_ok =
          u16(at + 8) == 1 && u16(at + 10) == 1 && u32(at + 12) == 16000 && u16(at + 22) == 16;
    } else if (id == "data") {
      REQUIRE(format_ok);
      REQUIRE(at + 8 + size <= bytes.size());
      std::vector<int16_t> samples(size / 2);
      std::memcpy(samples.data(), bytes.data() + at + 8, samples.size() * 2);
      return samples;
    }
    at += 8 + size + (size & 1);
  }
  FAIL("no data chunk in " << path);
  return {};
}

// Rows of whitespace-separated tokens.
std::vector<std::vector<std::string>> read_rows(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::vector<std::string> row;
    for (std::string w; words >> w;) row.push_back(w);
    if (!row.empty()) rows.push_back(row);
  }
  return rows;
}

std::vector<std::vector<long>> read_ints(const std::string& path) {
  std::vector<std::vector<long>> out;
  for (const auto& row : read_rows(path)) {
    out.emplace_back();
    for (const auto& w : row) out.back().push_back(std::stol(w));
  }
  return out;
}

std::vector<uint16_t> features(const std::string& clip, MicroFrontend& frontend) {
  const std::vector<int16_t> samples = read_wav16(kData + clip + ".wav");
  std::vector<uint16_t> out;
  frontend.compute(samples.data(), samples.size(), out);
  return out;
}

// Compares a frames x 40 matrix with a reference file, reporting the first mismatch.
template <typename Convert>
void check_matrix(const std::vector<uint16_t>& ours, const std::string& path, Convert convert) {
  const auto rows = read_ints(path);
  REQUIRE(ours.size() == rows.size() * 40);
  for (size_t f = 0; f < rows.size(); ++f) {
    REQUIRE(rows[f].size() == 40);
    for (size_t c = 0; c < 40; ++c) {
      if (convert(ours[f * 40 + c]) != rows[f][c]) {
        FAIL(path << ": frame " << f << " channel " << c << ": expected " << rows[f][c] << ", got "
                  << convert(ours[f * 40 + c]));
      }
    }
  }
}

const char* const kClips[] = {"yes_1000ms",     "no_1000ms", "noise_1000ms",
                              "silence_1000ms", "yes_30ms",  "no_30ms"};

// The frontend's bitwise square roots, as the spec describes them (for checking frontend_sqrt).
uint32_t bitwise_sqrt(uint64_t num) {
  if (num == 0) return 0;
  const bool wide = num >> 32 != 0;
  const int bits = wide ? 64 : 32;
  const int top = wide ? 64 - __builtin_clzll(num) : 32 - __builtin_clz(uint32_t(num));
  int max_bit = (bits - top) | 1;
  uint64_t bit = uint64_t(1) << (bits - 1 - max_bit);
  int iterations = (bits - 1 - max_bit) / 2 + 1;
  uint64_t res = 0;
  while (iterations--) {
    if (num >= res + bit) {
      num -= res + bit;
      res = (res >> 1) + bit;
    } else {
      res >>= 1;
    }
    bit >>= 2;
  }
  if (num > res && res != (wide ? 0xFFFFFFFFull : 0xFFFFull)) ++res;
  return uint32_t(res);
}

}  // namespace

TEST_CASE("frontend tables of variant a equal micro_speech_tables.txt") {
  const FrontendTables t = build_frontend_tables(FrontendConfig{});
  std::map<std::string, std::vector<long>> want;
  std::ifstream in(kData + "micro_speech_tables.txt");
  REQUIRE(in);
  for (std::string line; std::getline(in, line);) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::istringstream words(line.substr(colon + 1));
    for (long v; words >> v;) want[line.substr(0, colon)].push_back(v);
  }
  auto same = [&](const std::string& key, const auto& got) {
    INFO(key);
    REQUIRE(want.count(key));
    CHECK(std::vector<long>(got.begin(), got.end()) == want[key]);
  };
  auto one = [&](const std::string& key, long got) { same(key, std::vector<long>{got}); };
  one("window_size", t.window_size);
  one("window_step", t.window_step);
  same("window_coefficients", t.window);
  one("fft_size", t.fft_size);
  one("filterbank_num_channels", long(t.channel_widths.size()) - 1);
  one("filterbank_start_index", t.start_index);
  one("filterbank_end_index", t.end_index);
  same("channel_frequency_starts", t.channel_frequency_starts);
  same("channel_weight_starts", t.channel_weight_starts);
  same("channel_widths", t.channel_widths);
  same("weights", t.weights);
  same("unweights", t.unweights);
  one("noise_smoothing_bits", 10);
  one("noise_even_smoothing_q14", t.noise_even_smoothing_q14);
  one("noise_odd_smoothing_q14", t.noise_odd_smoothing_q14);
  one("noise_min_signal_remaining_q14", t.noise_min_signal_remaining_q14);
  one("pcan_snr_shift", t.pcan_snr_shift);
  same("pcan_gain_lut", t.pcan_gain_lut);
  one("log_scale_shift", 6);
}

TEST_CASE("frontend tables b: window coefficient 17 is 54 and three weights one higher") {
  const FrontendTables a = build_frontend_tables(FrontendConfig{});
  FrontendConfig config;
  config.tables = 'b';
  const FrontendTables b = build_frontend_tables(config);
  REQUIRE(b.window.size() == a.window.size());
  for (size_t i = 0; i < a.window.size(); ++i) {
    INFO("window coefficient " << i);
    CHECK(b.window[i] == (i == 17 ? 54 : a.window[i]));
  }
  CHECK(a.window[17] == 53);
  CHECK(b.channel_frequency_starts == a.channel_frequency_starts);
  CHECK(b.channel_weight_starts == a.channel_weight_starts);
  CHECK(b.channel_widths == a.channel_widths);
  CHECK(b.start_index == a.start_index);
  CHECK(b.end_index == a.end_index);
  REQUIRE(b.weights.size() == a.weights.size());
  std::vector<size_t> higher;
  for (size_t i = 0; i < a.weights.size(); ++i) {
    if (b.weights[i] != a.weights[i]) {
      INFO("tap " << i);
      CHECK(b.weights[i] == a.weights[i] + 1);
      CHECK(b.unweights[i] == a.unweights[i] - 1);  // a tap's pair still sums to 4096 or so
      higher.push_back(i);
    } else {
      CHECK(b.unweights[i] == a.unweights[i]);
    }
  }
  CHECK(higher.size() == 3);
  CHECK(b.pcan_gain_lut == a.pcan_gain_lut);
}

TEST_CASE("frontend tables c: the filterbank weights of a, truncated instead of rounded") {
  const FrontendTables a = build_frontend_tables(FrontendConfig{});
  FrontendConfig config;
  config.tables = 'c';
  const FrontendTables c = build_frontend_tables(config);
  CHECK(c.window == a.window);
  CHECK(c.channel_frequency_starts == a.channel_frequency_starts);
  CHECK(c.channel_widths == a.channel_widths);
  REQUIRE(c.weights.size() == a.weights.size());
  int lower_weights = 0, lower_unweights = 0;
  for (size_t i = 0; i < a.weights.size(); ++i) {
    INFO("tap " << i);
    // Rounding and truncating the same value differ by at most one, truncation being lower.
    CHECK((c.weights[i] == a.weights[i] || c.weights[i] == a.weights[i] - 1));
    CHECK((c.unweights[i] == a.unweights[i] || c.unweights[i] == a.unweights[i] - 1));
    lower_weights += c.weights[i] != a.weights[i];
    lower_unweights += c.unweights[i] != a.unweights[i];
    // A real tap's weight + unweight is 4096 rounded (a); truncating both loses up to one.
    if (a.weights[i] + a.unweights[i] != 0) CHECK(c.weights[i] + c.unweights[i] >= 4095);
  }
  // About half of the fractions round up; all of those are one lower now.
  CHECK(lower_weights > 40);
  CHECK(lower_unweights > 40);
  CHECK(c.pcan_gain_lut == a.pcan_gain_lut);
}

TEST_CASE("frontend matches the reference u16, int8 and float outputs of all six clips") {
  MicroFrontend frontend{FrontendConfig{}};  // one object reused: state is fresh per clip
  const bool avx2 = GENERATE(true, false);
  if (frontend.use_avx2(avx2) != avx2) return;  // no AVX2 here: the portable run covers it
  for (const char* clip : kClips) {
    SECTION(clip) {
      const std::vector<uint16_t> ours = features(clip, frontend);
      CHECK(ours.size() == size_t(frontend.frames_for(
                               std::string(clip).find("30ms") != std::string::npos ? 480 : 16000)) *
                               40);
      check_matrix(ours, kData + "reference/" + clip + ".u16.txt",
                   [](uint16_t v) { return long(v); });
      check_matrix(ours, kData + "reference/" + clip + ".int8.txt",
                   [](uint16_t v) { return long(frontend_to_int8(v)); });
      // Float: v * 10/256 is a dyadic rational, printed in full in the reference; compared to
      // the printed precision (half a unit of the last printed decimal), which here means
      // exactly.
      const auto rows = read_rows(kData + "reference/" + clip + ".float.txt");
      REQUIRE(rows.size() * 40 == ours.size());
      for (size_t f = 0; f < rows.size(); ++f) {
        for (size_t c = 0; c < 40; ++c) {
          const std::string& token = rows[f][c];
          const size_t dot = token.find('.');
          const int decimals = dot == std::string::npos ? 0 : int(token.size() - dot - 1);
          const double tolerance = 0.5 * std::pow(10.0, -decimals);
          const float got = frontend_to_float(ours[f * 40 + c]);
          if (!(std::abs(double(got) - std::stod(token)) <= tolerance)) {
            FAIL(clip << ".float.txt: frame " << f << " channel " << c << ": expected " << token
                      << ", got " << got);
          }
        }
      }
    }
  }
}

TEST_CASE("frontend reproduces tflite-micro's golden arrays") {
  MicroFrontend frontend{FrontendConfig{}};
  const bool avx2 = GENERATE(true, false);
  if (frontend.use_avx2(avx2) != avx2) return;
  auto int8 = [](uint16_t v) { return long(frontend_to_int8(v)); };
  const std::string golden = kData + "upstream_golden/";
  SECTION("legacy 49x40 spectrograms (yes/no 1000 ms, fresh state)") {
    check_matrix(features("yes_1000ms", frontend),
                 golden + "legacy_yes_micro_features_data.int8.txt", int8);
    check_matrix(features("no_1000ms", frontend), golden + "legacy_no_micro_features_data.int8.txt",
                 int8);
  }
  SECTION("micro_speech_test 30 ms clips (fresh state)") {
    check_matrix(features("yes_30ms", frontend), golden + "micro_speech_test_yes_30ms.int8.txt",
                 int8);
    check_matrix(features("no_30ms", frontend), golden + "micro_speech_test_no_30ms.int8.txt",
                 int8);
  }
  SECTION("legacy slices: 30 ms clips with the noise estimates preset") {
    // The noise state snapshots of tflite-micro's legacy micro_features_generator_test.cc
    // (Apache-2.0, TensorFlow Authors), test data.
    const std::vector<uint32_t> yes_presets = {
        1062898, 2644477, 1257642, 1864718, 412722, 725703,  395721, 474082, 173046, 255856,
        158966,  153736,  69181,   199100,  144493, 227740,  110573, 164330, 79666,  144650,
        122947,  476799,  398553,  497493,  322152, 1140005, 566716, 690605, 308902, 347481,
        109891,  170457,  73901,   100975,  42963,  72325,   34183,  20207,  6640,   9468};
    const std::vector<uint32_t> no_presets = {
        2563964, 1909393, 559801, 538670, 203643, 175959, 75088, 139491, 59691, 95307,
        43865,   129263,  52517,  80058,  51330,  100731, 76674, 76262,  15497, 22598,
        13778,   21460,   8946,   17806,  10023,  18810,  8002,  10842,  7578,  9983,
        6267,    10759,   8946,   18488,  9691,   39785,  9939,  17835,  9671,  18512};
    for (const auto& [clip, presets] :
         {std::pair{"yes", yes_presets}, std::pair{"no", no_presets}}) {
      const std::vector<int16_t> samples = read_wav16(kData + clip + "_30ms.wav");
      REQUIRE(samples.size() == 480);
      frontend.set_noise_estimates(presets);
      std::vector<uint16_t> out(40);
      frontend.process_window(samples.data(), out.data());
      check_matrix(out, golden + "legacy_" + clip + "_feature_data_slice.int8.txt", int8);
    }
  }
}

TEST_CASE("frontend streaming keeps state and compute starts fresh") {
  MicroFrontend frontend{FrontendConfig{}};
  const std::vector<int16_t> samples = read_wav16(kData + "yes_1000ms.wav");
  std::vector<uint16_t> whole;
  frontend.compute(samples.data(), samples.size(), whole);
  frontend.reset();
  std::vector<uint16_t> frame(40);
  for (int f = 0; f < 49; ++f) {
    frontend.process_window(samples.data() + f * 320, frame.data());
    INFO("frame " << f);
    REQUIRE(std::equal(frame.begin(), frame.end(), whole.begin() + f * 40));
  }
  CHECK(frontend.noise_estimates().size() == 40);
  CHECK(frontend.noise_estimates()[0] != 0);
  std::vector<uint16_t> again;
  frontend.compute(samples.data(), samples.size(), again);  // resets the noise state first
  CHECK(again == whole);
  CHECK_THROWS_AS(frontend.set_noise_estimates({1, 2, 3}), Error);
}

TEST_CASE("frontend frame count: (n - 480) / 320 + 1, none below a window") {
  MicroFrontend frontend{FrontendConfig{}};
  CHECK(frontend.window_samples() == 480);
  CHECK(frontend.stride_samples() == 320);
  CHECK(frontend.frames_for(0) == 0);
  CHECK(frontend.frames_for(479) == 0);
  CHECK(frontend.frames_for(480) == 1);
  CHECK(frontend.frames_for(799) == 1);
  CHECK(frontend.frames_for(800) == 2);
  CHECK(frontend.frames_for(16000) == 49);
  std::vector<uint16_t> out(5);
  std::vector<int16_t> short_clip(100, 7);
  frontend.compute(short_clip.data(), short_clip.size(), out);
  CHECK(out.empty());
}

TEST_CASE("frontend output conversions") {
  CHECK(frontend_to_int8(0) == -128);
  CHECK(frontend_to_int8(65535) == 127);
  CHECK(frontend_to_int8(332) == 0);  // (332*256 + 333) / 666 = 128
  CHECK(frontend_to_int8(331) == -1);
  CHECK(frontend_to_int8(663) == 127);
  CHECK(frontend_to_int8(662) == 126);
  CHECK(frontend_to_float(256) == 10.0f);
  CHECK(frontend_to_float(1) == 0.0390625f);
  CHECK(frontend_to_float(65535) == 2559.9609375f);
}

TEST_CASE("frontend_sqrt equals the bitwise 32/64-bit routines") {
  std::mt19937_64 rng(5);
  std::vector<uint64_t> values = {0,
                                  1,
                                  2,
                                  3,
                                  4,
                                  5,
                                  8,
                                  9,
                                  0xFFFE0001ull,
                                  0xFFFF0000ull,
                                  0xFFFF00FFull,
                                  0xFFFFFFFFull,
                                  0x100000000ull,
                                  0xFFFFFFFE00000001ull,
                                  0xFFFFFFFFFFFFFFFFull};
  for (int i = 0; i < 200000; ++i) values.push_back(rng() >> (rng() % 64));
  for (uint64_t r = 1; r < (1ull << 32); r = r * 3 + 1) {
    for (uint64_t x : {r * r - 1, r * r, r * r + r, r * r + r + 1}) values.push_back(x);
  }
  for (uint64_t v : values) {
    INFO("x = " << v);
    REQUIRE(frontend_sqrt(v) == bitwise_sqrt(v));
  }
}

TEST_CASE("frontend rejects nonsense configs with usage errors") {
  auto rejects = [](auto change) {
    FrontendConfig c;
    change(c);
    try {
      MicroFrontend frontend(c);
    } catch (const Error& e) {
      return e.code() == ExitCode::kUsage;
    }
    return false;
  };
  CHECK(rejects([](FrontendConfig& c) { c.sample_rate = 0; }));
  CHECK(rejects([](FrontendConfig& c) { c.window_ms = 0; }));
  CHECK(rejects([](FrontendConfig& c) { c.stride_ms = 40; }));
  CHECK(rejects([](FrontendConfig& c) { c.channels = 0; }));
  CHECK(rejects([](FrontendConfig& c) { c.lower_hz = 8000; }));
  CHECK(rejects([](FrontendConfig& c) { c.upper_hz = 9000; }));
  CHECK(rejects([](FrontendConfig& c) { c.upper_hz = NAN; }));
  CHECK(rejects([](FrontendConfig& c) { c.even_smoothing = 1.5f; }));
  CHECK(rejects([](FrontendConfig& c) { c.gain_bits = 40; }));
  CHECK(rejects([](FrontendConfig& c) { c.scale_shift = -1; }));
  CHECK(rejects([](FrontendConfig& c) { c.tables = 'd'; }));
  CHECK_FALSE(rejects([](FrontendConfig& c) { c.tables = 'c'; }));
}

TEST_CASE("frontend runs other configurations (library defaults, 8 kHz, 512-point FFT off)") {
  // Not bit-checked against upstream (no reference data); checks shapes, determinism and that
  // the non-512 FFT path and the option switches work.
  std::mt19937 rng(1);
  std::normal_distribution<double> noise(0, 2000);
  std::vector<int16_t> clip(16000);
  for (size_t i = 0; i < clip.size(); ++i) {
    clip[i] = int16_t(std::clamp(noise(rng) + 8000 * std::sin(i * 0.3), -32768.0, 32767.0));
  }
  FrontendConfig lib;  // FrontendFillConfigWithDefaults: 25/10 ms, 32 channels, PCAN off
  lib.window_ms = 25;
  lib.stride_ms = 10;
  lib.channels = 32;
  lib.pcan = false;
  MicroFrontend a(lib);
  std::vector<uint16_t> out, again;
  a.compute(clip.data(), clip.size(), out);
  CHECK(out.size() == size_t((16000 - 400) / 160 + 1) * 32);
  a.compute(clip.data(), clip.size(), again);
  CHECK(out == again);
  FrontendConfig narrow;
  narrow.sample_rate = 8000;
  narrow.upper_hz = 3800;
  narrow.channels = 20;
  MicroFrontend b(narrow);  // 240-sample window: 256-point FFT (radix 4, 4, 4, 2)
  CHECK(b.tables().fft_size == 256);
  b.compute(clip.data(), 8000, out);
  CHECK(out.size() == size_t(b.frames_for(8000)) * 20);
  bool nonzero = false;
  for (uint16_t v : out) nonzero |= v != 0;
  CHECK(nonzero);
  FrontendConfig raw;
  raw.noise_reduction = false;
  raw.pcan = false;
  raw.log_scale = false;
  MicroFrontend c(raw);
  c.compute(clip.data(), clip.size(), out);
  CHECK(out.size() == 49 * 40);
}

TEST_CASE("frontend AVX2 and portable paths agree on random audio, states and configs") {
  std::vector<FrontendConfig> configs(8);
  configs[1].tables = 'b';
  configs[2].tables = 'c';
  configs[3].noise_reduction = false;
  configs[4].pcan = false;
  configs[5].log_scale = false;
  configs[6].smoothing_bits = 6;
  configs[6].scale_shift = 3;
  configs[6].channels = 13;
  configs[7].window_ms = 25;
  configs[7].stride_ms = 10;
  configs[7].channels = 32;
  std::mt19937 rng(99);
  for (size_t i = 0; i < configs.size(); ++i) {
    MicroFrontend vector_path(configs[i]), portable(configs[i]);
    if (!vector_path.use_avx2(true)) {
      WARN("no AVX2 on this CPU: nothing to compare");
      return;
    }
    portable.use_avx2(false);
    const int channels = configs[i].channels;
    std::vector<int16_t> window(vector_path.window_samples());
    std::vector<uint16_t> a(channels), b(channels);
    std::vector<uint32_t> preset(channels);
    for (int trial = 0; trial < 3000; ++trial) {
      // Levels from silence to clipping, and noise states over the whole uint32 range.
      const int bits = trial % 17;
      std::uniform_int_distribution<int> sample(-(1 << bits) / 2, (1 << bits) / 2);
      for (auto& v : window) v = int16_t(std::clamp(sample(rng) * 2, -32768, 32767));
      if (trial % 10 == 0) {
        for (auto& e : preset) e = uint32_t(rng()) >> (rng() % 32);
        vector_path.set_noise_estimates(preset);
        portable.set_noise_estimates(preset);
      }
      vector_path.process_window(window.data(), a.data());
      portable.process_window(window.data(), b.data());
      INFO("config " << i << ", trial " << trial);
      REQUIRE(a == b);
      REQUIRE(vector_path.noise_estimates() == portable.noise_estimates());
    }
  }
}

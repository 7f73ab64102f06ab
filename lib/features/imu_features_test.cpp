// The IMU presets' rules on small tables worked out by hand; tests/e2e/features_imu.sh checks
// them against NumPy on real-sized windows.
#include "features/imu_features.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "features/feature_options.h"

namespace tinyprep {
namespace {

using Given = std::map<std::string, std::string>;

FeatureConfig imu_config(const std::string& preset, Given given, int rate = 0) {
  return feature_config_from_options(preset, rate, 1000, "start", given);
}

CsvTable table(std::vector<std::string> header, std::vector<float> values) {
  CsvTable t;
  t.columns = header.size();
  t.header = std::move(header);
  t.values = std::move(values);
  return t;
}

std::vector<float> floats(const FeatureArray& a) {
  REQUIRE(a.dtype == DType::kFloat32);
  std::vector<float> v(a.data.size() / sizeof(float));
  std::memcpy(v.data(), a.data.data(), a.data.size());
  return v;
}

ExitCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ExitCode::kOk;
}

}  // namespace

TEST_CASE("IMU axes are accelerometer or gyroscope by name", "[features][imu]") {
  for (const char* a : {"aX", "ay", "AZ", "accX", "acc_y", "accel-z", "AccelerometerX"})
    CHECK(imu_axis_kind(a) == ImuAxisKind::kAccelerometer);
  for (const char* g : {"gX", "gy", "gyroZ", "gyr_x", "GyroscopeY"})
    CHECK(imu_axis_kind(g) == ImuAxisKind::kGyroscope);
  for (const char* u : {"x", "mX", "time", "ax1", "a", "accW", ""})
    CHECK(imu_axis_kind(u) == ImuAxisKind::kUnknown);
}

TEST_CASE("imu: --range and --axes are parsed and checked", "[features][imu]") {
  auto r = parse_imu_ranges("aX:-4:4, gY:-250.5:250", "--range");
  CHECK(r.size() == 2);
  CHECK(r["aX"] == ImuRange{-4, 4});
  CHECK(r["gY"] == ImuRange{-250.5, 250});
  CHECK(parse_imu_ranges("a:b:-1:1", "--range").count("a:b") == 1);
  for (const char* bad : {"aX", "aX:4", ":1:2", "aX:4:-4", "aX:1:1", "aX:x:1", "aX:-1:1,aX:0:1"})
    CHECK(code_of([&] { parse_imu_ranges(bad, "--range"); }) == ExitCode::kUsage);
  CHECK(parse_imu_axes("aX, gZ", "--axes") == std::vector<std::string>{"aX", "gZ"});
  CHECK(code_of([] { parse_imu_axes("aX,,gZ", "--axes"); }) == ExitCode::kUsage);
  CHECK(code_of([] { parse_imu_axes("aX,aX", "--axes"); }) == ExitCode::kUsage);
  // Options of the other IMU preset, or of int8 only.
  CHECK(code_of([] {
          imu_config("imu-spectral", {{"--normalize", "zscore"}});
        }) == ExitCode::kUsage);
  CHECK(code_of([] { imu_config("imu", {{"--bins", "4"}}); }) == ExitCode::kUsage);
  CHECK(code_of([] { imu_config("imu", {{"--scale", "0.1"}}); }) == ExitCode::kUsage);
  CHECK(code_of([] { imu_config("imu", {{"--format", "uint16"}}); }) == ExitCode::kUsage);
  CHECK(code_of([] {
          imu_config("imu", {{"--format", "int8"}, {"--normalize", "zscore"}});
        }) == ExitCode::kUsage);
  CHECK(code_of([] {
          imu_config("imu", {{"--range", "aX:-2:2"}, {"--normalize", "zscore"}});
        }) == ExitCode::kUsage);
}

TEST_CASE("linear resampling is numpy.interp on the new time grid", "[features][imu]") {
  const std::vector<double> x = {0, 10, 1, 11, 2, 12, 3, 13};  // 4 rows, 2 columns
  // 4 Hz -> 2 Hz: 2 rows at t = 0, 0.5 s: rows 0 and 2.
  CHECK(resample_linear(x, 2, 4, 2) == std::vector<double>{0, 10, 2, 12});
  // 4 Hz -> 6 Hz: 6 rows at recorded positions 0, 2/3, 4/3, 2, 8/3, 10/3 (past the end: the
  // last row's values).
  std::vector<double> y = resample_linear(x, 2, 4, 6);
  REQUIRE(y.size() == 12);
  const double expected[] = {0, 2.0 / 3, 4.0 / 3, 2, 8.0 / 3, 3};
  for (size_t j = 0; j < 6; ++j) {
    CHECK(y[2 * j] == Approx(expected[j]).margin(1e-12));
    CHECK(y[2 * j + 1] == Approx(expected[j] + 10).margin(1e-12));
  }
  CHECK(resample_linear({5, 6}, 2, 100, 1) == std::vector<double>{5, 6});  // at least one row
}

TEST_CASE("imu scales each axis by its range, pads and trims", "[features][imu]") {
  // aX in g, gZ in dps, x with its own range.
  CsvTable t = table({"aX", "gZ", "x"}, {-4, -2000, 0, 0, 0, 500, 2, 1000, 1000, 4, 2000, 250});
  FeatureConfig c = imu_config("imu", {{"--range", "x:0:1000"}});
  FeatureArray a = compute_imu_features(c, t, 0, "t.csv");
  CHECK(a.shape == std::vector<size_t>{4, 3});
  CHECK(floats(a) == std::vector<float>{0, 0, 0, 0.5f, 0.5f, 0.5f, 0.75f, 0.75f, 1, 1, 1, 0.25f});

  // --axes picks and orders; --rows pads with zeros (before scaling: 0 g is 0.5) or trims.
  c = imu_config("imu", {{"--axes", "gZ,aX"}, {"--rows", "5"}});
  a = compute_imu_features(c, t, 0, "t.csv");
  CHECK(a.shape == std::vector<size_t>{5, 2});
  CHECK(floats(a) == std::vector<float>{0, 0, 0.5f, 0.5f, 0.75f, 0.75f, 1, 1, 0.5f, 0.5f});
  c = imu_config("imu", {{"--axes", "aX"}, {"--rows", "2"}});
  CHECK(floats(compute_imu_features(c, t, 0, "t.csv")) == std::vector<float>{0, 0.5f});

  // A column the file lacks, an axis without a range: usage errors listing the columns.
  c = imu_config("imu", {{"--axes", "aX,gY"}});
  try {
    compute_imu_features(c, t, 0, "t.csv");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kUsage);
    CHECK(std::string(e.what()) == "--axes gY: no such column; its columns are aX, gZ, x");
  }
  c = imu_config("imu", {});
  try {
    compute_imu_features(c, t, 0, "t.csv");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kUsage);
    CHECK_THAT(e.what(), Catch::Contains("column x has no known sensor range"));
  }
  // dataset.json's ranges come before the defaults, --range before those.
  c.imu.dataset_ranges = {{"x", {0, 500}}, {"aX", {-8, 8}}};
  CHECK(floats(compute_imu_features(c, t, 0, "t.csv"))[2] == 0.0f);
  CHECK(floats(compute_imu_features(c, t, 0, "t.csv"))[5] == 1.0f);
  CHECK(floats(compute_imu_features(c, t, 0, "t.csv"))[3] == 0.5f);  // aX 0 in [-8, 8]
}

TEST_CASE("imu resamples to --rate from csv.rate", "[features][imu]") {
  CsvTable t = table({"aX"}, {-4, 0, 4, 0});
  FeatureConfig c = imu_config("imu", {}, 8);  // 4 Hz -> 8 Hz
  ImuReport r;
  FeatureArray a = compute_imu_features(c, t, 4, "t.csv", &r);
  CHECK(r.resampled);
  CHECK(r.fitted_from == 8);
  CHECK(floats(a) == std::vector<float>{0, 0.25f, 0.5f, 0.75f, 1, 0.75f, 0.5f, 0.5f});
  CHECK_THROWS_AS(compute_imu_features(c, t, 0, "t.csv"), Error);  // no csv.rate
  CHECK_FALSE(compute_imu_features(imu_config("imu", {}, 4), t, 4, "t.csv").shape.empty());
}

TEST_CASE("imu zscore and int8", "[features][imu]") {
  CsvTable t = table({"aX", "gX"}, {1, 7, 3, 7, 5, 7, 7, 7});
  FeatureConfig c = imu_config("imu", {{"--normalize", "zscore"}});
  // aX: mean 4, population sd sqrt(5); gX constant: 0.
  std::vector<float> v = floats(compute_imu_features(c, t, 0, "t.csv"));
  const double expected[] = {-3, 0, -1, 0, 1, 0, 3, 0};
  REQUIRE(v.size() == 8);
  for (size_t i = 0; i < 8; ++i) CHECK(v[i] == Approx(expected[i] / std::sqrt(5.0)));

  // int8 of a [0, 1] input: scale 1/255, zero point -128; round half away from zero, clamped.
  c = imu_config("imu", {{"--format", "int8"}});
  CHECK(c.imu.scale == 1.0 / 255);
  CHECK(c.imu.zero_point == -128);
  CsvTable u = table({"aX"}, {-4, 4, 1, -5, 5, float(-4 + 8 * 0.6 / 255)});
  FeatureArray a = compute_imu_features(c, u, 0, "u.csv");
  CHECK(a.dtype == DType::kInt8);
  CHECK(std::vector<int8_t>(a.data.begin(), a.data.end()) ==
        std::vector<int8_t>{-128, 127, 31, -128, 127, -127});
  c = imu_config(
      "imu",
      {{"--format", "int8"}, {"--normalize", "none"}, {"--scale", "0.5"}, {"--zero-point", "3"}});
  a = compute_imu_features(c, table({"v"}, {1.25f, -1.25f, 100}), 0, "v.csv");
  CHECK(std::vector<int8_t>(a.data.begin(), a.data.end()) == std::vector<int8_t>{6, 0, 127});
}

TEST_CASE("imu-spectral: moments and band powers that sum to the variance", "[features][imu]") {
  // 16 rows: DC 2 plus a cosine of amplitude 1 at FFT bin 4 on aX, a step on gX.
  const size_t n = 16;
  std::vector<float> values;
  for (size_t i = 0; i < n; ++i) {
    values.push_back(static_cast<float>(2 + std::cos(2 * M_PI * 4 * double(i) / n)));
    values.push_back(i < 4 ? 3.0f : 0.0f);
  }
  FeatureConfig c = imu_config("imu-spectral", {{"--bins", "3"}});
  FeatureArray a = compute_imu_features(c, table({"aX", "gX"}, values), 0, "t.csv");
  CHECK(a.shape == std::vector<size_t>{2 * (4 + 3)});
  std::vector<float> v = floats(a);
  // Bins 1..8, edges 8^(b/3) = 1, 2, 4, 8: bands {1}, {2, 3}, {4..8}.
  CHECK(v[0] == Approx(2));               // mean
  CHECK(v[1] == Approx(std::sqrt(4.5)));  // RMS: sqrt(4 + 1/2)
  CHECK(v[2] == Approx(0).margin(1e-6));  // skewness of a cosine
  CHECK(v[3] == Approx(-1));              // sampled at 1, 0, -1, 0: m4 / m2^2 - 3 = 2 - 3
  CHECK(v[4] == Approx(0).margin(1e-12));
  CHECK(v[5] == Approx(0).margin(1e-12));
  CHECK(v[6] == Approx(0.5));  // its variance, all in the band of bin 4
  // The step: mean 0.75, variance 0.75 * 3^2 * 0.25... = 27/16; skewness (1-2p)/sqrt(p(1-p)).
  const double p = 0.25, var = 9 * p * (1 - p);
  CHECK(v[7] == Approx(0.75));
  CHECK(v[8] == Approx(std::sqrt(9 * p)));
  CHECK(v[9] == Approx((1 - 2 * p) / std::sqrt(p * (1 - p))));
  CHECK(v[10] == Approx((1 - 6 * p * (1 - p)) / (p * (1 - p))));
  CHECK(v[11] + v[12] + v[13] == Approx(var));
  // A constant axis: skewness and kurtosis 0, no power.
  a = compute_imu_features(c, table({"aX"}, std::vector<float>(8, 1.5f)), 0, "t.csv");
  CHECK(floats(a) == std::vector<float>{1.5f, 1.5f, 0, 0, 0, 0, 0});
}

TEST_CASE("the imu config JSON records every parameter", "[features][imu]") {
  FeatureConfig c = imu_config("imu", {{"--rows", "119"}});
  CHECK(
      feature_config_json(c).dump() ==
      R"({"preset":"imu","features_version":1,"sample_rate":null,"resample":"linear","rows":119,"pad":"zeros_at_end","axes":null,"normalize":"range","ranges":{},"dataset_ranges":{},"default_ranges":{"accelerometer":[-4.0,4.0],"gyroscope":[-2000.0,2000.0]},"format":"float"})");
  c = imu_config("imu", {{"--axes", "aX,gY"}, {"--format", "int8"}, {"--range", "aX:-2:2"}}, 50);
  CHECK(
      feature_config_json(c).dump() ==
      R"({"preset":"imu","features_version":1,"sample_rate":50,"resample":"linear","rows":0,"pad":"zeros_at_end","axes":["aX","gY"],"normalize":"range","ranges":{"aX":[-2.0,2.0]},"dataset_ranges":{},"default_ranges":{"accelerometer":[-4.0,4.0],"gyroscope":[-2000.0,2000.0]},"format":"int8","scale":0.00392156862745098,"zero_point":-128})");
  c = imu_config("imu-spectral", {});
  CHECK(
      feature_config_json(c).dump() ==
      R"({"preset":"imu-spectral","features_version":1,"sample_rate":null,"resample":"linear","rows":0,"pad":"zeros_at_end","axes":null,"bins":8,"bands":"log_spaced_fft_bins","statistics":["mean","rms","skewness","kurtosis"]})");
  CHECK(feature_config_tag(c).rfind("imu-spectral@", 0) == 0);
}

}  // namespace tinyprep

#include "features/feature_options.h"

#include <catch2/catch.hpp>

#include "core/error.h"

namespace tinyprep {
namespace {

using Given = std::map<std::string, std::string>;

FeatureConfig make(const std::string& preset, const Given& given = {}, int rate = 16000,
                   double length_ms = 1000) {
  return feature_config_from_options(preset, rate, length_ms, "start", given);
}

// The usage error's message, or "" when the options are accepted.
std::string usage(const std::string& preset, const Given& given, int rate = 16000,
                  double length_ms = 1000) {
  try {
    make(preset, given, rate, length_ms);
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kUsage);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("presets start from librosa's, Edge Impulse's and micro_speech's defaults",
          "[features]") {
  FeatureConfig logmel = make("logmel");
  CHECK(logmel.spectral.n_fft == 2048);
  CHECK(logmel.spectral.win_length == 2048);
  CHECK(logmel.spectral.hop_length == 512);
  CHECK(logmel.spectral.n_mels == 128);
  CHECK(logmel.spectral.center);
  CHECK(logmel.spectral.fmax == 8000);
  CHECK(*logmel.spectral.top_db == 80);
  FeatureConfig mfe = make("mfe");
  CHECK(mfe.spectral.win_length == 320);
  CHECK(mfe.spectral.hop_length == 160);
  CHECK(mfe.spectral.n_mels == 40);
  FeatureConfig micro = make("micro_speech");
  CHECK(micro.frontend.channels == 40);
  CHECK(micro.format == FrontendFormat::kInt8);
  CHECK(FeatureExtractor(micro).frames_for(16000) == 49);
}

TEST_CASE("options are applied and checked", "[features]") {
  FeatureConfig c = make("mfcc", {{"--n-fft", "512"},
                                  {"--win-length", "480"},
                                  {"--hop-length", "320"},
                                  {"--center", "false"},
                                  {"--n-mels", "40"},
                                  {"--n-mfcc", "13"},
                                  {"--mel-scale", "htk"},
                                  {"--mel-norm", "none"},
                                  {"--ref", "max"},
                                  {"--top-db", "none"}});
  CHECK(c.spectral.n_fft == 512);
  CHECK(!c.spectral.center);
  CHECK(c.spectral.mel_scale == MelScale::kHtk);
  CHECK(c.spectral.mel_norm == MelNorm::kNone);
  CHECK(c.spectral.ref_max);
  CHECK(!c.spectral.top_db);
  FeatureExtractor e(c);
  CHECK(e.frames_for(16000) == 49);
  CHECK(e.bins() == 13);
}

TEST_CASE("nonsense options are usage errors naming the option", "[features]") {
  CHECK_THAT(usage("logmel", {{"--n-fft", "512"}, {"--n-mels", "300"}}),
             Catch::Contains("--n-mels 300 is more than the 257 FFT bins"));
  CHECK_THAT(usage("logmel", {{"--fmax", "9000"}}), Catch::Contains("--fmax 9000 is above"));
  CHECK_THAT(usage("logmel", {{"--n-fft", "512"}, {"--win-length", "600"}}),
             Catch::Contains("--win-length 600 is longer than --n-fft 512"));
  CHECK_THAT(usage("logmel", {{"--n-fft", "abc"}}), Catch::Contains("not a whole number"));
  CHECK_THAT(usage("logmel", {{"--format", "int8"}}),
             Catch::Contains("--format does not apply to --preset logmel"));
  CHECK_THAT(usage("micro_speech", {{"--n-mels", "40"}}),
             Catch::Contains("--n-mels does not apply to --preset micro_speech"));
  CHECK_THAT(usage("spectrogram", {{"--n-mels", "40"}}), Catch::Contains("does not apply"));
  CHECK_THAT(usage("mfcc", {{"--n-mels", "40"}, {"--n-mfcc", "41"}}), Catch::Contains("--n-mfcc"));
  CHECK_THAT(usage("micro_speech", {{"--frontend-tables", "d"}}), Catch::Contains("a, b or c"));
  CHECK_THAT(usage("logmel", {{"--n-fft", "512"}, {"--center", "false"}}, 16000, 10),
             Catch::Contains("fewer than one 512-sample frame"));
  CHECK_THAT(usage("bark", {}), Catch::Contains("unknown preset 'bark'"));
  CHECK(usage("logmel", {{"--n-fft", "512"}, {"--n-mels", "257"}}).empty());
  CHECK(usage("logmel", {}, 16000, 0).empty());  // 0: keep each clip's length
}

TEST_CASE("the config hash covers every parameter and nothing else", "[features]") {
  const std::string base = feature_config_hash(make("logmel"));
  CHECK(base.size() == 64);
  CHECK(feature_config_hash(make("logmel")) == base);
  CHECK(feature_config_hash(make("logmel", {{"--n-mels", "64"}})) != base);
  CHECK(feature_config_hash(make("logmel", {{"--top-db", "none"}})) != base);
  CHECK(feature_config_hash(make("logmel", {}, 22050)) != base);
  CHECK(feature_config_hash(make("logmel", {}, 16000, 2000)) != base);
  // Spelling a default out does not change the config.
  CHECK(feature_config_hash(make("logmel", {{"--n-fft", "2048"}, {"--center", "true"}})) == base);
  CHECK(feature_config_tag(make("logmel")) == "logmel@" + base.substr(0, 12));
  const std::string micro = feature_config_hash(make("micro_speech"));
  CHECK(feature_config_hash(make("micro_speech", {{"--format", "float"}})) != micro);
  CHECK(feature_config_hash(make("micro_speech", {{"--frontend-tables", "b"}})) != micro);
  CHECK(feature_config_hash(make("micro_speech", {{"--pcan", "false"}})) != micro);
}

}  // namespace tinyprep

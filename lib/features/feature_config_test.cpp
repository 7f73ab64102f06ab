// Pins the config JSON (what config.json records) and its hash for every preset, at its defaults
// and with every option it takes: incremental runs compare them, so a refactor of the options
// must not change a byte.
#include "features/feature_config.h"

#include <catch2/catch.hpp>

#include "features/feature_options.h"

namespace tinyprep {
namespace {

using Given = std::map<std::string, std::string>;

struct Pinned {
  std::string preset;
  Given given;
  const char* json;
  const char* hash;
};

const std::vector<Pinned>& pinned() {
  static const std::
      vector<Pinned>
          cases =
              {
                  {"micro_speech",
                   {},
                   R"({"preset":"micro_speech","features_version":1,"sample_rate":16000,"length_ms":1000.0,"align":"start","window_ms":30,"stride_ms":20,"channels":40,"lower_hz":125.0,"upper_hz":7500.0,"noise_reduction":true,"smoothing_bits":10,"even_smoothing":0.025,"odd_smoothing":0.06,"min_signal_remaining":0.05,"pcan":true,"pcan_strength":0.95,"pcan_offset":80.0,"gain_bits":21,"log_scale":true,"scale_shift":6,"tables":"a","format":"int8"})",
                   "cda72c2b6651570165fdc233efb516fc27b63948c607350e3e170bdb8d4e56fc"},
                  {"spectrogram",
                   {},
                   R"({"preset":"spectrogram","features_version":1,"sample_rate":16000,"length_ms":1000.0,"align":"start","n_fft":2048,"win_length":2048,"hop_length":512,"window":"hann","center":true,"pad_mode":"constant","power":2.0,"pre_emphasis":0.0})",
                   "c1328ee1876dad34f6d9f28a8cbf7f240482cf8af5a575bf55e11f49e32f71b8"},
                  {"logmel",
                   {},
                   R"({"preset":"logmel","features_version":1,"sample_rate":16000,"length_ms":1000.0,"align":"start","n_fft":2048,"win_length":2048,"hop_length":512,"window":"hann","center":true,"pad_mode":"constant","power":2.0,"n_mels":128,"fmin":0.0,"fmax":8000.0,"mel_scale":"slaney","mel_norm":"slaney","ref":1.0,"amin":1e-10,"top_db":80.0,"pre_emphasis":0.0})",
                   "1465acc8ddb2111615c2b72130c53b8d9bc9fd1274ef20e750c51c5c5eda78ea"},
                  {"mfcc",
                   {},
                   R"({"preset":"mfcc","features_version":1,"sample_rate":16000,"length_ms":1000.0,"align":"start","n_fft":2048,"win_length":2048,"hop_length":512,"window":"hann","center":true,"pad_mode":"constant","power":2.0,"n_mels":128,"fmin":0.0,"fmax":8000.0,"mel_scale":"slaney","mel_norm":"slaney","ref":1.0,"amin":1e-10,"top_db":80.0,"n_mfcc":20,"dct":"ortho-II","pre_emphasis":0.0})",
                   "d9fe0804201205d9231b05d0c7acab85c0e4f1bfc5d6ff234b33400633346ba5"},
                  {"mfe",
                   {},
                   R"({"preset":"mfe","features_version":1,"sample_rate":16000,"length_ms":1000.0,"align":"start","n_fft":256,"win_length":320,"hop_length":160,"window":"rectangular","n_mels":40,"fmin":0.0,"fmax":8000.0,"mel_scale":"edge_impulse","noise_floor_db":-52.0,"pre_emphasis":0.98})",
                   "2202380fa23aec7be1cf6af7f3dd1f3ffbb41bbef37df1aa6ba5bae40ed9cbf4"},
                  {"micro_speech",
                   {{"--format", "float"},
                    {"--frontend-tables", "b"},
                    {"--window-ms", "25"},
                    {"--stride-ms", "10"},
                    {"--channels", "32"},
                    {"--lower-hz", "100.5"},
                    {"--upper-hz", "6000.1"},
                    {"--pcan", "false"},
                    {"--noise-reduction", "false"}},
                   R"({"preset":"micro_speech","features_version":1,"sample_rate":16000,"length_ms":1000.0,"align":"start","window_ms":25,"stride_ms":10,"channels":32,"lower_hz":100.5,"upper_hz":6000.1,"noise_reduction":false,"smoothing_bits":10,"even_smoothing":0.025,"odd_smoothing":0.06,"min_signal_remaining":0.05,"pcan":false,"pcan_strength":0.95,"pcan_offset":80.0,"gain_bits":21,"log_scale":true,"scale_shift":6,"tables":"b","format":"float"})",
                   "b4919a8509d9cfd50707a210342377c6d0018858bf028ce0a5e481b9324787c9"},
                  {"spectrogram",
                   {{"--n-fft", "512"},
                    {"--win-length", "400"},
                    {"--hop-length", "160"},
                    {"--center", "false"},
                    {"--power", "1"},
                    {"--pre-emphasis", "0.97"}},
                   R"({"preset":"spectrogram","features_version":1,"sample_rate":16000,"length_ms":1000.0,"align":"start","n_fft":512,"win_length":400,"hop_length":160,"window":"hann","center":false,"pad_mode":"constant","power":1.0,"pre_emphasis":0.97})",
                   "87c9f80dfdffc3a75f00ddf1fba5d93002954b5c3627e66b4d28ecfff3c0edfe"},
                  {"logmel",
                   {{"--n-fft", "1024"},
                    {"--win-length", "1000"},
                    {"--hop-length", "250"},
                    {"--center", "true"},
                    {"--power", "1.5"},
                    {"--n-mels", "64"},
                    {"--fmin", "20"},
                    {"--fmax", "7600"},
                    {"--mel-scale", "htk"},
                    {"--mel-norm", "none"},
                    {"--ref", "max"},
                    {"--amin", "1e-5"},
                    {"--top-db", "none"},
                    {"--pre-emphasis", "0.5"}},
                   R"({"preset":"logmel","features_version":1,"sample_rate":16000,"length_ms":1000.0,"align":"start","n_fft":1024,"win_length":1000,"hop_length":250,"window":"hann","center":true,"pad_mode":"constant","power":1.5,"n_mels":64,"fmin":20.0,"fmax":7600.0,"mel_scale":"htk","mel_norm":"none","ref":"max","amin":1e-05,"top_db":null,"pre_emphasis":0.5})",
                   "b94b063fd68f2b4b48a9f4b8f7bbe4f259b89d7ca677bf5f0d533ace14c819e2"},
                  {"mfcc",
                   {{"--n-mels", "40"},
                    {"--n-mfcc", "13"},
                    {"--ref", "2.5"},
                    {"--top-db", "60"},
                    {"--mel-scale", "slaney"},
                    {"--mel-norm", "slaney"}},
                   R"({"preset":"mfcc","features_version":1,"sample_rate":16000,"length_ms":1000.0,"align":"start","n_fft":2048,"win_length":2048,"hop_length":512,"window":"hann","center":true,"pad_mode":"constant","power":2.0,"n_mels":40,"fmin":0.0,"fmax":8000.0,"mel_scale":"slaney","mel_norm":"slaney","ref":2.5,"amin":1e-10,"top_db":60.0,"n_mfcc":13,"dct":"ortho-II","pre_emphasis":0.0})",
                   "edd9492fa88eab99a10dafee044ffef78b5516ab165bfe3a3021d8ddde23b26c"},
                  {"mfe",
                   {{"--n-fft", "512"},
                    {"--win-length", "480"},
                    {"--hop-length", "240"},
                    {"--n-mels", "32"},
                    {"--fmin", "50"},
                    {"--fmax", "7000"},
                    {"--pre-emphasis", "0.9"},
                    {"--noise-floor-db", "-60"}},
                   R"({"preset":"mfe","features_version":1,"sample_rate":16000,"length_ms":1000.0,"align":"start","n_fft":512,"win_length":480,"hop_length":240,"window":"rectangular","n_mels":32,"fmin":50.0,"fmax":7000.0,"mel_scale":"edge_impulse","noise_floor_db":-60.0,"pre_emphasis":0.9})",
                   "141e45cccbc482d5bbb374d3449011992f948054f9389511f180a89c966545af"},
              };
  return cases;
}

}  // namespace

TEST_CASE("the config JSON and hash of every preset are pinned", "[features]") {
  for (const Pinned& p : pinned()) {
    INFO(p.preset << " with " << p.given.size() << " options");
    FeatureConfig c = feature_config_from_options(p.preset, 16000, 1000, "start", p.given);
    CHECK(feature_config_json(c).dump() == p.json);
    CHECK(feature_config_hash(c) == p.hash);
  }
}

}  // namespace tinyprep

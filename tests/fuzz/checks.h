#pragma once
// The checks behind the fuzz targets, shared by the libFuzzer binaries (fuzz_target.cpp, built
// with clang and -DTINYPREP_FUZZ=ON) and by the normal test suite, which feeds every file of
// tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/ through the same function
// (fuzz_regressions_test.cpp). A check returns quietly on any input a parser handles as
// documented (accepted, declined or rejected with an Error) and throws Divergence when two
// readers disagree or an invariant breaks; crashes and sanitizer reports speak for themselves.
#include <stdexcept>
#include <string_view>
#include <vector>

namespace tinyprep::fuzz {

struct Divergence : std::logic_error {
  using std::logic_error::logic_error;
};

/// lib/manifest/fast_json: whatever the fast parser accepts, nlohmann accepts with the same value.
void check_manifest_line(std::string_view data);
/// lib/audio/wav_pcm: whatever the fast path decodes, libsndfile decodes the same way.
void check_wav(std::string_view data);
/// lib/export/npy: an accepted array is consistent and survives encode + decode unchanged.
void check_npy(std::string_view data);
/// lib/imu/csv_file: an accepted table is consistent, finite and reads back the same.
void check_imu_csv(std::string_view data);
/// lib/capture/line_parsers: samples do not depend on how the bytes were split into reads, and
/// every row they keep is one that read_csv takes (one number rule).
void check_line_parsers(std::string_view data);
/// lib/capture/frame_parsers: frames and clips have their declared sizes and do not depend on
/// how the bytes were split into reads.
void check_frame_parsers(std::string_view data);

/// lib/segment/label_track: an accepted track has finite, ordered, non-negative times and labels
/// that are folder names, and a track written back from it parses to the same regions.
void check_label_track(std::string_view data);

struct Target {
  const char* name;  ///< the folder under corpus/ and regressions/
  void (*check)(std::string_view);
};
/// Every target, by name.
const std::vector<Target>& targets();

}  // namespace tinyprep::fuzz

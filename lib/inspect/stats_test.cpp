#include "inspect/stats.h"

#include <catch2/catch.hpp>

using namespace tinyprep;

namespace {
Sample line(const char* json) {
  return Sample{Json::parse(json), "m.jsonl", 1, {}};
}
}  // namespace

TEST_CASE("stats count labels x splits and audio durations, whatever comes first") {
  DatasetStats stats;
  stats.add(line(
      R"({"id":"i","path":"a.png","label":"cat","image":{"width":96,"height":96,"channels":1}})"));
  stats.add(line(
      R"({"id":"a","path":"a.wav","label":"yes","split":"train","audio":{"sample_rate":16000,"channels":1,"frames":8000,"duration":0.5}})"));
  stats.add(line(
      R"({"id":"b","path":"b.wav","label":"yes","split":"test","audio":{"sample_rate":8000,"channels":1,"frames":8000}})"));
  CHECK(stats.samples == 3);
  CHECK(stats.counts["yes"]["train"] == 1);
  CHECK(stats.counts["yes"]["test"] == 1);
  CHECK(stats.counts["cat"]["(none)"] == 1);
  CHECK(stats.audio_clips == 2);
  CHECK(stats.min_seconds == 0.5);
  CHECK(stats.max_seconds == 1.0);
  CHECK(stats.total_seconds == 1.5);
  CHECK(stats.sample_rates["8000"] == 1);
  CHECK(stats.image_sizes["96x96x1"] == 1);
}

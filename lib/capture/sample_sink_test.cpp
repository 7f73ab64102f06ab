#include "capture/sample_sink.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>

#include "audio/audio_file.h"
#include "capture/microphone.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/io.h"
#include "core/testing.h"

namespace tinyprep {
namespace fs = std::filesystem;
using tinyprep::testing::TempDir;

namespace {

std::vector<Json> manifest_lines(const fs::path& dataset) {
  std::vector<Json> out;
  LineReader lines((dataset / "samples.jsonl").string());
  std::string line;
  while (lines.next(line)) out.push_back(Json::parse(line));
  return out;
}

// Audio that "arrives" from a vector, as fast as it is read.
class FakeInput : public AudioInput {
 public:
  FakeInput(int rate, std::vector<int16_t> audio) : rate_(rate), audio_(std::move(audio)) {}
  bool read(int16_t* out, long frames) override {
    if (pos_ + size_t(frames) > audio_.size()) return false;
    std::copy(audio_.begin() + pos_, audio_.begin() + pos_ + frames, out);
    pos_ += size_t(frames);
    return true;
  }
  int sample_rate() const override { return rate_; }
  std::string name() const override { return "mic:fake"; }

 private:
  int rate_;
  std::vector<int16_t> audio_;
  size_t pos_ = 0;
};

}  // namespace

TEST_CASE("sink: a gesture becomes a CSV file and a manifest line") {
  TempDir dir;
  SampleSink sink({dir.path.string(), "punch", "alice", "serial:/dev/pts/9", "imu", 2});
  std::string id = sink.write(TableSample{{"aX", "aY"}, {"1.5,2", "-3,4.25"}, 0});
  CHECK(sink.kept() == 1);
  CHECK(!sink.full());

  std::string text = read_file((dir.path / "data/punch" / (id + ".csv")).string());
  CHECK(text == "aX,aY\n1.5,2\n-3,4.25\n");
  auto lines = manifest_lines(dir.path);
  REQUIRE(lines.size() == 1);
  const Json& l = lines[0];
  CHECK(l["id"] == id);
  CHECK(id.rfind("punch-", 0) == 0);
  CHECK(l["path"] == "data/punch/" + id + ".csv");
  CHECK(l["label"] == "punch");
  CHECK(l["group"] == "alice");
  CHECK(l["sha256"] == sha256_hex(text));
  CHECK(l["source"] == "serial:/dev/pts/9");
  CHECK(l["captured_at"].get<std::string>().size() == 24);
  CHECK(l["csv"] == Json::parse(R"({"rows":2,"columns":2,"header":["aX","aY"]})"));

  Dataset d = Dataset::open(dir.path);
  CHECK(d.labels() == std::vector<std::string>{"punch"});
  CHECK(d.info()["modality"] == "imu");
  CHECK(d.info()["format"]["imu_columns"] == Json::parse(R"(["aX","aY"])"));

  // The same content again gets its own id and file.
  std::string again = sink.write(TableSample{{"aX", "aY"}, {"1.5,2", "-3,4.25"}, 0});
  CHECK(again == id + "-2");
  CHECK(sink.full());
  for (const auto& entry : fs::directory_iterator(dir.path / "data/punch"))
    CHECK(entry.path().extension() == ".csv");  // no temporary file left behind
}

TEST_CASE("sink: frames become PNG, and another modality is refused") {
  TempDir dir;
  {
    SampleSink sink({dir.path.string(), "cat", "", "serial:x", "image", 0});
    FrameSample f{2, 1, {0xF800, 0x07FF}};  // red, cyan
    std::string id = sink.write(f);
    cv::Mat png =
        cv::imread((dir.path / "data/cat" / (id + ".png")).string(), cv::IMREAD_UNCHANGED);
    REQUIRE(png.cols == 2);
    CHECK(png.at<cv::Vec3b>(0, 0) == cv::Vec3b(0, 0, 255));
    CHECK(png.at<cv::Vec3b>(0, 1) == cv::Vec3b(255, 255, 0));
    CHECK(manifest_lines(dir.path)[0]["image"] ==
          Json::parse(R"({"width":2,"height":1,"channels":3})"));
    CHECK(!manifest_lines(dir.path)[0].contains("group"));
  }
  CHECK_THROWS_WITH(SampleSink({dir.path.string(), "yes", "", "stdin", "audio", 0}),
                    Catch::Contains("is an image dataset"));
  CHECK_THROWS_WITH(SampleSink({dir.path.string(), "a/b", "", "stdin", "image", 0}),
                    Catch::Contains("contains '/'"));
}

TEST_CASE("mic: the clip recorder fed through the input interface") {
  TempDir dir;
  const int rate = 8000;
  std::vector<int16_t> audio;
  for (int clip = 0; clip < 3; ++clip) {
    audio.insert(audio.end(), rate, -1);  // the one-second countdown, discarded
    for (int i = 0; i < rate / 4; ++i) audio.push_back(static_cast<int16_t>(clip * 100 + i % 50));
  }
  audio.insert(audio.end(), rate + 100, 7);  // the fourth clip is cut short
  FakeInput input(rate, audio);
  SampleSink sink({dir.path.string(), "yes", "", input.name(), "audio", 0});
  CaptureResult r = record_clips(input, ClipOptions{250, 1, 0}, sink);
  CHECK(r.reason == StopReason::kEnded);
  CHECK(r.counts.partial == 1);
  REQUIRE(sink.kept() == 3);
  auto lines = manifest_lines(dir.path);
  REQUIRE(lines.size() == 3);
  CHECK(lines[2]["audio"]["frames"] == 2000);
  CHECK(lines[2]["audio"]["sample_rate"] == rate);
  CHECK(lines[2]["source"] == "mic:fake");
  AudioInfo info;
  auto pcm = read_audio_int16((dir.path / lines[2]["path"].get<std::string>()).string(), &info);
  REQUIRE(pcm.size() == 2000);
  CHECK(pcm[0] == 200);
  CHECK(pcm[49] == 249);
  CHECK(info.sample_rate == rate);
  CHECK(finish_capture(r, sink) == 0);
}

TEST_CASE("mic: --count stops the recorder; nothing recorded is an error") {
  TempDir dir;
  FakeInput input(1000, std::vector<int16_t>(10000, 0));
  SampleSink sink({dir.path.string(), "no", "", input.name(), "audio", 2});
  CaptureResult r = record_clips(input, ClipOptions{500, 0, 0}, sink);
  CHECK(r.reason == StopReason::kCount);
  CHECK(sink.kept() == 2);

  TempDir empty;
  FakeInput none(1000, {});
  SampleSink nothing({empty.path.string(), "no", "", none.name(), "audio", 0});
  CaptureResult r2 = record_clips(none, ClipOptions{500, 0, 0}, nothing);
  CHECK_THROWS_WITH(finish_capture(r2, nothing), Catch::Contains("nothing captured"));
}

}  // namespace tinyprep

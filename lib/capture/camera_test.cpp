#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "capture/capture.h"
#include "core/error.h"
#include "core/io.h"
#include "manifest/manifest.h"

namespace tinyprep {
namespace fs = std::filesystem;

TEST_CASE("camera: a video file through VideoCapture, resized") {
  fs::path dir = fs::temp_directory_path() / ("tinyprep-camera-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string video = (dir / "clip.avi").string();
  {
    // OpenCV's own MJPEG writer: no codec library needed.
    cv::VideoWriter writer(video, cv::CAP_OPENCV_MJPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'),
                           10, cv::Size(64, 48));
    REQUIRE(writer.isOpened());
    for (int k = 0; k < 4; ++k)
      writer.write(cv::Mat(48, 64, CV_8UC3, cv::Scalar(k * 60, 100, 200)));
  }
  CaptureTarget target;
  target.dataset = (dir / "ds").string();
  target.label = "cup";
  CameraOptions o;
  o.device = video;
  o.resize = "32x24";
  CHECK(capture_camera(target, o) == 0);

  LineReader lines((dir / "ds/samples.jsonl").string());
  std::string line;
  int n = 0;
  while (lines.next(line)) {
    Json j = Json::parse(line);
    CHECK(j["image"] == Json::parse(R"({"width":32,"height":24,"channels":3})"));
    CHECK(j["source"] == "camera:" + video);
    ++n;
  }
  CHECK(n == 4);

  o.device = (dir / "missing.avi").string();
  CHECK_THROWS_WITH(capture_camera(target, o), "no such file");
  fs::remove_all(dir);
}

}  // namespace tinyprep

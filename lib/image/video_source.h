#pragma once
// Frames from a camera, a video file, an image sequence or a stream URL (OpenCV VideoCapture,
// through the plugin of opencv_plugin.h).
#include <opencv2/core.hpp>
#include <string>

namespace tinyprep {

class VideoSource {
 public:
  /// Opens camera `index` (>= 0) or `device` (a path, an image-sequence pattern, a URL); false
  /// when it cannot be opened, with OpenCV's reason (if any) in `why`.
  bool open(const std::string& device, int index, std::string& why);
  ~VideoSource();

  /// Asks for MJPG (before the size: some drivers take the size only after the format).
  void request_mjpg();
  void request_size(int width, int height);
  /// The next frame, BGR or gray; false at the end or when the device is gone.
  bool read(cv::Mat& frame);
  /// Takes a frame and drops it (keeps a camera's buffer fresh).
  bool grab();

 private:
  void* camera_ = nullptr;
};

}  // namespace tinyprep

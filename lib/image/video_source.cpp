#include "image/video_source.h"

#include "image/opencv_plugin.h"

namespace tinyprep {

bool VideoSource::open(const std::string& device, int index, std::string& why) {
  camera_ = opencv_plugin().camera_open(device, index, why);
  return camera_ != nullptr;
}

VideoSource::~VideoSource() {
  if (camera_) opencv_plugin().camera_close(camera_);
}

void VideoSource::request_mjpg() {
  opencv_plugin().camera_set(camera_, CameraProperty::kFourccMjpg, 0);
}

void VideoSource::request_size(int width, int height) {
  opencv_plugin().camera_set(camera_, CameraProperty::kWidth, width);
  opencv_plugin().camera_set(camera_, CameraProperty::kHeight, height);
}

bool VideoSource::read(cv::Mat& frame) {
  return opencv_plugin().camera_read(camera_, frame);
}

bool VideoSource::grab() {
  return opencv_plugin().camera_grab(camera_);
}

}  // namespace tinyprep

// libtinyprep_opencv.so: OpenCV's image codecs and video capture behind OpenCvPlugin.
#include "image/opencv_plugin.h"

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

namespace tinyprep {
namespace {

bool decode(const cv::Mat& encoded, cv::Mat& image, std::string& error) {
  try {
    image = cv::imdecode(encoded, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    error = e.what();
    return false;
  }
  if (image.empty()) error = "not a readable image";
  return !image.empty();
}

bool encode(const std::string& ext, const cv::Mat& image, const std::vector<int>& params,
            std::vector<uchar>& encoded, std::string& error) {
  try {
    if (cv::imencode(ext, image, encoded, params)) return true;
    error = "cannot encode as " + ext;
  } catch (const cv::Exception& e) {
    error = e.what();
  }
  return false;
}

void* camera_open(const std::string& device, int index, std::string& error) {
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);  // errors are ours
  auto* cap = new cv::VideoCapture;
  try {
    if (index >= 0)
      cap->open(index, cv::CAP_ANY);
    else
      cap->open(device, cv::CAP_ANY);
  } catch (const cv::Exception& e) {
    error = e.what();
  }
  if (cap->isOpened()) return cap;
  delete cap;
  return nullptr;
}

void camera_set(void* camera, CameraProperty property, double value) {
  auto* cap = static_cast<cv::VideoCapture*>(camera);
  switch (property) {
    case CameraProperty::kFourccMjpg:
      cap->set(cv::CAP_PROP_FOURCC, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'));
      break;
    case CameraProperty::kWidth:
      cap->set(cv::CAP_PROP_FRAME_WIDTH, value);
      break;
    case CameraProperty::kHeight:
      cap->set(cv::CAP_PROP_FRAME_HEIGHT, value);
      break;
  }
}

bool camera_read(void* camera, cv::Mat& frame) {
  try {
    return static_cast<cv::VideoCapture*>(camera)->read(frame) && !frame.empty();
  } catch (const cv::Exception&) {
    return false;
  }
}

bool camera_grab(void* camera) {
  return static_cast<cv::VideoCapture*>(camera)->grab();
}

void camera_close(void* camera) {
  delete static_cast<cv::VideoCapture*>(camera);
}

const OpenCvPlugin kPlugin = {kOpenCvPluginAbi, decode,      encode,      camera_open,
                              camera_set,       camera_read, camera_grab, camera_close};

}  // namespace
}  // namespace tinyprep

extern "C" __attribute__((visibility("default"))) const tinyprep::OpenCvPlugin*
tinyprep_opencv_plugin() {
  return &tinyprep::kPlugin;
}

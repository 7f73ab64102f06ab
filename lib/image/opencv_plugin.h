#pragma once
// The boundary between tinyprep and OpenCV's imgcodecs and videoio, which are loaded only when
// an image or camera is touched: linked directly they pull in about 230 shared libraries
// (ffmpeg, GStreamer, GDAL, ...) whose loading costs ~0.12 s at the start of every command.
// Both sides link libopencv_core, so cv::Mat crosses the boundary as it is.
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace tinyprep {

/// Camera properties the plugin can set (mapped to cv::CAP_PROP_* inside it).
enum class CameraProperty { kFourccMjpg = 0, kWidth = 1, kHeight = 2 };

/// The plugin's entry points; every function reports failure through its return value and
/// `error`, never by throwing across the boundary.
struct OpenCvPlugin {
  int abi_version;
  bool (*decode)(const cv::Mat& encoded, cv::Mat& image, std::string& error);
  bool (*encode)(const std::string& ext, const cv::Mat& image, const std::vector<int>& params,
                 std::vector<uchar>& encoded, std::string& error);
  void* (*camera_open)(const std::string& device, int index, std::string& error);
  void (*camera_set)(void* camera, CameraProperty property, double value);
  bool (*camera_read)(void* camera, cv::Mat& frame);
  bool (*camera_grab)(void* camera);
  void (*camera_close)(void* camera);
};

inline constexpr int kOpenCvPluginAbi = 1;

/// The name of the symbol the plugin exports: `const OpenCvPlugin* tinyprep_opencv_plugin()`.
inline constexpr const char* kOpenCvPluginSymbol = "tinyprep_opencv_plugin";

/// Loads the plugin on first use (beside the binary, then ../lib/tinyprep/, then
/// $TINYPREP_OPENCV_PLUGIN, then the build tree); throws Error saying what is missing.
const OpenCvPlugin& opencv_plugin();

}  // namespace tinyprep

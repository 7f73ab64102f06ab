// capture camera: the work is in the plugin libtinyprep_camera.so (plugin/camera.cpp), which
// links OpenCV's videoio, loaded on first use (core/plugin.h).
#include "capture/capture.h"
#include "core/plugin.h"

#ifndef TINYPREP_CAMERA_PLUGIN_BUILD_PATH
#define TINYPREP_CAMERA_PLUGIN_BUILD_PATH ""
#endif

namespace tinyprep {

int capture_camera(const CaptureTarget& target, const CameraOptions& options) {
  using Entry = int (*)(const CaptureTarget&, const CameraOptions&);
  auto entry = reinterpret_cast<Entry>(plugin_symbol(
      "libtinyprep_camera.so", "TINYPREP_CAMERA_PLUGIN", TINYPREP_CAMERA_PLUGIN_BUILD_PATH,
      "tinyprep_camera_capture_v1", "camera capture"));
  return entry(target, options);
}

}  // namespace tinyprep

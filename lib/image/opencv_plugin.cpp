#include "image/opencv_plugin.h"

#include "core/error.h"
#include "core/plugin.h"

#ifndef TINYPREP_OPENCV_PLUGIN_BUILD_PATH
#define TINYPREP_OPENCV_PLUGIN_BUILD_PATH ""
#endif

namespace tinyprep {

const OpenCvPlugin& opencv_plugin() {
  static const OpenCvPlugin* plugin = [] {
    const char* what = "image and camera support";
    auto entry = reinterpret_cast<const OpenCvPlugin* (*)()>(
        plugin_symbol("libtinyprep_opencv.so", "TINYPREP_OPENCV_PLUGIN",
                      TINYPREP_OPENCV_PLUGIN_BUILD_PATH, kOpenCvPluginSymbol, what));
    const OpenCvPlugin* p = entry();
    if (p->abi_version != kOpenCvPluginAbi)
      throw Error(std::string(what) +
                  " cannot be loaded: libtinyprep_opencv.so is from another tinyprep version");
    return p;
  }();
  return *plugin;
}

}  // namespace tinyprep

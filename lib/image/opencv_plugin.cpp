#include "image/opencv_plugin.h"

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>

#include "core/error.h"

#ifndef TINYPREP_OPENCV_PLUGIN_BUILD_PATH
#define TINYPREP_OPENCV_PLUGIN_BUILD_PATH ""
#endif

namespace tinyprep {
namespace fs = std::filesystem;
namespace {

const char* kPluginName = "libtinyprep_opencv.so";

std::vector<std::string> candidates() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("TINYPREP_OPENCV_PLUGIN"); env && *env) out.push_back(env);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    out.push_back((exe.parent_path() / kPluginName).string());
    out.push_back((exe.parent_path() / "../lib/tinyprep" / kPluginName).string());
  }
  if (*TINYPREP_OPENCV_PLUGIN_BUILD_PATH) out.push_back(TINYPREP_OPENCV_PLUGIN_BUILD_PATH);
  return out;
}

const OpenCvPlugin* load(std::string& why) {
  for (const auto& path : candidates()) {
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      why = dlerror();
      continue;
    }
    auto entry = reinterpret_cast<const OpenCvPlugin* (*)()>(dlsym(handle, kOpenCvPluginSymbol));
    if (!entry) {
      why = path + " has no " + kOpenCvPluginSymbol;
      continue;
    }
    const OpenCvPlugin* plugin = entry();
    if (plugin->abi_version != kOpenCvPluginAbi) {
      why = path + " is from another tinyprep version";
      continue;
    }
    return plugin;
  }
  if (why.empty()) why = std::string(kPluginName) + " is not beside the tinyprep binary";
  return nullptr;
}

}  // namespace

const OpenCvPlugin& opencv_plugin() {
  static std::once_flag once;
  static const OpenCvPlugin* plugin = nullptr;
  static std::string why;
  std::call_once(once, [] { plugin = load(why); });
  if (!plugin) throw Error("image and camera support cannot be loaded: " + why);
  return *plugin;
}

}  // namespace tinyprep

#include "core/plugin.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <vector>

#include "core/error.h"

namespace tinyprep {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> plugin_candidates(const char* file_name, const char* env_var,
                                           const char* build_path) {
  std::vector<std::string> out;
  if (const char* env = std::getenv(env_var); env && *env) out.push_back(env);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    out.push_back((exe.parent_path() / file_name).string());
    out.push_back((exe.parent_path() / "../lib/tinyprep" / file_name).string());
  }
  if (build_path && *build_path) out.push_back(build_path);
  return out;
}

struct Loaded {
  void* handle = nullptr;
  std::string why;
};

std::mutex& loader_mutex() {
  static std::mutex m;
  return m;
}

// Handles by plugin file name or soname; loaded once, never unloaded.
std::map<std::string, Loaded>& loaded() {
  static std::map<std::string, Loaded> m;
  return m;
}

Loaded open_plugin(const char* file_name, const char* env_var, const char* build_path) {
  Loaded out;
  for (const auto& path : plugin_candidates(file_name, env_var, build_path)) {
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;
    // RTLD_GLOBAL is not needed: the plugin finds the binary's symbols, not the other way.
    out.handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (out.handle) return out;
    out.why = dlerror();
  }
  if (out.why.empty()) out.why = std::string(file_name) + " is not beside the tinyprep binary";
  return out;
}

}  // namespace

void* plugin_symbol(const char* file_name, const char* env_var, const char* build_path,
                    const char* symbol, const char* what) {
  std::lock_guard lock(loader_mutex());
  auto [it, fresh] = loaded().try_emplace(file_name);
  if (fresh) it->second = open_plugin(file_name, env_var, build_path);
  if (!it->second.handle) throw Error(std::string(what) + " cannot be loaded: " + it->second.why);
  void* f = dlsym(it->second.handle, symbol);
  if (!f)
    throw Error(std::string(what) + " cannot be loaded: " + file_name + " has no " + symbol +
                " (is it from another tinyprep version?)");
  return f;
}

void* load_library(const char* soname, const char* what, const char* hint) {
  std::lock_guard lock(loader_mutex());
  auto [it, fresh] = loaded().try_emplace(soname);
  if (fresh) {
    it->second.handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!it->second.handle) it->second.why = dlerror();
  }
  if (!it->second.handle)
    throw Error(std::string(what) + " cannot be loaded: " + it->second.why + " (" + hint + ")");
  return it->second.handle;
}

void* library_symbol(void* library, const char* soname, const char* name) {
  void* f = dlsym(library, name);
  if (!f) throw Error(std::string(soname) + " has no function " + name);
  return f;
}

}  // namespace tinyprep

#include "core/process.h"

#include <fstream>
#include <iterator>

#ifndef TINYPREP_VERSION
#define TINYPREP_VERSION "0.0.0"
#endif

namespace tinyprep {

const char* tinyprep_version() {
  return TINYPREP_VERSION;
}

std::string command_line(const std::string& fallback) {
  std::ifstream f("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::string out;
  size_t start = 0;
  for (size_t end; (end = all.find('\0', start)) != std::string::npos; start = end + 1) {
    std::string arg = all.substr(start, end - start);
    if (start == 0) arg = "tinyprep";
    bool plain = !arg.empty() && arg.find_first_not_of(
                                     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789-_./=,:@%+") == std::string::npos;
    if (!plain) {
      std::string q = "'";
      for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
      arg = q + "'";
    }
    out += (out.empty() ? "" : " ") + arg;
  }
  return out.empty() ? fallback : out;
}

}  // namespace tinyprep

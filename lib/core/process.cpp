#include "core/process.h"

#include <fstream>
#include <iterator>
#include <mutex>

#ifndef TINYPREP_VERSION
#define TINYPREP_VERSION "0.0.0"
#endif

namespace tinyprep {
namespace {

std::vector<std::string>& kept_args() {
  static std::vector<std::string> args;
  return args;
}

// argv from /proc/self/cmdline (Linux), for a process that did not call set_command_args().
std::vector<std::string> proc_args() {
  std::ifstream f("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  size_t start = 0;
  for (size_t end; (end = all.find('\0', start)) != std::string::npos; start = end + 1)
    args.push_back(all.substr(start, end - start));
  if (!args.empty()) args[0] = "tinyprep";
  return args;
}

}  // namespace

const char* tinyprep_version() {
  return TINYPREP_VERSION;
}

void set_command_args(int argc, const char* const* argv) {
  kept_args().assign(argv, argv + argc);
  if (!kept_args().empty()) kept_args()[0] = "tinyprep";
}

const std::vector<std::string>& command_args() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (kept_args().empty()) kept_args() = proc_args();
  });
  return kept_args();
}

std::string quote_command(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& arg : args) {
    const bool plain = !arg.empty() && arg.find_first_not_of(
                                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                           "0123456789-_./=,:@%+") == std::string::npos;
    std::string shown = arg;
    if (!plain) {
      shown = "'";
      for (char c : arg) shown += c == '\'' ? std::string("'\\''") : std::string(1, c);
      shown += "'";
    }
    out += (out.empty() ? "" : " ") + shown;
  }
  return out;
}

std::string command_line(const std::string& fallback) {
  const std::vector<std::string>& args = command_args();
  return args.empty() ? fallback : quote_command(args);
}

}  // namespace tinyprep

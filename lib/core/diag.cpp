#include "core/diag.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>

namespace tinyprep {
namespace {
std::string g_program = "tinyprep";
std::atomic<long> g_warnings{0};
std::mutex g_mutex;

std::string locate(const std::string& path, long line) {
  if (path.empty()) return "";
  if (line > 0) return path + ":" + std::to_string(line) + ": ";
  return path + ": ";
}
}  // namespace

void set_diag_program(const std::string& name) {
  g_program = name;
}
const std::string& diag_program() {
  return g_program;
}

void warn(const std::string& path, long line, const std::string& what) {
  ++g_warnings;
  std::lock_guard lock(g_mutex);
  std::fprintf(stderr, "%s: warning: %s%s\n", g_program.c_str(), locate(path, line).c_str(),
               what.c_str());
}

void note(const std::string& path, long line, const std::string& what) {
  std::lock_guard lock(g_mutex);
  std::fprintf(stderr, "%s: %s%s\n", g_program.c_str(), locate(path, line).c_str(), what.c_str());
}

long warning_count() {
  return g_warnings;
}

bool stderr_is_terminal() {
  static const bool tty = isatty(STDERR_FILENO) == 1;
  return tty;
}

}  // namespace tinyprep

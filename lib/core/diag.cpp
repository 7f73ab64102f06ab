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
std::string g_progress;  // the progress line on the terminal, "" when none shows

// Prints one diagnostic line under g_mutex, around the progress line if one shows.
void print_line(const std::string& text) {
  if (g_progress.empty()) {
    std::fprintf(stderr, "%s\n", text.c_str());
    return;
  }
  std::fprintf(stderr, "\r\033[K%s\n\r%s\033[K", text.c_str(), g_progress.c_str());
  std::fflush(stderr);
}

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
  print_line(g_program + ": warning: " + locate(path, line) + what);
}

void note(const std::string& path, long line, const std::string& what) {
  std::lock_guard lock(g_mutex);
  print_line(g_program + ": " + locate(path, line) + what);
}

long warning_count() {
  return g_warnings;
}

void draw_progress_line(const std::string& text) {
  std::lock_guard lock(g_mutex);
  g_progress = text;
  std::fprintf(stderr, "\r%s\033[K", text.c_str());
  std::fflush(stderr);
}

void clear_progress_line() {
  std::lock_guard lock(g_mutex);
  if (g_progress.empty()) return;
  g_progress.clear();
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

bool stderr_is_terminal() {
  static const bool tty = isatty(STDERR_FILENO) == 1;
  return tty;
}

}  // namespace tinyprep

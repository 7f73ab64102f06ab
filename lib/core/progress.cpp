#include "core/progress.h"

#include <cstdio>

#include "core/diag.h"

namespace tinyprep {

Progress::Progress(std::string label, long total)
    : label_(std::move(label)), total_(total), active_(stderr_is_terminal()) {}

Progress::~Progress() {
  finish();
}

void Progress::update(long done) {
  done_ = done;
  if (!active_) return;
  auto now = std::chrono::steady_clock::now();
  if (done != total_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  if (total_ > 0)
    std::fprintf(stderr, "\r%s: %ld/%ld\033[K", label_.c_str(), done, total_);
  else
    std::fprintf(stderr, "\r%s: %ld\033[K", label_.c_str(), done);
  std::fflush(stderr);
}

void Progress::finish() {
  if (!active_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  active_ = false;
}

}  // namespace tinyprep

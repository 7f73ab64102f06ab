#include "core/progress.h"

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
  std::string text = label_ + ": " + std::to_string(done);
  if (total_ > 0) text += "/" + std::to_string(total_);
  draw_progress_line(text);
}

void Progress::finish() {
  if (!active_) return;
  clear_progress_line();
  active_ = false;
}

}  // namespace tinyprep

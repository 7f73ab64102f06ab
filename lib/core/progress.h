#pragma once
// A one-line progress counter on stderr, drawn only when stderr is a terminal.
#include <chrono>
#include <string>

namespace tinyprep {

class Progress {
 public:
  /// `total` 0 means unknown.
  Progress(std::string label, long total = 0);
  ~Progress();
  /// Records `done` items; redraws at most ten times a second.
  void update(long done);
  void tick() { update(done_ + 1); }
  /// Clears the line.
  void finish();

 private:
  std::string label_;
  long total_;
  long done_ = 0;
  bool active_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace tinyprep

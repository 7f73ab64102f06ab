#include "capture/stream_capture.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "core/signals.h"

namespace tinyprep {

CaptureResult capture_stream(ByteSource& source, StreamParser& parser, SampleSink& sink,
                             const StreamLimits& limits) {
  const auto start = std::chrono::steady_clock::now();
  auto now = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  CaptureResult result;
  bool closed = false;
  // Shows messages, sends requests and writes finished samples (up to --count).
  auto pump = [&] {
    for (const auto& m : parser.take_messages()) sink.warn(m);
    std::string request = parser.take_request();
    if (!request.empty() && !closed && !source.write(request)) closed = true;
    auto& ready = parser.samples();
    while (!ready.empty() && !sink.full()) {
      sink.write(ready.front());
      ready.pop_front();
    }
  };

  std::vector<char> buffer(1 << 16);
  double last_data = 0;
  bool quiet_noted = false;
  pump();
  for (;;) {
    double t = now();
    if (auto why = stop_now(sink.full(), t, limits.duration_s)) {
      result.reason = *why;
      break;
    }
    if (closed) {
      result.reason = StopReason::kEnded;
      break;
    }
    int timeout_ms = 50;
    if (limits.duration_s > 0)
      timeout_ms = std::min(timeout_ms, static_cast<int>((limits.duration_s - t) * 1000) + 1);
    ReadResult read = source.read(buffer.data(), buffer.size(), timeout_ms);
    t = now();
    switch (read.status) {
      case ReadStatus::kData:
        parser.feed({buffer.data(), read.size}, t);
        last_data = t;
        quiet_noted = false;
        break;
      case ReadStatus::kTimeout:
        parser.idle(t);
        if (!quiet_noted && limits.quiet_note_s > 0 && t - last_data >= limits.quiet_note_s) {
          sink.warn("nothing for " + std::to_string(static_cast<int>(t - last_data)) +
                    " s (is the sketch running and printing? the right --mode and --baud?)");
          quiet_noted = true;
        }
        break;
      case ReadStatus::kInterrupted:
        break;
      case ReadStatus::kClosed:
        closed = true;
        break;
    }
    pump();
  }
  if (result.reason != StopReason::kCount) {
    result.end = result.reason == StopReason::kEnded ? limits.on_close : StreamEnd::kStopped;
    parser.finish(result.end);
    closed = true;  // nothing more is sent to the device
    pump();
  }
  source.close();
  result.counts = parser.counts();
  return result;
}

}  // namespace tinyprep

#include "segment/cut.h"

#include <algorithm>
#include <cmath>

namespace tinyprep {
namespace {

constexpr double kFloorMinDb = -80;   // digital silence has no noise to measure
constexpr int64_t kFloorBlock = 10;   // frames sharing one floor estimate (100 ms)
constexpr int64_t kFloorReach = 200;  // frames either side the floor looks at (2 s)
constexpr double kFloorQuantile = 0.1;

int64_t ms_to_frames(int ms) {
  return std::max<int64_t>(0, (ms + 5) / 10);
}

}  // namespace

int64_t event_frame_samples(int sample_rate) {
  return std::max<int64_t>(1, sample_rate / 100);
}

std::vector<AudioEvent> detect_events(const float* x, int64_t n, int sample_rate,
                                      const EventOptions& o) {
  const int64_t hop = event_frame_samples(sample_rate);
  const int64_t frames = n / hop + (n % hop ? 1 : 0);
  std::vector<double> db(static_cast<size_t>(frames));
  for (int64_t f = 0; f < frames; ++f) {
    const int64_t a = f * hop, b = std::min(n, a + hop);
    double sum = 0;
    for (int64_t i = a; i < b; ++i) sum += double(x[i]) * x[i];
    db[f] = 10 * std::log10(sum / double(b - a) + 1e-12);
  }
  std::vector<double> floor(static_cast<size_t>(frames));
  std::vector<double> window;
  for (int64_t block = 0; block < frames; block += kFloorBlock) {
    const int64_t a = std::max<int64_t>(0, block - kFloorReach);
    const int64_t b = std::min(frames, block + kFloorBlock + kFloorReach);
    window.assign(db.begin() + a, db.begin() + b);
    auto k = static_cast<size_t>(kFloorQuantile * double(window.size() - 1));
    std::nth_element(window.begin(), window.begin() + k, window.end());
    const double level = std::max(kFloorMinDb, window[k]);
    for (int64_t f = block; f < std::min(frames, block + kFloorBlock); ++f) floor[f] = level;
  }
  // Runs of active frames, [first, last + 1).
  struct Run {
    int64_t a, b;
  };
  std::vector<Run> runs;
  for (int64_t f = 0; f < frames; ++f) {
    if (db[f] < floor[f] + o.threshold_db) continue;
    if (!runs.empty() && runs.back().b == f)
      runs.back().b = f + 1;
    else
      runs.push_back({f, f + 1});
  }
  // Each run grows while its neighbours stay half the threshold above the floor: the weak
  // consonants and tails around a loud vowel belong to the utterance.
  for (Run& r : runs) {
    while (r.a > 0 && db[r.a - 1] >= floor[r.a - 1] + o.threshold_db / 2) --r.a;
    while (r.b < frames && db[r.b] >= floor[r.b] + o.threshold_db / 2) ++r.b;
  }
  const int64_t gap = ms_to_frames(o.min_gap_ms), shortest = ms_to_frames(o.min_event_ms);
  std::vector<Run> merged;
  for (const Run& r : runs) {
    if (!merged.empty() && r.a - merged.back().b < gap)
      merged.back().b = std::max(merged.back().b, r.b);
    else
      merged.push_back(r);
  }
  std::vector<AudioEvent> events;
  for (const Run& r : merged) {
    if (r.b - r.a < shortest) continue;
    AudioEvent e;
    e.start = r.a * hop;
    e.end = std::min(n, r.b * hop);
    int64_t loudest = r.a;
    for (int64_t f = r.a; f < r.b; ++f)
      if (db[f] > db[loudest]) loudest = f;
    e.peak_db = db[loudest];
    e.floor_db = floor[loudest];
    events.push_back(e);
  }
  return events;
}

std::vector<AudioEvent> loudest_events(std::vector<AudioEvent> events, long max) {
  if (max <= 0 || static_cast<long>(events.size()) <= max) return events;
  std::vector<size_t> order(events.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return events[a].peak_db > events[b].peak_db; });
  order.resize(static_cast<size_t>(max));
  std::sort(order.begin(), order.end());
  std::vector<AudioEvent> kept;
  for (size_t i : order) kept.push_back(events[i]);
  return kept;
}

ClipSpan centred_clip(int64_t centre, int64_t length, int64_t n, bool pad) {
  ClipSpan c{centre - length / 2, length};
  if (pad) return c;
  if (n <= length) return {0, n};
  c.start = std::clamp<int64_t>(c.start, 0, n - length);
  return c;
}

std::vector<ClipSpan> sliding_windows(int64_t n, int64_t length, int64_t hop, bool pad) {
  std::vector<ClipSpan> out;
  if (length <= 0 || hop <= 0) return out;
  for (int64_t s = 0; s < n; s += hop) {
    if (s + length <= n) {
      out.push_back({s, length});
      if (s + length == n) break;
    } else {
      if (pad) out.push_back({s, length});
      break;
    }
  }
  return out;
}

std::vector<TriggerWindow> imu_triggers(const std::vector<float>& values, size_t columns,
                                        const std::vector<size_t>& axes, const TriggerOptions& o,
                                        int64_t* cut_short) {
  std::vector<TriggerWindow> out;
  if (cut_short) *cut_short = -1;
  if (columns == 0 || o.rows <= 0) return out;
  const auto rows = static_cast<int64_t>(values.size() / columns);
  for (int64_t r = 0; r < rows; ++r) {
    double sum = 0;
    for (size_t a : axes) sum += std::fabs(double(values[size_t(r) * columns + a]));
    if (sum < o.threshold) continue;
    TriggerWindow w{r, std::max<int64_t>(0, r - o.pre_rows)};
    if (w.start + o.rows > rows) {
      if (cut_short) *cut_short = r;
      break;
    }
    out.push_back(w);
    r = std::max(r, w.start + o.rows - 1);  // the loop's ++r: search again after the window
  }
  return out;
}

}  // namespace tinyprep

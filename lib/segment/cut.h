#pragma once
// Where clips go: the pure part of `tinyprep segment` (no files). Positions are in samples (audio
// frames) or rows (IMU CSV), half-open [start, end).
#include <cstdint>
#include <string>
#include <vector>

namespace tinyprep {

struct EventOptions {
  double threshold_db = 10;  ///< a frame is active this far above the noise floor
  int min_gap_ms = 200;      ///< events closer than this are merged
  int min_event_ms = 80;     ///< shorter events (after merging) are dropped
};

/// An utterance found by detect_events().
struct AudioEvent {
  int64_t start = 0, end = 0;  ///< samples
  double peak_db = 0;          ///< loudest 10 ms frame, dB relative to full scale
  double floor_db = 0;         ///< the noise floor under that frame, dBFS
};

/// Length of the analysis frame (10 ms, at least one sample).
int64_t event_frame_samples(int sample_rate);

/// Finds utterances in mono audio `x` (n samples, in [-1, 1]) by short-time energy: 10 ms
/// frames, an adaptive noise floor (the 10th percentile of the frame energies within 2 s,
/// never below -80 dBFS), frames `threshold_db` above it active, each run of them grown while
/// the frames around stay threshold_db / 2 above, runs closer than `min_gap_ms` merged, runs
/// shorter than `min_event_ms` dropped. In time order.
std::vector<AudioEvent> detect_events(const float* x, int64_t n, int sample_rate,
                                      const EventOptions& options);

/// Keeps the `max` events with the loudest peak (earlier first on ties), in time order; all of
/// them when max <= 0.
std::vector<AudioEvent> loudest_events(std::vector<AudioEvent> events, long max);

/// A clip: where it starts (may be < 0, or run past the end, when zero-padded) and its length.
struct ClipSpan {
  int64_t start = 0;
  int64_t length = 0;
};

/// A clip of `length` centred on `centre` in a signal of n samples: shifted to lie inside it
/// unless `pad` (then the parts outside are zeros). Without `pad`, a signal shorter than the
/// clip gives the whole signal.
ClipSpan centred_clip(int64_t centre, int64_t length, int64_t n, bool pad);

/// Sliding windows of `length` every `hop` over n samples or rows: those that fit; with `pad`
/// also the first one that runs past the end (zero-padded; none past an exact fit).
std::vector<ClipSpan> sliding_windows(int64_t n, int64_t length, int64_t hop, bool pad);

struct TriggerOptions {
  double threshold = 2.5;  ///< sum of |axis| that starts a window
  int64_t rows = 119;      ///< window length
  int64_t pre_rows = 0;    ///< rows kept before the trigger row
};

/// A gesture window found by imu_triggers().
struct TriggerWindow {
  int64_t trigger = 0;  ///< the row whose sum reached the threshold
  int64_t start = 0;    ///< max(0, trigger - pre_rows)
};

/// IMU_Capture's rule on a table (rows x columns, row-major): a window starts at the first row
/// where the sum of |value| over `axes` (column indexes) reaches the threshold; the search
/// goes on after the window's end. `cut_short` receives the trigger row of a last window that
/// would run past the end (it is not returned), or -1.
std::vector<TriggerWindow> imu_triggers(const std::vector<float>& values, size_t columns,
                                        const std::vector<size_t>& axes,
                                        const TriggerOptions& options, int64_t* cut_short);

}  // namespace tinyprep

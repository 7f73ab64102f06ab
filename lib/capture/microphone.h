#pragma once
// capture mic: clips recorded from an audio input. The input is an interface so that the clip
// recorder runs the same on PortAudio and on a test's samples.
#include <cstdint>
#include <memory>
#include <string>

#include "capture/capture.h"
#include "capture/sample_sink.h"

namespace tinyprep {

/// Mono 16-bit audio that arrives in real time (or as fast as a test feeds it).
class AudioInput {
 public:
  virtual ~AudioInput() = default;
  /// Reads exactly `frames` frames; false when the input ended or Ctrl-C came (then check
  /// interrupted()). Throws Error on a device error.
  virtual bool read(int16_t* out, long frames) = 0;
  virtual int sample_rate() const = 0;
  /// What a manifest's `source` field says: "mic:Built-in Microphone".
  virtual std::string name() const = 0;
};

/// Opens a PortAudio input (`device`: "" for the default input, an index, or part of a name)
/// at `sample_rate`, mono 16-bit, and starts it. Throws Error when there is no input device or
/// it cannot record at that rate.
std::unique_ptr<AudioInput> open_microphone(const std::string& device, int sample_rate);

struct ClipOptions {
  double length_ms = 1000;  ///< clip length
  int countdown = 3;        ///< seconds counted down before each clip (0: none)
  double duration_s = 0;    ///< stop after this much audio (0: no limit)
};

/// Records clips into `sink` until --count, the duration, Ctrl-C or the input's end. Before
/// each clip it counts down on stderr (say "yes" in 3, 2, 1), timed by the input itself: the
/// audio of the countdown is read and discarded.
CaptureResult record_clips(AudioInput& input, const ClipOptions& options, SampleSink& sink);

}  // namespace tinyprep

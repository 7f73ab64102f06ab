#pragma once
// The read loop shared by `capture serial` and `capture stdin`: bytes from a ByteSource
// through a StreamParser into a SampleSink.
#include "capture/byte_source.h"
#include "capture/capture.h"
#include "capture/sample_sink.h"

namespace tinyprep {

struct StreamLimits {
  double duration_s = 0;                      ///< stop after this long (0: no limit)
  StreamEnd on_close = StreamEnd::kVanished;  ///< what the source closing means
  double quiet_note_s = 5;                    ///< say once when nothing arrives this long
};

/// Reads until --count samples are kept, the duration passes, Ctrl-C, or the source closes;
/// shows the parser's messages as warnings and sends its requests to the device. A sample in
/// progress at the end is handed to the parser's finish() (kept only when whole).
CaptureResult capture_stream(ByteSource& source, StreamParser& parser, SampleSink& sink,
                             const StreamLimits& limits);

}  // namespace tinyprep

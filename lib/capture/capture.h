#pragma once
// `tinyprep capture SOURCE --into DATASET --label LABEL`: the entry points the command file
// calls, one per source, each taking plain option structs (no argv).
#include <optional>
#include <string>
#include <vector>

#include "capture/stream_parser.h"

namespace tinyprep {

class SampleSink;

/// Where samples go and when to stop (options shared by every source).
struct CaptureTarget {
  std::string dataset;    ///< --into
  std::string label;      ///< --label
  std::string group;      ///< --group
  long count = 0;         ///< --count: stop after N samples (0: no limit)
  double duration_s = 0;  ///< --duration: stop after S seconds (0: no limit)
};

struct SerialOptions {
  std::string port = "auto";          ///< a path, or "auto" for the one Arduino board
  int baud = 115200;                  ///< never 1200
  std::string mode = "csv";           ///< csv forwarder plotter ov767x-raw ov767x-hex pcm
  size_t rows = 0;                    ///< csv: rows per gesture (0: any)
  std::vector<std::string> header;    ///< csv: column names when the device prints none
  double rate = 0;                    ///< forwarder/plotter: lines/s (0: detect); pcm: Hz
  std::vector<std::string> axes;      ///< forwarder/plotter: column names
  double length_ms = 1000;            ///< forwarder/plotter/pcm: length of one sample
  std::string size = "176x144";       ///< ov767x: frame size
  std::string send;                   ///< raw: start command; hex: frame request ("c")
  std::string byte_order = "little";  ///< ov767x-hex: how the sketch prints a pixel
  double gap_ms = 0;                  ///< pause that ends a partial frame or clip (0: default)
};

struct StdinOptions {
  std::string format = "s16le";     ///< s16le (a WAV header is read), wav or csv
  int rate = 16000;                 ///< s16le: sample rate
  int channels = 1;                 ///< s16le: interleaved channels
  double length_ms = 1000;          ///< s16le: clip length
  size_t rows = 0;                  ///< csv: rows per gesture (0: any)
  std::vector<std::string> header;  ///< csv: column names when the input has none
};

struct CameraOptions {
  std::string device = "0";  ///< camera index, video file, image sequence (frame_%03d.png), URL
  std::string size;          ///< "WxH" to ask the camera for ("" keeps its default)
  int warmup = -1;           ///< frames discarded first (-1: 10 for a camera, 0 for a file)
  double interval_s = -1;    ///< seconds between frames (-1: 1 for a camera, 0 for a file)
  std::string crop;          ///< "WxH" (centred) or "WxH+X+Y"
  std::string resize;        ///< "WxH"
  bool grayscale = false;
};

struct MicOptions {
  std::string device;       ///< PortAudio device index or name part ("" the default input)
  int rate = 16000;         ///< sample rate, mono 16-bit
  double length_ms = 1000;  ///< clip length
  int countdown = 3;        ///< seconds counted down before each clip (0: none)
};

int capture_serial(const CaptureTarget& target, const SerialOptions& options);
int capture_stdin(const CaptureTarget& target, const StdinOptions& options);
int capture_camera(const CaptureTarget& target, const CameraOptions& options);
int capture_mic(const CaptureTarget& target, const MicOptions& options);

/// Why a capture stopped.
enum class StopReason { kCount, kDuration, kInterrupted, kEnded };

/// Why a capture loop should stop now: the count is reached (`full`), Ctrl-C, or `duration_s`
/// (when > 0) has passed; nothing while it should go on.
std::optional<StopReason> stop_now(bool full, double elapsed_s, double duration_s);

struct CaptureResult {
  StopReason reason = StopReason::kEnded;
  StreamEnd end = StreamEnd::kStopped;  ///< for kEnded: the device went away or input ended
  ParseCounts counts;
};

/// Prints the closing summary (naming the source) and returns the exit code when any sample
/// was kept: 0, or 130 after Ctrl-C or SIGTERM (the samples stay). Throws Error naming the
/// source when nothing was captured (exit 1, or 130 after Ctrl-C or SIGTERM).
int finish_capture(const CaptureResult& result, SampleSink& sink);

/// "live\r" as typed on a command line ("\r", "\n", "\t", "\\", "\xHH") -> the bytes.
std::string unescape(const std::string& text);

}  // namespace tinyprep

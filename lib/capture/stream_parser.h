#pragma once
// Parsers that turn a device's byte stream into samples. They are pure: bytes in pieces of any
// size (with the time they arrived) go in; finished samples, counted problems, messages and
// requests for the device come out. Nothing here touches a file or a port.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace tinyprep {

/// A time series: a header and rows of numbers, kept as the device printed them.
struct TableSample {
  std::vector<std::string> header;
  std::vector<std::string> rows;  ///< "v1,v2,..." without line ending
  double rate = 0;                ///< rows per second when known, else 0
};

/// A camera frame of RGB565 pixels, row-major, as 16-bit values.
struct FrameSample {
  int width = 0;
  int height = 0;
  std::vector<uint16_t> rgb565;
};

/// Interleaved 16-bit PCM.
struct AudioSample {
  int sample_rate = 0;
  int channels = 1;
  std::vector<int16_t> pcm;
  int64_t frames() const { return channels > 0 ? int64_t(pcm.size()) / channels : 0; }
};

using Payload = std::variant<TableSample, FrameSample, AudioSample>;

/// How a stream ended, which decides what happens to a sample in progress.
enum class StreamEnd {
  kEndOfInput,  ///< a pipe or file ended: a sample that ends with the input counts when whole
  kVanished,    ///< the device went away (unplugged, pty closed): the sample in progress is cut
  kStopped,     ///< Ctrl-C or --duration: the sample in progress is dropped
};

/// What a parser skipped or dropped, for the summary.
struct ParseCounts {
  long stray_lines = 0;   ///< text that is not data (boot messages, debug prints)
  long wrong_length = 0;  ///< samples dropped for having the wrong number of rows
  long partial = 0;       ///< samples cut short (a gap, the end of the stream) and dropped
  long error_lines = 0;   ///< error reports from the device (forwarder "ERR" lines)
  long bad_values = 0;    ///< samples dropped for an inf, nan or float32-overflowing value
};

class StreamParser {
 public:
  virtual ~StreamParser() = default;
  /// Consumes bytes that arrived at `now_s` (seconds, any steady clock).
  virtual void feed(std::string_view bytes, double now_s) = 0;
  /// Nothing arrived until `now_s`: binary modes drop a partial frame after a gap.
  virtual void idle(double /*now_s*/) {}
  /// The stream ended; a sample in progress is finished or dropped (and reported).
  virtual void finish(StreamEnd end) = 0;

  /// Finished samples in order; the caller takes them from the front.
  std::deque<Payload>& samples() { return samples_; }
  /// Messages to show ("dropped gesture 3: 118 rows, expected 119"); clears them.
  std::vector<std::string> take_messages() { return std::exchange(messages_, {}); }
  /// Bytes to send to the device now (a start command, a frame request); clears them.
  std::string take_request() { return std::exchange(request_, {}); }
  const ParseCounts& counts() const { return counts_; }

 protected:
  void emit(Payload sample) { samples_.push_back(std::move(sample)); }
  void message(std::string text) { messages_.push_back(std::move(text)); }
  void request(std::string_view bytes) { request_ += bytes; }
  /// Counts a stray text line; shows the first few of them.
  void stray(std::string_view line);

  ParseCounts counts_;

 private:
  std::deque<Payload> samples_;
  std::vector<std::string> messages_;
  std::string request_;
};

/// Splits bytes into lines ending in "\n" or "\r\n" (without the ending). A line longer than
/// `max_line` bytes is cut there (binary noise must not grow memory without bound).
class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line = 1 << 20) : max_line_(max_line) {}
  /// Appends bytes; complete lines are then returned by next().
  void append(std::string_view bytes) { pending_ += bytes; }
  /// The next complete line; false when none is complete yet.
  bool next(std::string& line);
  /// The bytes of a line not yet ended; clears them.
  std::string take_rest();
  bool empty() const { return pending_.size() == start_; }

 private:
  size_t max_line_;
  std::string pending_;
  size_t start_ = 0;
};

/// `text` without leading and trailing spaces, tabs and carriage returns.
std::string_view trim(std::string_view text);

/// True when all of `text` is a number under the one rule of imu/csv_file.h (decimal, finite
/// as a float32); `value` gets it.
bool parse_number(std::string_view text, double* value = nullptr);

}  // namespace tinyprep

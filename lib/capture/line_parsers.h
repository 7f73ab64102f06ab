#pragma once
// Text modes of `capture serial`: the IMU_Capture CSV sketch, the Edge Impulse data forwarder
// convention and the Arduino Serial Plotter's name:value pairs.
#include <string>
#include <vector>

#include "capture/stream_parser.h"
#include "imu/csv_file.h"

namespace tinyprep {

struct CsvGestureOptions {
  size_t rows = 0;                  ///< rows a gesture must have (--rows); 0: the first's length
  std::vector<std::string> header;  ///< column names (--header); else the device's header line
  /// Names for a stream without a header line whose rows have their width (dataset.json's
  /// imu_columns); else c1..cN.
  std::vector<std::string> known = {};
};

/// The workshop IMU_Capture sketch: a header line ("aX,aY,aZ,gX,gY,gZ"), then gestures of
/// numeric rows, each ended by a blank line. One sample per gesture. A line that is neither a
/// row of the header's width nor blank is stray: skipped and counted, never a new header.
/// Every gesture has the same length (export needs one shape): --rows, else the first kept
/// gesture's; one of another length is dropped and counted.
class CsvGestureParser : public StreamParser {
 public:
  explicit CsvGestureParser(CsvGestureOptions options);
  void feed(std::string_view bytes, double now_s) override;
  void finish(StreamEnd end) override;

 private:
  void line(std::string_view text);
  void end_gesture();

  CsvGestureOptions options_;
  LineSplitter lines_;
  std::vector<std::string> header_;
  bool header_line_seen_ = false;
  bool bad_gesture_ = false;  // a row had a bad value: skip to the gesture's blank line
  long line_number_ = 0;      // lines of the stream so far (numbers the messages)
  std::vector<std::string> rows_;
  long gestures_ = 0;      // gestures ended so far, kept or dropped (numbers the messages)
  size_t first_rows_ = 0;  // rows of the first kept gesture (the length without --rows)
};

struct ForwarderOptions {
  bool named = false;             ///< Serial Plotter style: "name:value" pairs on each line
  double rate = 0;                ///< lines per second (--rate); 0 counts lines for detect_s
  std::vector<std::string> axes;  ///< column names (--axes); else the plotter's names or v1..vN
  double length_ms = 1000;        ///< length of one sample (--length-ms)
  double detect_s = 1.0;          ///< how long rate detection counts lines
};

/// The Edge Impulse data forwarder convention (one reading per line, values split on comma,
/// tab or space) and the Serial Plotter's "Ax:0.01 Ay:-0.99" lines. Samples are cut every
/// rate * length_ms / 1000 lines. Lines starting with "ERR" are reported, not fatal.
class ForwarderParser : public StreamParser {
 public:
  explicit ForwarderParser(ForwarderOptions options);
  void feed(std::string_view bytes, double now_s) override;
  void finish(StreamEnd end) override;
  /// The rate in use (given or detected); 0 while still detecting.
  double rate() const { return rate_; }

 private:
  void line(std::string_view text, double now_s);
  // kOk, kNotNumber (a stray line), or the verdict on its first bad value (`problem` says which).
  CsvNumber split(std::string_view text, std::vector<std::string>& names,
                  std::vector<std::string>& values, std::string* problem) const;
  void set_rate(double rate);
  void cut_samples();

  ForwarderOptions options_;
  LineSplitter lines_;
  std::vector<std::string> axes_;          // the header of every sample
  std::vector<std::string> device_names_;  // plotter names as the device prints them
  std::vector<std::string> rows_;
  double rate_ = 0;
  size_t rows_per_sample_ = 0;
  double detect_start_ = -1;
  double last_now_ = 0;
  long detect_lines_ = 0;
  long line_number_ = 0;  // lines of the stream so far (numbers the messages)
};

}  // namespace tinyprep

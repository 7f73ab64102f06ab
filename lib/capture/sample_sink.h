#pragma once
// Where captured samples go: each finished sample is written at once as a file under
// DATASET/data/<label>/ (temporary name in that folder, then moved into place) and then its
// manifest line is appended, both under the dataset's lock, so a crash or Ctrl-C never loses a
// finished sample nor leaves a half-written one, and captures beside this one (or imports)
// lose nothing either.
#include <string>

#include "capture/stream_parser.h"
#include "image/image_file.h"
#include "manifest/dataset.h"

namespace tinyprep {

struct SinkOptions {
  std::string dataset;   ///< dataset folder (made when it does not exist)
  std::string label;     ///< every sample's label; its folder under data/
  std::string group;     ///< the `group` field ("" leaves it out)
  std::string source;    ///< the `source` field: "serial:/dev/ttyACM0", "camera:0", "stdin"
  std::string modality;  ///< "audio", "image" or "imu": what this capture makes
  long count = 0;        ///< samples wanted (--count); 0 is no limit
};

class SampleSink {
 public:
  /// Checks the dataset (made with the first sample when the folder does not exist); throws
  /// Error when the folder is not a dataset, the label is unusable, the dataset holds another
  /// modality, or the folder (or where it would be made) cannot be written.
  explicit SampleSink(SinkOptions options);
  /// When an error ends the capture after samples were kept, prints the summary line (the
  /// error itself follows it).
  ~SampleSink();
  SampleSink(const SampleSink&) = delete;
  SampleSink& operator=(const SampleSink&) = delete;

  /// Writes one finished sample and its manifest line; returns its id. Throws Error on I/O.
  std::string write(const Payload& sample);
  /// Writes a camera image (8-bit, gray or RGB) as PNG.
  std::string write_image(const Image& image);

  long kept() const { return kept_; }
  /// True once --count samples are kept.
  bool full() const { return options_.count > 0 && kept_ >= options_.count; }
  const SinkOptions& options() const { return options_; }

  /// Prints text on stderr as it is (a countdown), clearing the progress line first.
  void print(const std::string& text);
  /// Prints a warning naming the source ("serial:/dev/ttyACM0: ..."), clearing the progress
  /// line first.
  void warn(const std::string& what);
  /// Prints the closing "<source>: kept N samples ..." line; `details` says why capture stopped.
  void summary(const std::string& details);

 private:
  std::string place(const std::string& ext, const std::string& bytes, Json facts);
  void first_sample(const DatasetLock& lock, const Json& facts);
  void show_progress();
  void clear_progress();

  SinkOptions options_;
  Dataset dataset_;  // opened (or made) with the first sample
  bool opened_ = false;
  long kept_ = 0;
  bool progress_shown_ = false;
  bool summarized_ = false;
  int uncaught_ = 0;  // std::uncaught_exceptions() when made
};

/// Now in UTC as ISO-8601 with milliseconds: "2026-03-01T12:34:56.789Z".
std::string utc_timestamp();

}  // namespace tinyprep

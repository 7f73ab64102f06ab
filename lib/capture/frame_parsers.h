#pragma once
// Binary and hex modes of `capture serial`: OV767x camera frames (raw RGB565 or the
// CameraCapture sketch's hex text) and raw 16-bit PCM from a PDM microphone sketch.
#include <string>

#include "capture/stream_parser.h"

namespace tinyprep {

/// A binary stream that restarts after a pause. Where it may restart (its start, after a gap)
/// a line of printable text (a boot message) is told apart from data and skipped; in the
/// middle of data nothing is taken for text, since any byte can be a pixel or a sample.
class BinaryStreamParser : public StreamParser {
 public:
  /// `gap_s`: a pause this long ends a partial sample, which is dropped (0: never).
  explicit BinaryStreamParser(double gap_s) : gap_s_(gap_s) {}
  void feed(std::string_view bytes, double now_s) final;
  void idle(double now_s) override;
  void finish(StreamEnd end) final;

 protected:
  /// Bytes known to be data.
  virtual void data(std::string_view bytes) = 0;
  /// True while part of a sample has arrived.
  virtual bool has_partial() const = 0;
  /// Drops the partial sample and says why ("after a pause", "the device went away").
  virtual void drop_partial(const std::string& why) = 0;
  double last_byte_s() const { return last_byte_s_; }

 private:
  void probe();

  double gap_s_;
  bool probing_ = true;
  std::string probe_;
  double last_byte_s_ = -1;
};

/// OV767x frames streamed back to back as big-endian RGB565 (CameraCaptureRawBytes sketch).
class RawFrameParser : public BinaryStreamParser {
 public:
  /// `start` is sent to the device once (e.g. "live\r"); empty sends nothing.
  RawFrameParser(int width, int height, const std::string& start, double gap_s);

 private:
  void data(std::string_view bytes) override;
  bool has_partial() const override { return !buffer_.empty(); }
  void drop_partial(const std::string& why) override;

  int width_, height_;
  size_t frame_bytes_;
  std::string buffer_;
};

/// The CameraCapture sketch: "c" asks for a frame, which comes as 4 hex digits per pixel
/// (optionally "0x"-prefixed, separated by commas or spaces). Tokens with other letters are
/// text and skipped. `little_endian`: the printed value is the little-endian reading of the
/// camera's bytes, as in the sketch (the pixel is then its byte swap).
class HexFrameParser : public StreamParser {
 public:
  HexFrameParser(int width, int height, const std::string& ask, bool little_endian, double gap_s,
                 double ask_again_s = 5.0);
  void feed(std::string_view bytes, double now_s) override;
  void idle(double now_s) override;
  void finish(StreamEnd end) override;

 private:
  void end_token();
  void end_line();
  void drop_partial(const std::string& why);
  bool has_partial() const { return !pixels_.empty() || !digits_.empty(); }

  int width_, height_;
  std::string ask_;
  bool little_endian_;
  double gap_s_, ask_again_s_;
  std::vector<uint16_t> pixels_;
  std::string digits_;       // hex digits of a pixel not yet complete
  size_t token_chars_ = 0;   // characters of the current token so far
  size_t token_pixels_ = 0;  // pixels taken from the current token (undone if it is text)
  bool token_text_ = false;
  bool line_text_ = false;
  std::string line_start_;  // the current line's first characters, for messages
  double last_byte_s_ = -1, asked_s_ = -1;
};

/// Raw little-endian 16-bit PCM cut into clips of `length_ms`.
class PcmParser : public BinaryStreamParser {
 public:
  PcmParser(int sample_rate, int channels, double length_ms, double gap_s);

 private:
  void data(std::string_view bytes) override;
  bool has_partial() const override { return !pcm_.empty() || has_odd_byte_; }
  void drop_partial(const std::string& why) override;

  int rate_, channels_;
  size_t clip_values_;
  std::vector<int16_t> pcm_;
  bool has_odd_byte_ = false;
  unsigned char odd_byte_ = 0;
};

}  // namespace tinyprep

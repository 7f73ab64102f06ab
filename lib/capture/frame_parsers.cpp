#include "capture/frame_parsers.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace tinyprep {
namespace {

constexpr size_t kProbeLimit = 200;  // a text line at a restart is shorter than this

bool printable(unsigned char c) {
  return (c >= 0x20 && c < 0x7f) || c == '\r' || c == '\t';
}

// Boot messages are words: mostly letters and spaces. Pixels that happen to be printable
// rarely are.
bool looks_like_text(std::string_view line) {
  size_t letters = 0;
  for (unsigned char c : line) letters += std::isalpha(c) || c == ' ';
  return letters >= 2 && letters * 2 >= line.size();
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

}  // namespace

// ---- restart probing -------------------------------------------------------------------------

void BinaryStreamParser::feed(std::string_view bytes, double now_s) {
  if (bytes.empty()) return;
  last_byte_s_ = now_s;
  if (!probing_) return data(bytes);
  probe_ += bytes;
  probe();
}

void BinaryStreamParser::probe() {
  while (probing_ && !probe_.empty()) {
    size_t i = 0;
    while (i < probe_.size() && i < kProbeLimit && printable(probe_[i])) ++i;
    // A line counts only when its end comes within kProbeLimit bytes, as it must when the
    // bytes come one at a time (then the limit is reached before the '\n' is seen).
    const bool line_end = i < probe_.size() && i < kProbeLimit && probe_[i] == '\n';
    if (line_end && looks_like_text(trim(probe_.substr(0, i)))) {
      stray(trim(probe_.substr(0, i)));
      probe_.erase(0, i + 1);
      continue;
    }
    if (line_end && trim(probe_.substr(0, i)).empty()) {
      probe_.erase(0, i + 1);  // a bare line ending after a text line
      continue;
    }
    if (i == probe_.size() && i < kProbeLimit) return;  // text so far: wait for more
    probing_ = false;
    std::string bytes = std::move(probe_);
    probe_.clear();
    data(bytes);
  }
}

void BinaryStreamParser::idle(double now_s) {
  if (gap_s_ <= 0 || last_byte_s_ < 0 || now_s - last_byte_s_ < gap_s_) return;
  if (has_partial()) drop_partial("after a pause of " + seconds(now_s - last_byte_s_));
  if (!trim(probe_).empty()) stray(trim(probe_));
  probe_.clear();
  probing_ = true;
  last_byte_s_ = -1;  // one gap per pause
}

void BinaryStreamParser::finish(StreamEnd end) {
  if (!trim(probe_).empty() && looks_like_text(trim(probe_))) {
    stray(trim(probe_));
    probe_.clear();
  }
  if (!probe_.empty()) {
    std::string bytes = std::move(probe_);
    probe_.clear();
    data(bytes);
  }
  if (!has_partial()) return;
  drop_partial(end == StreamEnd::kEndOfInput ? "at the end of the input"
               : end == StreamEnd::kVanished ? "when the device went away"
                                             : "when capture stopped");
}

// ---- raw RGB565 frames -----------------------------------------------------------------------

RawFrameParser::RawFrameParser(int width, int height, const std::string& start, double gap_s)
    : BinaryStreamParser(gap_s),
      width_(width),
      height_(height),
      frame_bytes_(size_t(width) * size_t(height) * 2) {
  if (!start.empty()) request(start);
}

void RawFrameParser::data(std::string_view bytes) {
  buffer_ += bytes;
  size_t at = 0;
  while (buffer_.size() - at >= frame_bytes_) {
    FrameSample frame{width_, height_, {}};
    frame.rgb565.resize(size_t(width_) * height_);
    const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + at);
    for (size_t i = 0; i < frame.rgb565.size(); ++i)
      frame.rgb565[i] = static_cast<uint16_t>(p[2 * i] << 8 | p[2 * i + 1]);
    emit(std::move(frame));
    at += frame_bytes_;
  }
  buffer_.erase(0, at);
}

void RawFrameParser::drop_partial(const std::string& why) {
  ++counts_.partial;
  message("dropped a partial frame (" + std::to_string(buffer_.size()) + " of " +
          std::to_string(frame_bytes_) + " bytes) " + why);
  buffer_.clear();
}

// ---- hex frames ------------------------------------------------------------------------------

HexFrameParser::HexFrameParser(int width, int height, const std::string& ask, bool little_endian,
                               double gap_s, double ask_again_s)
    : width_(width),
      height_(height),
      ask_(ask),
      little_endian_(little_endian),
      gap_s_(gap_s),
      ask_again_s_(ask_again_s) {
  request(ask_);
}

void HexFrameParser::feed(std::string_view bytes, double now_s) {
  if (bytes.empty()) return;
  last_byte_s_ = now_s;
  const size_t frame_pixels = size_t(width_) * height_;
  for (char c : bytes) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',') {
      end_token();
      if (c == '\n') end_line();
      continue;
    }
    if (line_start_.size() < 60) line_start_ += c;
    if (token_text_) continue;
    ++token_chars_;
    if ((c == 'x' || c == 'X') && token_chars_ == 2 && digits_ == "0" && token_pixels_ == 0) {
      digits_.clear();  // "0x" prefix
      continue;
    }
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      digits_ += c;
      if (digits_.size() < 4) continue;
      auto v = static_cast<uint16_t>(std::stoul(digits_, nullptr, 16));
      digits_.clear();
      pixels_.push_back(little_endian_ ? static_cast<uint16_t>(v >> 8 | v << 8) : v);
      ++token_pixels_;
      if (pixels_.size() == frame_pixels) {
        emit(FrameSample{width_, height_, std::move(pixels_)});
        pixels_.clear();
        token_pixels_ = 0;
        request(ask_);
        asked_s_ = now_s;
      }
      continue;
    }
    // A letter that is no hex digit: the token is a word, and what it gave was no pixel.
    token_text_ = line_text_ = true;
    pixels_.resize(pixels_.size() - token_pixels_);
    token_pixels_ = 0;
    digits_.clear();
  }
}

void HexFrameParser::end_token() {
  if (!digits_.empty() && !token_text_) line_text_ = true;  // "0x1F": not 4 digits, not a pixel
  digits_.clear();
  token_chars_ = token_pixels_ = 0;
  token_text_ = false;
}

void HexFrameParser::end_line() {
  if (line_text_) stray(line_start_);
  line_text_ = false;
  line_start_.clear();
}

void HexFrameParser::drop_partial(const std::string& why) {
  ++counts_.partial;
  message("dropped a partial frame (" + std::to_string(pixels_.size()) + " of " +
          std::to_string(size_t(width_) * height_) + " pixels) " + why);
  pixels_.clear();
  digits_.clear();
  token_chars_ = token_pixels_ = 0;
}

void HexFrameParser::idle(double now_s) {
  if (asked_s_ < 0) asked_s_ = now_s;
  if (has_partial()) {
    if (last_byte_s_ >= 0 && gap_s_ > 0 && now_s - last_byte_s_ >= gap_s_) {
      drop_partial("after a pause of " + seconds(now_s - last_byte_s_));
      end_line();
      request(ask_);
      asked_s_ = now_s;
    }
    return;
  }
  double quiet_since = std::max(asked_s_, last_byte_s_);
  if (ask_again_s_ > 0 && now_s - quiet_since >= ask_again_s_) {
    message("no frame came " + seconds(now_s - quiet_since) + " after asking: asking again");
    request(ask_);
    asked_s_ = now_s;
  }
}

void HexFrameParser::finish(StreamEnd end) {
  end_token();
  if (line_text_) end_line();
  if (has_partial())
    drop_partial(end == StreamEnd::kEndOfInput ? "at the end of the input"
                 : end == StreamEnd::kVanished ? "when the device went away"
                                               : "when capture stopped");
}

// ---- PCM -------------------------------------------------------------------------------------

PcmParser::PcmParser(int sample_rate, int channels, double length_ms, double gap_s)
    : BinaryStreamParser(gap_s), rate_(sample_rate), channels_(channels) {
  double frames = std::round(sample_rate * length_ms / 1000.0);
  clip_values_ = static_cast<size_t>(frames < 1 ? 1 : frames) * size_t(channels);
}

void PcmParser::data(std::string_view bytes) {
  auto push = [this](unsigned char lo, unsigned char hi) {
    pcm_.push_back(static_cast<int16_t>(lo | hi << 8));
    if (pcm_.size() < clip_values_) return;
    emit(AudioSample{rate_, channels_, std::move(pcm_)});
    pcm_.clear();
  };
  size_t i = 0;
  if (has_odd_byte_ && !bytes.empty()) {
    push(odd_byte_, static_cast<unsigned char>(bytes[0]));
    has_odd_byte_ = false;
    i = 1;
  }
  for (; i + 1 < bytes.size(); i += 2)
    push(static_cast<unsigned char>(bytes[i]), static_cast<unsigned char>(bytes[i + 1]));
  if (i < bytes.size()) {
    odd_byte_ = static_cast<unsigned char>(bytes[i]);
    has_odd_byte_ = true;
  }
}

void PcmParser::drop_partial(const std::string& why) {
  ++counts_.partial;
  double got = double(pcm_.size() / size_t(channels_)) / rate_;
  double want = double(clip_values_ / size_t(channels_)) / rate_;
  message("dropped a partial clip (" + seconds(got) + " of " + seconds(want) + ") " + why);
  pcm_.clear();
  has_odd_byte_ = false;
}

}  // namespace tinyprep

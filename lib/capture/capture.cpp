// capture serial and capture stdin: pick the parser for the mode, open the source, run the
// read loop; and the summary every source ends with.
#include "capture/capture.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>

#include "capture/frame_parsers.h"
#include "capture/line_parsers.h"
#include "capture/ports.h"
#include "capture/stream_capture.h"
#include "core/diag.h"
#include "core/error.h"
#include "core/parse.h"
#include "core/signals.h"
#include "manifest/dataset.h"

namespace tinyprep {
namespace {

struct ModeParser {
  std::unique_ptr<StreamParser> parser;
  std::string modality;
};

// The IMU columns dataset.json expects (its format's imu_columns), to name the columns of a
// stream without a header line; nothing when there is no dataset yet or it names none.
std::vector<std::string> known_columns(const std::string& dataset) {
  std::vector<std::string> out;
  if (!Dataset::is_dataset(dataset)) return out;
  Dataset d = Dataset::open(dataset);  // read without the lock: files are replaced by rename
  auto format = d.info().find("format");
  if (format == d.info().end() || !format->is_object()) return out;
  auto columns = format->find("imu_columns");
  if (columns == format->end() || !columns->is_array()) return out;
  for (const auto& c : *columns) {
    if (!c.is_string()) return {};
    out.push_back(c.get<std::string>());
  }
  return out;
}

CsvGestureOptions csv_options(size_t rows, const std::vector<std::string>& header,
                              const CaptureTarget& t) {
  return CsvGestureOptions{rows, header, header.empty() ? known_columns(t.dataset) : header};
}

ModeParser make_serial_parser(const SerialOptions& o, const CaptureTarget& t) {
  auto gap = [&](double default_s) { return o.gap_ms > 0 ? o.gap_ms / 1000.0 : default_s; };
  if (o.mode == "csv")
    return {std::make_unique<CsvGestureParser>(csv_options(o.rows, o.header, t)), "imu"};
  if (o.mode == "forwarder" || o.mode == "plotter") {
    ForwarderOptions f;
    f.named = o.mode == "plotter";
    f.rate = o.rate;
    f.axes = o.axes;
    f.length_ms = o.length_ms;
    return {std::make_unique<ForwarderParser>(f), "imu"};
  }
  if (o.mode == "ov767x-raw" || o.mode == "ov767x-hex") {
    int w = 0, h = 0;
    parse_size(o.size, "--size", &w, &h);
    if (o.mode == "ov767x-raw")
      return {std::make_unique<RawFrameParser>(w, h, unescape(o.send), gap(0.25)), "image"};
    if (o.byte_order != "little" && o.byte_order != "big")
      throw usage_error("--byte-order must be little or big, not '" + o.byte_order + "'");
    std::string ask = o.send.empty() ? "c" : unescape(o.send);
    return {std::make_unique<HexFrameParser>(w, h, ask, o.byte_order == "little", gap(1.0)),
            "image"};
  }
  if (o.mode == "pcm") {
    int rate = o.rate > 0 ? static_cast<int>(o.rate) : 16000;
    return {std::make_unique<PcmParser>(rate, 1, o.length_ms, gap(0.5)), "audio"};
  }
  throw usage_error("unknown --mode '" + o.mode +
                    "' (csv, forwarder, plotter, ov767x-raw, ov767x-hex, pcm)");
}

SinkOptions sink_options(const CaptureTarget& t, const std::string& source,
                         const std::string& modality) {
  return SinkOptions{t.dataset, t.label, t.group, source, modality, t.count};
}

std::string plural(long n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// ---- A WAV file on stdin ----------------------------------------------------------------------

uint32_t le32(const std::string& b, size_t at) {
  return uint32_t(uint8_t(b[at])) | uint32_t(uint8_t(b[at + 1])) << 8 |
         uint32_t(uint8_t(b[at + 2])) << 16 | uint32_t(uint8_t(b[at + 3])) << 24;
}
unsigned le16(const std::string& b, size_t at) {
  return unsigned(uint8_t(b[at])) | unsigned(uint8_t(b[at + 1])) << 8;
}

bool is_wav_header(const std::string& head) {
  return head.size() >= 12 && head.compare(0, 4, "RIFF") == 0 && head.compare(8, 4, "WAVE") == 0;
}

// What the header of a WAV stream says, up to its data chunk.
struct WavStream {
  int rate = 0, channels = 0, bits = 0;
  unsigned format = 0;                 // 1 PCM, 3 IEEE float (WAVE_FORMAT_EXTENSIBLE resolved)
  size_t data_start = 0;               // offset of the first sample in the bytes read so far
  std::optional<uint64_t> data_bytes;  // the data chunk's size, when the writer knew it
};

// A byte source that first returns `head` (bytes already read from `inner`), then reads on, and
// ends (kClosed) after `limit` bytes in all when one is given: a WAV's data chunk ends there.
class PrefixedSource : public ByteSource {
 public:
  PrefixedSource(std::unique_ptr<ByteSource> inner, std::string head, std::optional<uint64_t> limit)
      : inner_(std::move(inner)), head_(std::move(head)), limit_(limit) {}
  ReadResult read(char* buffer, size_t size, int timeout_ms) override {
    if (limit_ && *limit_ == 0) return {ReadStatus::kClosed, 0};
    if (limit_) size = static_cast<size_t>(std::min<uint64_t>(size, *limit_));
    ReadResult r;
    if (!head_.empty()) {
      r = {ReadStatus::kData, std::min(size, head_.size())};
      std::copy_n(head_.data(), r.size, buffer);
      head_.erase(0, r.size);
    } else {
      r = inner_->read(buffer, size, timeout_ms);
    }
    if (limit_ && r.status == ReadStatus::kData) *limit_ -= r.size;
    return r;
  }
  bool write(std::string_view bytes) override { return inner_->write(bytes); }
  void close() override { inner_->close(); }
  std::string name() const override { return inner_->name(); }

 private:
  std::unique_ptr<ByteSource> inner_;
  std::string head_;
  std::optional<uint64_t> limit_;
};

// Reads from `source` into `head` until it has `want` bytes; false when the input ended first
// (or Ctrl-C, or `give_up_s` seconds passed when > 0: the capture loop then stops as asked).
bool read_at_least(ByteSource& source, std::string& head, size_t want, double give_up_s = 0) {
  const auto start = std::chrono::steady_clock::now();
  char buffer[4096];
  while (head.size() < want) {
    if (interrupted()) return false;
    if (give_up_s > 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >=
            give_up_s)
      return false;
    ReadResult r = source.read(buffer, sizeof buffer, 50);
    if (r.status == ReadStatus::kData) head.append(buffer, r.size);
    if (r.status == ReadStatus::kClosed) return false;
  }
  return true;
}

// Reads a WAV header (RIFF, fmt, any other chunks) up to the start of its data chunk; `head`
// holds what was read. Throws Error naming `where` when it is not a 16-bit PCM WAV.
WavStream read_wav_header(ByteSource& source, std::string& head, const std::string& where) {
  const size_t kMaxHeader = 1 << 20;
  WavStream w;
  bool have_format = false;
  size_t at = 12;
  for (;;) {
    if (!read_at_least(source, head, at + 8)) {
      if (interrupted()) throw interrupted_error();
      throw Error(where, 0, "the WAV input ends before its data chunk");
    }
    std::string id = head.substr(at, 4);
    uint64_t size = le32(head, at + 4);
    if (id == "data") {
      if (!have_format) throw Error(where, 0, "the WAV input has no fmt chunk before its data");
      w.data_start = at + 8;
      if (size != 0 && size != 0xffffffffu) w.data_bytes = size;  // else: until the input ends
      return w;
    }
    if (at + 8 + size > kMaxHeader)
      throw Error(where, 0, "the WAV input has more than 1 MB before its data chunk");
    if (!read_at_least(source, head, at + 8 + size + (size & 1))) {
      if (interrupted()) throw interrupted_error();
      throw Error(where, 0, "the WAV input ends in its '" + excerpt(id, 4) + "' chunk");
    }
    if (id == "fmt " && size >= 16) {
      w.format = le16(head, at + 8);
      w.channels = static_cast<int>(le16(head, at + 10));
      w.rate = static_cast<int>(le32(head, at + 12));
      w.bits = static_cast<int>(le16(head, at + 22));
      if (w.format == 0xfffe && size >= 26) w.format = le16(head, at + 32);  // its sub-format
      have_format = true;
    }
    at += 8 + size + (size & 1);
  }
}

std::string describe(const WavStream& w) {
  std::string kind = w.format == 1   ? std::to_string(w.bits) + "-bit PCM"
                     : w.format == 3 ? std::to_string(w.bits) + "-bit float"
                                     : "format " + std::to_string(w.format);
  return std::to_string(w.rate) + " Hz, " + plural(w.channels, "channel", "channels") + ", " + kind;
}

}  // namespace

int capture_serial(const CaptureTarget& target, const SerialOptions& options) {
  if (options.length_ms <= 0) throw usage_error("--length-ms must be positive");
  ModeParser mode = make_serial_parser(options, target);
  std::string port =
      options.port == "auto" ? resolve_port("auto", list_serial_ports()) : options.port;
  auto source = open_serial_port(port, options.baud);
  SampleSink sink(sink_options(target, source->name(), mode.modality));
  StreamLimits limits;
  limits.duration_s = target.duration_s;
  limits.on_close = StreamEnd::kVanished;
  return finish_capture(capture_stream(*source, *mode.parser, sink, limits), sink);
}

int capture_stdin(const CaptureTarget& target, const StdinOptions& options) {
  const std::string& format = options.format;
  if (format != "s16le" && format != "wav" && format != "csv")
    throw usage_error("--format must be s16le, wav or csv, not '" + format + "'");
  if (format != "csv" && (options.rate <= 0 || options.channels <= 0 || options.length_ms <= 0))
    throw usage_error("--rate, --channels and --length-ms must be positive");
  std::unique_ptr<ByteSource> source = open_stdin_source();
  const std::string where = source->name();
  // A WAV file piped in (sox, arecord -t wav, cat clip.wav) is read by its header: its 44 or
  // more header bytes are not samples, and its rate and channels are its own.
  std::string head;
  read_at_least(*source, head, 12, target.duration_s);
  bool wav = is_wav_header(head);
  if (format == "wav" && !wav && (head.size() >= 12 || !interrupted()))
    throw Error(where, 0, "--format wav: the input does not start with a RIFF/WAVE header");
  if (format == "csv" && wav)
    throw Error(where, 0, "the input is a WAV file, not CSV: give --format wav");
  std::unique_ptr<StreamParser> parser;
  std::string modality = "audio";
  std::optional<uint64_t> limit;
  if (wav) {
    WavStream w = read_wav_header(*source, head, where);
    if (w.format != 1 || w.bits != 16 || w.channels <= 0 || w.rate <= 0)
      throw Error(where, 0,
                  "the input is a WAV file of " + describe(w) +
                      "; capture stdin takes 16-bit PCM (e.g. sox in.wav -b 16 -t wav - | ...)");
    note(where, 0,
         "the input is a WAV file (" + describe(w) + "): --rate and --channels come from it");
    parser = std::make_unique<PcmParser>(w.rate, w.channels, options.length_ms, 0);
    head.erase(0, w.data_start);
    if (w.data_bytes) limit = *w.data_bytes;  // chunks after the samples are not samples
  } else if (format == "csv") {
    parser = std::make_unique<CsvGestureParser>(csv_options(options.rows, options.header, target));
    modality = "imu";
  } else {
    parser = std::make_unique<PcmParser>(options.rate, options.channels, options.length_ms, 0);
  }
  source = std::make_unique<PrefixedSource>(std::move(source), std::move(head), limit);
  SampleSink sink(sink_options(target, where, modality));
  StreamLimits limits;
  limits.duration_s = target.duration_s;
  limits.on_close = StreamEnd::kEndOfInput;
  limits.quiet_note_s = 0;  // a pipe may be quiet for as long as its writer likes
  return finish_capture(capture_stream(*source, *parser, sink, limits), sink);
}

int finish_capture(const CaptureResult& result, SampleSink& sink) {
  std::vector<std::string> parts;
  switch (result.reason) {
    case StopReason::kCount:
      break;
    case StopReason::kDuration:
      parts.push_back("--duration reached");
      break;
    case StopReason::kInterrupted:
      parts.push_back("interrupted");
      break;
    case StopReason::kEnded:
      parts.push_back(result.end == StreamEnd::kVanished ? "the device went away"
                                                         : "the input ended");
      break;
  }
  const ParseCounts& c = result.counts;
  if (c.stray_lines)
    parts.push_back("skipped " + plural(c.stray_lines, "stray line", "stray lines"));
  if (c.wrong_length)
    parts.push_back("dropped " + plural(c.wrong_length, "sample", "samples") +
                    " of the wrong length");
  if (c.partial)
    parts.push_back("dropped " + plural(c.partial, "partial sample", "partial samples"));
  if (c.bad_values)
    parts.push_back("dropped " + plural(c.bad_values, "sample", "samples") +
                    " with an inf, nan or out-of-range value");
  if (c.error_lines) parts.push_back(plural(c.error_lines, "ERR line", "ERR lines"));
  std::string details;
  for (const auto& p : parts) details += (details.empty() ? "" : ", ") + p;

  // Interrupted is 130 for every command, also when finished samples were kept (they stay,
  // and the summary says how many): a script can tell a capture cut short by Ctrl-C or SIGTERM
  // from one that ended as asked (--count, --duration, end of input, device gone).
  const bool stopped = result.reason == StopReason::kInterrupted;
  if (sink.kept() > 0) {
    sink.summary(details);
    return static_cast<int>(stopped ? ExitCode::kInterrupted : ExitCode::kOk);
  }
  std::string what = "nothing captured" + (details.empty() ? "" : " (" + details + ")");
  throw Error(sink.options().source, 0, what, stopped ? ExitCode::kInterrupted : ExitCode::kData);
}

std::string unescape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    char c = text[++i];
    if (c == 'r')
      out += '\r';
    else if (c == 'n')
      out += '\n';
    else if (c == 't')
      out += '\t';
    else if (c == '0')
      out += '\0';
    else if (c == 'x' && i + 2 < text.size() &&
             std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
             std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else
      out += c;
  }
  return out;
}

std::optional<StopReason> stop_now(bool full, double elapsed_s, double duration_s) {
  if (full) return StopReason::kCount;
  if (interrupted()) return StopReason::kInterrupted;
  if (duration_s > 0 && elapsed_s >= duration_s) return StopReason::kDuration;
  return std::nullopt;
}

}  // namespace tinyprep

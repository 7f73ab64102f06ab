// capture serial and capture stdin: pick the parser for the mode, open the source, run the
// read loop; and the summary every source ends with.
#include "capture/capture.h"

#include "core/signals.h"

#include <cctype>
#include <cstdio>
#include <memory>

#include "capture/frame_parsers.h"
#include "capture/line_parsers.h"
#include "capture/ports.h"
#include "capture/stream_capture.h"
#include "core/error.h"

namespace tinyprep {
namespace {

struct ModeParser {
  std::unique_ptr<StreamParser> parser;
  std::string modality;
};

ModeParser make_serial_parser(const SerialOptions& o) {
  auto gap = [&](double default_s) { return o.gap_ms > 0 ? o.gap_ms / 1000.0 : default_s; };
  if (o.mode == "csv")
    return {std::make_unique<CsvGestureParser>(CsvGestureOptions{o.rows, o.header}), "imu"};
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

}  // namespace

int capture_serial(const CaptureTarget& target, const SerialOptions& options) {
  if (options.length_ms <= 0) throw usage_error("--length-ms must be positive");
  ModeParser mode = make_serial_parser(options);
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
  std::unique_ptr<StreamParser> parser;
  std::string modality;
  if (options.format == "s16le") {
    if (options.rate <= 0 || options.channels <= 0 || options.length_ms <= 0)
      throw usage_error("--rate, --channels and --length-ms must be positive");
    parser = std::make_unique<PcmParser>(options.rate, options.channels, options.length_ms, 0);
    modality = "audio";
  } else if (options.format == "csv") {
    parser = std::make_unique<CsvGestureParser>(CsvGestureOptions{options.rows, options.header});
    modality = "imu";
  } else {
    throw usage_error("--format must be s16le or csv, not '" + options.format + "'");
  }
  auto source = open_stdin_source();
  SampleSink sink(sink_options(target, source->name(), modality));
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

  if (sink.kept() > 0) {
    sink.summary(details);
    return 0;
  }
  std::string what = "nothing captured" + (details.empty() ? "" : " (" + details + ")");
  if (result.reason == StopReason::kInterrupted) throw Error("", 0, what, ExitCode::kInterrupted);
  throw Error(sink.options().source, 0, what);
}

void parse_size(const std::string& text, const std::string& option, int* width, int* height) {
  int w = 0, h = 0, used = 0;
  if (std::sscanf(text.c_str(), "%dx%d%n", &w, &h, &used) != 2 ||
      used != static_cast<int>(text.size()) || w <= 0 || h <= 0 || w > 16384 || h > 16384)
    throw usage_error(option + " must be WIDTHxHEIGHT (e.g. 176x144), not '" + text + "'");
  *width = w;
  *height = h;
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

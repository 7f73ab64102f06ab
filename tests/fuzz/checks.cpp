#include "checks.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "array/npy.h"
#include "audio/audio_file.h"
#include "audio/wav_pcm.h"
#include "capture/frame_parsers.h"
#include "capture/line_parsers.h"
#include "core/error.h"
#include "imu/csv_file.h"
#include "manifest/fast_json.h"
#include "manifest/manifest.h"
#include "segment/label_track.h"

namespace tinyprep::fuzz {
namespace {

[[noreturn]] void diverge(const std::string& what) {
  throw Divergence(what);
}

// ---- manifest line -------------------------------------------------------------------------

// Arrays and objects nested deeper than kMaxJsonDepth are refused by the manifest reader by
// design (its check_json_depth, before parsing), whatever nlohmann would make of them.
bool too_deep_for_reader(std::string_view text) {
  try {
    check_json_depth(text, "fuzz", 1);
    return false;
  } catch (const Error&) {
    return true;
  }
}

}  // namespace

void check_manifest_line(std::string_view text) {
  using Json = nlohmann::ordered_json;
  Json fast;
  const bool fast_ok = parse_json_fast(text, fast);
  if (too_deep_for_reader(text)) {
    if (fast_ok) diverge("the fast parser accepts a line nested deeper than the reader's limit");
    return;
  }
  Json ref;
  bool ref_ok = true;
  try {
    ref = Json::parse(text);
  } catch (const Json::exception&) {  // parse_error, out_of_range (1e400)
    ref_ok = false;
  }
  if (!fast_ok) return;  // declined: the reader falls back to nlohmann, whose verdict stands
  if (!ref_ok) diverge("the fast parser accepts what nlohmann rejects");
  if (fast != ref || fast.dump() != ref.dump())
    diverge("the fast parser reads another value: " + fast.dump() + " vs " + ref.dump());
}

// ---- WAV fast path -------------------------------------------------------------------------

void check_wav(std::string_view bytes) {
  AudioClip fast;
  const bool fast_ok = decode_wav_pcm16(bytes, fast);
  AudioInfo info;
  std::string_view samples;
  if (parse_wav_pcm16(bytes, info, samples) != fast_ok)
    diverge("parse_wav_pcm16 and decode_wav_pcm16 disagree");
  if (!fast_ok) return;  // left to libsndfile, whose verdict stands
  AudioClip ref;
  try {
    ref = read_audio_bytes(bytes, "fuzz.wav");
  } catch (const Error& e) {
    diverge(std::string("the fast path accepts what libsndfile rejects: ") + e.what());
  }
  auto same = [](const AudioInfo& a, const AudioInfo& b) {
    return a.sample_rate == b.sample_rate && a.channels == b.channels && a.frames == b.frames &&
           a.format == b.format && a.is_float == b.is_float;
  };
  auto text = [](const AudioInfo& a) {
    return std::to_string(a.sample_rate) + " Hz, " + std::to_string(a.channels) + " ch, " +
           std::to_string(a.frames) + " frames, " + a.format;
  };
  if (!same(fast.info, ref.info))
    diverge("header differs: fast " + text(fast.info) + ", libsndfile " + text(ref.info));
  if (!same(info, ref.info)) diverge("parse_wav_pcm16 header differs: " + text(info));
  if (samples.size() != fast.samples.size() * 2) diverge("sample bytes and samples differ");
  if (fast.samples.size() != ref.samples.size() ||
      (!fast.samples.empty() &&  // memcmp must not see the null data() of empty vectors
       std::memcmp(fast.samples.data(), ref.samples.data(), fast.samples.size() * sizeof(float))))
    diverge("samples differ from libsndfile's");
}

// ---- .npy ----------------------------------------------------------------------------------

void check_npy(std::string_view bytes) {
  NpyArray a;
  try {
    a = decode_npy("fuzz.npy", std::string(bytes));
  } catch (const Error&) {
    return;
  }
  size_t count = 1;
  for (size_t d : a.shape)
    if (__builtin_mul_overflow(count, d, &count)) diverge("accepted a shape whose size overflows");
  if (count != a.count() || count != element_count(a.shape)) diverge("count() disagrees");
  size_t bytes_needed;
  if (__builtin_mul_overflow(count, dtype_size(a.dtype), &bytes_needed) ||
      bytes_needed != a.data.size())
    diverge("data size does not match shape and dtype");
  NpyArray b;
  try {
    b = decode_npy("again.npy", encode_npy(a.dtype, a.shape, a.data.data()));
  } catch (const Error& e) {
    diverge(std::string("its own encoding is rejected: ") + e.what());
  }
  if (b.dtype != a.dtype || b.shape != a.shape || b.data != a.data)
    diverge("encode + decode changes the array");
}

// ---- IMU CSV -------------------------------------------------------------------------------

void check_imu_csv(std::string_view text) {
  CsvTable t;
  try {
    t = parse_csv(text, "fuzz.csv");
  } catch (const Error&) {
    return;
  }
  if (t.columns == 0 || t.values.size() % t.columns) diverge("ragged table accepted");
  if (!t.header.empty() && t.header.size() != t.columns) diverge("header width differs");
  std::string again;
  for (size_t i = 0; i < t.header.size(); ++i) again += (i ? "," : "") + t.header[i];
  if (!again.empty()) again += "\n";
  char buf[32];
  for (size_t i = 0; i < t.values.size(); ++i) {
    if (!std::isfinite(t.values[i])) diverge("a non-finite value was accepted");
    std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(t.values[i]));
    again += buf;
    again += (i + 1) % t.columns ? "," : "\n";
  }
  if (t.values.empty()) return;  // a header alone: nothing to read back
  CsvTable u;
  try {
    u = parse_csv(again, "again.csv");
  } catch (const Error& e) {
    diverge(std::string("its own values are rejected: ") + e.located());
  }
  if (u.header != t.header || u.columns != t.columns || u.values != t.values)
    diverge("values do not read back the same");
}

// ---- Audacity label track ----------------------------------------------------------------

void check_label_track(std::string_view text) {
  std::vector<LabelRegion> regions;
  try {
    regions = parse_label_track(text, "fuzz.txt");
  } catch (const Error&) {
    return;
  }
  std::string again;
  char buf[80];
  for (const LabelRegion& r : regions) {
    if (!std::isfinite(r.start) || !std::isfinite(r.end) || r.start < 0 || r.end < r.start)
      diverge("a region with bad times was accepted");
    for (char c : r.label)
      if (c == '\t' || c == '\n' || c == '\r') diverge("a label holds a tab or line end");
    std::snprintf(buf, sizeof buf, "%.17g\t%.17g\t", r.start, r.end);
    (again += buf) += r.label + "\n";
  }
  std::vector<LabelRegion> back;
  try {
    back = parse_label_track(again, "again.txt");
  } catch (const Error& e) {
    diverge(std::string("its own regions are rejected: ") + e.located());
  }
  if (back.size() != regions.size()) diverge("a different number of regions reads back");
  for (size_t i = 0; i < back.size(); ++i)
    if (back[i].start != regions[i].start || back[i].end != regions[i].end ||
        back[i].label != regions[i].label)
      diverge("region " + std::to_string(i) + " reads back differently");
}

// ---- serial parsers ------------------------------------------------------------------------

namespace {

// The stream, cut into reads whose sizes come from the first byte (all at time 0, so no gap
// ends a sample), then ended; the samples and counts as one comparable string.
template <class Make>
std::string run_parser(Make make, std::string_view stream, size_t step, StreamEnd end) {
  auto p = make();
  for (size_t i = 0; i < stream.size(); i += step) p->feed(stream.substr(i, step), 0);
  p->finish(end);
  std::string out;
  for (const Payload& s : p->samples()) {
    if (auto* t = std::get_if<TableSample>(&s)) {
      out += "table";
      for (const auto& h : t->header) out += "|" + h;
      for (const auto& r : t->rows) out += "\n" + r;
      out += "\n;";
    } else if (auto* f = std::get_if<FrameSample>(&s)) {
      if (f->rgb565.size() != size_t(f->width) * size_t(f->height))
        diverge("a frame with the wrong pixel count");
      out += "frame" + std::to_string(f->rgb565.size()) + ":";
      out.append(reinterpret_cast<const char*>(f->rgb565.data()), f->rgb565.size() * 2);
    } else if (auto* a = std::get_if<AudioSample>(&s)) {
      out += "pcm" + std::to_string(a->pcm.size()) + ":";
      out.append(reinterpret_cast<const char*>(a->pcm.data()), a->pcm.size() * 2);
    }
  }
  const ParseCounts& c = p->counts();
  out += "#" + std::to_string(c.stray_lines) + "," + std::to_string(c.wrong_length) + "," +
         std::to_string(c.partial) + "," + std::to_string(c.error_lines) + "," +
         std::to_string(c.bad_values);
  return out;
}

template <class Make>
void same_whatever_the_reads(Make make, std::string_view stream, size_t step, StreamEnd end,
                             const char* what) {
  std::string whole = run_parser(make, stream, stream.size() + 1, end);
  if (run_parser(make, stream, step, end) != whole)
    diverge(std::string(what) + ": samples depend on the read size " + std::to_string(step));
  if (run_parser(make, stream, 1, end) != whole)
    diverge(std::string(what) + ": samples depend on the read size 1");
}

// Every row a text parser keeps must be one that read_csv (import, validate, export) takes.
template <class Make>
void rows_readable(Make make, std::string_view stream) {
  auto p = make();
  p->feed(stream, 0);
  p->finish(StreamEnd::kEndOfInput);
  for (const Payload& s : p->samples()) {
    const auto& t = std::get<TableSample>(s);
    std::string csv;
    for (size_t i = 0; i < t.header.size(); ++i) csv += (i ? "," : "") + t.header[i];
    csv += "\n";
    for (const auto& r : t.rows) csv += r + "\n";
    try {
      CsvTable table = parse_csv(csv, "captured.csv");
      if (table.columns != t.header.size() || table.rows() != t.rows.size())
        diverge("a captured sample reads back with another shape:\n" + csv);
    } catch (const Error& e) {
      diverge("capture keeps a sample that read_csv rejects: " + e.located() + "\n" + csv);
    }
  }
}

}  // namespace

void check_line_parsers(std::string_view data) {
  if (data.empty()) return;
  const unsigned char control = static_cast<unsigned char>(data[0]);
  const std::string_view stream = data.substr(1);
  const size_t step = 1 + control % 13;
  const StreamEnd end = control & 0x10 ? StreamEnd::kVanished : StreamEnd::kEndOfInput;
  const size_t rows = (control >> 5) & 3;  // --rows 0 (any), 1, 2 or 3
  auto csv = [&] { return std::make_unique<CsvGestureParser>(CsvGestureOptions{rows, {}}); };
  auto forwarder = [&] {
    return std::make_unique<ForwarderParser>(ForwarderOptions{false, 3, {}, 1000, 1.0});
  };
  auto plotter = [&] {
    return std::make_unique<ForwarderParser>(ForwarderOptions{true, 2, {}, 1000, 1.0});
  };
  same_whatever_the_reads(csv, stream, step, end, "csv");
  same_whatever_the_reads(forwarder, stream, step, end, "forwarder");
  same_whatever_the_reads(plotter, stream, step, end, "plotter");
  rows_readable(csv, stream);
  rows_readable(forwarder, stream);
  rows_readable(plotter, stream);
}

void check_frame_parsers(std::string_view data) {
  if (data.size() < 2) return;
  const unsigned char control = static_cast<unsigned char>(data[0]);
  const unsigned char size = static_cast<unsigned char>(data[1]);
  const std::string_view stream = data.substr(2);
  const size_t step = 1 + control % 17;
  const StreamEnd end = control & 0x20 ? StreamEnd::kVanished : StreamEnd::kEndOfInput;
  const int width = 1 + size % 5, height = 1 + (size >> 4) % 4;
  auto raw = [&] { return std::make_unique<RawFrameParser>(width, height, "", 1.0); };
  auto hex = [&] {
    return std::make_unique<HexFrameParser>(width, height, "c", (control & 0x40) != 0, 1.0);
  };
  auto pcm = [&] { return std::make_unique<PcmParser>(1000, 1 + (size & 1), 3, 1.0); };
  same_whatever_the_reads(raw, stream, step, end, "raw frames");
  same_whatever_the_reads(hex, stream, step, end, "hex frames");
  same_whatever_the_reads(pcm, stream, step, end, "pcm");
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"manifest_line", check_manifest_line},
      {"wav", check_wav},
      {"npy", check_npy},
      {"imu_csv", check_imu_csv},
      {"line_parsers", check_line_parsers},
      {"frame_parsers", check_frame_parsers},
      {"label_track", check_label_track},
  };
  return all;
}

}  // namespace tinyprep::fuzz

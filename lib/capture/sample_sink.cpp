#include "capture/sample_sink.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>

#include "audio/audio_file.h"
#include "core/diag.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/io.h"

namespace tinyprep {
namespace fs = std::filesystem;
namespace {

// The dataset in `dir`, or nullopt when `dir` does not exist yet or is an empty folder: it is
// made with the first sample, so a capture that keeps nothing leaves nothing behind.
std::optional<Dataset> open_existing(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec) || (fs::is_directory(dir, ec) && fs::is_empty(dir, ec)))
    return std::nullopt;
  if (!Dataset::is_dataset(dir))
    throw Error(dir, 0,
                "is not a dataset folder (no dataset.json); 'tinyprep init " + dir + "' makes one");
  return Dataset::open(dir);
}

void remove_quietly(const std::string& path) {
  std::error_code ec;
  fs::remove(path, ec);
}

// Moves `from` to `to` unless `to` exists (another capture may be writing the same label).
bool move_no_replace(const fs::path& from, const fs::path& to) {
#ifdef _WIN32
  std::error_code ec;
  if (fs::exists(to, ec)) return false;
  fs::rename(from, to, ec);
  if (ec) throw Error(to.string(), 0, "cannot rename into place: " + ec.message());
  return true;
#else
  if (::link(from.c_str(), to.c_str()) != 0) {
    if (errno == EEXIST) return false;
    throw Error(to.string(), 0, std::string("cannot move into place: ") + std::strerror(errno));
  }
  ::unlink(from.c_str());
  return true;
#endif
}

// {"<kind>": facts}, built without brace initialisation, which would make a one-element
// array of a single json value.
Json facts(const char* kind, Json value) {
  Json out = Json::object();
  out[kind] = std::move(value);
  return out;
}

// The dataset.json `format` facts a sample gives.
Json format_facts(const std::string& modality, const Json& facts) {
  Json f = Json::object();
  if (modality == "audio") {
    const Json& a = facts["audio"];
    f["sample_rate"] = a["sample_rate"];
    f["channels"] = a["channels"];
    f["length_ms"] = a["frames"].get<int64_t>() * 1000.0 / a["sample_rate"].get<int>();
  } else if (modality == "image") {
    const Json& i = facts["image"];
    f["width"] = i["width"];
    f["height"] = i["height"];
    f["image_channels"] = i["channels"];
  } else if (modality == "imu") {
    const Json& c = facts["csv"];
    f["imu_columns"] = c["header"];
    if (c.contains("rate")) f["imu_rate"] = c["rate"];
  }
  return f;
}

}  // namespace

SampleSink::SampleSink(SinkOptions options) : options_(std::move(options)) {
  check_label(options_.label, "--label");
  if (auto existing = open_existing(options_.dataset)) {
    auto m = existing->info().find("modality");
    if (m != existing->info().end() && m->is_string() && *m != options_.modality)
      throw Error(existing->info_file().string(), 0,
                  "is an " + m->get<std::string>() + " dataset; this capture makes " +
                      options_.modality + " samples");
  }
  show_progress();
}

SampleSink::~SampleSink() {
  clear_progress();
}

std::string SampleSink::write(const Payload& sample) {
  if (const auto* t = std::get_if<TableSample>(&sample)) {
    std::string text;
    for (size_t i = 0; i < t->header.size(); ++i) text += (i ? "," : "") + t->header[i];
    text += '\n';
    for (const auto& row : t->rows) text += row + '\n';
    Json csv{{"rows", t->rows.size()}, {"columns", t->header.size()}, {"header", t->header}};
    if (t->rate > 0 && t->rate == std::floor(t->rate))
      csv["rate"] = static_cast<int64_t>(t->rate);
    else if (t->rate > 0)
      csv["rate"] = t->rate;
    return place(".csv", &text, nullptr, facts("csv", std::move(csv)));
  }
  if (const auto* f = std::get_if<FrameSample>(&sample)) return write_image(rgb565_to_rgb(*f));
  const auto& a = std::get<AudioSample>(sample);
  fs::path folder = dataset_.dir() / "data" / fs::path(options_.label);
  fs::create_directories(folder);
  std::string tmp = temp_name_for((folder / "capture.wav").string());
  try {
    write_wav16(tmp, a.pcm.data(), a.frames(), a.channels, a.sample_rate, true);
  } catch (...) {
    remove_quietly(tmp);
    throw;
  }
  Json audio{{"sample_rate", a.sample_rate},
             {"channels", a.channels},
             {"frames", a.frames()},
             {"duration", double(a.frames()) / a.sample_rate},
             {"format", "wav/pcm16"}};
  std::string id;
  try {
    id = place(".wav", nullptr, &tmp, facts("audio", std::move(audio)));
  } catch (...) {
    remove_quietly(tmp);
    throw;
  }
  bool silent = true;
  for (int16_t v : a.pcm) silent = silent && v == 0;
  if (silent)
    warn("sample " + id + " is silence (every sample zero): is the microphone muted or blocked?" +
         " (macOS records silence when the terminal has no microphone permission)");
  return id;
}

std::string SampleSink::write_image(const Image& image) {
  std::string bytes = encode_image(image, ".png", "a frame");
  Json image_facts{{"width", image.info.width},
                   {"height", image.info.height},
                   {"channels", image.info.channels}};
  return place(".png", &bytes, nullptr, facts("image", std::move(image_facts)));
}

// Puts a sample's file under data/<label>/ named by its content hash, then appends its line.
std::string SampleSink::place(const std::string& ext, const std::string* bytes,
                              const std::string* file, Json facts) {
  if (kept_ == 0) first_sample(facts);
  std::string sha = bytes ? sha256_hex(*bytes) : sha256_file_hex(*file);
  std::string id;
  std::string rel;
  for (;;) {
    id = make_id(options_.label) + "-" + sha.substr(0, 8);
    rel = dataset_.reserve_media_path(options_.label, id, ext);
    fs::path final_path = dataset_.dir() / rel;
    if (bytes) {
      std::string tmp = temp_name_for(final_path.string());
      try {
        write_file_atomic(tmp, *bytes, true);
        if (move_no_replace(tmp, final_path)) break;
      } catch (...) {
        remove_quietly(tmp);
        throw;
      }
      remove_quietly(tmp);
    } else if (move_no_replace(*file, final_path)) {
      break;
    }
  }
  Json line{{"id", id}, {"path", rel}, {"label", options_.label}};
  if (!options_.group.empty()) line["group"] = options_.group;
  line["sha256"] = sha;
  line["source"] = options_.source;
  line["captured_at"] = utc_timestamp();
  for (auto& [key, value] : facts.items()) line[key] = value;
  append_manifest_line(dataset_.manifest(), line);
  ++kept_;
  show_progress();
  return id;
}

// Records the label (and the modality and format when the dataset has none) in dataset.json,
// re-read first so that a capture running beside this one keeps its label too.
void SampleSink::first_sample(const Json& facts) {
  if (auto existing = open_existing(options_.dataset)) {
    dataset_ = std::move(*existing);
  } else {
    fs::path dir = options_.dataset;
    dataset_ =
        Dataset::create(dir, fs::absolute(dir).lexically_normal().filename().string(), false);
    clear_progress();
    note("made dataset '" + dataset_.name() + "' in " + options_.dataset);
  }
  bool changed = dataset_.add_label(options_.label);
  Json& info = dataset_.info();
  if (!info.contains("modality") || info["modality"].is_null()) {
    info["modality"] = options_.modality;
    changed = true;
  }
  if (!info.contains("format") || !info["format"].is_object()) info["format"] = Json::object();
  Json& format = info["format"];
  const Json wanted = format_facts(options_.modality, facts);
  for (auto& [key, value] : wanted.items()) {
    if (!format.contains(key)) {
      format[key] = value;
      changed = true;
    } else if (format[key] != value) {
      warn("dataset.json expects " + key + " " + format[key].dump() + ", this capture gives " +
           value.dump());
    }
  }
  if (changed) dataset_.save();
}

void SampleSink::show_progress() {
  if (!stderr_is_terminal()) return;
  if (options_.count > 0)
    std::fprintf(stderr, "\r%s: %ld/%ld\033[K", options_.label.c_str(), kept_, options_.count);
  else
    std::fprintf(stderr, "\r%s: %ld\033[K", options_.label.c_str(), kept_);
  std::fflush(stderr);
  progress_shown_ = true;
}

void SampleSink::clear_progress() {
  if (!progress_shown_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  progress_shown_ = false;
}

void SampleSink::print(const std::string& text) {
  clear_progress();
  std::fputs(text.c_str(), stderr);
  std::fflush(stderr);
}

void SampleSink::warn(const std::string& what) {
  clear_progress();
  tinyprep::warn(what);
  show_progress();
}

void SampleSink::summary(const std::string& details) {
  clear_progress();
  std::string what = "kept " + std::to_string(kept_) +
                     (options_.count > 0 ? " of " + std::to_string(options_.count) : "") +
                     (kept_ == 1 ? " sample" : " samples") + " of '" + options_.label + "' in " +
                     options_.dataset;
  note(details.empty() ? what : what + " (" + details + ")");
}

Image rgb565_to_rgb(const FrameSample& frame) {
  Image out{ImageInfo{frame.width, frame.height, 3, 8}, {}};
  out.pixels.resize(size_t(frame.width) * frame.height * 3);
  auto* px = reinterpret_cast<unsigned char*>(out.pixels.data());
  for (size_t i = 0; i < size_t(frame.width) * frame.height; ++i) {
    uint16_t v = frame.rgb565[i];
    unsigned r = v >> 11, g = (v >> 5) & 0x3f, b = v & 0x1f;
    px[3 * i + 0] = static_cast<unsigned char>(r << 3 | r >> 2);
    px[3 * i + 1] = static_cast<unsigned char>(g << 2 | g >> 4);
    px[3 * i + 2] = static_cast<unsigned char>(b << 3 | b >> 2);
  }
  return out;
}

std::string utc_timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
#ifdef _WIN32
  gmtime_s(&tm, &t);
#else
  gmtime_r(&t, &tm);
#endif
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace tinyprep

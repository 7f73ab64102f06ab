#include "capture/sample_sink.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <optional>

#include "core/diag.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/io.h"
#include "core/staged_file.h"
#include "image/crop_image.h"

namespace tinyprep {
namespace fs = std::filesystem;
namespace {

// Throws Error naming `dir` when it (or, when it does not exist yet, the folder it would be
// made in) cannot be written: found before any input is read, not with the first sample.
void check_writable(const fs::path& dir) {
  std::error_code ec;
  fs::path at = fs::absolute(dir, ec).lexically_normal();
  while (!fs::exists(at, ec) && at.has_relative_path()) at = at.parent_path();
#ifndef _WIN32
  if (::access(at.c_str(), W_OK) != 0)
    throw Error(dir.string(), 0,
                std::string("cannot write") +
                    (at == fs::absolute(dir, ec).lexically_normal() ? "" : " in " + at.string()) +
                    ": " + std::strerror(errno));
#endif
}

// The dataset in `dir`, or nullopt when `dir` does not exist yet or holds nothing of anyone's
// (Dataset::is_blank): it is made with the first sample, so a capture that keeps nothing
// leaves nothing behind.
std::optional<Dataset> open_existing(const std::string& dir) {
  if (Dataset::is_dataset(dir)) return Dataset::open(dir);
  if (Dataset::is_blank(dir)) return std::nullopt;
  // Without the lock, another capture may have made the dataset and kept a sample between the
  // two looks above (its dataset.json is written before any sample): look again.
  if (Dataset::is_dataset(dir)) return Dataset::open(dir);
  throw Error(dir, 0,
              "is not a dataset folder (no dataset.json); 'tinyprep init " + dir + "' makes one");
}

// A file name removed on every way out unless kept: a sample's file moved into place, taken
// back when its manifest line cannot be written.
class PlacedFile {
 public:
  explicit PlacedFile(std::string path) : path_(std::move(path)) {}
  ~PlacedFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  PlacedFile(const PlacedFile&) = delete;
  PlacedFile& operator=(const PlacedFile&) = delete;
  const std::string& path() const { return path_; }
  void keep() { path_.clear(); }

 private:
  std::string path_;
};

// A 16-bit PCM WAV file: the canonical 44-byte header, then the samples, little-endian.
std::string wav16_bytes(const AudioSample& a) {
  std::string out;
  auto put = [&](uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  };
  uint32_t data = static_cast<uint32_t>(a.pcm.size() * 2);
  uint32_t channels = static_cast<uint32_t>(a.channels);
  uint32_t rate = static_cast<uint32_t>(a.sample_rate);
  out.reserve(44 + data);
  out += "RIFF";
  put(36 + data, 4);
  out += "WAVEfmt ";
  put(16, 4);
  put(1, 2);  // PCM
  put(channels, 2);
  put(rate, 4);
  put(rate * channels * 2, 4);
  put(channels * 2, 2);
  put(16, 2);
  out += "data";
  put(data, 4);
  for (int16_t v : a.pcm) put(static_cast<uint16_t>(v), 2);
  return out;
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

SampleSink::SampleSink(SinkOptions options)
    : options_(std::move(options)), uncaught_(std::uncaught_exceptions()) {
  check_label(options_.label, "--label");
  if (auto existing = open_existing(options_.dataset)) {
    auto m = existing->info().find("modality");
    if (m != existing->info().end() && m->is_string() && *m != options_.modality)
      throw Error(existing->info_file().string(), 0,
                  "is an " + m->get<std::string>() + " dataset; this capture makes " +
                      options_.modality + " samples");
  }
  check_writable(options_.dataset);
  show_progress();
}

SampleSink::~SampleSink() {
  // An error (a full disk, a read error) is ending the capture: say first what was kept.
  if (!summarized_ && kept_ > 0 && std::uncaught_exceptions() > uncaught_) {
    try {
      summary("stopped by the error below");
    } catch (...) {
      // Nothing may leave a destructor; the error on its way is the one to report.
    }
  }
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
    return place(".csv", text, facts("csv", std::move(csv)));
  }
  if (const auto* f = std::get_if<FrameSample>(&sample))
    return write_image(rgb565_to_image(f->rgb565, f->width, f->height));
  const auto& a = std::get<AudioSample>(sample);
  Json audio{{"sample_rate", a.sample_rate},
             {"channels", a.channels},
             {"frames", a.frames()},
             {"duration", double(a.frames()) / a.sample_rate},
             {"format", "wav/pcm16"}};
  std::string id = place(".wav", wav16_bytes(a), facts("audio", std::move(audio)));
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
  return place(".png", bytes, facts("image", std::move(image_facts)));
}

// Under the dataset's lock: writes a sample's file into data/<label>/ (a temporary name in
// that folder, synced, then moved to a name made of its content hash) and appends its line.
std::string SampleSink::place(const std::string& ext, const std::string& bytes, Json facts) {
  DatasetLock lock(options_.dataset);
  if (!opened_) first_sample(lock, facts);
  std::string sha = sha256_hex(bytes);
  std::string id = make_id(options_.label) + "-" + sha.substr(0, 8);
  bool reuse = false;
  std::string rel = dataset_.reserve_media_path(
      lock, options_.label, id, ext, sha,
      [&](const std::string& path) { return dataset_.lists_path(path); }, reuse);
  fs::path final_path = dataset_.dir() / rel;
  // The file this sample moved into place, removed again when its line cannot be written.
  std::optional<PlacedFile> placed;
  if (!reuse) {
    StagedFile media(final_path.string());  // synced, then linked: never replaces a file
    media.write(bytes);
    if (!media.commit_unless_exists())
      throw Error(final_path.string(), 0, "appeared while this capture held the dataset's lock");
    placed.emplace(final_path.string());
  }
  Json line{{"id", id}, {"path", rel}, {"label", options_.label}};
  if (!options_.group.empty()) line["group"] = options_.group;
  line["sha256"] = sha;
  line["source"] = options_.source;
  line["captured_at"] = utc_timestamp();
  for (auto& [key, value] : facts.items()) line[key] = value;
  dataset_.append_lines(lock, dump_line(line) + "\n");
  if (placed) placed->keep();
  ++kept_;
  show_progress();
  return id;
}

// Opens (or makes) the dataset and records the label (and the modality and format when the
// dataset has none) in dataset.json, read under the lock, so that a capture or import running
// beside this one keeps its label too.
void SampleSink::first_sample(const DatasetLock& lock, const Json& facts) {
  if (auto existing = open_existing(options_.dataset)) {
    dataset_ = std::move(*existing);
  } else {
    std::string name = lock.dir().filename().string();
    dataset_ = Dataset::create(lock, name.empty() ? "dataset" : name, false);
    clear_progress();
    note(options_.source, 0, "made dataset '" + dataset_.name() + "' in " + options_.dataset);
  }
  Json& info = dataset_.info();
  auto m = info.find("modality");
  if (m != info.end() && m->is_string() && *m != options_.modality)
    throw Error(dataset_.info_file().string(), 0,
                "is an " + m->get<std::string>() + " dataset; this capture makes " +
                    options_.modality + " samples");
  opened_ = true;
  bool changed = dataset_.add_label(options_.label);
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
  if (changed) dataset_.save(lock);
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
  tinyprep::warn(options_.source, 0, what);  // several boards at once: say which one
  show_progress();
}

void SampleSink::summary(const std::string& details) {
  summarized_ = true;
  clear_progress();
  std::string what = "kept " + std::to_string(kept_) +
                     (options_.count > 0 ? " of " + std::to_string(options_.count) : "") +
                     (kept_ == 1 ? " sample" : " samples") + " of '" + options_.label + "' in " +
                     options_.dataset;
  note(options_.source, 0, details.empty() ? what : what + " (" + details + ")");
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

#include "augment/augment.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>
#include <vector>

#include "audio/audio_file.h"
#include "audio/condition.h"
#include "augment/random.h"
#include "augment/transforms.h"
#include "core/diag.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/io.h"
#include "core/parallel.h"
#include "core/parse.h"
#include "core/progress.h"
#include "core/signals.h"
#include "image/augment_image.h"
#include "image/image_file.h"
#include "imu/csv_file.h"
#include "manifest/dataset.h"
#include "manifest/manifest.h"
#include "media/media.h"

namespace tinyprep {
namespace fs = std::filesystem;

Range parse_range(const std::string& text, const std::string& what) {
  // The colon after the first character, so "-6:6" and "-6:-3" split where they should.
  const size_t colon = text.find(':', 1);
  if (colon == std::string::npos)
    throw usage_error(what + " must be LO:HI (e.g. 0.9:1.1), not '" + text + "'");
  Range r{parse_number<double>(text.substr(0, colon), what),
          parse_number<double>(text.substr(colon + 1), what)};
  if (r.lo > r.hi) throw usage_error(what + ": " + text + " has LO above HI");
  return r;
}

void check_augment_options(const AugmentOptions& o) {
  if (o.outdir.empty()) throw usage_error("-o OUTDIR is required: the folder copies go to");
  if (o.copies < 0 || o.copies > 10000) throw usage_error("--copies must be 0 to 10000");
  if (o.noise_prob < 0 || o.noise_prob > 1) throw usage_error("--noise-prob must be 0 to 1");
  if (o.noise_volume.lo < 0) throw usage_error("--noise-volume must not be negative");
  if (o.time_shift_ms < 0) throw usage_error("--time-shift-ms must not be negative");
  if (o.speed && (o.speed->lo < 0.25 || o.speed->hi > 4))
    throw usage_error("--speed must lie within 0.25:4");
  for (auto [pct, name] : {std::pair{o.silence_pct, "--silence"}, {o.unknown_pct, "--unknown"}})
    if (pct && (*pct < 0 || *pct > 1000))
      throw usage_error(std::string(name) + " must be a percentage, 0 to 1000");
  if (o.silence_pct && o.noise.empty())
    throw usage_error("--silence makes clips from background noise: give --noise DIR|MANIFEST");
  if (o.jitter < 0) throw usage_error("--jitter must not be negative");
  if (o.time_shift_rows < 0) throw usage_error("--time-shift-rows must not be negative");
  if (!o.flip.empty() && o.flip != "horizontal" && o.flip != "vertical")
    throw usage_error("--flip must be horizontal or vertical, not '" + o.flip + "'");
  if (o.brightness < 0 || o.brightness > 1) throw usage_error("--brightness must be 0 to 1");
  if (o.contrast < 0 || o.contrast > 1) throw usage_error("--contrast must be 0 to 1");
  if (o.rotate < 0 || o.rotate > 180) throw usage_error("--rotate must be 0 to 180 degrees");
  if (o.random_crop != 0 && (o.random_crop <= 0 || o.random_crop > 1))
    throw usage_error("--random-crop must be a share of each side, 0 < f <= 1");
}

namespace {

constexpr long kChunk = 64;
constexpr const char* kUnknown = "_unknown_";
constexpr const char* kSilence = "_silence_";

// A background noise recording: mono, at its own rate, and resampled on demand.
struct Noise {
  std::string path;  // to read, relative to the working directory
  int rate = 0;
  std::vector<float> mono;
};

struct Job {
  Sample sample;
  bool other = false;  // another worker's line (--shard), read by worker 0 for --silence only
  bool selected = false;
  MediaKind kind = MediaKind::kUnknown;
  std::vector<Sample> copies;
  int rate = 0;  // audio: for --silence
  int64_t frames = 0;
};

bool time_like(const std::string& name) {
  std::string n = name;
  for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return n == "t" || n == "ms" || n == "millis" || n == "us" || n == "micros" ||
         n.find("time") != std::string::npos;
}

// A line without a string id goes to worker 0, which reports it.
bool takes_line(const Shard& shard, const Json& line) {
  auto id = line.find("id");
  if (id == line.end() || !id->is_string()) return shard.index == 0;
  return shard.takes(id->get_ref<const std::string&>());
}

std::string join_csv(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? "," : "") + names[i];
  return out;
}

class Pipeline {
 public:
  explicit Pipeline(const AugmentOptions& o)
      : o_(o), reader_(o.input), writer_(o.output, o.force), cwd_(fs::current_path()) {
    std::error_code ec;
    if (fs::exists(o.outdir, ec) && !fs::is_directory(o.outdir, ec))
      throw Error(o.outdir, 0, "is a file; -o names the folder copies go to");
    fs::create_directories(o.outdir, ec);
    if (ec) throw Error(o.outdir, 0, "cannot make the folder: " + ec.message());
    if (!o.noise.empty()) load_noise();
  }

  AugmentResult run() {
    if (o_.unknown_pct) choose_unknowns();
    Progress progress("augment");
    std::vector<Job> jobs;
    for (;;) {
      jobs.clear();
      Sample sample;
      while (static_cast<long>(jobs.size()) < kChunk && next(sample)) {
        Job job;
        // --shard: another worker's line is left out, except that worker 0 counts it (and
        // probes its audio) for --silence, whose clips it alone makes.
        job.other = !takes_line(o_.shard, sample.json);
        if (job.other && !(o_.silence_pct && o_.shard.index == 0)) continue;
        job.sample = std::move(sample);
        sample = Sample();
        if (prepare(job)) jobs.push_back(std::move(job));
      }
      if (jobs.empty()) break;
      parallel_ordered(
          static_cast<long>(jobs.size()), o_.jobs, [&](long i) { work(jobs[size_t(i)]); },
          [&](long i) {
            emit(jobs[size_t(i)]);
            progress.update(result_.lines);
          });
    }
    for (const Sample& copy : copies_) writer_.write(copy);
    copies_.clear();
    if (o_.silence_pct && o_.shard.index == 0) add_silence();
    writer_.commit();
    progress.finish();
    std::string text = "wrote " + std::to_string(result_.copies) + " augmented copies of " +
                       std::to_string(augmented_) + " lines in " + o_.outdir;
    if (o_.unknown_pct)
      text += "; kept " + std::to_string(kept_unknown_) + " " + kUnknown + " lines, left out " +
              std::to_string(result_.dropped);
    if (o_.silence_pct) text += "; added " + std::to_string(result_.silence) + " " + kSilence;
    note(text);
    return result_;
  }

 private:
  bool next(Sample& sample) {
    check_interrupted();
    if (o_.unknown_pct) {
      if (buffered_at_ >= buffered_.size()) return false;
      sample = std::move(buffered_[buffered_at_++]);
      return true;
    }
    return reader_.next(sample);
  }

  // --unknown: the whole manifest is read first (a split's share needs its counts); each
  // split keeps the `_unknown_` lines with the smallest SHA-256 of "<seed>:unknown:<id>".
  void choose_unknowns() {
    Sample s;
    std::map<std::string, long> known;
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> unknown;
    while (reader_.next(s)) {
      check_interrupted();
      const std::string label = s.label(), id = s.id();
      if (label == kUnknown)
        unknown[s.split()].push_back({sha256_hex(std::to_string(o_.seed) + ":unknown:" + id), id});
      else if (label != kSilence)
        ++known[s.split()];
      buffered_.push_back(std::move(s));
      s = Sample();
    }
    for (auto& [split, list] : unknown) {
      std::sort(list.begin(), list.end());
      const auto keep = std::min<size_t>(
          list.size(), size_t(std::ceil(double(known[split]) * *o_.unknown_pct / 100.0)));
      for (size_t i = 0; i < keep; ++i) keep_unknown_.insert(list[i].second);
    }
  }

  void load_noise() {
    std::vector<std::string> files;
    std::error_code ec;
    if (fs::is_directory(o_.noise, ec)) {
      for (const auto& e : fs::directory_iterator(o_.noise, ec))
        if (e.is_regular_file(ec) && is_audio_extension(e.path().extension().string()))
          files.push_back(e.path().lexically_normal().generic_string());
      std::sort(files.begin(), files.end());
    } else if (fs::is_regular_file(o_.noise, ec)) {
      ManifestReader noise(o_.noise);
      Sample s;
      while (noise.next(s)) {
        const fs::path p = s.media_path();
        if (media_kind(p) == MediaKind::kAudio)
          files.push_back(p.lexically_normal().generic_string());
      }
    } else {
      throw usage_error("--noise " + o_.noise + ": no such folder or manifest");
    }
    if (files.empty())
      throw usage_error("--noise " + o_.noise + ": no audio files in it (background noise " +
                        "recordings: a folder of WAV/FLAC files or a manifest of them)");
    for (const std::string& f : files) {
      AudioClip clip = read_audio(f);
      if (clip.info.frames == 0) throw Error(f, 0, "background noise file has no samples");
      Noise n{f, clip.info.sample_rate,
              clip.info.channels == 1
                  ? std::move(clip.samples)
                  : downmix(clip.samples.data(), clip.info.frames, clip.info.channels)};
      noise_.push_back(std::move(n));
    }
  }

  // The noise recordings at `rate` (resampled once per rate, as condition.cpp resamples).
  const std::vector<std::vector<float>>& noise_at(int rate) {
    std::lock_guard<std::mutex> lock(noise_mutex_);
    auto it = noise_by_rate_.find(rate);
    if (it != noise_by_rate_.end()) return it->second;
    std::vector<std::vector<float>> all;
    for (const Noise& n : noise_) {
      if (n.rate == rate) {
        all.push_back(n.mono);
        continue;
      }
      try {
        check_resample_rates(n.rate, rate);
      } catch (const Error& e) {
        throw Error(n.path, 0, e.what());
      }
      all.push_back(resample(n.mono, n.rate, rate));
    }
    return noise_by_rate_.emplace(rate, std::move(all)).first->second;
  }

  // The noise file as the output manifest names it.
  std::string noise_name(long index) const {
    return rebase_path(noise_[size_t(index)].path, cwd_, writer_.base());
  }

  // On the calling thread: --unknown's choice, duplicates, selection. False drops the line.
  bool prepare(Job& job) {
    const Sample& s = job.sample;
    if (job.other) {  // counted for --silence only
      if (o_.unknown_pct && s.label() == kUnknown && !keep_unknown_.count(s.id())) return false;
      if (s.json.contains("path")) job.kind = media_kind(s.media_path());
      return true;
    }
    ++result_.lines;
    const std::string id = s.id(), label = s.label();
    if (o_.unknown_pct && label == kUnknown && !keep_unknown_.count(id)) {
      ++result_.dropped;
      return false;
    }
    if (label == kUnknown) ++kept_unknown_;
    auto [it, fresh] = ids_.emplace(id, s.line);
    if (!fresh)
      s.fail("duplicate id '" + id + "' (also on line " + std::to_string(it->second) +
             "): its copies would overwrite those");
    job.selected = o_.copies > 0 && (o_.all || s.split() == "train") && label != kSilence;
    if (job.selected || o_.silence_pct) {
      if (!s.json.contains("path")) {
        if (job.selected) s.fail("no path: augment needs the line's media file");
      } else {
        job.kind = media_kind(s.media_path());
      }
    }
    if (job.selected) {
      if (job.kind == MediaKind::kUnknown)
        s.fail(s.str("path") + ": augment reads audio, IMU CSV and image files only");
      if (!label.empty()) check_label(label, s.source, s.line);
    }
    return true;
  }

  void work(Job& job) {
    check_interrupted();
    const Sample& s = job.sample;
    if (job.kind == MediaKind::kAudio && (job.selected || o_.silence_pct)) {
      if (job.selected) {
        augment_audio(job);
      } else {
        AudioInfo info = probe_audio(s.media_path().string());
        job.rate = info.sample_rate;
        job.frames = info.frames;
      }
    } else if (job.selected && job.kind == MediaKind::kCsv) {
      augment_csv(job);
    } else if (job.selected && job.kind == MediaKind::kImage) {
      augment_image_line(job);
    }
  }

  // ---- file names and lines ----

  std::string copy_path(const Sample& s, long k, const char* ext) const {
    fs::path dir = fs::path(o_.outdir);
    const std::string label = s.label();
    if (!label.empty()) dir /= label;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!fs::is_directory(dir, ec)) throw Error(dir.string(), 0, "cannot make the folder");
    const std::string id = s.id();
    std::string stem = make_id(id);
    if (stem != id) stem += "-" + sha1_hex(id).substr(0, 8);
    return (dir / (stem + "+aug" + std::to_string(k) + ext)).lexically_normal().generic_string();
  }

  Json record_base(const std::string& stream, long k) const {
    Json r = Json::object();
    r["source"] = stream;
    r["seed"] = o_.seed;
    r["copy"] = k;
    r["rng"] = "tinyprep-augment-v1";
    return r;
  }

  // The copy's line: the source's fields in place (id, path, sha256, media facts and source
  // replaced, stale `features` dropped), then `augment`.
  Sample copy_line(const Sample& s, long k, const std::string& path, const std::string& sha,
                   const char* field, Json facts, Json record) const {
    const std::string id = s.id();
    Json line = Json::object();
    for (const auto& [key, value] : s.json.items()) {
      if (key == "id")
        line["id"] = id + "+aug" + std::to_string(k);
      else if (key == "path")
        line["path"] = path;
      else if (key == "sha256")
        line["sha256"] = sha;
      else if (key == field)
        line[key] = facts;
      else if (key == "source")
        line["source"] = id;
      else if (key != "features" && key != "augment")
        line[key] = value;
    }
    if (!line.contains("sha256")) line["sha256"] = sha;
    if (!line.contains(field)) line[field] = std::move(facts);
    if (!line.contains("source")) line["source"] = id;
    line["augment"] = std::move(record);
    Sample out;
    out.json = std::move(line);
    out.base = cwd_;
    out.source = s.source;
    out.line = s.line;
    return out;
  }

  // ---- audio ----

  void augment_audio(Job& job) {
    const Sample& s = job.sample;
    const std::string media = s.media_path().string();
    AudioClip clip = read_audio(media);
    const AudioInfo& info = clip.info;
    const int rate = info.sample_rate, ch = info.channels;
    const int64_t frames = info.frames;
    job.rate = rate;
    job.frames = frames;
    const std::string id = s.id();
    for (long k = 1; k <= o_.copies; ++k) {
      check_interrupted();
      AugmentRandom rng(o_.seed, id, k);
      AudioAugment a;
      Json record = record_base(id, k);
      if (o_.speed) {
        const double speed = rng.uniform(o_.speed->lo, o_.speed->hi);
        a.speed_from_rate = static_cast<int>(std::llround(rate * speed));
        record["speed"] = speed;
        record["speed_from_rate"] = a.speed_from_rate;
      }
      if (o_.time_shift_ms > 0) {
        const int64_t most = std::llround(o_.time_shift_ms * rate / 1000.0);
        a.shift = rng.integer(-most, most);
        record["time_shift"] = a.shift;
      }
      if (o_.gain_db) {
        a.gain_db = rng.uniform(o_.gain_db->lo, o_.gain_db->hi);
        record["gain_db"] = a.gain_db;
      }
      const std::vector<float>* noise = nullptr;
      if (!noise_.empty()) {  // as speech_commands: file, offset, then whether and how loud
        const auto& all = noise_at(rate);
        a.noise_file = static_cast<long>(rng.integer(0, int64_t(all.size()) - 1));
        noise = &all[size_t(a.noise_file)];
        a.noise_offset = rng.integer(0, std::max<int64_t>(0, int64_t(noise->size()) - frames));
        a.noise = rng.uniform() < o_.noise_prob;
        if (a.noise) {
          if (o_.snr_db)
            a.snr_db = rng.uniform(o_.snr_db->lo, o_.snr_db->hi);
          else
            a.noise_volume = rng.uniform(o_.noise_volume.lo, o_.noise_volume.hi);
        }
      }
      std::vector<double> y = audio_foreground(clip.samples, frames, ch, rate, a);
      std::vector<float> slice;
      if (a.noise) {
        slice = noise_slice(*noise, a.noise_offset, frames);
        if (a.snr_db) a.noise_volume = snr_volume(y, slice, *a.snr_db);
        Json n = {{"file", noise_name(a.noise_file)},
                  {"offset", a.noise_offset},
                  {"volume", a.noise_volume}};
        if (a.snr_db) n["snr_db"] = *a.snr_db;
        record["noise"] = std::move(n);
      }
      std::vector<int16_t> out = mix_to_int16(y, ch, a.noise ? &slice : nullptr, a.noise_volume);
      const std::string path = copy_path(s, k, ".wav");
      write_wav16(path, out.data(), frames, ch, rate, /*force=*/true);
      AudioInfo facts{rate, ch, frames, "wav/pcm16", false};
      job.copies.push_back(copy_line(s, k, path, sha256_file_hex(path), "audio", audio_facts(facts),
                                     std::move(record)));
    }
  }

  // ---- IMU CSV ----

  void augment_csv(Job& job) {
    const Sample& s = job.sample;
    const std::string media = s.media_path().string();
    const CsvTable table = parse_csv(read_file(media), media);
    const size_t cols = table.columns, rows = table.rows();
    ImuAugment base;
    Json axis_names = Json::array();
    for (size_t c = 0; c < cols; ++c) {
      const std::string name = c < table.header.size() ? table.header[c] : std::to_string(c + 1);
      if (c < table.header.size() && time_like(name)) continue;
      base.axes.push_back(c);
      axis_names.push_back(name);
    }
    std::vector<double> range(base.axes.size(), 0.0);
    for (size_t k = 0; k < base.axes.size() && rows; ++k) {
      float lo = table.values[base.axes[k]], hi = lo;
      for (size_t r = 0; r < rows; ++r) {
        const float v = table.values[r * cols + base.axes[k]];
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      range[k] = double(hi) - double(lo);
    }
    const std::string id = s.id();
    for (long k = 1; k <= o_.copies; ++k) {
      check_interrupted();
      AugmentRandom rng(o_.seed, id, k);
      ImuAugment a = base;
      Json record = record_base(id, k);
      record["axes"] = axis_names;
      if (o_.time_shift_rows > 0) {
        a.shift_rows = rng.integer(-o_.time_shift_rows, o_.time_shift_rows);
        record["time_shift_rows"] = a.shift_rows;
      }
      if (o_.scale) {
        for (size_t i = 0; i < a.axes.size(); ++i)
          a.scale.push_back(rng.uniform(o_.scale->lo, o_.scale->hi));
        record["scale"] = a.scale;
      }
      if (o_.jitter > 0) {
        for (double r : range) a.sigma.push_back(o_.jitter * r);
        record["jitter"] = o_.jitter;
        record["sigma"] = a.sigma;
      }
      const std::vector<float> values = apply_imu(table.values, cols, a, rng);
      std::string bytes;
      if (!table.header.empty()) bytes += join_csv(table.header) + "\n";
      for (size_t r = 0; r < rows; ++r) {
        for (size_t c = 0; c < cols; ++c) {
          if (c) bytes += ',';
          bytes += float_text(values[r * cols + c]);
        }
        bytes += '\n';
      }
      const std::string path = copy_path(s, k, ".csv");
      write_file_atomic(path, bytes, /*force=*/true);
      Json facts =
          s.json.contains("csv") && s.json["csv"].is_object() ? s.json["csv"] : Json::object();
      facts["rows"] = rows;
      facts["columns"] = cols;
      if (!table.header.empty()) facts["header"] = table.header;
      job.copies.push_back(
          copy_line(s, k, path, sha256_hex(bytes), "csv", std::move(facts), std::move(record)));
    }
  }

  // ---- images ----

  void augment_image_line(Job& job) {
    const Sample& s = job.sample;
    const std::string media = s.media_path().string();
    const Image image = read_image(media);
    const int w = image.info.width, h = image.info.height;
    const std::string id = s.id();
    for (long k = 1; k <= o_.copies; ++k) {
      check_interrupted();
      AugmentRandom rng(o_.seed, id, k);
      ImageAugmentRequest r;
      Json record = record_base(id, k);
      if (o_.random_crop > 0 && o_.random_crop < 1) {
        const int cw = std::max(1, int(std::llround(w * o_.random_crop)));
        const int chh = std::max(1, int(std::llround(h * o_.random_crop)));
        const int x = int(rng.integer(0, w - cw)), y = int(rng.integer(0, h - chh));
        r.crop = PixelRect{x, y, cw, chh};
        record["crop"] = {x, y, cw, chh};
      }
      if (o_.rotate > 0) {
        r.rotate_degrees = rng.uniform(-o_.rotate, o_.rotate);
        record["rotate"] = r.rotate_degrees;
      }
      if (!o_.flip.empty()) {
        const bool flip = rng.uniform() < 0.5;
        (o_.flip == "horizontal" ? r.flip_horizontal : r.flip_vertical) = flip;
        record["flip"] = flip ? o_.flip : "none";
      }
      if (o_.brightness > 0) {
        r.brightness = rng.uniform(-o_.brightness, o_.brightness);
        record["brightness"] = r.brightness;
      }
      if (o_.contrast > 0) {
        r.contrast = rng.uniform(1 - o_.contrast, 1 + o_.contrast);
        record["contrast"] = r.contrast;
      }
      const Image out = augment_image(image, r, media);
      const std::string bytes = encode_image(out, ".png", media);
      const std::string path = copy_path(s, k, ".png");
      write_file_atomic(path, bytes, /*force=*/true);
      Json facts = {
          {"width", out.info.width}, {"height", out.info.height}, {"channels", out.info.channels}};
      job.copies.push_back(
          copy_line(s, k, path, sha256_hex(bytes), "image", std::move(facts), std::move(record)));
    }
  }

  // ---- output ----

  void emit(Job& job) {
    const Sample& s = job.sample;
    if (!job.other) writer_.write(s);
    const std::string split = s.split();
    ++split_lines_[split];
    if (job.rate > 0) ++split_formats_[split][{job.rate, job.frames}];
    if (job.other) return;
    if (job.selected) ++augmented_;
    result_.copies += long(job.copies.size());
    for (Sample& c : job.copies) copies_.push_back(std::move(c));
    job.copies.clear();
  }

  // --silence: per split, ceil(lines x PCT / 100) clips of background noise at a random
  // volume in [0, 1), at the split's most common (rate, frames), as speech_commands makes them.
  void add_silence() {
    for (const auto& [split, formats] : split_formats_) {
      std::pair<int, int64_t> format{};
      long most = 0;
      for (const auto& [f, count] : formats)  // map order: ties go to the smaller rate, length
        if (count > most) {
          most = count;
          format = f;
        }
      const auto [rate, frames] = format;
      const long n = long(std::ceil(double(split_lines_[split]) * *o_.silence_pct / 100.0));
      const auto& all = noise_at(rate);
      const std::string stream = std::string(kSilence) + ":" + split;
      for (long k = 1; k <= n; ++k) {
        check_interrupted();
        AugmentRandom rng(o_.seed, stream, k);
        const long file = static_cast<long>(rng.integer(0, int64_t(all.size()) - 1));
        const std::vector<float>& noise = all[size_t(file)];
        const int64_t offset = rng.integer(0, std::max<int64_t>(0, int64_t(noise.size()) - frames));
        const double volume = rng.uniform();
        const std::vector<float> slice = noise_slice(noise, offset, frames);
        const std::vector<double> zeros(size_t(frames), 0.0);
        const std::vector<int16_t> out = mix_to_int16(zeros, 1, &slice, volume);
        const std::string id =
            std::string(kSilence) + (split.empty() ? "" : "-" + split) + "-" + std::to_string(k);
        fs::path dir = fs::path(o_.outdir) / kSilence;
        std::error_code ec;
        fs::create_directories(dir, ec);
        const std::string path = (dir / (make_id(id) + ".wav")).lexically_normal().generic_string();
        write_wav16(path, out.data(), frames, 1, rate, /*force=*/true);
        Json record = record_base(stream, k);
        record["noise"] = {{"file", noise_name(file)}, {"offset", offset}, {"volume", volume}};
        Sample line;
        line.json = Json::object();
        line.json["id"] = id;
        line.json["path"] = path;
        line.json["label"] = kSilence;
        if (!split.empty()) line.json["split"] = split;
        line.json["sha256"] = sha256_file_hex(path);
        line.json["audio"] = audio_facts(AudioInfo{rate, 1, frames, "wav/pcm16", false});
        line.json["augment"] = std::move(record);
        line.base = cwd_;
        writer_.write(line);
        ++result_.silence;
      }
    }
  }

  const AugmentOptions& o_;
  ManifestReader reader_;
  ManifestWriter writer_;
  fs::path cwd_;
  std::vector<Noise> noise_;
  std::mutex noise_mutex_;
  std::map<int, std::vector<std::vector<float>>> noise_by_rate_;
  std::vector<Sample> buffered_;
  size_t buffered_at_ = 0;
  std::set<std::string> keep_unknown_;
  long kept_unknown_ = 0;
  std::unordered_map<std::string, long> ids_;
  std::vector<Sample> copies_;
  std::map<std::string, long> split_lines_;
  std::map<std::string, std::map<std::pair<int, int64_t>, long>> split_formats_;
  long augmented_ = 0;
  AugmentResult result_;
};

}  // namespace

AugmentResult run_augment(const AugmentOptions& options) {
  check_augment_options(options);
  return Pipeline(options).run();
}

}  // namespace tinyprep

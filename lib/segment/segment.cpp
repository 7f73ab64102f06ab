#include "segment/segment.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "audio/audio_file.h"
#include "core/diag.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/io.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "core/signals.h"
#include "core/staged_file.h"
#include "imu/csv_file.h"
#include "manifest/dataset.h"
#include "manifest/manifest.h"
#include "media/media.h"
#include "segment/label_track.h"

namespace tinyprep {
namespace fs = std::filesystem;
namespace {

// Takes read and cut together: bounded memory (a take may be an hour of audio).
constexpr long kChunk = 16;
constexpr int64_t kDefaultTriggerRows = 119;

// A final name of a clip segment writes (for remove_stale_temps).
bool clip_output_name(const std::string& name, const void*) {
  return name.ends_with(".wav") || name.ends_with(".csv");
}

// A line without a string id goes to worker 0, which reports it.
bool takes_line(const Shard& shard, const Json& line) {
  auto id = line.find("id");
  if (id == line.end() || !id->is_string()) return shard.index == 0;
  return shard.takes(id->get_ref<const std::string&>());
}

// The clip file stem of an id without its "@<offset>": the clips of that take start with it.
std::string take_stem(const std::string& id) {
  std::string stem = clip_file_stem(id, 0);
  return stem.substr(0, stem.rfind('@'));
}

std::string fixed(double x, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

// A length or offset in ms as the manifest shows it: an integer when whole, else 3 decimals.
Json ms_value(double ms) {
  const double r = std::round(ms * 1000) / 1000;
  if (r == std::floor(r) && std::fabs(r) < 1e15) return Json(static_cast<int64_t>(r));
  return Json(r);
}

struct Message {
  bool warning = false;
  std::string path;
  long line = 0;
  std::string text;
};

// One clip to write: [start, start + length) in samples or rows (zeros outside the take).
struct Cut {
  int64_t start = 0, length = 0;
  std::string label;  // "" keeps the source's
};

struct Take {
  Sample sample;
  std::vector<Json> clips;  // paths relative to the working directory
  std::vector<Message> messages;
  void note(const std::string& text) {
    messages.push_back({false, sample.source, sample.line, text});
  }
  void warn(const std::string& text) {
    messages.push_back({true, sample.source, sample.line, text});
  }
};

// The data lines of a CSV text as parse_csv counts them (blank lines skipped, the first
// non-blank line when the table has a header), without their line ends.
std::vector<std::string_view> csv_lines(std::string_view text, bool header,
                                        std::string_view* header_line) {
  std::vector<std::string_view> rows;
  bool first = true;
  TextLines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (first && header) {
      *header_line = line;
    } else {
      rows.push_back(line);
    }
    first = false;
  }
  return rows;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

class Pipeline {
 public:
  explicit Pipeline(const SegmentOptions& o)
      : o_(o), reader_(o.input), writer_(o.output, o.force), cwd_(fs::current_path()) {
    if (o.mode == SegmentMode::kLabels) {
      std::error_code ec;
      labels_dir_ = fs::is_directory(o.labels, ec);
      if (!labels_dir_) track_ = read_label_track(o.labels);
    }
    std::error_code ec;
    if (fs::exists(o.outdir, ec) && !fs::is_directory(o.outdir, ec))
      throw Error(o.outdir, 0, "is a file; -o names the folder clips go to");
    fs::create_directories(o.outdir, ec);
    if (ec) throw Error(o.outdir, 0, "cannot make the folder: " + ec.message());
    // Held until the run ends: a second segment into the folder refuses at once, and the
    // temporaries of a killed run (in OUTDIR and its label folders) are removed. Workers of
    // --shard K/N lock their shard only (a lock file .segment-shard-K-of-N.lock), so that they
    // run at once, and remove only their own takes' temporaries, at the end.
    if (o.shard.whole()) {
      lock_.emplace(o.outdir, "another 'tinyprep segment' is writing into this folder");
      remove_temps(clip_output_name, nullptr);
    } else {
      lock_.emplace(o.outdir, shard_folder_lock("segment", o.shard));
    }
  }

  // The temporaries of killed runs in OUTDIR and its label folders whose final name `ours`.
  void remove_temps(bool (*ours)(const std::string&, const void*), const void* context) {
    std::error_code ec;
    size_t removed = remove_stale_temps(o_.outdir, ours, context);
    for (const auto& entry : fs::directory_iterator(o_.outdir, ec))
      if (entry.is_directory(ec))
        removed += remove_stale_temps(entry.path().string(), ours, context);
    if (removed)
      note(o_.outdir, 0,
           "removed " + std::to_string(removed) + " temporary files of an earlier, killed run");
  }

  SegmentResult run() {
    Progress progress("segment");
    std::vector<Take> takes;
    for (;;) {
      takes.clear();
      Take take;
      while (static_cast<long>(takes.size()) < kChunk && next(take.sample)) {
        prepare(take);
        takes.push_back(std::move(take));
        take = Take();
      }
      if (takes.empty()) break;
      parallel_ordered(
          static_cast<long>(takes.size()), o_.jobs, [&](long i) { work(takes[i]); },
          [&](long i) {
            emit(takes[i]);
            progress.update(result_.takes);
          });
    }
    writer_.commit();
    if (!o_.shard.whole())
      remove_temps(
          [](const std::string& name, const void* stems) {
            const size_t at = name.rfind('@');
            return clip_output_name(name, nullptr) && at != std::string::npos &&
                   static_cast<const std::unordered_set<std::string>*>(stems)->count(
                       name.substr(0, at));
          },
          &stems_);
    progress.finish();
    note("cut " + std::to_string(result_.takes) + (result_.takes == 1 ? " take" : " takes") +
         " into " + std::to_string(result_.clips) + (result_.clips == 1 ? " clip" : " clips") +
         " in " + o_.outdir);
    return result_;
  }

 private:
  bool next(Sample& sample) {
    for (;;) {
      check_interrupted();
      try {
        if (!reader_.next(sample)) return false;
      } catch (const Error&) {
        check_interrupted();
        throw;
      }
      if (takes_line(o_.shard, sample.json)) return true;
    }
  }

  // On the calling thread, in input order: two lines of one id would write the same clips.
  void prepare(Take& take) {
    const std::string id = take.sample.id();
    auto [it, fresh] = ids_.emplace(id, take.sample.line);
    if (!o_.shard.whole()) stems_.insert(take_stem(id));
    if (!fresh)
      take.sample.fail("duplicate id '" + id + "' (also on line " + std::to_string(it->second) +
                       "): its clips would overwrite those");
    const std::string label = take.sample.label();
    if (!label.empty()) check_label(label, take.sample.source, take.sample.line);
  }

  void work(Take& take) {
    check_interrupted();
    const Sample& s = take.sample;
    const fs::path media = s.media_path();
    switch (media_kind(media)) {
      case MediaKind::kAudio:
        if (o_.mode == SegmentMode::kTrigger)
          s.fail(s.str("path") + ": --mode trigger cuts IMU CSV files, not audio");
        cut_audio(take, media.string());
        break;
      case MediaKind::kCsv:
        if (o_.mode == SegmentMode::kEvents || o_.mode == SegmentMode::kLabels)
          s.fail(s.str("path") + ": --mode " + enum_name(kSegmentModeNames, o_.mode) +
                 " cuts audio, not CSV (IMU CSV: --mode windows or trigger)");
        cut_csv(take, media.string());
        break;
      default:
        s.fail(s.str("path") + ": segment cuts audio and IMU CSV files only");
    }
  }

  int64_t ms_to_samples(int64_t ms, int rate) const {
    return static_cast<int64_t>(std::llround(double(ms) * rate / 1000.0));
  }

  // ---- audio ----

  void cut_audio(Take& take, const std::string& media) {
    const Sample& s = take.sample;
    const std::string shown = s.str("path");
    AudioInfo info;
    std::vector<int16_t> pcm = read_audio_int16(media, &info);
    const int rate = info.sample_rate, ch = info.channels;
    const int64_t n = info.frames;
    const int64_t length = ms_to_samples(o_.length_ms, rate);
    std::vector<Cut> cuts;
    if (o_.mode == SegmentMode::kEvents) {
      std::vector<float> mono(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        float sum = 0;
        for (int c = 0; c < ch; ++c) sum += pcm[size_t(i) * ch + c];
        mono[size_t(i)] = sum / (32768.0f * ch);
      }
      std::vector<AudioEvent> found = detect_events(mono.data(), n, rate, o_.events);
      std::vector<AudioEvent> events = loudest_events(found, o_.max_clips);
      if (found.empty())
        take.warn(shown + ": no event " + fixed(o_.events.threshold_db, 1) +
                  " dB above the noise floor (--threshold-db): no clips");
      else if (events.size() < found.size())
        take.note(shown + ": kept the " + std::to_string(events.size()) + " loudest of " +
                  std::to_string(found.size()) + " events (--max-clips)");
      for (const AudioEvent& e : events) {
        take.note(shown + ": event at " + fixed(double(e.start) / rate, 3) + "-" +
                  fixed(double(e.end) / rate, 3) + " s, peak " + fixed(e.peak_db, 1) + " dBFS (" +
                  fixed(e.peak_db - e.floor_db, 1) + " dB above the noise floor)");
        if (e.end - e.start > length)
          take.warn(shown + ": the event at " + fixed(double(e.start) / rate, 3) +
                    " s is longer than --length-ms " + std::to_string(o_.length_ms) +
                    ": its clip cuts it");
        ClipSpan c = centred_clip((e.start + e.end) / 2, length, n, o_.pad);
        cuts.push_back({c.start, c.length, ""});
      }
    } else if (o_.mode == SegmentMode::kWindows) {
      const int64_t hop = ms_to_samples(o_.hop_ms ? o_.hop_ms : o_.length_ms, rate);
      for (const ClipSpan& c : sliding_windows(n, length, std::max<int64_t>(1, hop), o_.pad))
        cuts.push_back({c.start, c.length, ""});
      if (cuts.empty())
        take.warn(shown + ": " + fixed(double(n) / rate, 3) + " s, shorter than --length-ms " +
                  std::to_string(o_.length_ms) + ": no windows (--pad pads it)");
    } else {
      cut_labels(take, cuts, n, rate, length);
    }
    std::vector<int16_t> clip;
    for (const Cut& c : cuts) {
      check_interrupted();
      clip.assign(size_t(c.length) * ch, 0);
      const int64_t a = std::max<int64_t>(0, c.start), b = std::min(n, c.start + c.length);
      if (b > a)
        std::copy(pcm.begin() + a * ch, pcm.begin() + b * ch, clip.begin() + (a - c.start) * ch);
      const int64_t offset_ms = std::llround(double(c.start) * 1000.0 / rate);
      const std::string label = c.label.empty() ? s.label() : c.label;
      const std::string path = clip_path(s, label, offset_ms, ".wav");
      write_wav16(path, clip.data(), c.length, ch, rate, /*force=*/true);
      AudioInfo out{rate, ch, c.length, "wav/pcm16", false};
      Json line = clip_line(s, label, offset_ms, path, sha256_file_hex(path), "audio",
                            audio_facts(out), double(c.length) * 1000.0 / rate);
      add_clip(take, std::move(line));
    }
  }

  void cut_labels(Take& take, std::vector<Cut>& cuts, int64_t n, int rate, int64_t length) {
    const Sample& s = take.sample;
    const std::string shown = s.str("path");
    const std::vector<LabelRegion>* regions = &track_;
    std::string track = o_.labels;
    std::vector<LabelRegion> own;
    if (labels_dir_) {
      track = (fs::path(o_.labels) / (s.media_path().stem().string() + ".txt")).string();
      std::error_code ec;
      if (!fs::is_regular_file(track, ec)) {
        take.warn(shown + ": no label track " + track + ": no clips");
        return;
      }
      own = read_label_track(track);
      regions = &own;
    }
    const double seconds = double(n) / rate;
    for (const LabelRegion& r : *regions) {
      if (r.point()) {
        ClipSpan c = centred_clip(std::llround(r.start * rate), length, n, o_.pad);
        if (r.start > seconds) {
          messages_warn(take, track, r.line,
                        "point label at " + fixed(r.start, 3) + " s is past the end of " + shown +
                            " (" + fixed(seconds, 3) + " s): skipped");
          continue;
        }
        cuts.push_back({c.start, c.length, r.label});
        continue;
      }
      int64_t a = std::llround(r.start * rate), b = std::llround(r.end * rate);
      if (a >= n) {
        messages_warn(take, track, r.line,
                      "region " + fixed(r.start, 3) + "-" + fixed(r.end, 3) +
                          " s starts past the end of " + shown + " (" + fixed(seconds, 3) +
                          " s): skipped");
        continue;
      }
      if (b > n) {
        messages_warn(take, track, r.line,
                      "region " + fixed(r.start, 3) + "-" + fixed(r.end, 3) +
                          " s runs past the end of " + shown + " (" + fixed(seconds, 3) +
                          " s): clipped");
        b = n;
      }
      if (b <= a) b = a + 1;  // shorter than a sample: one sample
      cuts.push_back({a, b - a, r.label});
    }
    if (cuts.empty() && regions->empty()) take.warn(shown + ": label track " + track + " is empty");
  }

  void messages_warn(Take& take, const std::string& path, long line, const std::string& text) {
    take.messages.push_back({true, path, line, text});
  }

  // ---- IMU CSV ----

  void cut_csv(Take& take, const std::string& media) {
    const Sample& s = take.sample;
    const std::string shown = s.str("path");
    const std::string text = read_file(media);
    CsvTable table = parse_csv(text, media);
    std::string_view header_line;
    std::vector<std::string_view> lines = csv_lines(text, !table.header.empty(), &header_line);
    if (lines.size() != table.rows())
      throw Error(media, 0, "internal: CSV rows and lines differ");  // one rule, two readers
    const double rate = csv_rate(s);
    const auto rows = static_cast<int64_t>(table.rows());
    std::vector<Cut> cuts;
    if (o_.mode == SegmentMode::kWindows) {
      if (o_.rows == 0)
        throw Error(s.source, s.line, shown + ": --mode windows on IMU CSV needs --rows N",
                    ExitCode::kUsage);
      for (const ClipSpan& c : sliding_windows(rows, o_.rows, o_.hop_rows ? o_.hop_rows : o_.rows,
                                               /*pad=*/false))
        cuts.push_back({c.start, c.length, ""});
      if (cuts.empty())
        take.warn(shown + ": " + std::to_string(rows) + " rows, fewer than --rows " +
                  std::to_string(o_.rows) + ": no windows");
    } else {
      std::vector<size_t> axes = resolve_axes(s, shown, table.header);
      TriggerOptions t{o_.threshold, o_.rows ? o_.rows : kDefaultTriggerRows, o_.pre_rows};
      int64_t cut_short = -1;
      for (const TriggerWindow& w : imu_triggers(table.values, table.columns, axes, t, &cut_short))
        cuts.push_back({w.start, t.rows, ""});
      if (cut_short >= 0)
        take.warn(shown + ": the gesture triggered at row " + std::to_string(cut_short + 1) +
                  " has fewer than " + std::to_string(t.rows) + " rows left: dropped");
      if (cuts.empty() && cut_short < 0)
        take.warn(shown + ": no row reaches --threshold " + fixed(o_.threshold, 3) + " (sum of |" +
                  join(axis_names(axes, table.header)) + "|): no clips");
    }
    for (const Cut& c : cuts) {
      check_interrupted();
      std::string bytes;
      if (!table.header.empty()) (bytes += header_line) += '\n';
      for (int64_t r = c.start; r < c.start + c.length; ++r) (bytes += lines[size_t(r)]) += '\n';
      const int64_t offset_ms = std::llround(double(c.start) * 1000.0 / rate);
      const std::string label = s.label();
      const std::string path = clip_path(s, label, offset_ms, ".csv");
      Output out(path, /*force=*/true);
      out.write(bytes);
      out.commit();
      Json facts{{"rows", c.length}, {"columns", table.columns}};
      if (!table.header.empty()) facts["header"] = table.header;
      facts["rate"] = ms_value(rate);
      Json line = clip_line(s, label, offset_ms, path, sha256_hex(bytes), "csv", std::move(facts),
                            double(c.length) * 1000.0 / rate);
      line["offset_rows"] = c.start;
      line["rows"] = c.length;
      add_clip(take, std::move(line));
    }
  }

  double csv_rate(const Sample& s) const {
    if (o_.rate > 0) return o_.rate;
    auto csv = s.json.find("csv");
    if (csv != s.json.end() && csv->is_object()) {
      auto r = csv->find("rate");
      if (r != csv->end() && r->is_number() && r->get<double>() > 0) return r->get<double>();
    }
    throw Error(s.source, s.line,
                s.str("path") +
                    ": the line has no csv.rate: give the rows per second with --rate HZ "
                    "(offset_ms and length_ms need it)",
                ExitCode::kUsage);
  }

  std::vector<std::string> axis_names(const std::vector<size_t>& axes,
                                      const std::vector<std::string>& header) const {
    std::vector<std::string> names;
    for (size_t a : axes) names.push_back(a < header.size() ? header[a] : std::to_string(a + 1));
    return names;
  }

  std::vector<size_t> resolve_axes(const Sample& s, const std::string& shown,
                                   const std::vector<std::string>& header) const {
    auto find = [&](const std::string& name) -> std::optional<size_t> {
      for (size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return i;
      return std::nullopt;
    };
    std::vector<std::string> wanted = o_.axes;
    if (wanted.empty()) {
      for (const auto& guess :
           {std::vector<std::string>{"aX", "aY", "aZ"}, std::vector<std::string>{"x", "y", "z"}}) {
        bool all = true;
        for (const auto& g : guess) all = all && find(g).has_value();
        if (all) {
          wanted = guess;
          break;
        }
      }
      if (wanted.empty())
        throw Error(s.source, s.line,
                    shown +
                        ": no aX,aY,aZ (nor x,y,z) columns to sum; name the axes with --axes "
                        "(its columns: " +
                        (header.empty() ? std::string("none named, the file has no header line")
                                        : join(header)) +
                        ")",
                    ExitCode::kUsage);
    }
    std::vector<size_t> axes;
    for (const auto& name : wanted) {
      auto i = find(name);
      if (!i)
        throw Error(s.source, s.line,
                    shown + ": --axes '" + name + "': no such column; its columns are " +
                        (header.empty() ? std::string("unnamed (the file has no header line)")
                                        : join(header)),
                    ExitCode::kUsage);
      axes.push_back(*i);
    }
    return axes;
  }

  // ---- clip lines ----

  std::string clip_path(const Sample& s, const std::string& label, int64_t offset_ms,
                        const char* ext) {
    fs::path dir = fs::path(o_.outdir);
    if (!label.empty()) dir /= label;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!fs::is_directory(dir, ec)) throw Error(dir.string(), 0, "cannot make the folder");
    return (dir / (clip_file_stem(s.id(), offset_ms) + ext)).lexically_normal().generic_string();
  }

  // The clip's line: id, path, label, split and group first, the source's other fields (but
  // those that describe its media) as they were, then the clip's media facts and position.
  Json clip_line(const Sample& s, const std::string& label, int64_t offset_ms,
                 const std::string& path, const std::string& sha256, const char* field, Json facts,
                 double length_ms) {
    const std::string id = s.id();
    Json line = Json::object();
    line["id"] = id + "@" + std::to_string(offset_ms);
    line["path"] = path;
    if (!label.empty()) line["label"] = label;
    for (const char* key : {"split", "group"})
      if (s.json.contains(key)) line[key] = s.json[key];
    for (const auto& [key, value] : s.json.items()) {
      static const char* const kReplaced[] = {"id",        "path",     "label",    "split",
                                              "group",     "sha256",   "audio",    "csv",
                                              "image",     "features", "source",   "offset_ms",
                                              "length_ms", "rows",     "duration", "offset_rows"};
      if (std::none_of(std::begin(kReplaced), std::end(kReplaced),
                       [&](const char* k) { return key == k; }))
        line[key] = value;
    }
    line["sha256"] = sha256;
    line[field] = std::move(facts);
    line["source"] = id;
    line["offset_ms"] = offset_ms;
    line["length_ms"] = ms_value(length_ms);
    return line;
  }

  void add_clip(Take& take, Json line) {
    const std::string id = line["id"].get<std::string>();
    for (const Json& other : take.clips)
      if (other["id"] == id)
        take.sample.fail("two clips start in the same millisecond (id '" + id +
                         "'): their ids would clash; use a larger hop");
    take.clips.push_back(std::move(line));
  }

  void emit(Take& take) {
    ++result_.takes;
    for (const Message& m : take.messages)
      m.warning ? warn(m.path, m.line, m.text) : note(m.path, m.line, m.text);
    if (take.clips.empty()) ++result_.empty;
    for (Json& line : take.clips) {
      Sample clip;
      clip.json = std::move(line);
      clip.base = cwd_;
      writer_.write(clip);
      ++result_.clips;
    }
    take.clips.clear();
  }

  const SegmentOptions& o_;
  std::optional<FolderLock> lock_;  // OUTDIR's, for the whole run
  ManifestReader reader_;
  ManifestWriter writer_;
  fs::path cwd_;
  bool labels_dir_ = false;
  std::vector<LabelRegion> track_;
  std::unordered_map<std::string, long> ids_;
  std::unordered_set<std::string> stems_;  // --shard: the clip stems of the takes read
  SegmentResult result_;
};

}  // namespace

std::string clip_file_stem(const std::string& source_id, int64_t offset_ms) {
  std::string name = make_id(source_id);
  if (name != source_id) name += "-" + sha1_hex(source_id).substr(0, 8);
  return name + "@" + std::to_string(offset_ms);
}

void check_segment_options(const SegmentOptions& o) {
  if (o.outdir.empty()) throw usage_error("-o OUTDIR is required: the folder clips go to");
  if (o.length_ms <= 0) throw usage_error("--length-ms must be at least 1");
  if (o.hop_ms < 0) throw usage_error("--hop-ms must be at least 1");
  if (o.events.min_gap_ms < 0) throw usage_error("--min-gap-ms must not be negative");
  if (o.events.min_event_ms < 0) throw usage_error("--min-event-ms must not be negative");
  if (o.max_clips < 0) throw usage_error("--max-clips must not be negative");
  if (o.rows < 0) throw usage_error("--rows must be at least 1");
  if (o.hop_rows < 0) throw usage_error("--hop-rows must be at least 1");
  if (o.pre_rows < 0) throw usage_error("--pre-rows must not be negative");
  if (o.rate < 0) throw usage_error("--rate must be positive");
  if (o.mode == SegmentMode::kLabels && o.labels.empty())
    throw usage_error("--mode labels needs --labels FILE|DIR (an Audacity label track)");
  if (o.mode != SegmentMode::kLabels && !o.labels.empty())
    throw usage_error("--labels goes with --mode labels");
  if (o.mode == SegmentMode::kLabels) {
    std::error_code ec;
    if (!fs::exists(o.labels, ec)) throw usage_error("--labels " + o.labels + ": no such file");
  }
  if (o.mode == SegmentMode::kTrigger) {
    const int64_t rows = o.rows ? o.rows : kDefaultTriggerRows;
    if (o.pre_rows >= rows)
      throw usage_error("--pre-rows " + std::to_string(o.pre_rows) + " must be fewer than --rows " +
                        std::to_string(rows));
  }
}

SegmentResult run_segment(const SegmentOptions& options) {
  check_segment_options(options);
  return Pipeline(options).run();
}

}  // namespace tinyprep

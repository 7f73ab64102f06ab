#include "inspect/validate.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "array/npy_rows.h"
#include "audio/audio_file.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/parallel.h"
#include "core/parse.h"
#include "core/progress.h"
#include "core/signals.h"
#include "image/image_file.h"
#include "imu/csv_file.h"
#include "manifest/dataset.h"
#include "manifest/schema.h"
#include "media/media.h"

namespace tinyprep {
namespace fs = std::filesystem;

// ---- Expectation ----------------------------------------------------------------------------

namespace {
// --expect values go through the one number rule (core/parse.h), then their own range check.
int parse_int(const std::string& key, const std::string& value) {
  int v = parse_number<int>(value, "--expect " + key);
  if (v <= 0) throw usage_error("--expect " + key + ": '" + value + "' is not above 0");
  return v;
}

double parse_positive(const std::string& key, const std::string& value) {
  double v = parse_number<double>(value, "--expect " + key);
  if (v < 0) throw usage_error("--expect " + key + ": '" + value + "' is below 0");
  return v;
}
}  // namespace

Expectation Expectation::parse(const std::string& text) {
  Expectation e;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? comma : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string::npos) throw usage_error("--expect: '" + item + "' is not key=value");
    std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "rate" || key == "sample-rate") {
      e.sample_rate = parse_int(key, value);
    } else if (key == "channels") {
      e.channels = parse_int(key, value);
    } else if (key == "length-ms") {
      e.length_ms = parse_positive(key, value);
    } else if (key == "tolerance-ms") {
      e.length_tolerance_ms = parse_positive(key, value);
    } else if (key == "size") {
      size_t x = value.find('x');
      if (x == std::string::npos) throw usage_error("--expect size=" + value + ": want WxH");
      e.width = parse_int(key, value.substr(0, x));
      e.height = parse_int(key, value.substr(x + 1));
    } else if (key == "width") {
      e.width = parse_int(key, value);
    } else if (key == "height") {
      e.height = parse_int(key, value);
    } else if (key == "image-channels") {
      e.image_channels = parse_int(key, value);
    } else {
      throw usage_error("--expect: unknown key '" + key +
                        "' (rate, channels, length-ms, tolerance-ms, size, image-channels)");
    }
  }
  return e;
}

Expectation Expectation::from_dataset(const Json& info) {
  Expectation e;
  auto f = info.find("format");
  if (f == info.end() || !f->is_object()) return e;
  auto get_int = [&](const char* key) -> std::optional<int> {
    auto it = f->find(key);
    if (it != f->end() && it->is_number_integer()) return it->get<int>();
    return std::nullopt;
  };
  e.sample_rate = get_int("sample_rate");
  e.channels = get_int("channels");
  if (auto it = f->find("length_ms"); it != f->end() && it->is_number())
    e.length_ms = it->get<double>();
  if (auto it = f->find("length_tolerance_ms"); it != f->end() && it->is_number())
    e.length_tolerance_ms = it->get<double>();
  e.width = get_int("width");
  e.height = get_int("height");
  e.image_channels = get_int("image_channels");
  return e;
}

// ---- Problems and report --------------------------------------------------------------------

std::string Problem::text() const {
  std::string out = manifest;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!file.empty()) out += file + ": ";
  return out + what;
}

long ValidateReport::errors() const {
  long n = 0;
  for (const auto& p : problems) n += p.error;
  return n;
}

long ValidateReport::warnings() const {
  return static_cast<long>(problems.size()) - errors();
}

Json ValidateReport::to_json() const {
  Json list = Json::array();
  for (const auto& p : problems)
    list.push_back(Json{{"severity", p.error ? "error" : "warning"},
                        {"manifest", p.manifest},
                        {"line", p.line},
                        {"id", p.id},
                        {"file", p.file},
                        {"message", p.what}});
  Json doc{{"ok", errors() == 0},
           {"samples", samples},
           {"errors", errors()},
           {"warnings", warnings()},
           {"problems", list}};
  if (!unreferenced_parts.empty()) doc["unreferenced_parts"] = unreferenced_parts;
  return doc;
}

// ---- Checks ---------------------------------------------------------------------------------

namespace {

struct Checked {
  Sample sample;
  bool unreadable = false;  // the line is not a JSON object: problems holds why
  bool other = false;       // another worker's line (--shard): read, not checked
  std::vector<Problem> problems;
  std::string id, label, sha256;
  std::string size;                    // "96x96x1" for images
  std::optional<std::string> outside;  // a path that leaves the dataset folder
  int sample_rate = 0;
};

struct Context {
  const Expectation* expect = nullptr;
  std::optional<fs::path> dataset_dir;
  bool check_media = true;
  bool check_hashes = true;
};

class Checker {
 public:
  Checker(Checked& c) : c_(c) {}
  void error(const std::string& what, const std::string& file = "") { add(true, what, file); }
  void warning(const std::string& what, const std::string& file = "") { add(false, what, file); }

 private:
  void add(bool is_error, const std::string& what, const std::string& file) {
    c_.problems.push_back(Problem{is_error, c_.sample.source, c_.sample.line, c_.id, file, what});
  }
  Checked& c_;
};

std::string fmt_ms(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f ms", ms);
  return buf;
}

void check_audio(const std::string& file, const std::string& shown, const Json& recorded,
                 const Expectation* expect, Checked& c, Checker& report) {
  AudioClip clip = read_audio(file);
  const AudioInfo& a = clip.info;
  c.sample_rate = a.sample_rate;
  if (recorded.is_object()) {
    if (recorded.value("sample_rate", a.sample_rate) != a.sample_rate)
      report.error("manifest says " + recorded["sample_rate"].dump() + " Hz, the file has " +
                       std::to_string(a.sample_rate) + " Hz",
                   shown);
    if (recorded.value("frames", a.frames) != a.frames)
      report.error("manifest says " + recorded["frames"].dump() + " frames, the file has " +
                       std::to_string(a.frames),
                   shown);
  }
  if (expect) {
    if (expect->sample_rate && a.sample_rate != *expect->sample_rate)
      report.error("sample rate " + std::to_string(a.sample_rate) + " Hz, expected " +
                       std::to_string(*expect->sample_rate),
                   shown);
    if (expect->channels && a.channels != *expect->channels)
      report.error(
          std::string(a.channels == 2 ? "stereo" : std::to_string(a.channels) + " channels") +
              ", expected " + std::to_string(*expect->channels) + " channel(s)",
          shown);
    if (expect->length_ms) {
      double ms = a.duration() * 1000.0;
      double tol = std::max(expect->length_tolerance_ms, 1000.0 / a.sample_rate);
      if (ms < *expect->length_ms - tol)
        report.error("too short: " + fmt_ms(ms) + ", expected " + fmt_ms(*expect->length_ms),
                     shown);
      else if (ms > *expect->length_ms + tol)
        report.error("too long: " + fmt_ms(ms) + ", expected " + fmt_ms(*expect->length_ms), shown);
    }
  }
  AudioLevels levels = measure_levels(clip);
  if (clip.samples.empty())
    report.error("empty audio (no samples)", shown);
  else if (levels.all_zero)
    report.error("all-zero audio (a muted or disconnected microphone?)", shown);
  else if (levels.clipped > 0 && levels.clipped * 1000 >= static_cast<int64_t>(clip.samples.size()))
    report.warning("clipping: " + std::to_string(levels.clipped) + " samples at full scale", shown);
}

void check_image(const std::string& file, const std::string& shown, const Json& recorded,
                 const Expectation* expect, Checked& c, Checker& report) {
  ImageInfo i = probe_image(file);
  c.size =
      std::to_string(i.width) + "x" + std::to_string(i.height) + "x" + std::to_string(i.channels);
  if (recorded.is_object() && (recorded.value("width", i.width) != i.width ||
                               recorded.value("height", i.height) != i.height))
    report.error("manifest says " + recorded.value("width", Json()).dump() + "x" +
                     recorded.value("height", Json()).dump() + ", the file is " +
                     std::to_string(i.width) + "x" + std::to_string(i.height),
                 shown);
  if (expect && ((expect->width && i.width != *expect->width) ||
                 (expect->height && i.height != *expect->height)))
    report.error("image is " + std::to_string(i.width) + "x" + std::to_string(i.height) +
                     ", expected " + std::to_string(expect->width.value_or(i.width)) + "x" +
                     std::to_string(expect->height.value_or(i.height)),
                 shown);
  if (expect && expect->image_channels && i.channels != *expect->image_channels)
    report.error("image has " + std::to_string(i.channels) + " channels, expected " +
                     std::to_string(*expect->image_channels),
                 shown);
}

void check_line(Checked& c, const Context& ctx) {
  check_interrupted();
  if (c.unreadable) return;
  Checker report(c);
  const Json& j = c.sample.json;
  if (auto id = j.find("id"); id != j.end() && id->is_string()) c.id = id->get<std::string>();
  if (c.other) {  // what the checks across lines need, as recorded
    if (auto l = j.find("label"); l != j.end() && l->is_string()) c.label = l->get<std::string>();
    if (auto h = j.find("sha256"); h != j.end() && h->is_string()) c.sha256 = h->get<std::string>();
    return;
  }
  for (const auto& v : Schema::builtin("sample.schema.json").check(j)) report.error("schema: " + v);
  if (auto l = j.find("label"); l != j.end() && l->is_string()) c.label = l->get<std::string>();
  if (c.outside) report.error("path escapes the dataset folder", *c.outside);
  auto p = j.find("path");
  if (p == j.end() || !p->is_string() || p->get<std::string>().empty()) return;
  const std::string rel = p->get<std::string>();
  if (c.outside && *c.outside == rel) return;  // not to be read
  const std::string file = c.sample.resolve(rel).string();
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    report.error(c.sample.missing_file(rel), rel);
    return;
  }
  if (ctx.check_hashes) {
    try {
      c.sha256 = sha256_file_hex(file);
    } catch (const Error& e) {
      report.error(e.what(), rel);
      return;
    }
    if (auto h = j.find("sha256"); h != j.end() && h->is_string() && *h != c.sha256)
      report.error("sha256 mismatch: the file changed since it was recorded", rel);
  }
  if (!ctx.check_media) return;
  MediaKind kind = media_kind(file);
  try {
    const Json* recorded = nullptr;
    static const Json kNone;
    if (kind != MediaKind::kUnknown) {
      auto it = j.find(media_field(kind));
      recorded = it != j.end() ? &*it : &kNone;
    }
    switch (kind) {
      case MediaKind::kAudio:
        check_audio(file, rel, *recorded, ctx.expect, c, report);
        break;
      case MediaKind::kImage:
        check_image(file, rel, *recorded, ctx.expect, c, report);
        break;
      case MediaKind::kCsv: {
        CsvTable t = read_csv(file);
        if (recorded->is_object() && recorded->value("rows", t.rows()) != t.rows())
          report.error("manifest says " + (*recorded)["rows"].dump() + " rows, the file has " +
                           std::to_string(t.rows()),
                       rel);
        break;
      }
      default:
        report.warning("unknown media type; only existence and hash checked", rel);
    }
  } catch (const Error& e) {
    report.error(e.what(), rel);
  }
}

// A packed feature part named by `features.path` with a `row`: read once (header and size).
struct PartState {
  bool inspected = false;  ///< false: named by another worker's line only (--shard)
  std::optional<NpyPartInfo> info;
  std::string error;  ///< why it cannot be read
};

// The part another worker's line names (--shard): known, so not unreferenced; not read.
void note_packed_part(const Sample& s, std::map<std::string, PartState>& parts) {
  auto f = s.json.find("features");
  if (f == s.json.end() || !f->is_object()) return;
  auto path = f->find("path");
  if (path == f->end() || !path->is_string() || f->find("row") == f->end()) return;
  parts.try_emplace(s.resolve(path->get<std::string>()).lexically_normal().string());
}

// A `features` field with "row": i names row i of a stacked part: the part must be there, have
// that row, and hold its bytes (not cut short behind the manifest's back).
void check_packed_features(const Sample& s, const std::string& id,
                           std::map<std::string, PartState>& parts, ValidateReport& report) {
  auto f = s.json.find("features");
  if (f == s.json.end() || !f->is_object()) return;
  auto path = f->find("path");
  auto row = f->find("row");
  if (path == f->end() || !path->is_string() || row == f->end()) return;
  const std::string rel = path->get<std::string>();
  auto add = [&](const std::string& what) {
    report.problems.push_back(Problem{true, s.source, s.line, id, rel, "features: " + what});
  };
  if (!row->is_number_unsigned()) return add("'row' must be a non-negative integer");
  const size_t r = row->get<size_t>();
  const std::string part = s.resolve(rel).lexically_normal().string();
  PartState& state = parts[part];
  if (!state.inspected) {
    state.inspected = true;
    try {
      state.info = inspect_npy_part(part);
    } catch (const Error& e) {
      state.error = e.what();
    }
  }
  if (!state.info)
    return add("row " + std::to_string(r) + " of a part that cannot be read: " + state.error);
  const NpyPartInfo& info = *state.info;
  if (r >= info.rows)
    return add("the part has " + std::to_string(info.rows) + " rows (shape " +
               shape_text(info.header.shape) + "), no row " + std::to_string(r));
  if (r >= info.complete_rows)
    return add("the part is truncated: data for " + std::to_string(info.complete_rows) + " of " +
               std::to_string(info.rows) + " rows, row " + std::to_string(r) + " is missing");
}

// Parts (part-*.npy) in the folders of the parts the lines name that no line names: left by an
// earlier run (--force, a shrunk manifest), safe to delete unless another manifest uses them.
void report_unreferenced_parts(const std::map<std::string, PartState>& parts,
                               const std::string& manifest, ValidateReport& report) {
  std::set<fs::path> folders;
  for (const auto& [part, state] : parts) folders.insert(fs::path(part).parent_path());
  for (const fs::path& folder : folders) {
    std::error_code ec;
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(folder.empty() ? "." : folder, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("part-", 0) != 0 || name.size() < 9 ||
          name.compare(name.size() - 4, 4, ".npy") != 0)
        continue;
      const std::string path = (folder / name).string();
      if (!parts.count(path)) found.push_back(path);
    }
    std::sort(found.begin(), found.end());
    for (const std::string& path : found) {
      report.unreferenced_parts.push_back(path);
      report.problems.push_back(Problem{false, manifest, 0, "", path,
                                        "feature part referenced by no line of this manifest "
                                        "(delete it unless another manifest uses it)"});
    }
  }
}

}  // namespace

ValidateReport validate_manifest(const ValidateOptions& o) {
  ValidateReport report;
  // A manifest that cannot be opened is the report's one problem (--json still prints one).
  std::optional<ManifestReader> opened;
  try {
    opened.emplace(o.input, /*allow_outside=*/true);  // reported as problems below
  } catch (const Error& e) {
    if (e.code() != ExitCode::kData) throw;
    report.problems.push_back(
        Problem{true, e.path().empty() ? o.input : e.path(), e.line(), "", "", e.what()});
    return report;
  }
  ManifestReader& reader = *opened;
  Context ctx;
  ctx.check_media = o.check_media;
  ctx.check_hashes = o.check_hashes;
  ctx.dataset_dir = reader.dataset_dir();
  Expectation expect;
  if (reader.dataset_dir() && o.shard.index == 0) {
    // A problem of dataset.json is one problem among the others: the samples are checked too.
    fs::path info = *reader.dataset_dir() / "dataset.json";
    try {
      Json dataset = read_json_file(info.string());
      for (const auto& v : Schema::builtin("dataset.schema.json").check(dataset))
        report.problems.push_back(Problem{true, info.string(), 0, "", "", "schema: " + v});
      if (!o.expect && dataset.is_object()) expect = Expectation::from_dataset(dataset);
    } catch (const Error& e) {
      report.problems.push_back(Problem{true, info.string(), 0, "", "", e.what()});
    }
  }
  if (o.expect) expect = *o.expect;
  if (!expect.empty()) ctx.expect = &expect;

  std::unordered_map<std::string, long> id_lines;
  struct Content {
    std::string label, id;
    long line;
  };
  std::unordered_map<std::string, Content> contents;
  std::map<std::string, long> image_sizes, rates;
  std::string first_size;
  std::map<std::string, PartState> parts;  // packed feature parts the lines name

  long lines = 0;  // lines read, samples or not
  Progress progress("validate");
  std::vector<Checked> batch;
  const size_t kBatch = 4096;  // bounded memory: lines are checked a batch at a time
  bool more = true;
  while (more) {
    batch.clear();
    Sample s;
    while (batch.size() < kBatch) {
      // A line that is not a JSON object is one problem; the lines after it are still checked.
      long before = reader.line_number();
      try {
        more = reader.next(s);
      } catch (const Error& e) {
        if (e.code() != ExitCode::kData) throw;
        if (reader.line_number() <= before) {  // a read error, not a line: nothing more to read
          report.problems.push_back(Problem{true, reader.name(), e.line(), "", "", e.what()});
          more = false;
          break;
        }
        if (o.shard.index != 0) {  // a line that is not JSON has no id: worker 0's
          ++lines;
          continue;
        }
        batch.emplace_back();
        Checked& bad = batch.back();
        bad.unreadable = true;
        bad.sample.source = reader.name();
        bad.sample.line = e.line();
        bad.problems.push_back(Problem{true, reader.name(), e.line(), "", "", e.what()});
        continue;
      }
      if (!more) break;
      batch.emplace_back();
      if (!o.shard.whole()) {  // a line without a string id is worker 0's, which reports it
        auto id = s.json.find("id");
        batch.back().other = id != s.json.end() && id->is_string()
                                 ? !o.shard.takes(id->get_ref<const std::string&>())
                                 : o.shard.index != 0;
      }
      batch.back().sample = std::move(s);  // next() sets every field again
      // Reported, not refused (the reader allows them here); checked while reading since the
      // reader's check is not shared between threads.
      if (const std::string* out = reader.outside_dataset(batch.back().sample.json))
        batch.back().outside = *out;
    }
    parallel_ordered(
        static_cast<long>(batch.size()), o.jobs, [&](long i) { check_line(batch[i], ctx); },
        [&](long i) {
          Checked& c = batch[i];
          ++lines;
          if (c.unreadable) {
            for (auto& p : c.problems) report.problems.push_back(std::move(p));
            return;
          }
          if (c.other) {  // counts as the first of its content; its own problems are not ours
            if (!c.sha256.empty())
              contents.emplace(c.sha256, Content{c.label, c.id, c.sample.line});
            note_packed_part(c.sample, parts);
            return;
          }
          ++report.samples;
          progress.update(report.samples);
          for (auto& p : c.problems) report.problems.push_back(std::move(p));
          auto add = [&](bool error, const std::string& what) {
            auto path = c.sample.json.find("path");
            std::string file =
                path != c.sample.json.end() && path->is_string() ? path->get<std::string>() : "";
            report.problems.push_back(
                Problem{error, c.sample.source, c.sample.line, c.id, file, what});
          };
          if (!c.id.empty()) {
            auto [it, fresh] = id_lines.emplace(c.id, c.sample.line);
            if (!fresh)
              add(true,
                  "duplicate id '" + c.id + "' (also on line " + std::to_string(it->second) + ")");
          }
          if (!c.sha256.empty()) {
            auto [it, fresh] = contents.emplace(c.sha256, Content{c.label, c.id, c.sample.line});
            if (!fresh) {
              const Content& first = it->second;
              if (first.label != c.label)
                add(true, "same content as line " + std::to_string(first.line) + " ('" + first.id +
                              "') but labelled '" + c.label + "' there '" + first.label + "'");
              else
                add(false, "same content as line " + std::to_string(first.line) + " ('" + first.id +
                               "'), a duplicate");
            }
          }
          if (!c.size.empty()) {
            if (first_size.empty()) first_size = c.size;
            if (++image_sizes[c.size] == 1 && c.size != first_size && !ctx.expect)
              add(false, "image size " + c.size + " differs from " + first_size +
                             " of earlier images (mixed image sizes)");
          }
          if (c.sample_rate) ++rates[std::to_string(c.sample_rate)];
          check_packed_features(c.sample, c.id, parts, report);
        });
  }
  progress.finish();
  if (o.shard.index == 0) report_unreferenced_parts(parts, reader.name(), report);
  if (lines == 0 && o.shard.index == 0)
    report.problems.push_back(Problem{false, reader.name(), 0, "", "", "manifest has no samples"});
  if (rates.size() > 1 && !ctx.expect) {
    std::string list;
    for (const auto& [rate, n] : rates)
      list += (list.empty() ? "" : ", ") + rate + " Hz: " + std::to_string(n);
    report.problems.push_back(
        Problem{false, reader.name(), 0, "", "", "mixed sample rates (" + list + ")"});
  }
  return report;
}

}  // namespace tinyprep

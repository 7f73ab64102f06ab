#include "ingest/import.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "audio/wav_pcm.h"
#include "core/diag.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/io.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "core/signals.h"
#include "ingest/name_pattern.h"
#include "manifest/dataset.h"
#include "manifest/manifest.h"
#include "media/media.h"

namespace tinyprep {
namespace fs = std::filesystem;
namespace {

// Speech Commands keeps long noise recordings for augmentation in this folder: not a label.
const char* kBackgroundNoise = "_background_noise_";

struct Candidate {
  fs::path file;      // as found (absolute)
  fs::path relative;  // to its SRC folder (or its file name)
  MediaKind kind = MediaKind::kUnknown;
  std::string label, group, id;
  Json line;
};

bool hidden(const fs::path& p) {
  std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

std::vector<Candidate> collect(const ImportOptions& o) {
  std::vector<Candidate> out;
  for (const auto& src : o.sources) {
    std::error_code ec;
    fs::file_status st = fs::status(src, ec);
    if (!fs::exists(st)) throw Error(src, 0, "no such file or folder");
    fs::path root = fs::absolute(src).lexically_normal();
    if (fs::is_regular_file(st)) {
      Candidate c;
      c.file = root;
      c.relative = root.filename();
      c.kind = media_kind(root);
      if (c.kind == MediaKind::kUnknown)
        throw Error(src, 0, "unknown media type (expected audio, image or .csv)");
      out.push_back(std::move(c));
      continue;
    }
    std::vector<Candidate> found;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    if (ec) throw Error(src, 0, "cannot read folder: " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) throw Error(it->path().string(), 0, "cannot read: " + ec.message());
      if (hidden(it->path())) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file()) continue;
      Candidate c;
      c.file = it->path();
      c.relative = it->path().lexically_relative(root);
      c.kind = media_kind(c.file);
      if (c.kind == MediaKind::kUnknown) continue;  // READMEs, licences, notes
      found.push_back(std::move(c));
    }
    std::sort(found.begin(), found.end(),
              [](const Candidate& a, const Candidate& b) { return a.relative < b.relative; });
    for (auto& c : found) out.push_back(std::move(c));
  }
  return out;
}

// Label and group from the layout, the pattern or the options; false to skip the file.
bool name_sample(const ImportOptions& o, const std::optional<NamePattern>& pattern, Candidate& c,
                 long& skipped) {
  static const std::regex kNohash("^(.+)_nohash_.*$");
  std::string stem = c.file.stem().string();
  if (o.layout_folders) {
    if (std::distance(c.relative.begin(), c.relative.end()) < 2) {
      warn(c.file.string(), 0, "not inside a label folder; skipped");
      ++skipped;
      return false;
    }
    c.label = c.relative.begin()->string();
    if (c.label == kBackgroundNoise) {
      ++skipped;
      return false;
    }
    std::smatch m;
    if (std::regex_match(stem, m, kNohash)) c.group = m[1].str();
  }
  if (pattern) {
    auto fields = pattern->match(c.file.filename().string());
    if (!fields) {
      warn(c.file.string(), 0, "name does not match --pattern '" + pattern->text() + "'; skipped");
      ++skipped;
      return false;
    }
    if (fields->count("label")) c.label = (*fields)["label"];
    if (fields->count("group")) c.group = (*fields)["group"];
  }
  if (!o.label.empty()) c.label = o.label;
  if (!o.group.empty()) c.group = o.group;
  if (!c.label.empty()) check_label(c.label, c.file.string());
  return true;
}

std::string unique_id(std::string id, std::set<std::string>& taken) {
  std::string base = id;
  for (int n = 2; taken.count(id); ++n) id = base + "-" + std::to_string(n);
  taken.insert(id);
  return id;
}

std::set<std::string> existing_ids(const Dataset& d) {
  std::set<std::string> ids;
  ManifestReader reader(d.manifest().string());
  Sample s;
  while (reader.next(s)) {
    ids.insert(s.id());
    std::string path = s.str("path");
    if (!path.empty() && escapes_folder(path))
      s.fail("path '" + path + "' escapes the dataset folder");
  }
  return ids;
}

void probe(Candidate& c) {
  check_interrupted();
  std::string file = c.file.string();
  c.line = Json::object();
  // A PCM16 WAV, the commonest clip, is read once: hashed, and its header parsed, from the same
  // bytes. Anything else (and a WAV of more than 64 MB) is probed by its own reader.
  if (c.kind == MediaKind::kAudio) {
    thread_local std::string buffer;
    auto bytes = read_small_file_into(file, buffer, 64u << 20);
    AudioInfo info;
    std::string_view samples;
    if (bytes && parse_wav_pcm16(*bytes, info, samples)) {
      c.line["sha256"] = sha256_hex(*bytes);
      c.line[media_field(c.kind)] = audio_facts(info);
      return;
    }
  }
  Json facts = probe_media(file, c.kind);
  c.line["sha256"] = sha256_file_hex(file);
  c.line[media_field(c.kind)] = std::move(facts);
}

Json make_line(const Candidate& c, const std::string& path) {
  Json line{{"id", c.id}, {"path", path}};
  if (!c.label.empty()) line["label"] = c.label;
  if (!c.group.empty()) line["group"] = c.group;
  for (const auto& [k, v] : c.line.items()) line[k] = v;
  return line;
}

void copy_file_atomic(const fs::path& from, const fs::path& to) {
  std::string temp = temp_name_for(to.string());
  std::error_code ec;
  fs::copy_file(from, temp, ec);
  if (ec) {
    fs::remove(temp);
    throw Error(to.string(), 0, "cannot copy " + from.string() + ": " + ec.message());
  }
  // Never replace a file that appeared meanwhile: link() fails when `to` exists.
  fs::create_hard_link(temp, to, ec);
  fs::remove(temp);
  if (ec) throw Error(to.string(), 0, "cannot create: " + ec.message());
}

}  // namespace

ImportResult run_import(const ImportOptions& o) {
  int modes = o.layout_folders + !o.pattern.empty();
  if (modes > 1) throw usage_error("give either --layout folders or --pattern, not both");
  std::optional<NamePattern> pattern;
  if (!o.pattern.empty()) pattern.emplace(o.pattern);
  if (!o.label.empty()) check_label(o.label, "--label");

  ImportResult result;
  std::vector<Candidate> all = collect(o);
  std::vector<Candidate> files;
  for (auto& c : all)
    if (name_sample(o, pattern, c, result.skipped)) files.push_back(std::move(c));
  if (files.empty()) throw Error(o.sources.front(), 0, "no media files to import");

  std::optional<Dataset> dataset;
  std::set<std::string> taken;
  if (!o.into.empty()) {
    if (!Dataset::is_dataset(o.into)) {
      dataset = Dataset::create(o.into, fs::absolute(o.into).lexically_normal().filename(), false);
      note("made dataset folder " + o.into);
    } else {
      dataset = Dataset::open(o.into);
    }
    taken = existing_ids(*dataset);
    for (const auto& c : files)
      if (c.label.empty())
        throw Error(c.file.string(), 0, "no label (give --label, --pattern or --layout folders)");
  }
  for (auto& c : files) {
    fs::path rel = c.relative;
    rel.replace_extension();
    std::string id = rel.generic_string();
    std::replace(id.begin(), id.end(), '/', '-');
    c.id = unique_id(make_id(id), taken);
  }

  Progress progress("import", static_cast<long>(files.size()));
  if (!dataset) {
    // Reference in place: stream lines in input order as the pool finishes them.
    ManifestWriter writer(o.output, o.force);
    parallel_ordered(
        static_cast<long>(files.size()), o.jobs, [&](long i) { probe(files[i]); },
        [&](long i) {
          std::string path = files[i].file.lexically_relative(writer.base()).generic_string();
          if (path.empty()) path = files[i].file.string();
          writer.write(make_line(files[i], path));
          progress.update(i + 1);
        });
    writer.commit();
    result.imported = static_cast<long>(files.size());
    return result;
  }

  // Into a dataset: check every file first, so a bad one leaves the dataset untouched.
  parallel_ordered(
      static_cast<long>(files.size()), o.jobs, [&](long i) { probe(files[i]); },
      [&](long i) { progress.update(i + 1); });
  progress.finish();
  std::vector<fs::path> copied;
  std::string manifest_text;
  try {
    if (fs::exists(dataset->manifest())) manifest_text = read_file(dataset->manifest().string());
    if (!manifest_text.empty() && manifest_text.back() != '\n') manifest_text += '\n';
    for (auto& c : files) {
      check_interrupted();
      std::string ext = c.file.extension().string();
      std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
      // Keep the original file name (made safe): rules such as TensorFlow's speech_commands
      // split hash it. The id stays what it was; only a clash in the folder renames the file.
      std::string name = make_id(c.file.stem().string());
      std::string rel = dataset->reserve_media_path(c.label, name, ext);
      fs::path dest = dataset->dir() / rel;
      copy_file_atomic(c.file, dest);
      copied.push_back(dest);
      manifest_text += dump_line(make_line(c, rel)) + "\n";
      dataset->add_label(c.label);
    }
    write_file_atomic(dataset->manifest().string(), manifest_text, true);
  } catch (...) {
    for (const auto& p : copied) fs::remove(p);
    throw;
  }
  if (dataset->info().value("modality", Json()).is_null())
    dataset->info()["modality"] = files.front().kind == MediaKind::kAudio   ? "audio"
                                  : files.front().kind == MediaKind::kImage ? "image"
                                                                            : "imu";
  dataset->save();
  result.imported = static_cast<long>(files.size());
  return result;
}

}  // namespace tinyprep

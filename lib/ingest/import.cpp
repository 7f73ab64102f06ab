#include "ingest/import.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
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
#include "core/staged_file.h"
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
  fs::path file;          // as found (absolute)
  fs::path relative;      // to its SRC folder (or its file name)
  bool absolute = false;  // SRC was given as an absolute path: the manifest keeps it absolute
  MediaKind kind = MediaKind::kUnknown;
  std::string label, group, id;
  Json line;
};

bool hidden(const fs::path& p) {
  std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

// Symbolic links to files that an import into a dataset passes over (without
// --follow-symlinks): counted, and one warning names the first.
struct SkippedLinks {
  long count = 0;
  std::string first;
  void add(const fs::path& p) {
    if (count++ == 0) first = p.string();
  }
};

// Copying into a dataset copies what a symbolic link points to only when the user asks.
bool skip_link(const ImportOptions& o, const fs::path& p, bool is_link, SkippedLinks& links) {
  if (!is_link || o.into.empty() || o.follow_symlinks) return false;
  links.add(p);
  return true;
}

std::vector<Candidate> collect(const ImportOptions& o, SkippedLinks& links) {
  std::vector<Candidate> out;
  for (const auto& src : o.sources) {
    std::error_code ec;
    fs::file_status st = fs::status(src, ec);
    if (!fs::exists(st)) throw Error(src, 0, "no such file or folder");
    fs::path root = fs::absolute(src).lexically_normal();
    if (fs::is_regular_file(st)) {
      if (skip_link(o, src, fs::is_symlink(fs::symlink_status(src, ec)), links)) continue;
      Candidate c;
      c.file = root;
      c.relative = root.filename();
      c.absolute = fs::path(src).is_absolute();
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
      if (skip_link(o, it->path(), it->is_symlink(ec), links)) continue;
      Candidate c;
      c.file = it->path();
      c.relative = it->path().lexically_relative(root);
      c.absolute = fs::path(src).is_absolute();
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

// Files whose name the --pattern did not match: counted, one example kept, said once.
struct PatternMisses {
  long count = 0;
  std::string first;
  void add(const fs::path& p) {
    if (count++ == 0) first = p.filename().string();
  }
};

// Label and group from the layout, the pattern or the options; false to skip the file.
bool name_sample(const ImportOptions& o, const std::optional<NamePattern>& pattern, Candidate& c,
                 long& skipped, PatternMisses& misses) {
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
      misses.add(c.file);
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

// The file name a sample copied into a dataset gets (before a clash renames it): the source's
// name made safe, its extension in lower case.
std::string media_name(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return make_id(file.stem().string()) + ext;
}

// What makes a file one the dataset already has: its content and its name. A file renamed for
// a clash in its folder ("a-2.wav") still counts as "a.wav".
std::string content_key(const std::string& sha256, const std::string& name) {
  return sha256 + "/" + name;
}
void add_content_keys(const std::string& sha256, const fs::path& path,
                      std::set<std::string>& keys) {
  std::string name = path.filename().string();
  keys.insert(content_key(sha256, name));
  std::string stem = path.stem().string();
  size_t dash = stem.rfind('-');
  if (dash != std::string::npos && dash + 1 < stem.size() &&
      stem.find_first_not_of("0123456789", dash + 1) == std::string::npos)
    keys.insert(content_key(sha256, stem.substr(0, dash) + path.extension().string()));
}

// The ids and paths samples.jsonl lists, and the content keys of its samples (read under the
// dataset's lock).
void read_existing(const Dataset& d, std::set<std::string>& ids, std::set<std::string>& paths,
                   std::set<std::string>& contents) {
  ManifestReader reader(d.manifest().string());
  Sample s;
  while (reader.next(s)) {
    ids.insert(s.id());
    std::string path = s.str("path");
    if (!path.empty() && escapes_folder(path))
      s.fail("path '" + path + "' escapes the dataset folder");
    if (!path.empty()) paths.insert(path);
    std::string sha = s.str("sha256");
    if (!path.empty() && !sha.empty()) add_content_keys(sha, fs::path(path), contents);
  }
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

// A descriptor closed on every way out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// File names removed unless kept: the copies of an import that failed.
class RemoveUnlessKept {
 public:
  RemoveUnlessKept() = default;
  RemoveUnlessKept(const RemoveUnlessKept&) = delete;
  RemoveUnlessKept& operator=(const RemoveUnlessKept&) = delete;
  ~RemoveUnlessKept() {
    for (const auto& p : files_) {
      std::error_code ec;
      fs::remove(p, ec);
    }
  }
  void add(fs::path p) { files_.push_back(std::move(p)); }
  void keep() { files_.clear(); }

 private:
  std::vector<fs::path> files_;
};

// Writes a dataset.json back as it was, unless kept.
class RestoreInfo {
 public:
  RestoreInfo(const Dataset& before, const DatasetLock& lock) : before_(before), lock_(lock) {}
  RestoreInfo(const RestoreInfo&) = delete;
  RestoreInfo& operator=(const RestoreInfo&) = delete;
  ~RestoreInfo() {
    if (!armed_) return;
    try {
      before_.save(lock_);
    } catch (const Error&) {
      // The error that brought us here (a full disk, say) is the one to report.
    }
  }
  void keep() { armed_ = false; }

 private:
  const Dataset& before_;
  const DatasetLock& lock_;
  bool armed_ = true;
};

// Copies `from` to a temporary name beside `to` (synced), then links it to `to`, which must
// not exist: never a partial file under `to`, never a file replaced. Without `follow`, a
// symbolic link is refused here too (it may have replaced the file since it was found).
void copy_file_atomic(const fs::path& from, const fs::path& to, bool follow) {
  Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW)));
  if (in.get() < 0) {
    int err = errno;
    throw Error(from.string(), 0,
                err == ELOOP ? "is a symbolic link now (give --follow-symlinks to copy what "
                               "it points to)"
                             : "cannot read: " + std::string(std::strerror(err)));
  }
  StagedFile out(to.string());  // synced, then linked into place
  std::vector<char> buffer(1 << 16);
  for (;;) {
    ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(from.string(), 0, "cannot read: " + std::string(strerror(errno)));
    if (n == 0) break;
    out.write({buffer.data(), static_cast<size_t>(n)});
  }
  // A file that appeared under `to` meanwhile is never replaced.
  if (!out.commit_unless_exists())
    throw Error(to.string(), 0, "cannot create: " + std::string(strerror(EEXIST)));
}

}  // namespace

ImportResult run_import(const ImportOptions& o) {
  int modes = o.layout_folders + !o.pattern.empty();
  if (modes > 1) throw usage_error("give either --layout folders or --pattern, not both");
  std::optional<NamePattern> pattern;
  if (!o.pattern.empty()) pattern.emplace(o.pattern);
  if (!o.label.empty()) check_label(o.label, "--label");

  ImportResult result;
  SkippedLinks links;
  std::vector<Candidate> all = collect(o, links);
  if (links.count) {
    warn(links.first, 0,
         "is a symbolic link: skipped" +
             (links.count > 1 ? " with " + std::to_string(links.count - 1) + " more" : "") +
             " (give --follow-symlinks to copy what links point to)");
    result.skipped += links.count;
  }
  std::vector<Candidate> files;
  PatternMisses misses;
  for (auto& c : all)
    if (name_sample(o, pattern, c, result.skipped, misses)) files.push_back(std::move(c));
  if (misses.count) {
    // Said once, with one example, however many files it missed.
    auto files_text = [](size_t n) {
      return std::to_string(n) + (n == 1 ? " media file" : " media files");
    };
    std::string example = " (e.g. " + excerpt(misses.first, 80) + ")";
    if (files.empty())
      throw Error(o.sources.front(), 0,
                  "--pattern '" + pattern->text() + "' matched none of the " +
                      files_text(all.size()) + example);
    warn(o.sources.front(), 0,
         "--pattern '" + pattern->text() + "' did not match " + std::to_string(misses.count) +
             " of " + files_text(all.size()) + example + ": skipped");
  }
  if (files.empty()) throw Error(o.sources.front(), 0, "no media files to import");

  if (!o.into.empty())
    for (const auto& c : files)
      if (c.label.empty())
        throw Error(c.file.string(), 0, "no label (give --label, --pattern or --layout folders)");
  auto assign_ids = [&](std::set<std::string>& taken) {
    for (auto& c : files) {
      fs::path rel = c.relative;
      rel.replace_extension();
      std::string id = rel.generic_string();
      std::replace(id.begin(), id.end(), '/', '-');
      c.id = unique_id(make_id(id), taken);
    }
  };

  Progress progress("import", static_cast<long>(files.size()));
  if (o.into.empty()) {
    // Reference in place: stream lines in input order as the pool finishes them.
    std::set<std::string> taken;
    assign_ids(taken);
    ManifestWriter writer(o.output, o.force);
    parallel_ordered(
        static_cast<long>(files.size()), o.jobs, [&](long i) { probe(files[i]); },
        [&](long i) {
          const fs::path& file = files[i].file;
          std::string path =
              files[i].absolute ? "" : file.lexically_relative(writer.base()).generic_string();
          if (path.empty()) path = file.generic_string();
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

  // Then, holding the dataset's lock: read what writers before this one left (dataset.json,
  // the lines), copy the files in, write dataset.json and last samples.jsonl (whole, by rename):
  // the import is in the dataset completely or not at all.
  DatasetLock lock(o.into);
  bool made = !Dataset::is_dataset(lock.dir());
  Dataset dataset = Dataset::open_or_create(lock);
  if (made) note("made dataset folder " + o.into);
  const Dataset before = dataset;
  dataset.repair_manifest(lock);
  std::set<std::string> taken, listed, contents;
  read_existing(dataset, taken, listed, contents);
  if (!o.allow_duplicates) {
    // A file the dataset already has (a second run of the same import) is skipped and counted.
    std::vector<Candidate> fresh;
    for (auto& c : files) {
      if (contents.count(content_key(c.line["sha256"].get<std::string>(), media_name(c.file))))
        ++result.duplicates;
      else
        fresh.push_back(std::move(c));
    }
    files = std::move(fresh);
    if (files.empty()) return result;  // nothing new: the dataset stays as it is
  }
  assign_ids(taken);
  std::string manifest_text = read_file(dataset.manifest().string());
  RemoveUnlessKept copied;
  for (auto& c : files) {
    check_interrupted();
    // Keep the original file name (made safe): rules such as TensorFlow's speech_commands
    // split hash it. The id stays what it was; only a clash in the folder renames the file.
    fs::path safe = media_name(c.file);
    std::string ext = safe.extension().string();
    std::string name = safe.stem().string();
    bool reuse = false;
    std::string rel = dataset.reserve_media_path(
        lock, c.label, name, ext, c.line["sha256"].get<std::string>(),
        [&](const std::string& path) { return listed.count(path) > 0; }, reuse);
    if (!reuse) {
      fs::path dest = dataset.dir() / rel;
      copy_file_atomic(c.file, dest, o.follow_symlinks);
      copied.add(dest);
    }
    listed.insert(rel);
    manifest_text += dump_line(make_line(c, rel)) + "\n";
    dataset.add_label(c.label);
  }
  if (dataset.info().value("modality", Json()).is_null())
    dataset.info()["modality"] = files.front().kind == MediaKind::kAudio   ? "audio"
                                 : files.front().kind == MediaKind::kImage ? "image"
                                                                           : "imu";
  // dataset.json first: a run killed between the two leaves at most a label without samples,
  // and a re-run adds the same lines. When samples.jsonl cannot be written, dataset.json is
  // put back as it was.
  if (dataset.info() != before.info()) {
    dataset.save(lock);
    RestoreInfo restore(before, lock);
    dataset.rewrite_manifest(lock, manifest_text);
    restore.keep();
  } else {
    dataset.rewrite_manifest(lock, manifest_text);
  }
  copied.keep();
  result.imported = static_cast<long>(files.size());
  return result;
}

}  // namespace tinyprep

#include "manifest/dataset.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>

#include "core/diag.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/process.h"

namespace tinyprep {
namespace fs = std::filesystem;

namespace {

#ifndef _WIN32
std::string errno_text(int err) {
  return std::strerror(err);
}

// Closes a descriptor on every way out.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  int fd_;
};

// Reads `size` bytes at `offset` (short only at the end of the file).
std::string pread_all(int fd, off_t offset, size_t size, const std::string& path) {
  std::string out(size, '\0');
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, out.data() + done, size - done, offset + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(path, 0, "cannot read: " + errno_text(errno));
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  out.resize(done);
  return out;
}
#endif

// `dir` absolute and normalised, without a trailing separator ("kws/" and "kws/." are "kws"),
// so that its filename() is the folder's name, which a new dataset is named after.
fs::path folder_path(const fs::path& dir) {
  fs::path out = fs::absolute(dir).lexically_normal();
  if (!out.has_filename() && out.has_relative_path()) out = out.parent_path();
  return out;
}

}  // namespace

DatasetLock::DatasetLock(const fs::path& dir) : dir_(folder_path(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw Error(dir.string(), 0, "cannot create: " + ec.message());
  FolderLock::Options lock;
  lock.wait = FolderLock::Wait::kBlock;
  lock.lock_file = ".lock";
  lock.lock_file_role = "dataset's lock file";
  lock_.emplace(dir_.string(), lock);
}

bool Dataset::is_dataset(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "dataset.json", ec);
}

bool Dataset::is_blank(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return true;
  if (!fs::is_directory(dir, ec)) return false;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!name.empty() && name[0] == '.') continue;
    if (name == "data" && entry.is_directory(ec) && fs::is_empty(entry.path(), ec)) continue;
    if (name == "samples.jsonl" && entry.is_regular_file(ec) &&
        fs::file_size(entry.path(), ec) == 0)
      continue;
    return false;
  }
  return !ec;
}

Dataset Dataset::open(const fs::path& dir) {
  Dataset d;
  d.dir_ = folder_path(dir);
  if (!is_dataset(dir)) throw Error(dir.string(), 0, "is not a dataset folder (no dataset.json)");
  d.info_ = read_json_file(d.info_file().string());
  if (!d.info_.is_object()) throw Error(d.info_file().string(), 0, "is not a JSON object");
  return d;
}

namespace {

// dataset.json's "history" as the file holds it now (record_command() writes it there
// directly, so an object opened earlier may hold an older one); null when it has none.
Json history_on_disk(const fs::path& file) {
  try {
    Json doc = read_json_file(file.string());
    if (doc.is_object() && doc.contains("history") && doc["history"].is_array())
      return doc["history"];
  } catch (const std::exception&) {
  }
  return Json();
}

// True the first time this process asks for this dataset folder: one history entry per run.
bool first_record(const fs::path& dir) {
  static std::mutex mutex;
  static std::set<std::string> recorded;
  std::lock_guard<std::mutex> hold(mutex);
  std::error_code ec;
  return recorded.insert(fs::weakly_canonical(dir, ec).string()).second;
}

// Appends this process's command and version, keeping the last kMaxHistory entries.
void add_history_entry(Json& history) {
  if (!history.is_array()) history = Json::array();
  history.push_back({{"command", command_line()}, {"tinyprep_version", tinyprep_version()}});
  if (history.size() > Dataset::kMaxHistory)
    history.erase(history.begin(), history.begin() + (history.size() - Dataset::kMaxHistory));
}

}  // namespace

Dataset Dataset::create(const DatasetLock& lock, const std::string& name, bool force,
                        const Json& fields) {
  const fs::path& dir = lock.dir();
  std::error_code ec;
  if (is_dataset(dir) && !force)
    throw Error(dir.string(), 0, "is already a dataset (use --force to reset dataset.json)");
  Dataset d;
  d.dir_ = dir;
  if (!fs::exists(d.manifest(), ec)) write_file_atomic(d.manifest().string(), "", false);
  fs::create_directories(dir / "data", ec);
  if (ec) throw Error((dir / "data").string(), 0, "cannot create: " + ec.message());
  d.info_ = Json{
      {"name", name},        {"version", "1.0.0"},      {"description", ""},       {"license", ""},
      {"modality", nullptr}, {"labels", Json::array()}, {"format", Json::object()}};
  for (const auto& [key, value] : fields.items()) d.info_[key] = value;
  // One write, the history in it (kept from a dataset.json that --force resets): a run killed
  // at any moment leaves either no dataset.json or the whole one.
  Json history = history_on_disk(d.info_file());
  if (first_record(dir)) add_history_entry(history);
  if (history.is_array()) d.info_["history"] = std::move(history);
  write_file_atomic(d.info_file().string(), d.info_.dump(2) + "\n", true);
  return d;
}

Dataset Dataset::open_or_create(const DatasetLock& lock) {
  if (is_dataset(lock.dir())) return open(lock.dir());
  std::string name = lock.dir().filename().string();
  return create(lock, name.empty() ? "dataset" : name, false);
}

std::string Dataset::name() const {
  auto it = info_.find("name");
  if (it != info_.end() && it->is_string() && !it->get<std::string>().empty())
    return it->get<std::string>();
  return dir_.filename().string();
}

std::vector<std::string> Dataset::labels() const {
  std::vector<std::string> out;
  auto it = info_.find("labels");
  if (it == info_.end() || !it->is_array()) return out;
  for (const auto& l : *it)
    if (l.is_string()) out.push_back(l.get<std::string>());
  return out;
}

bool Dataset::add_label(const std::string& label) {
  auto current = labels();
  if (std::find(current.begin(), current.end(), label) != current.end()) return false;
  if (!info_.contains("labels") || !info_["labels"].is_array()) info_["labels"] = Json::array();
  info_["labels"].push_back(label);
  return true;
}

void Dataset::save(const DatasetLock&) const {
  Json out = info_;
  Json history = history_on_disk(info_file());
  if (!history.is_null()) out["history"] = std::move(history);
  write_file_atomic(info_file().string(), out.dump(2) + "\n", true);
}

void Dataset::record_command(const DatasetLock&) const {
  if (!first_record(dir_)) return;
  Json doc;
  try {
    doc = read_json_file(info_file().string());
  } catch (const std::exception&) {
  }
  if (!doc.is_object()) doc = info_;
  add_history_entry(doc["history"]);
  write_file_atomic(info_file().string(), doc.dump(2) + "\n", true);
}

void Dataset::save() const {
  DatasetLock lock(dir_);
  save(lock);
}

std::string Dataset::reserve_media_path(const DatasetLock&, const std::string& label,
                                        std::string& id, const std::string& ext,
                                        const std::string& sha256,
                                        const std::function<bool(const std::string&)>& listed,
                                        bool& reuse) const {
  fs::path folder = dir_ / "data" / fs::path(label);
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw Error(folder.string(), 0, "cannot create: " + ec.message());
  std::string base = id;
  reuse = false;
  for (int n = 2;; ++n) {
    fs::path candidate = folder / fs::path(id + ext);
    std::string rel = (fs::path("data") / fs::path(label) / fs::path(id + ext)).generic_string();
    fs::file_status st = fs::symlink_status(candidate, ec);
    if (!fs::exists(st)) return rel;
    if (fs::is_regular_file(st) && sha256_file_hex(candidate.string()) == sha256 && !listed(rel)) {
      reuse = true;
      return rel;
    }
    id = base + "-" + std::to_string(n);
  }
}

bool Dataset::lists_path(const std::string& path) const {
  std::error_code ec;
  if (!fs::exists(manifest(), ec)) return false;
  LineReader lines(manifest().string());
  for (std::string line; lines.next(line);) {
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    Json j = Json::parse(line, nullptr, false);
    if (!j.is_object()) continue;  // a torn or broken line lists nothing
    auto it = j.find("path");
    if (it != j.end() && it->is_string() && it->get<std::string>() == path) return true;
  }
  return false;
}

void Dataset::repair_manifest(const DatasetLock& lock) const {
  append_lines(lock, {});
}

void Dataset::append_lines(const DatasetLock& lock, std::string_view lines) const {
  if (!lines.empty()) record_command(lock);
  std::string path = manifest().string();
#ifdef _WIN32
  std::string text(lines);
  std::error_code ec;
  std::string old = fs::exists(path, ec) ? read_file(path) : std::string();
  if (!old.empty() && old.back() != '\n') old += '\n';
  write_file_atomic(path, old + text, true);
#else
  int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(path, 0, "cannot open: " + errno_text(errno));
  FdCloser closer(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) throw Error(path, 0, "cannot read: " + errno_text(errno));
  off_t size = st.st_size;
  std::string text;
  if (size > 0 && pread_all(fd, size - 1, 1, path) != "\n") {
    // A killed writer left a last line without its newline: find where that line starts.
    off_t start = size;
    while (start > 0) {
      off_t from = std::max<off_t>(0, start - 65536);
      std::string chunk = pread_all(fd, from, static_cast<size_t>(start - from), path);
      size_t nl = chunk.rfind('\n');
      if (nl != std::string::npos) {
        start = from + static_cast<off_t>(nl) + 1;
        break;
      }
      start = from;
    }
    std::string tail = pread_all(fd, start, static_cast<size_t>(size - start), path);
    if (Json::accept(tail)) {
      text = "\n";  // a whole line that only lacks its newline (an edited file)
    } else {
      if (::ftruncate(fd, start) != 0) throw Error(path, 0, "cannot repair: " + errno_text(errno));
      tinyprep::warn(path, 0, "dropped a partial last line (a writer was stopped mid-line)");
      size = start;
    }
  }
  text += lines;
  size_t done = 0;
  int err = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = n < 0 ? errno : EIO;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (err != 0) {
    // Only whole lines: take back what this write added.
    if (::ftruncate(fd, size) == 0) ::fsync(fd);
    throw Error(path, 0, "cannot append: " + errno_text(err));
  }
#endif
}

void Dataset::rewrite_manifest(const DatasetLock& lock, std::string_view text) const {
  record_command(lock);
  write_file_atomic(manifest().string(), text, true);
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = s[i];
    size_t extra;
    if (c < 0x80)
      extra = 0;
    else if (c >= 0xC2 && c <= 0xDF)
      extra = 1;
    else if (c >= 0xE0 && c <= 0xEF)
      extra = 2;
    else if (c >= 0xF0 && c <= 0xF4)
      extra = 3;
    else
      return false;
    if (n - i <= extra) return false;
    for (size_t k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += extra + 1;
  }
  return true;
}

void check_file_name_part(const std::string& name, const std::string& kind,
                          const std::string& where, long line) {
  if (name.empty()) throw Error(where, line, "empty " + kind);
  if (!is_valid_utf8(name)) throw Error(where, line, kind + " is not valid UTF-8");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f)
      throw Error(where, line, kind + " '" + name + "' contains a control character");
  if (name == "." || name == "..")
    throw Error(where, line, kind + " '" + name + "' is not allowed");
  for (unsigned char c : name)
    if (c == '/' || c == '\\')
      throw Error(where, line, kind + " '" + name + "' contains '" + char(c) + "'");
}

std::string make_id(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x80 || std::isalnum(c) || c == '-' || c == '_' || c == '.')
      out += static_cast<char>(c);
    else
      out += '_';
  }
  while (!out.empty() && out.front() == '.') out.erase(out.begin());
  if (out.empty()) out = "sample";
  return out;
}

}  // namespace tinyprep

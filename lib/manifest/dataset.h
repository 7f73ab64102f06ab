#pragma once
// A dataset folder: dataset.json, samples.jsonl, data/<label>/<id>.<ext>, and .lock, the file
// every writer of the folder locks.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/staged_file.h"
#include "manifest/manifest.h"

namespace tinyprep {

/// The exclusive lock every writer of a dataset holds while it changes samples.jsonl,
/// dataset.json or data/ (read-modify-write included): flock(LOCK_EX) on DIR/.lock (LockFileEx
/// on Windows). Released by the destructor, and by the system when the process dies. Readers
/// need no lock: files are replaced by rename and manifest lines appended whole.
/// Not re-entrant: a process takes one DatasetLock per dataset at a time.
class DatasetLock {
 public:
  /// Makes `dir` (and its parents) when missing, then waits for the lock; throws Error naming
  /// DIR/.lock when the folder or the lock file cannot be made (a read-only disk).
  explicit DatasetLock(const std::filesystem::path& dir);
  DatasetLock(const DatasetLock&) = delete;
  DatasetLock& operator=(const DatasetLock&) = delete;

  /// The dataset folder (absolute, normalised).
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::optional<FolderLock> lock_;  // core's folder lock, on DIR/.lock
};

class Dataset {
 public:
  /// True when `dir` holds a dataset.json.
  static bool is_dataset(const std::filesystem::path& dir);
  /// True when `dir` is missing, or holds no more than what making a dataset starts with (an
  /// empty data/ and samples.jsonl, .lock, hidden temporary files): a folder a dataset may be
  /// made in without taking anyone's files over (an interrupted `init` leaves such a folder).
  static bool is_blank(const std::filesystem::path& dir);
  /// Opens an existing dataset (reads dataset.json); throws Error naming dataset.json when
  /// missing or invalid. A writer opens it after taking the lock, so that it sees the changes
  /// of writers before it.
  static Dataset open(const std::filesystem::path& dir);
  /// Makes a new dataset in the locked folder: samples.jsonl (when missing) and data/ first,
  /// dataset.json last, so that a folder with a dataset.json is always whole. Refuses an
  /// existing dataset unless `force` (which resets dataset.json and keeps the samples).
  /// `fields` (description, license, modality, labels...) replace the defaults.
  static Dataset create(const DatasetLock& lock, const std::string& name, bool force,
                        const Json& fields = Json::object());
  /// The dataset in the locked folder, made (named after the folder) when there is none.
  static Dataset open_or_create(const DatasetLock& lock);

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path manifest() const { return dir_ / "samples.jsonl"; }
  std::filesystem::path info_file() const { return dir_ / "dataset.json"; }
  /// dataset.json as read (and as save() writes it).
  Json& info() { return info_; }
  const Json& info() const { return info_; }
  std::string name() const;
  /// The ordered label list of dataset.json (may be empty).
  std::vector<std::string> labels() const;
  /// Appends `label` to the label list when it is new; true when it was added.
  bool add_label(const std::string& label);
  /// Writes dataset.json atomically (temporary name, fsync, rename) under `lock`.
  void save(const DatasetLock& lock) const;
  /// Takes the lock and writes dataset.json. A read-modify-write must instead hold one
  /// DatasetLock from before open() until save(lock), or it may undo another writer's change.
  void save() const;

  /// Under `lock`: "data/<label>/<id><ext>" for a file whose content has SHA-256 `sha256`,
  /// made unique against files already there (id, id-2, id-3...); returns the path relative
  /// to the dataset folder and updates `id` to the one used. `reuse` comes back true when the
  /// file already there has that content and `listed(path)` says samples.jsonl does not list
  /// it: a file a killed run moved into place before writing its line, which is this sample's.
  std::string reserve_media_path(const DatasetLock& lock, const std::string& label, std::string& id,
                                 const std::string& ext, const std::string& sha256,
                                 const std::function<bool(const std::string&)>& listed,
                                 bool& reuse) const;
  /// True when samples.jsonl has a line whose path is `path` (relative to the folder).
  bool lists_path(const std::string& path) const;
  /// Appends whole manifest lines (`lines` ends with '\n') to samples.jsonl under `lock`,
  /// with one O_APPEND write and fsync. A failed or short write is cut off again, so the file
  /// only ever grows by whole lines; a last line left without its newline by a killed writer
  /// is completed first when it parses, else cut off (with a warning).
  void append_lines(const DatasetLock& lock, std::string_view lines) const;
  /// Under `lock`, makes samples.jsonl end with a whole line, as append_lines() does first.
  void repair_manifest(const DatasetLock& lock) const;
  /// Replaces samples.jsonl by `text` (whole lines) atomically under `lock`.
  void rewrite_manifest(const DatasetLock& lock, std::string_view text) const;
  /// Under `lock`: adds this process's command line and tinyprep version to dataset.json's
  /// "history" (once per process and dataset, the last kMaxHistory kept). append_lines() with
  /// lines, rewrite_manifest() and create() call it, so the history names every command that
  /// changed the dataset; export copies it into its provenance.
  void record_command(const DatasetLock& lock) const;
  static constexpr size_t kMaxHistory = 200;

 private:
  std::filesystem::path dir_;
  Json info_;
};

/// The one check of every name that becomes part of a file or folder name (a label, a dataset
/// name, a split, an Example key): throws Error(where, line, "<kind> '<name>' ...") unless
/// `name` is non-empty valid UTF-8 without '/', '\\' or control characters, and not "." or ".."
/// (without a slash, ".." elsewhere in a name cannot leave a folder).
void check_file_name_part(const std::string& name, const std::string& kind,
                          const std::string& where, long line = 0);

/// check_file_name_part for a label (a folder name under data/).
inline void check_label(const std::string& label, const std::string& where, long line = 0) {
  check_file_name_part(label, "label", where, line);
}

/// True when `text` is valid UTF-8.
bool is_valid_utf8(std::string_view text);

/// A file-name-safe id from free text: keeps letters (any script), digits, '-', '_', '.'.
std::string make_id(std::string_view text);

}  // namespace tinyprep

#pragma once
// A dataset folder: dataset.json, samples.jsonl, data/<label>/<id>.<ext>.
#include <filesystem>
#include <string>
#include <vector>

#include "manifest/manifest.h"

namespace tinyprep {

class Dataset {
 public:
  /// True when `dir` holds a dataset.json.
  static bool is_dataset(const std::filesystem::path& dir);
  /// Opens an existing dataset; throws Error naming dataset.json when missing or invalid.
  static Dataset open(const std::filesystem::path& dir);
  /// Makes a new dataset folder; refuses an existing dataset unless `force`.
  static Dataset create(const std::filesystem::path& dir, const std::string& name, bool force);

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
  /// Writes dataset.json atomically.
  void save() const;
  /// "data/<label>/<id><ext>", made unique against files already there (id, id-2, id-3...);
  /// returns the path relative to the dataset folder and updates `id` to the one used.
  std::string reserve_media_path(const std::string& label, std::string& id,
                                 const std::string& ext) const;

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

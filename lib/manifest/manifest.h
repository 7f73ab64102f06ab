#pragma once
// The manifest: JSON Lines, one self-contained sample per line (see docs/manifest.md).
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/io.h"

namespace tinyprep {

/// Field order is kept, so unknown fields pass through untouched and in place.
using Json = nlohmann::ordered_json;

/// The fields that hold file paths; writers rebase them to the output manifest's folder.
inline constexpr std::string_view kPathFields[] = {"path", "features.path"};

/// One manifest line and where it came from.
struct Sample {
  Json json;                   ///< the whole line, unknown fields included
  std::string source;          ///< manifest name for errors ("<stdin>" on a pipe)
  long line = 0;               ///< 1-based line number in `source`
  std::filesystem::path base;  ///< folder the line's relative paths are relative to

  /// The `id` field; throws Error(source, line) when missing or not a string.
  std::string id() const;
  /// The `label` field, or "" when absent.
  std::string label() const;
  /// The `split` field, or "" when absent.
  std::string split() const;
  /// The `group` field, or "" when absent.
  std::string group() const;
  /// A string field, or "" when absent; throws when present but not a string.
  std::string str(const char* field) const;
  /// The media file (`path`) resolved against `base`; throws when `path` is missing, and (with
  /// missing_file()'s words) when it names no file there but one relative to the working
  /// directory.
  std::filesystem::path media_path() const;
  /// What to say of a path field `path` (as the line has it) that names no file: "no such
  /// file", and when it does name one relative to the working directory, that the manifest's
  /// paths are relative to its own folder and how it came to be written so.
  std::string missing_file(const std::string& path) const;
  /// Resolves any relative path from this line against `base`.
  std::filesystem::path resolve(const std::string& path) const;
  /// Throws Error(source, line, what).
  [[noreturn]] void fail(const std::string& what) const;
  /// Prints a warning naming source and line.
  void warn(const std::string& what) const;
};

/// Deepest nesting of arrays and objects a JSON line or document may have: deeper ones are
/// refused when read (writing them back would recurse that deep).
inline constexpr int kMaxJsonDepth = 512;

/// The one rule for media that leave a dataset folder: a path field (kPathFields) that is
/// absolute, climbs out with "..", or resolves outside through a symbolic link.
class FolderBounds {
 public:
  /// `folder`: the dataset folder (absolute).
  explicit FolderBounds(std::filesystem::path folder);
  /// The first path field of `line` (relative to the folder) that leaves it, or nullptr.
  const std::string* outside(const Json& line);

 private:
  bool inside(const std::string& path);
  std::filesystem::path folder_, real_folder_;
  std::unordered_set<std::string> plain_dirs_;  // folders inside, known not to be symlinks
};

/// Reads a manifest: a .jsonl file, "-" for stdin, or a dataset folder (its samples.jsonl).
class ManifestReader {
 public:
  /// Throws Error naming the manifest when it cannot be opened. A dataset's lines whose media
  /// leave its folder (see FolderBounds) are refused unless `allow_outside`.
  explicit ManifestReader(const std::string& name, bool allow_outside = false);
  /// Reads the next line into `sample` (blank lines are skipped); false at the end. Throws
  /// Error(source, line) when a line is not a JSON object, is nested deeper than
  /// kMaxJsonDepth, or (see the constructor) has media outside its dataset.
  bool next(Sample& sample);
  /// For a dataset's manifest, the first path of `line` that leaves the dataset folder (even
  /// with `allow_outside`); nullptr when there is none or the manifest is not a dataset's.
  const std::string* outside_dataset(const Json& line);
  /// Folder that relative paths in this manifest are relative to.
  const std::filesystem::path& base() const { return base_; }
  const std::string& name() const { return lines_.name(); }
  /// The dataset folder when the manifest is a dataset's samples.jsonl (dataset.json beside it).
  const std::optional<std::filesystem::path>& dataset_dir() const { return dataset_dir_; }
  long line_number() const { return lines_.line_number(); }

 private:
  LineReader lines_;
  std::filesystem::path base_;
  std::optional<std::filesystem::path> dataset_dir_;
  std::unique_ptr<FolderBounds> bounds_;
  bool allow_outside_ = false;
  std::string text_;
};

/// The manifest file that `name` names: DIR/samples.jsonl for a folder DIR (throws Error when it
/// has none), else `name` itself ("-" included).
std::string manifest_file(const std::string& name);

/// The dataset folder the manifest `name` (a file, or a dataset folder) belongs to: the file's
/// folder when it holds dataset.json; none for stdin or a manifest outside any dataset.
std::optional<std::filesystem::path> manifest_dataset_dir(const std::string& name);

/// For --in-place: the manifest file that replaces the input `name` (DIR/samples.jsonl for a
/// dataset folder); throws usage_error for stdin.
std::string in_place_output(const std::string& name);

/// Writes manifest lines to a file (temporary name, renamed by commit) or "-" for stdout,
/// rebasing relative paths from each sample's folder to the output's folder. On stdout that is
/// the folder of the file stdout is redirected to (`> other/m.jsonl`, see stdout_file()), else
/// (a pipe, a terminal) the working directory.
class ManifestWriter {
 public:
  explicit ManifestWriter(const std::string& name, bool force = false);
  /// Writes one line; paths in kPathFields are rebased from `sample.base`.
  void write(const Sample& sample);
  /// Writes one line whose paths are already relative to base().
  void write(const Json& line);
  void commit() { out_.commit(); }
  const std::filesystem::path& base() const { return base_; }
  long count() const { return count_; }

 private:
  Output out_;
  std::filesystem::path base_;
  long count_ = 0;
  std::string buffer_;
};

/// `path` (relative to `from`) made relative to `to`; absolute paths stay as they are.
std::string rebase_path(const std::string& path, const std::filesystem::path& from,
                        const std::filesystem::path& to);

/// True when relative `path` leaves `root` (`../../etc/passwd`) or is absolute.
bool escapes_folder(const std::string& path);

/// Serialises a line compactly, UTF-8 kept as is.
std::string dump_line(const Json& line);

/// Appends one line to a manifest file with a single write (O_APPEND), for capture and import.
void append_manifest_line(const std::filesystem::path& manifest, const Json& line);

/// Throws Error(path, line) when `text` nests arrays and objects deeper than kMaxJsonDepth.
void check_json_depth(std::string_view text, const std::string& path, long line);

/// Reads a JSON document (dataset.json, a config); throws Error naming the file.
Json read_json_file(const std::string& path);

}  // namespace tinyprep

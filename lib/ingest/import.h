#pragma once
// import: existing files -> manifest lines, referenced in place or copied into a dataset.
#include <optional>
#include <string>
#include <vector>

namespace tinyprep {

struct ImportOptions {
  std::vector<std::string> sources;  ///< files or folders (walked recursively)
  bool layout_folders = false;       ///< SRC/<label>/**/file (Speech Commands too)
  std::string pattern;               ///< '{label}_{group}_{take}.wav' on the file name
  std::string label;                 ///< one label for all
  std::string group;                 ///< one group for all
  std::string into;                  ///< copy into this dataset folder
  std::string output = "-";          ///< manifest output when not --into
  bool follow_symlinks = false;      ///< --into: copy what a symbolic link points to
  bool allow_duplicates = false;     ///< --into: add files the dataset already has
  bool force = false;
  unsigned jobs = 0;
};

struct ImportResult {
  long imported = 0;
  long skipped = 0;     ///< files passed over (no match, background noise, unknown type)
  long duplicates = 0;  ///< --into: files the dataset already had (same sha256 and name)
};

/// Runs an import; throws Error naming the first bad file (nothing is written then).
ImportResult run_import(const ImportOptions& options);

}  // namespace tinyprep

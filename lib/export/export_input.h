#pragma once
// An export's input: the manifest, read twice (a manifest on stdin is first spooled to a
// temporary file), and each sample's features array.
#include <filesystem>
#include <optional>
#include <string>

#include "export/export.h"
#include "manifest/manifest.h"

namespace tinyprep {

/// A copy of stdin in a temporary file, so the manifest can be read twice; removed at the end.
class Spool {
 public:
  Spool();
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Reads the manifest, fixing up source and base for a spooled stdin.
class ExportLines {
 public:
  ExportLines(const std::string& name, const Spool* spool, bool allow_outside);
  bool next(Sample& s);
  ManifestReader& reader() { return reader_; }
  /// The dataset folder the manifest belongs to (none on stdin, whatever is beside the spool).
  std::optional<std::filesystem::path> dataset_dir() const {
    return source_.empty() ? reader_.dataset_dir() : std::nullopt;
  }
  std::string source() const { return source_.empty() ? reader_.name() : source_; }
  const std::filesystem::path& base() const { return base_; }

 private:
  ManifestReader reader_;
  std::string source_;
  std::filesystem::path base_;
};

/// The array of a sample's `features` .npy; throws Error naming the line when it cannot be
/// read or its shape is not the one the line declares.
SampleArray load_features(const Sample& s);

}  // namespace tinyprep

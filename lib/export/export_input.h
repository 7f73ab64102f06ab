#pragma once
// An export's input: the manifest, read twice (a manifest on stdin is first spooled to a
// temporary file), and each sample's features array.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

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

/// The samples of a manifest in a given order (export's shuffle), read one line at a time at
/// its byte offset: memory is 12 bytes per line (offset, line number), not the lines.
class ReorderedLines {
 public:
  /// `order`: indices of samples (0-based, in manifest order, blank lines not counted);
  /// `line_numbers[i]`: the 1-based line of sample i. Finds each sample's offset in one pass
  /// over `file` (the manifest file, or the spool of stdin); throws Error when the file no
  /// longer has those lines.
  ReorderedLines(ExportLines& lines, const std::string& file, std::vector<uint32_t> order,
                 std::vector<uint32_t> line_numbers, bool allow_outside);
  ~ReorderedLines();
  ReorderedLines(const ReorderedLines&) = delete;
  ReorderedLines& operator=(const ReorderedLines&) = delete;
  /// The next sample in `order`; false after the last.
  bool next(Sample& s);

 private:
  ExportLines& lines_;
  std::string file_;
  FILE* f_ = nullptr;
  std::vector<uint32_t> order_, line_numbers_;
  std::vector<uint64_t> offsets_;
  size_t next_ = 0;
  bool check_outside_ = false;
  char* buf_ = nullptr;
  size_t cap_ = 0;
};

/// The shuffle key of a sample: the first 16 hex digits of sha256("<seed>:<id>") as a number.
uint64_t shuffle_key(uint64_t seed, const std::string& id);

/// The array of a sample's `features`: its .npy, or row `row` of a stacked part; throws Error
/// naming the line when it cannot be read or its shape is not the one the line declares.
SampleArray load_features(const Sample& s);

}  // namespace tinyprep

#pragma once
// An export's input: the manifest, read twice (a manifest on stdin is first spooled to a
// temporary file), and each sample's features array.
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
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

/// Increasing 1-based line numbers, read once in order, in about 1 byte each: the step from
/// the previous one (a manifest's samples are mostly its next lines); larger steps kept whole.
class LineNumbers {
 public:
  LineNumbers() = default;
  LineNumbers(std::initializer_list<uint32_t> lines) {
    for (uint32_t l : lines) push_back(l);
  }
  void push_back(uint32_t line);
  size_t size() const { return steps_.size(); }
  bool empty() const { return steps_.empty(); }
  /// The first line not yet popped.
  uint32_t front() const { return steps_.front() ? read_ + steps_.front() : whole_.front(); }
  void pop_front();

 private:
  std::deque<uint8_t> steps_;       // 0: the line is the front of whole_
  std::deque<uint32_t> whole_;      // lines whose step is 0 or above 255
  uint32_t pushed_ = 0, read_ = 0;  // the last line pushed, and popped
};

/// Export's shuffle (issue 16: little memory per line): collects each sample's key and index
/// per split, and its line number, while the manifest is scanned: 13 bytes per sample, in
/// std::deques (no copy or slack on growth; the blocks one frees are reused by the next).
class ShuffleOrder {
 public:
  ShuffleOrder() = default;
  ShuffleOrder(const ShuffleOrder&) = delete;
  ShuffleOrder& operator=(const ShuffleOrder&) = delete;
  /// The next sample in manifest order.
  void add(uint64_t key, const std::string& split, uint32_t line);
  size_t size() const { return lines_.size(); }
  /// Indices of the samples (0-based, in manifest order), split by split in the order of
  /// `splits`, each split by key, ties in manifest order. Frees the keys as it goes.
  std::deque<uint32_t> order(const std::vector<std::string>& splits);
  /// The 1-based line of each sample.
  LineNumbers& line_numbers() { return lines_; }

 private:
  struct __attribute__((packed)) Keyed {
    uint64_t key;
    uint32_t index;
  };
  std::map<std::string, std::deque<Keyed>> keyed_;  // per split
  LineNumbers lines_;
  const std::string* last_split_ = nullptr;  // the split of the previous add() and its keys
  std::deque<Keyed>* last_keyed_ = nullptr;
};

/// The samples of a manifest in a given order (export's shuffle), read one line at a time at
/// its byte offset: memory is about 10 bytes per line (its place in the order, and its offset
/// and line number as small deltas from a base per 64 samples), not the lines.
class ReorderedLines {
 public:
  /// `order`: indices of samples (0-based, in manifest order, blank lines not counted);
  /// `line_numbers[i]`: the 1-based line of sample i (consumed). Finds each sample's offset in
  /// one pass over `file` (the manifest file, or the spool of stdin); throws Error when the
  /// file no longer has those lines.
  ReorderedLines(ExportLines& lines, const std::string& file, std::deque<uint32_t> order,
                 LineNumbers line_numbers, bool allow_outside);
  ~ReorderedLines();
  ReorderedLines(const ReorderedLines&) = delete;
  ReorderedLines& operator=(const ReorderedLines&) = delete;
  /// The next sample in `order`; false after the last.
  bool next(Sample& s);

 private:
  static constexpr size_t kBlock = 64;
  static constexpr uint32_t kFar = UINT32_MAX;  // offset_delta_ of a sample kept in far_
  void locate(size_t i, uint64_t offset, uint32_t line);

  ExportLines& lines_;
  std::string file_;
  FILE* f_ = nullptr;
  std::deque<uint32_t> order_;
  // Sample i starts at byte block_offset_[i / kBlock] + offset_delta_[i] of line
  // block_line_[i / kBlock] + line_delta_[i]; when a delta does not fit (very long lines, or a
  // worker's lines far apart), offset_delta_[i] is kFar and far_[i] has both. (Deques: their
  // blocks reuse those of the line numbers, freed as they are read.)
  std::vector<uint64_t> block_offset_;
  std::vector<uint32_t> block_line_;
  std::deque<uint32_t> offset_delta_;
  std::deque<uint16_t> line_delta_;
  std::unordered_map<uint32_t, std::pair<uint64_t, uint32_t>> far_;
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
/// As load_features, into `out` (the capacity of its data reused).
void load_features_into(const Sample& s, SampleArray& out);

}  // namespace tinyprep

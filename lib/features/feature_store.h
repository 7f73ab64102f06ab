#pragma once
// The feature folder (FEATDIR): config.json (the full parameter set, its hash, and the command
// that made the folder), index-<K>.jsonl (which source content each sample's features were
// computed from, so a re-run skips samples whose features exist for the same (sha256, config)),
// and the features themselves in one of two layouts:
// - packed (the default): stacked parts part-<K>-<seq>.npy of shape (n, *feature_shape), a
//   sample being one row; a part is written under a temporary name and renamed when complete;
// - files: one .npy per sample, named after its id.
// K is the worker (--shard K/N; 0 without --shard): each worker locks, indexes and names its
// parts apart, so N workers write into one folder at once.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "array/npy.h"
#include "core/shard.h"
#include "core/staged_file.h"
#include "features/feature_config.h"
#include "manifest/manifest.h"

namespace tinyprep {

enum class FeatureLayout {
  kPacked,  ///< rows of stacked parts
  kFiles,   ///< one .npy per sample
};

/// A set of 64-bit hashes, each with the line it was first seen on: an open-addressing table of
/// 12 bytes a slot, at most 80% full (~15 bytes a hash, where an unordered_map took ~48).
class NameTable {
 public:
  /// Records `hash` at `line`; when it was already there, returns the line it was first seen
  /// on (and records nothing), else 0.
  long insert(uint64_t hash, long line) {
    if (hash == 0) hash = 1;  // 0 marks an empty slot
    if ((size_ + 1) * 5 > keys_.size() * 4) grow();
    size_t i = slot(hash);
    while (keys_[i] != 0) {
      if (keys_[i] == hash) return lines_[i];
      i = (i + 1) & (keys_.size() - 1);
    }
    keys_[i] = hash;
    lines_[i] = static_cast<uint32_t>(std::clamp<long>(line, 1, UINT32_MAX));
    ++size_;
    return 0;
  }

 private:
  size_t slot(uint64_t hash) const {  // Fibonacci hashing: the high bits of the product
    return static_cast<size_t>((hash * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  void grow() {
    std::vector<uint64_t> keys(keys_.empty() ? 1024 : keys_.size() * 2);
    std::vector<uint32_t> lines(keys.size());
    shift_ = 64 - std::countr_zero(keys.size());
    for (size_t k = 0; k < keys_.size(); ++k) {
      if (keys_[k] == 0) continue;
      size_t i = slot(keys_[k]);
      while (keys[i] != 0) i = (i + 1) & (keys.size() - 1);
      keys[i] = keys_[k];
      lines[i] = lines_[k];
    }
    keys_.swap(keys);
    lines_.swap(lines);
  }

  std::vector<uint64_t> keys_;
  std::vector<uint32_t> lines_;
  size_t size_ = 0;
  int shift_ = 64;
};

struct FeatureStoreOptions {
  FeatureLayout layout = FeatureLayout::kPacked;
  /// Rewrite config.json (and so recompute every sample) when it holds another configuration.
  bool force = false;
  /// K names the lock (.lock-K), the index (index-K.jsonl) and the parts (part-K-*.npy).
  Shard shard;
  /// A part is closed before it would pass this many bytes (a single larger row gets a part of
  /// its own).
  uint64_t part_bytes = uint64_t{256} << 20;
  /// Recorded as "made_by" in a config.json this run writes ({"command": [...],
  /// "tinyprep_version": "..."}); null leaves it out. Not part of the configuration.
  Json made_by;
};

/// A sample's .npy written under a temporary name (removed unless committed), waiting for
/// FeatureStore::commit(). (Layout files.)
struct StagedFeature {
  std::unique_ptr<StagedFile> npy;
  std::string file;    ///< final name inside the folder
  std::string sha256;  ///< of the source media
  std::vector<size_t> shape;
};

/// Where a sample's features are in the packed layout.
struct PackedRow {
  std::string part;  ///< part file name inside the folder
  size_t row = 0;
  std::vector<size_t> shape;  ///< the row's shape
};

class FeatureStore {
 public:
  /// Opens (making it when missing) the folder and locks it against a concurrent run of the
  /// same worker K. Writes config.json atomically, or checks the one there: throws Error naming
  /// it when it holds another configuration, unless `force`.
  FeatureStore(const std::string& dir, const FeatureConfig& config,
               const FeatureStoreOptions& options);
  ~FeatureStore();
  FeatureStore(const FeatureStore&) = delete;
  FeatureStore& operator=(const FeatureStore&) = delete;

  const std::string& dir() const { return dir_; }
  /// True when config.json was there with the same configuration.
  bool reused() const { return reused_; }
  FeatureLayout layout() const { return options_.layout; }

  /// The part name of worker `k`, number `seq`: "part-<k>-<seq, six digits or more>.npy".
  static std::string part_name(uint32_t k, uint64_t seq);

  /// The duplicate-id check, called in manifest order from one thread, while no lookup runs:
  /// records that manifest line `line` writes sample `id` (file name `file`); returns the line
  /// that did first, or 0. Keyed by the file name in the files layout (two ids must not write
  /// one file) and by the id in the packed one. A sample the index holds is marked in its
  /// entry, so a re-run adds nothing here.
  long first_use(const std::string& id, const std::string& file, long line);

  // ---- layout files ----

  /// The .npy file name for a sample id: the id made file-safe (letters of any script, digits,
  /// '-', '_', '.'); when that changed it, or it is very long, a short hash of the id is added
  /// so different ids never share a file.
  static std::string file_name(const std::string& id);

  /// The shape of `file` when it holds this configuration's features of content `sha256` and
  /// is still there with the size it was written with; thread-safe (read-only).
  std::optional<std::vector<size_t>> lookup(const std::string& file,
                                            const std::string& sha256) const;

  /// Writes the bytes under a temporary name in the folder (invisible until commit(), removed
  /// when the StagedFeature goes without it); thread-safe. Throws Error naming the file.
  StagedFeature stage(const std::string& file, const std::string& sha256,
                      const std::vector<size_t>& shape, const std::string& bytes);

  /// Makes the staged files durable (one syncfs for the lot, not one fsync each), renames them
  /// into place and records them in the index.
  void commit(std::vector<StagedFeature>& files);

  // ---- layout packed ----

  /// Where the features of sample `id` with content `sha256` are, when the index records them
  /// for this configuration and their part is there, whole, with that row; thread-safe.
  std::optional<PackedRow> lookup_row(const std::string& id, const std::string& sha256) const;

  /// Appends one sample's features (`bytes`: element_count(shape) elements of `dtype`) as the
  /// next row of the open part of its shape, opening a new part when there is none or the row
  /// would take it past the size limit; call in manifest order, from one thread. Returns the
  /// part and row. Throws Error naming the part (disk full, ...).
  PackedRow add_row(const std::string& id, const std::string& sha256, DType dtype,
                    const std::vector<size_t>& shape, std::string_view bytes);

  /// Makes the parts closed so far durable (one syncfs) and renames them into place, their
  /// rows recorded in the index first; call between chunks of samples.
  void checkpoint();

  /// Parts completed (renamed into place) so far by this run.
  long parts_written() const { return parts_written_; }

  /// Completes the open parts, makes the last renames and index lines durable (call once at
  /// the end). Without it (an error, Ctrl-C) the open parts' temporary files are removed.
  void finish();

 private:
  // One line of the indexes, either layout, in a vector sorted by key once they are read (a
  // later line for the same key wins): 32 bytes a line, where hash maps of strings took ~250
  // (files: name, sha256 and shape as heap objects) or ~62 (packed). The key is a 64-bit hash of
  // the file name (files) or of the id (packed); two with one hash only cost a recomputation in
  // the packed layout, and in the files layout would also need the same content (sha8) and a
  // file of the recorded size under the other name.
  struct IndexEntry {
    uint64_t key = 0;
    uint64_t sha8 = 0;   ///< the first 8 bytes of the source sha256
    uint64_t value = 0;  ///< files: the .npy's size; packed: row | part (into part_names_) << 32
    uint32_t shape = 0;  ///< into shapes_; kOwn set when from this worker's index file
    /// While the indexes are read, the line's number over all of them (own file last); then
    /// the manifest line that first used the entry (first_use()), 0 before.
    uint32_t seq = 0;
    static constexpr uint32_t kOwn = 1u << 31;
    bool own() const { return shape & kOwn; }
    uint32_t shape_index() const { return shape & ~kOwn; }
    uint32_t row() const { return static_cast<uint32_t>(value); }
    uint32_t part() const { return static_cast<uint32_t>(value >> 32); }
  };
  struct PartCheck {  // a part named by the index, inspected once
    bool checked = false;
    bool ok = false;
    size_t rows = 0;
    std::vector<size_t> row_shape;
  };
  struct OpenPart;

  void open_config(const FeatureConfig& config);
  void remove_stale_temporaries();
  void load_indexes();
  // Appends the file's entries to entries_; false when it holds lines of the other layout.
  bool load_index(const std::string& name, bool own);
  void compact_own_index(uint64_t own_lines);
  const IndexEntry* find_entry(uint64_t key) const;
  void choose_next_seq();
  void append_index(const std::string& lines);
  void flush_index();
  void close_part(size_t i);
  void sync();

  std::string dir_;
  std::string hash_;
  FeatureStoreOptions options_;
  std::string index_name_;  ///< this worker's index file
  bool reused_ = false;
  struct Fd {  // closed even when the constructor throws
    int fd = -1;
    ~Fd();
  };
  std::optional<FolderLock> lock_;  ///< this worker's lock in the folder
  Fd dir_fd_;                       ///< the folder: looked up and synced through it (no path walks)
  Fd index_fd_;                     ///< this worker's index, opened for appending when first used
  // The indexes' entries (sorted by key; parts and shapes interned).
  std::vector<IndexEntry> entries_;
  uint32_t seq_ = 0;                                   ///< index lines read
  uint32_t own_first_ = 0;                             ///< seq of this worker's index's first line
  std::map<std::vector<size_t>, uint32_t> shape_ids_;  ///< while reading the indexes
  NameTable names_;  ///< first_use() of samples the index does not hold

  // Packed: the parts' checks, the parts open.
  std::vector<std::string> part_names_;
  std::unordered_map<std::string, uint32_t> part_ids_;
  std::vector<std::vector<size_t>> shapes_;
  mutable std::mutex check_mutex_;
  mutable std::vector<PartCheck> part_checks_;
  std::vector<std::unique_ptr<OpenPart>> open_;
  std::vector<std::unique_ptr<StagedFile>> closed_;  ///< complete, waiting for checkpoint()
  std::string pending_index_;  ///< index lines of rows written, not yet appended
  uint64_t next_seq_ = 0;
  uint64_t uses_ = 0;
  long parts_written_ = 0;
};

}  // namespace tinyprep

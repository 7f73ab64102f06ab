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
    uint32_t seq = 0;    ///< the line's number over all index files read (own file last)
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

#pragma once
// The feature folder (FEATDIR): one .npy per sample, config.json (the full parameter set and its
// hash) and index.jsonl (which source content each .npy was computed from), so a re-run skips
// samples whose features exist for the same (sha256, config).
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/staged_file.h"
#include "features/feature_config.h"

namespace tinyprep {

/// A sample's .npy written under a temporary name (removed unless committed), waiting for
/// FeatureStore::commit().
struct StagedFeature {
  std::unique_ptr<StagedFile> npy;
  std::string file;    ///< final name inside the folder
  std::string sha256;  ///< of the source media
  std::vector<size_t> shape;
};

class FeatureStore {
 public:
  /// Opens (making it when missing) the folder and locks it against a concurrent run. Writes
  /// config.json atomically, or checks the one there: throws Error naming it when it holds
  /// another configuration, unless `force` (then the old files are recomputed as needed).
  FeatureStore(const std::string& dir, const FeatureConfig& config, bool force);
  FeatureStore(const FeatureStore&) = delete;
  FeatureStore& operator=(const FeatureStore&) = delete;

  const std::string& dir() const { return dir_; }
  /// True when config.json was there with the same configuration.
  bool reused() const { return reused_; }

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
  /// into place and records them in index.jsonl.
  void commit(std::vector<StagedFeature>& files);
  /// Makes the last renames and index lines durable (call once at the end).
  void finish();

 private:
  struct Entry {
    std::string sha256;
    std::vector<size_t> shape;
    size_t bytes = 0;
  };
  void remove_stale_temporaries();
  void load_index();
  void sync();

  std::string dir_;
  std::string hash_;
  bool reused_ = false;
  struct Fd {  // closed even when the constructor throws
    int fd = -1;
    ~Fd();
  };
  std::optional<FolderLock> lock_;  ///< core's lock on the folder itself
  Fd dir_fd_;                       ///< the folder: looked up and synced through it (no path walks)
  std::unordered_map<std::string, Entry> index_;
};

}  // namespace tinyprep

#pragma once
// One split's TFRecord shards, named as TFDS names them. The shard count is part of every
// name ("-00003-of-00016"), so shards are written under temporary names and given their final
// names only when the split is complete (and renamed by the export once everything is).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/staged_file.h"
#include "export/tfrecord.h"

namespace tinyprep {

struct ShardPlan {
  size_t shards = 0;         ///< --shards N: N shards of (nearly) equal record counts
  uint64_t shard_bytes = 0;  ///< --shard-size: a new shard once this many record bytes are in
  /// With neither: the shard count is chosen at the first record from the split's record count
  /// times that record's size, so shards come out at 128-256 MiB (one for smaller splits).
  static constexpr uint64_t kMaxAutoShardBytes = 256ull << 20;
};

class TfRecordShards {
 public:
  /// `total` records will come (from the manifest scan); they are cut by count into shards.
  /// `worker_tag` (a sharded export's "w00001of00003"): the shards are named
  /// "{name}-{split}.tfrecord-{tag}-{index:05d}" instead of TFDS's names (finalize renames them).
  TfRecordShards(std::string folder, std::string name, std::string split, uint64_t total,
                 ShardPlan plan, int gzip_level, unsigned threads = 0, std::string worker_tag = "");
  /// Writes one serialized Example, starting a new shard when the plan says so. Throws Error
  /// when more than `total` records arrive (the manifest changed during the export).
  void write(std::string_view record);
  /// Closes the last shard and gives every shard its final name (not yet renamed).
  void finish();
  /// The closed shards, for publishing.
  std::vector<std::unique_ptr<StagedFile>>& files() { return files_; }
  const std::vector<uint64_t>& shard_lengths() const { return lengths_; }
  /// Record bytes (without framing) and file bytes of each shard.
  const std::vector<uint64_t>& shard_record_bytes() const { return shard_bytes_; }
  const std::vector<uint64_t>& shard_file_bytes() const { return file_bytes_; }
  uint64_t record_bytes() const { return record_bytes_; }

 private:
  void open_next();
  void close_current();
  uint64_t shard_end(size_t index) const;  // records before the end of shard `index`

  std::string folder_, name_, split_, worker_tag_;
  uint64_t total_;
  ShardPlan plan_;
  int gzip_level_;
  unsigned threads_;
  size_t count_ = 0;  // planned shard count (count mode)
  uint64_t written_ = 0;
  uint64_t record_bytes_ = 0;
  std::unique_ptr<TfRecordWriter> current_;
  std::vector<std::unique_ptr<StagedFile>> files_;
  std::vector<uint64_t> lengths_, shard_bytes_, file_bytes_;
};

}  // namespace tinyprep

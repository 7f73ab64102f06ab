#pragma once
// --shard K/N: worker K of N takes a stable subset of the manifest's lines, chosen by a hash of
// each line's id, so N processes (Slurm array tasks, GNU parallel jobs) together cover every
// line exactly once whatever the order of the lines.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/staged_file.h"

namespace tinyprep {

struct Shard {
  uint32_t index = 0;  ///< K, from 0
  uint32_t count = 1;  ///< N; 1 = the whole manifest

  bool whole() const { return count == 1; }
  /// True when the line with this id belongs to this worker: the first 8 bytes of the id's
  /// SHA-256 (big-endian) modulo N equal K. The same on every machine and for every N.
  bool takes(std::string_view id) const;
  /// "K/N" as given; "" for the whole manifest.
  std::string text() const;
};

/// "K/N" with 0 <= K < N <= 1,000,000 (decimal, no signs or spaces); throws usage_error naming
/// `option` otherwise ("--shard 3/3: K must be below N (workers are numbered 0 to N-1)").
Shard parse_shard(std::string_view text, std::string_view option = "--shard");

/// The lock of one worker of `tinyprep <command> --shard K/N` writing into a folder where the
/// other workers write too: the file .<command>-shard-K-of-N.lock, busy when a second run of the
/// same K starts.
FolderLock::Options shard_folder_lock(std::string_view command, const Shard& shard);

/// Which worker of `count` takes this id.
uint32_t shard_of(std::string_view id, uint32_t count);

}  // namespace tinyprep

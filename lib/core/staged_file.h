#pragma once
// The one way tinyprep writes a file atomically: under a temporary name beside its final name,
// renamed into place only when complete, so that a crash, a kill or an error never leaves a
// truncated file under a final name.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace tinyprep {

/// When the bytes of a StagedFile reach the disk.
enum class Durability {
  kFsync,  ///< close() fsyncs the file
  kBatch,  ///< the owner makes many files durable at once (one syncfs) before committing them
};

struct StagedFileOptions {
  /// False only reserves the temporary name (an empty file) for a library that writes the file
  /// itself (HDF5); close() then only fsyncs what it wrote.
  bool create = true;
  Durability durability = Durability::kFsync;
  size_t buffer_bytes = 1 << 16;  ///< write buffer
};

/// True when `path` exists and is a character device or a FIFO (/dev/null, /dev/stdout, a
/// named pipe), following symbolic links: such a file is written as it is, never replaced.
bool is_stream_file(const std::string& path);

/// One output file under a temporary name in its final folder. The destructor removes the
/// temporary file unless commit() renamed it: cleanup on every way out, with no catch.
/// An existing character device or FIFO (is_stream_file) is the exception: it is opened and
/// written directly (temp_path() is the final path), with no temporary, no fsync, no rename,
/// and nothing is removed; commit() and commit_unless_exists() only flush and close it.
class StagedFile {
 public:
  /// Creates the temporary file (O_EXCL). Throws Error naming `final_path` when the folder is
  /// not writable.
  explicit StagedFile(std::string final_path, StagedFileOptions options = {});
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  /// Appends bytes; throws Error (disk full, I/O) naming the final path.
  void write(std::string_view bytes);
  /// Flushes, fsyncs (Durability::kFsync) and closes; throws Error on failure. Idempotent.
  void close();
  /// Changes the name commit() will give it (shard counts known only at the end).
  void set_final_path(std::string path) {
    if (!direct_) final_path_ = std::move(path);
  }
  /// Closes, then renames the temporary file to the final name (replacing a file there);
  /// throws Error on failure.
  void commit();
  /// Closes, then moves the temporary file to the final name unless a file is there already:
  /// false then (the temporary file is removed by the destructor). Throws Error on failure.
  bool commit_unless_exists();

  const std::string& final_path() const { return final_path_; }
  const std::string& temp_path() const { return temp_path_; }
  /// Bytes written so far.
  uint64_t size() const { return size_; }

 private:
  std::string final_path_;
  std::string temp_path_;
  StagedFileOptions options_;
  FILE* file_ = nullptr;
  std::unique_ptr<char[]> buffer_;  // stdio's own buffer would be one 4 KiB block
  uint64_t size_ = 0;
  bool reserved_ = false;  // an empty file reserves the name for a library (create = false)
  bool committed_ = false;
  bool direct_ = false;  // an existing device or FIFO, written in place
};

/// A unique temporary name beside `path` (same folder, so rename is atomic):
/// "."+name+".tmp-<pid>-<counter>-<salt>".
std::string temp_name_for(const std::string& path);

/// Removes the temporary files that killed runs left in `folder` ("."+name+".tmp-<pid>-..."
/// of a process that no longer runs) when `ours(name)` says the final name is one this
/// run writes; returns how many it removed.
size_t remove_stale_temps(const std::string& folder,
                          bool (*ours)(const std::string& name, const void* context),
                          const void* context);

/// fsyncs a folder so that renames into it survive a power loss; errors are ignored (some
/// file systems refuse to sync folders).
void sync_folder(const std::string& folder);

/// The one lock on a folder that tinyprep writes into: an exclusive flock, released when
/// destroyed or when the process dies. By default on the folder itself (no lock file is left);
/// with `lock_file`, on that file inside the folder (made when missing: a dataset's .lock, which
/// other tools take too).
class FolderLock {
 public:
  enum class Wait {
    kTry,    ///< throw Error(folder, 0, busy) when another process holds the lock
    kBlock,  ///< wait until the lock is free
  };
  struct Options {
    Wait wait = Wait::kTry;
    std::string busy = "another run is writing into this folder";  ///< said with kTry
    std::string lock_file;  ///< a file inside the folder to lock instead of the folder
    std::string lock_file_role = "lock file";  ///< how errors name it ("dataset's lock file")
  };
  /// Locks `folder`, which must exist; throws Error naming the folder (or lock file) when it
  /// cannot be opened or locked.
  FolderLock(const std::string& folder, Options options);
  /// Tries to lock the folder itself; throws Error(folder, 0, busy) when another process holds
  /// the lock.
  FolderLock(const std::string& folder, const std::string& busy);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
#ifdef _WIN32
  void* handle_ = nullptr;
#else
  int fd_ = -1;
#endif
};

}  // namespace tinyprep

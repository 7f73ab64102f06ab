#pragma once
// Files written under a temporary name beside their final name and renamed into place only
// when every file of an export is complete, so a killed run leaves nothing under a final name.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace tinyprep {

/// One output file under a temporary name in its final folder. The destructor removes the
/// temporary file unless publish() renamed it.
class StagedFile {
 public:
  /// Creates the temporary file (O_EXCL) when `open` is true; with `open` false it only
  /// reserves the temporary name for a library that creates the file itself (HDF5).
  /// Throws Error naming `final_path` when the folder is not writable.
  explicit StagedFile(std::string final_path, bool open = true);
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  /// Appends bytes; throws Error (disk full, I/O) naming the final path.
  void write(std::string_view bytes);
  /// Flushes, fsyncs and closes; throws Error on failure. Idempotent.
  void close();
  /// Changes the name publish() will give it (shard counts known only at the end).
  void set_final_path(std::string path) { final_path_ = std::move(path); }
  /// Renames the (closed) temporary file to the final name; throws Error on failure.
  void publish();

  const std::string& final_path() const { return final_path_; }
  const std::string& temp_path() const { return temp_path_; }
  /// Bytes written so far.
  uint64_t size() const { return size_; }

 private:
  std::string final_path_;
  std::string temp_path_;
  FILE* file_ = nullptr;
  std::unique_ptr<char[]> buffer_;  // stdio's own buffer would be one 4 KiB block
  uint64_t size_ = 0;
  bool published_ = false;
};

/// Removes the temporary files that killed runs left in `folder` ("."+name+".tmp-<pid>-..."
/// of a process that no longer runs) when `ours(name)` says the final name is one this
/// export writes; returns how many it removed.
size_t remove_stale_temps(const std::string& folder,
                          bool (*ours)(const std::string& name, const void* context),
                          const void* context);

/// An exclusive lock on a folder (flock on the folder itself, so no lock file is left),
/// released when destroyed or when the process dies.
class FolderLock {
 public:
  /// Throws Error(folder, 0, busy) when another process holds the lock.
  FolderLock(const std::string& folder, const std::string& busy);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

/// fsyncs a folder so that renames into it survive a power loss; errors are ignored (some
/// file systems refuse to sync folders).
void sync_folder(const std::string& folder);

}  // namespace tinyprep

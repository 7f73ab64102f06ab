#include "export/staged_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "core/io.h"

namespace tinyprep {

StagedFile::StagedFile(std::string final_path, bool open)
    : final_path_(std::move(final_path)), temp_path_(temp_name_for(final_path_)) {
  int fd = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(final_path_, 0, std::string("cannot write: ") + std::strerror(errno));
  if (!open) {
    // The name is held by an empty file until the library replaces it.
    ::close(fd);
    return;
  }
  file_ = fdopen(fd, "wb");
  if (!file_) {
    int err = errno;
    ::close(fd);
    ::unlink(temp_path_.c_str());
    throw Error(final_path_, 0, std::string("cannot write: ") + std::strerror(err));
  }
  constexpr size_t kBufferSize = 1 << 20;
  buffer_ = std::make_unique_for_overwrite<char[]>(kBufferSize);  // no 1 MiB memset
  std::setvbuf(file_, buffer_.get(), _IOFBF, kBufferSize);
}

StagedFile::~StagedFile() {
  if (file_) std::fclose(file_);
  if (!published_) ::unlink(temp_path_.c_str());
}

void StagedFile::write(std::string_view bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
    throw Error(final_path_, 0, std::string("cannot write: ") + std::strerror(errno));
  size_ += bytes.size();
}

void StagedFile::close() {
  if (!file_) return;
  FILE* f = file_;
  file_ = nullptr;
  bool ok = std::fflush(f) == 0 && fsync(fileno(f)) == 0;
  int err = errno;
  if (std::fclose(f) != 0 && ok) ok = false, err = errno;
  if (!ok) throw Error(final_path_, 0, std::string("cannot write: ") + std::strerror(err));
}

void StagedFile::publish() {
  close();
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0)
    throw Error(final_path_, 0, std::string("cannot rename into place: ") + std::strerror(errno));
  published_ = true;
}

size_t remove_stale_temps(const std::string& folder,
                          bool (*ours)(const std::string& name, const void* context),
                          const void* context) {
  size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder.empty() ? "." : folder, ec)) {
    std::string file = entry.path().filename().string();
    size_t at = file.rfind(".tmp-");
    if (file.empty() || file[0] != '.' || at == std::string::npos || at < 2) continue;
    long pid = std::atol(file.c_str() + at + 5);
    // Only a process that no longer exists (ESRCH) left it for good.
    if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    if (!ours(file.substr(1, at - 1), context)) continue;
    if (std::filesystem::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

FolderLock::FolderLock(const std::string& folder, const std::string& busy) {
  fd_ = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) throw Error(folder, 0, std::string("cannot open: ") + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd_);
    if (err == EWOULDBLOCK) throw Error(folder, 0, busy);
    throw Error(folder, 0, std::string("cannot lock: ") + std::strerror(err));
  }
}

FolderLock::~FolderLock() {
  ::close(fd_);  // releases the lock
}

void sync_folder(const std::string& folder) {
  int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)fsync(fd);
  ::close(fd);
}

}  // namespace tinyprep

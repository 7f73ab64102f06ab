#include "core/staged_file.h"

#ifdef _WIN32
#include <windows.h>
#endif
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

#include "core/error.h"

namespace tinyprep {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void fail(const std::string& path, const char* what, int err) {
  throw Error(path, 0, std::string(what) + ": " + std::strerror(err));
}

}  // namespace

std::string temp_name_for(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  // Tells apart processes of the same pid (containers sharing a folder); drawn once, since a
  // std::random_device per name costs more than writing a small file.
  static const unsigned salt = std::random_device{}() % 100000;
  fs::path p(path);
  std::string name = "." + p.filename().string() + ".tmp-" + std::to_string(getpid()) + "-" +
                     std::to_string(counter++) + "-" + std::to_string(salt);
  return (p.parent_path() / name).string();
}

bool is_stream_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode));
}

StagedFile::StagedFile(std::string final_path, StagedFileOptions options)
    : final_path_(std::move(final_path)), options_(options) {
  // A device or FIFO is written as it is: a temporary beside /dev/null renamed over it would
  // replace the device with a regular file.
  direct_ = is_stream_file(final_path_);
  temp_path_ = direct_ ? final_path_ : temp_name_for(final_path_);
  if (direct_ && !options_.create) return;  // the library opens the device itself
  int fd = direct_ ? ::open(final_path_.c_str(), O_WRONLY | O_CLOEXEC)
                   : ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) fail(final_path_, "cannot write", errno);
  if (!options_.create) {
    // The name is held by an empty file until the library replaces it.
    ::close(fd);
    reserved_ = true;
    return;
  }
  file_ = fdopen(fd, "wb");
  if (!file_) {
    int err = errno;
    ::close(fd);
    if (!direct_) ::unlink(temp_path_.c_str());
    fail(final_path_, "cannot write", err);
  }
  buffer_ = std::make_unique_for_overwrite<char[]>(options_.buffer_bytes);  // no memset
  std::setvbuf(file_, buffer_.get(), _IOFBF, options_.buffer_bytes);
}

StagedFile::~StagedFile() {
  if (file_) std::fclose(file_);
  if (!committed_ && !direct_) ::unlink(temp_path_.c_str());
}

void StagedFile::write(std::string_view bytes) {
  if (bytes.empty()) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
    fail(final_path_, "cannot write", errno);
  size_ += bytes.size();
}

void StagedFile::close() {
  const bool sync = !direct_ && options_.durability == Durability::kFsync;
  if (reserved_) {
    // The library wrote through its own descriptor: sync what it wrote.
    reserved_ = false;
    if (!sync) return;
    int fd = ::open(temp_path_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) fail(final_path_, "cannot write", errno);
    int err = ::fsync(fd) == 0 ? 0 : errno;
    ::close(fd);
    if (err) fail(final_path_, "cannot write", err);
    return;
  }
  if (!file_) return;
  FILE* f = file_;
  file_ = nullptr;
  bool ok = std::fflush(f) == 0 && (!sync || fsync(fileno(f)) == 0);
  int err = errno;
  if (std::fclose(f) != 0 && ok) ok = false, err = errno;
  if (!ok) fail(final_path_, "cannot write", err);
}

void StagedFile::commit() {
  close();
  if (direct_) {
    committed_ = true;
    return;
  }
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0)
    fail(final_path_, "cannot rename into place", errno);
  committed_ = true;
}

bool StagedFile::commit_unless_exists() {
  close();
  if (direct_) {
    committed_ = true;
    return true;
  }
  // A hard link is made only where no file is: the final name is never replaced.
  if (::link(temp_path_.c_str(), final_path_.c_str()) != 0) {
    if (errno == EEXIST) return false;
    fail(final_path_, "cannot move into place", errno);
  }
  ::unlink(temp_path_.c_str());
  committed_ = true;
  return true;
}

size_t remove_stale_temps(const std::string& folder,
                          bool (*ours)(const std::string& name, const void* context),
                          const void* context) {
  size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder.empty() ? "." : folder, ec)) {
    std::string file = entry.path().filename().string();
    size_t at = file.rfind(".tmp-");
    if (file.empty() || file[0] != '.' || at == std::string::npos || at < 2) continue;
    long pid = std::atol(file.c_str() + at + 5);
    // Only a process that no longer exists (ESRCH) left it for good.
    if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    if (!ours(file.substr(1, at - 1), context)) continue;
    if (fs::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

void sync_folder(const std::string& folder) {
  int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)fsync(fd);
  ::close(fd);
}

#ifdef _WIN32
FolderLock::FolderLock(const std::string& folder, Options o) {
  // A folder cannot be locked on Windows: a lock file it must be.
  const std::string name = o.lock_file.empty() ? std::string(".lock") : o.lock_file;
  const std::string file = (fs::path(folder.empty() ? "." : folder) / name).string();
  HANDLE h = CreateFileA(file.c_str(), GENERIC_READ | GENERIC_WRITE,
                         FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                         OPEN_ALWAYS, FILE_ATTRIBUTE_HIDDEN, nullptr);
  if (h == INVALID_HANDLE_VALUE)
    throw Error(
        file, 0,
        "cannot open the " + o.lock_file_role + " (error " + std::to_string(GetLastError()) + ")");
  OVERLAPPED at{};
  DWORD flags = LOCKFILE_EXCLUSIVE_LOCK;
  if (o.wait == Wait::kTry) flags |= LOCKFILE_FAIL_IMMEDIATELY;
  if (!LockFileEx(h, flags, 0, 1, 0, &at)) {
    DWORD err = GetLastError();
    CloseHandle(h);
    if (o.wait == Wait::kTry && err == ERROR_LOCK_VIOLATION) throw Error(folder, 0, o.busy);
    throw Error(file, 0, "cannot lock (error " + std::to_string(err) + ")");
  }
  handle_ = h;
}

FolderLock::~FolderLock() {
  OVERLAPPED at{};
  UnlockFileEx(static_cast<HANDLE>(handle_), 0, 1, 0, &at);
  CloseHandle(static_cast<HANDLE>(handle_));
}
#else
FolderLock::FolderLock(const std::string& folder, Options o) {
  std::string path = folder;  // what errors name
  if (o.lock_file.empty()) {
    fd_ = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) fail(folder, "cannot open", errno);
  } else {
    path = (fs::path(folder.empty() ? "." : folder) / o.lock_file).string();
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd_ < 0 && (errno == EROFS || errno == EACCES))
      fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);  // flock needs no write
    if (fd_ < 0) fail(path, ("cannot make the " + o.lock_file_role).c_str(), errno);
  }
  const int op = LOCK_EX | (o.wait == Wait::kTry ? LOCK_NB : 0);
  while (::flock(fd_, op) != 0) {
    const int err = errno;
    if (err == EINTR) continue;
    ::close(fd_);
    if (err == EWOULDBLOCK && o.wait == Wait::kTry) throw Error(folder, 0, o.busy);
    fail(path, "cannot lock", err);
  }
}

FolderLock::~FolderLock() {
  ::close(fd_);  // releases the lock
}
#endif

FolderLock::FolderLock(const std::string& folder, const std::string& busy)
    : FolderLock(folder, [&] {
        Options o;
        o.busy = busy;
        return o;
      }()) {}

}  // namespace tinyprep

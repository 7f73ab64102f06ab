#include "export/staged_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
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
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
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

void sync_folder(const std::string& folder) {
  int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)fsync(fd);
  ::close(fd);
}

}  // namespace tinyprep

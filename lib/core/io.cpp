#include "core/io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "core/error.h"

namespace tinyprep {
namespace fs = std::filesystem;

namespace {
std::string errno_text(int err) {
  return std::strerror(err);
}

[[noreturn]] void throw_write_error(const std::string& path, int err) {
  if (err == EPIPE) throw BrokenPipe();
  throw Error(path, 0, "cannot write: " + errno_text(err));
}
}  // namespace

std::string display_name(std::string_view name, bool output) {
  if (is_stdio(name)) return output ? "<stdout>" : "<stdin>";
  return std::string(name);
}

LineReader::LineReader(const std::string& name) : name_(display_name(name)) {
  if (is_stdio(name)) {
    file_ = stdin;
    return;
  }
  std::error_code ec;
  if (fs::is_directory(name, ec)) throw Error(name, 0, "is a folder, not a file");
  file_ = std::fopen(name.c_str(), "rb");
  if (!file_) throw Error(name, 0, "cannot open: " + errno_text(errno));
}

LineReader::~LineReader() {
  if (file_ && file_ != stdin) std::fclose(file_);
  std::free(buf_);
}

bool LineReader::next(std::string& line) {
  errno = 0;
  ssize_t n = getline(&buf_, &cap_, file_);
  if (n < 0) {
    if (std::ferror(file_)) throw Error(name_, line_ + 1, "cannot read: " + errno_text(errno));
    return false;
  }
  ++line_;
  while (n > 0 && (buf_[n - 1] == '\n' || buf_[n - 1] == '\r')) --n;
  line.assign(buf_, static_cast<size_t>(n));
  return true;
}

bool TextLines::next(std::string_view& line) {
  if (pos_ >= text_.size()) return false;
  const size_t nl = text_.find('\n', pos_);
  const size_t end = nl == std::string_view::npos ? text_.size() : nl;
  line = text_.substr(pos_, end - pos_);
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
  ++line_;
  return true;
}

Output::Output(const std::string& path, bool force) : path_(display_name(path, true)) {
  if (is_stdio(path)) return;
  std::error_code ec;
  // A device or FIFO (/dev/null, a named pipe) is written as it is, not replaced.
  if (fs::exists(path, ec) && !force && !is_stream_file(path))
    throw Error(path, 0, "already exists (use --force to replace it)");
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec))
    throw Error(path, 0, "cannot write: folder " + parent.string() + " does not exist");
  file_ = std::make_unique<StagedFile>(path);
}

Output::~Output() = default;

void Output::write(std::string_view bytes) {
  if (bytes.empty()) return;
  if (file_) {
    file_->write(bytes);
  } else if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size()) {
    throw_write_error(path_, errno);
  }
  size_ += bytes.size();
}

void Output::commit() {
  if (committed_) return;
  if (file_)
    file_->commit();
  else if (std::fflush(stdout) != 0)
    throw_write_error(path_, errno);
  committed_ = true;
}

std::optional<std::string_view> read_small_file_into(const std::string& path, std::string& bytes,
                                                     size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(path, 0, std::string("cannot open: ") + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw Error(path, 0, S_ISDIR(st.st_mode) ? "is a folder, not a file" : "cannot read");
  }
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return std::nullopt;
  }
  // A regular file is read up to the size it had when opened (one read(), no second one to see
  // the end: a file still growing is read as it was). Anything else (a pipe, /proc, a size
  // of 0) is read to its end, growing the buffer.
  const bool sized = S_ISREG(st.st_mode) && st.st_size > 0;
  const size_t want = static_cast<size_t>(st.st_size) + (sized ? 0 : 1);
  if (bytes.size() < want) bytes.resize(want);
  size_t done = 0;
  for (;;) {
    if (sized && done == want) break;
    if (done == bytes.size()) bytes.resize(bytes.size() * 2);
    ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      throw Error(path, 0, std::string("cannot read: ") + std::strerror(err));
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return std::string_view(bytes.data(), done);
}

std::string_view read_file_into(const std::string& path, std::string& bytes) {
  return *read_small_file_into(path, bytes, SIZE_MAX);
}

std::string read_file(const std::string& path) {
  std::string bytes;
  bytes.resize(read_file_into(path, bytes).size());
  return bytes;
}

void write_file_atomic(const std::string& path, std::string_view bytes, bool force) {
  Output out(path, force);
  out.write(bytes);
  out.commit();
}

void finish_stdout() {
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) throw_write_error("<stdout>", errno);
}

}  // namespace tinyprep

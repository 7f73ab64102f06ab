#include "array/npy_rows.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

#include "core/error.h"

namespace tinyprep {
namespace {

// Enough for any header tinyprep or NumPy writes for the shapes of features.
constexpr size_t kHeaderProbe = 4096;
// Open parts kept at once; an export walks parts in order, so a small cache suffices.
constexpr size_t kMaxOpenParts = 64;

struct Part {
  int fd = -1;
  NpyPartInfo info;
  ~Part() {
    if (fd >= 0) ::close(fd);
  }
};

std::string errno_text() {
  return std::strerror(errno);
}

size_t pread_full(int fd, char* out, size_t n, size_t offset) {
  size_t done = 0;
  while (done < n) {
    ssize_t got = ::pread(fd, out + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return static_cast<size_t>(-1);
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  return done;
}

std::unique_ptr<Part> open_part(const std::string& path) {
  auto part = std::make_unique<Part>();
  part->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (part->fd < 0) throw Error(path, 0, "cannot open: " + errno_text());
  struct stat st;
  if (::fstat(part->fd, &st) != 0) throw Error(path, 0, "cannot stat: " + errno_text());
  std::string head(kHeaderProbe, '\0');
  size_t got = pread_full(part->fd, head.data(), head.size(), 0);
  if (got == static_cast<size_t>(-1)) throw Error(path, 0, "cannot read: " + errno_text());
  head.resize(got);
  NpyPartInfo& info = part->info;
  info.header = decode_npy_header(path, head);
  if (info.header.shape.empty()) throw Error(path, 0, "a 0-d array has no rows");
  info.rows = info.header.shape[0];
  info.row_bytes = info.rows ? info.header.data_bytes / info.rows : 0;
  const size_t size = static_cast<size_t>(st.st_size);
  const size_t have = size > info.header.data_offset ? size - info.header.data_offset : 0;
  if (info.row_bytes == 0) {
    info.complete_rows = info.rows;
  } else {
    info.complete_rows = std::min(info.rows, have / info.row_bytes);
  }
  info.extra_bytes = have > info.header.data_bytes ? have - info.header.data_bytes : 0;
  return part;
}

std::mutex cache_mutex;
std::map<std::string, std::shared_ptr<Part>> cache;

std::shared_ptr<Part> cached_part(const std::string& path) {
  {
    std::lock_guard<std::mutex> lock(cache_mutex);
    auto it = cache.find(path);
    if (it != cache.end()) return it->second;
  }
  std::shared_ptr<Part> part = open_part(path);
  std::lock_guard<std::mutex> lock(cache_mutex);
  if (cache.size() >= kMaxOpenParts) cache.clear();  // readers still holding one keep it open
  return cache.emplace(path, part).first->second;
}

}  // namespace

NpyPartInfo inspect_npy_part(const std::string& path) {
  return open_part(path)->info;
}

NpyArray read_npy_row(const std::string& path, size_t row) {
  NpyArray a;
  read_npy_row_into(path, row, a);
  return a;
}

void read_npy_row_into(const std::string& path, size_t row, NpyArray& a) {
  std::shared_ptr<Part> part = cached_part(path);
  const NpyPartInfo& info = part->info;
  if (row >= info.rows)
    throw Error(path, 0,
                "has " + std::to_string(info.rows) + " rows (shape " +
                    shape_text(info.header.shape) + "), no row " + std::to_string(row));
  if (row >= info.complete_rows)
    throw Error(
        path, 0,
        "truncated: data for " + std::to_string(info.complete_rows) + " of " +
            std::to_string(info.rows) + " rows, " +
            (info.rows - info.complete_rows == 1 ? "row " + std::to_string(info.complete_rows)
                                                 : "rows " + std::to_string(info.complete_rows) +
                                                       " to " + std::to_string(info.rows - 1)) +
            " missing");
  a.dtype = info.header.dtype;
  a.shape.assign(info.header.shape.begin() + 1, info.header.shape.end());
  a.data.resize(info.row_bytes);
  size_t got = pread_full(part->fd, a.data.data(), info.row_bytes,
                          info.header.data_offset + row * info.row_bytes);
  if (got == static_cast<size_t>(-1)) throw Error(path, 0, "cannot read: " + errno_text());
  if (got != info.row_bytes)  // cut short after its header was read
    throw Error(path, 0, "truncated: row " + std::to_string(row) + " is missing");
}

void forget_npy_parts() {
  std::lock_guard<std::mutex> lock(cache_mutex);
  cache.clear();
}

}  // namespace tinyprep

#include "core/stdio_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <string>
#include <system_error>

#include "core/io.h"

namespace tinyprep {
namespace fs = std::filesystem;

std::optional<fs::path> regular_file_of_fd(int fd) {
#ifdef _WIN32
  (void)fd;
  return std::nullopt;
#else
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  fs::path path;
#if defined(__APPLE__)
  char buf[PATH_MAX];
  if (::fcntl(fd, F_GETPATH, buf) == -1) return std::nullopt;
  path = buf;
#else
  std::error_code ec;
  path = fs::read_symlink("/proc/self/fd/" + std::to_string(fd), ec);
  if (ec) return std::nullopt;
#endif
  // The name must still be this file: not "/x/m.jsonl (deleted)", nor one renamed over since.
  struct stat named;
  if (!path.is_absolute() || ::stat(path.c_str(), &named) != 0 || named.st_dev != st.st_dev ||
      named.st_ino != st.st_ino)
    return std::nullopt;
  return path.lexically_normal();
#endif
}

std::optional<fs::path> stdout_file(std::string_view name) {
  if (!is_stdio(name)) return std::nullopt;
  return regular_file_of_fd(STDOUT_FILENO);
}

}  // namespace tinyprep

#include "core/stdio_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

namespace fs = std::filesystem;
using namespace tinyprep;

TEST_CASE("regular_file_of_fd names a regular file, nothing else") {
  fs::path dir = fs::temp_directory_path() / ("tinyprep-stdio-" + std::to_string(::getpid()));
  fs::create_directories(dir / "sub");
  fs::path file = fs::canonical(dir) / "sub" / "m.jsonl";
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  REQUIRE(fd >= 0);
#if defined(__linux__) || defined(__APPLE__)
  CHECK(regular_file_of_fd(fd) == file);
#endif
  // Deleted while open: its name is gone, so there is none.
  fs::remove(file);
  CHECK_FALSE(regular_file_of_fd(fd));
  ::close(fd);

  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  CHECK_FALSE(regular_file_of_fd(pipe_fds[1]));
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);

  if (fs::is_character_file("/dev/null")) {  // a regular file in some sandboxes
    int null_fd = ::open("/dev/null", O_WRONLY);
    CHECK_FALSE(regular_file_of_fd(null_fd));
    ::close(null_fd);
  }
  CHECK_FALSE(regular_file_of_fd(-1));
  fs::remove_all(dir);
}

TEST_CASE("stdout_file is only asked of \"-\"") {
  CHECK_FALSE(stdout_file("out.jsonl"));
}

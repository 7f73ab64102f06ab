// The file I/O of `tinyprep features`, and nothing else: for every clip of a manifest-less
// folder, read the whole file, then write a .npy-sized file under a temporary name; one
// syncfs; rename them all into place. What is left of the features step once the computing,
// the JSON and the bookkeeping are taken away: a floor no implementation that writes one file
// per sample gets under.
//
// With `packed` after BYTES, the floor of the packed layout instead: the BYTES of every clip
// appended to one file written under a temporary name, one fsync, one rename.
//
//   g++ -O2 -std=c++20 bench/io_floor.cpp -o io_floor
//   ./io_floor CLIPS_DIR OUT_DIR [BYTES [packed]]
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: io_floor CLIPS_DIR OUT_DIR [BYTES]\n");
    return 2;
  }
  const size_t bytes = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 7968;  // 49x40 float32
  const bool packed = argc > 4 && std::string(argv[4]) == "packed";
  std::vector<std::string> clips;
  for (const auto& e : std::filesystem::recursive_directory_iterator(argv[1]))
    if (e.is_regular_file()) clips.push_back(e.path().string());
  std::filesystem::create_directories(argv[2]);
  int dir = ::open(argv[2], O_RDONLY | O_DIRECTORY);
  std::vector<char> in(1 << 20), out(bytes, 1);
  std::vector<std::string> names;
  if (packed) {
    int part = ::openat(dir, ".part-0.npy.tmp", O_WRONLY | O_CREAT | O_EXCL, 0644);
    for (const std::string& clip : clips) {
      int fd = ::open(clip.c_str(), O_RDONLY);
      while (::read(fd, in.data(), in.size()) > 0) {
      }
      ::close(fd);
      if (part < 0 || ::write(part, out.data(), out.size()) != static_cast<ssize_t>(out.size())) {
        std::perror(".part-0.npy.tmp");
        return 1;
      }
    }
    ::fsync(part);
    ::close(part);
    ::renameat(dir, ".part-0.npy.tmp", dir, "part-0.npy");
    ::close(dir);
    return 0;
  }
  for (size_t i = 0; i < clips.size(); ++i) {
    int fd = ::open(clips[i].c_str(), O_RDONLY);
    while (::read(fd, in.data(), in.size()) > 0) {
    }
    ::close(fd);
    std::string name = std::to_string(i) + ".npy";
    std::string temp = "." + name + ".tmp";
    fd = ::openat(dir, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0 || ::write(fd, out.data(), out.size()) != static_cast<ssize_t>(out.size())) {
      std::perror(temp.c_str());
      return 1;
    }
    ::close(fd);
    names.push_back(name);
  }
  ::syncfs(dir);
  for (const auto& name : names) ::renameat(dir, ("." + name + ".tmp").c_str(), dir, name.c_str());
  ::close(dir);
  return 0;
}

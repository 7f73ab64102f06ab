#include "features/features.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <string>

#include "core/error.h"
#include "core/io.h"
#include "core/testing.h"
#include "features/feature_options.h"

namespace tinyprep {
namespace fs = std::filesystem;
using tinyprep::testing::TempDir;

namespace {

// stderr (fd 2) into a file while it lives.
struct StderrToFile {
  explicit StderrToFile(const std::string& path) {
    std::fflush(stderr);
    saved = ::dup(2);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ::dup2(fd, 2);
    ::close(fd);
  }
  ~StderrToFile() {
    std::fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
  }
  int saved = -1;
};

}  // namespace

TEST_CASE("a duplicate id names the line it was first on, among many lines", "[features]") {
  // Lines whose clips are missing fail one by one; a duplicate fails as such, naming the first
  // line, whatever the number of lines before it (the table of names grows on the way).
  TempDir dir;
  const std::string manifest = (dir.path / "m.jsonl").string();
  std::string text;
  const int n = 5000;
  for (int i = 0; i < n; ++i)
    text += "{\"id\":\"s" + std::to_string(i) + "\",\"path\":\"missing/" + std::to_string(i) +
            ".wav\",\"label\":\"a\"}\n";
  text += "{\"id\":\"s1234\",\"path\":\"missing/x.wav\",\"label\":\"a\"}\n";
  text += "{\"id\":\"s4999\",\"path\":\"missing/y.wav\",\"label\":\"a\"}\n";
  write_file_atomic(manifest, text, true);
  FeaturesOptions o;
  o.input = manifest;
  o.featdir = (dir.path / "feats").string();
  o.output = (dir.path / "out.jsonl").string();
  o.jobs = 1;
  o.config = feature_config_from_options("logmel", 16000, 1000, "start", {});
  const std::string err_path = (dir.path / "err.txt").string();
  FeaturesResult r;
  {
    StderrToFile to(err_path);
    r = run_features(o);
  }
  const std::string err = read_file(err_path);
  INFO(err.substr(err.size() > 2000 ? err.size() - 2000 : 0));
  CHECK(r.failed == n + 2);
  CHECK(err.find("m.jsonl:5001: duplicate id 's1234' (also on line 1235)") != std::string::npos);
  CHECK(err.find("m.jsonl:5002: duplicate id 's4999' (also on line 5000)") != std::string::npos);
}

}  // namespace tinyprep

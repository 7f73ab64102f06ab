// Every seed (tests/fuzz/corpus/<target>/) and every input a fuzzer once broke
// (tests/fuzz/regressions/<target>/) through the same check the fuzz target runs, in the normal
// test suite and without libFuzzer.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "checks.h"

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("fuzz corpus and regressions pass their checks") {
  const fs::path root = fs::path(TINYPREP_SOURCE_DIR) / "tests" / "fuzz";
  for (const auto& target : tinyprep::fuzz::targets()) {
    long files = 0;
    for (const char* kind : {"corpus", "regressions"}) {
      const fs::path dir = root / kind / target.name;
      if (!fs::is_directory(dir)) continue;
      for (const auto& entry : fs::directory_iterator(dir)) {
        if (!entry.is_regular_file() || entry.path().filename().string()[0] == '.') continue;
        ++files;
        const std::string bytes = slurp(entry.path());
        INFO(entry.path().string());
        try {
          target.check(bytes);
        } catch (const tinyprep::fuzz::Divergence& e) {
          FAIL(e.what());
        }
      }
    }
    INFO(target.name);
    CHECK(files > 0);  // every target has seeds
  }
}

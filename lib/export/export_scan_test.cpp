#include "export/export_scan.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "core/error.h"
#include "core/testing.h"

using namespace tinyprep;
using tinyprep::testing::TempDir;

TEST_CASE("the first pass keeps every sample of a manifest up to the limit, else none") {
  TempDir dir;
  const size_t limit = 8;
  for (size_t n : {limit - 1, limit, limit + 1, limit + 2, limit + 3, 5 * limit}) {
    std::string file = (dir.path / ("m" + std::to_string(n) + ".jsonl")).string();
    {
      std::ofstream out(file);
      for (size_t i = 0; i < n; ++i) out << "{\"id\":\"s" << i << "\",\"split\":\"train\"}\n";
    }
    ManifestReader reader(file);
    std::vector<Sample> kept;
    ManifestScan scan = scan_manifest(reader, "", &kept, limit);
    CHECK(scan.lines == n);
    CHECK(kept.size() == (n <= limit ? n : 0));
  }
}

TEST_CASE("a split that would leave the output folder is refused, naming its line") {
  TempDir dir;
  std::string file = (dir.path / "m.jsonl").string();
  std::ofstream(file) << "{\"id\":\"a\",\"split\":\"train\"}\n{\"id\":\"b\",\"split\":\"../x\"}\n";
  ManifestReader reader(file);
  try {
    scan_manifest(reader, "");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.located() == file + ":2: split '../x' contains '/'");
  }
}

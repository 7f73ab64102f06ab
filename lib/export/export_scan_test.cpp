#include "export/export_scan.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "core/error.h"
#include "core/testing.h"

using namespace tinyprep;
using tinyprep::testing::TempDir;

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

#include "core/staged_file.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "core/error.h"
#include "core/io.h"
#include "core/testing.h"

using namespace tinyprep;
using tinyprep::testing::TempDir;
namespace fs = std::filesystem;

TEST_CASE("a staged file is removed unless committed, and committed under its final name") {
  TempDir dir("staged_file");
  std::string path = (dir.path / "x.bin").string();
  {
    StagedFile f(path);
    f.write("half");
    CHECK(fs::exists(f.temp_path()));
    CHECK(fs::path(f.temp_path()).filename().string().starts_with(".x.bin.tmp-"));
  }  // destroyed without commit: as after an error or an interrupt
  CHECK(fs::is_empty(dir.path));
  {
    StagedFile f(path);
    f.write("abc");
    f.close();
    f.set_final_path((dir.path / "y").string());
    f.commit();
    CHECK(f.size() == 3);
  }
  CHECK(read_file((dir.path / "y").string()) == "abc");
  CHECK_THROWS_WITH(StagedFile((dir.path / "no/such/folder/f").string()),
                    Catch::Contains("cannot write"));
}

TEST_CASE("commit_unless_exists never replaces a file") {
  TempDir dir("staged_file");
  std::string path = (dir.path / "x").string();
  {
    StagedFile f(path);
    f.write("first");
    CHECK(f.commit_unless_exists());
  }
  {
    StagedFile f(path, {.durability = Durability::kBatch});
    f.write("second");
    CHECK_FALSE(f.commit_unless_exists());
  }
  CHECK(read_file(path) == "first");
  CHECK(std::distance(fs::directory_iterator(dir.path), {}) == 1);  // no temporary left
}

TEST_CASE("a reserved name is held by an empty file until committed") {
  TempDir dir("staged_file");
  std::string path = (dir.path / "x.h5").string();
  {
    StagedFile f(path, {.create = false});
    CHECK(fs::file_size(f.temp_path()) == 0);
  }
  CHECK(fs::is_empty(dir.path));
  StagedFile f(path, {.create = false});
  write_file_atomic(f.temp_path(), "written by a library");
  f.close();
  f.commit();
  CHECK(read_file(path) == "written by a library");
}

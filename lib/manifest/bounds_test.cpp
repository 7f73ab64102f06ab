// Limits on what a manifest may make a command do: names in file names, media outside the
// dataset, nesting depth, and how errors quote input.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/testing.h"
#include "manifest/dataset.h"
#include "manifest/manifest.h"

using namespace tinyprep;
using tinyprep::testing::TempDir;
namespace fs = std::filesystem;

TEST_CASE("names that become part of file names are checked in one place") {
  CHECK_NOTHROW(check_file_name_part("digits", "dataset name", "d.json"));
  CHECK_NOTHROW(check_file_name_part("v1..2", "dataset name", "d.json"));
  CHECK_THROWS_WITH(check_file_name_part("../PWNED", "dataset name", "d.json"),
                    "dataset name '../PWNED' contains '/'");
  CHECK_THROWS_WITH(check_file_name_part("a\\b", "split", "m", 3), "split 'a\\b' contains '\\'");
  CHECK_THROWS_WITH(check_file_name_part("..", "--name", ""), "--name '..' is not allowed");
  CHECK_THROWS_WITH(check_file_name_part("", "split", ""), "empty split");
  CHECK_THROWS_WITH(check_label("a/b", "x"), "label 'a/b' contains '/'");
}

TEST_CASE("nesting deeper than kMaxJsonDepth is refused before parsing") {
  std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  CHECK_NOTHROW(check_json_depth(ok, "m", 1));
  CHECK_THROWS_WITH(check_json_depth("[" + ok + "]", "m", 1),
                    "arrays and objects nested more than 512 levels deep");
  // Brackets inside strings do not count.
  CHECK_NOTHROW(check_json_depth("{\"a\":\"" + std::string(1000, '[') + "\\\"\"}", "m", 1));

  TempDir dir;
  std::ofstream(dir.path / "m.jsonl")
      << "{\"id\":\"a\"}\n{\"id\":\"b\",\"x\":" + std::string(100000, '[') +
             std::string(100000, ']') + "}\n";
  ManifestReader reader((dir.path / "m.jsonl").string());
  Sample s;
  CHECK(reader.next(s));
  try {
    reader.next(s);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.line() == 2);
    CHECK(std::string(e.what()) == "arrays and objects nested more than 512 levels deep");
  }
}

TEST_CASE("media of a dataset must stay inside its folder, symbolic links followed") {
  TempDir dir;
  fs::path ds = dir.path / "ds";
  fs::create_directories(ds / "data" / "a");
  fs::create_directories(dir.path / "outside");
  std::ofstream(ds / "dataset.json") << "{}";
  std::ofstream(ds / "data" / "a" / "x.wav") << "x";
  std::ofstream(dir.path / "outside" / "y.wav") << "y";
  fs::create_symlink(dir.path / "outside", ds / "data" / "out");
  fs::create_symlink("x.wav", ds / "data" / "a" / "in.wav");
  fs::create_symlink(dir.path / "outside" / "y.wav", ds / "data" / "a" / "link.wav");
  FolderBounds bounds(ds);
  auto line = [](const std::string& path) { return Json{{"id", "i"}, {"path", path}}; };
  CHECK(bounds.outside(line("data/a/x.wav")) == nullptr);
  CHECK(bounds.outside(line("data/a/in.wav")) == nullptr);
  CHECK(bounds.outside(line("data/a/missing.wav")) == nullptr);
  CHECK(bounds.outside(line("data/./a/../a/x.wav")) == nullptr);
  CHECK(*bounds.outside(line("../outside/y.wav")) == "../outside/y.wav");
  CHECK(*bounds.outside(line("/etc/passwd")) == "/etc/passwd");
  CHECK(*bounds.outside(line("data/out/y.wav")) == "data/out/y.wav");
  CHECK(*bounds.outside(line("data/a/link.wav")) == "data/a/link.wav");
  Json features = line("data/a/x.wav");
  features["features"] = {{"path", "../f.npy"}};
  CHECK(*bounds.outside(features) == "../f.npy");

  std::ofstream(ds / "samples.jsonl") << line("data/a/x.wav").dump() << "\n"
                                      << line("data/out/y.wav").dump() << "\n";
  Sample s;
  ManifestReader strict(ds.string());
  CHECK(strict.next(s));
  CHECK_THROWS_WITH(
      strict.next(s),
      "path 'data/out/y.wav' escapes the dataset folder (--allow-outside accepts it)");
  ManifestReader lenient(ds.string(), true);
  CHECK(lenient.next(s));
  CHECK(lenient.next(s));
  CHECK(*lenient.outside_dataset(s.json) == "data/out/y.wav");
}

TEST_CASE("errors quote a short, escaped excerpt of what they read") {
  CHECK(excerpt("abc") == "'abc'");
  CHECK(excerpt(std::string(100, 'x'), 4) == "'xxxx'...");
  CHECK(excerpt("a\nb\x1b'\\") == "'a\\nb\\x1b\\'\\\\'");
  CHECK(excerpt("h\xc3\xa9") == "'h\xc3\xa9'");
  CHECK(excerpt("\xff") == "'\\xff'");
  CHECK(excerpt("ab\xc3\xa9", 3) == "'ab'...");  // a character is not cut in two

  TempDir dir;
  std::ofstream(dir.path / "m.jsonl") << "{\"id\":\"" << std::string(5000, 'r') << "\x01\"}\n";
  ManifestReader reader((dir.path / "m.jsonl").string());
  Sample s;
  try {
    reader.next(s);
    FAIL("no error");
  } catch (const Error& e) {
    std::string what = e.what();
    CHECK(what.size() < 300);  // not the 5,000 bytes of the line
    CHECK(what.find("last read: '\"rrrr") != std::string::npos);
  }
}

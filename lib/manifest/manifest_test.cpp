#include "manifest/manifest.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/testing.h"
#include "manifest/dataset.h"
#include "manifest/schema.h"

using namespace tinyprep;
using tinyprep::testing::TempDir;
namespace fs = std::filesystem;

namespace {
void write_text(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}
}  // namespace

TEST_CASE("the reader keeps file and line for every sample and error") {
  TempDir dir;
  write_text(dir.path / "m.jsonl",
             "{\"id\":\"a\",\"path\":\"x.wav\",\"extra\":{\"k\":[1,2]}}\n\n"
             "{\"id\":\"b\",\"path\":\"y.wav\"}\n[1,2]\n{\"id\":\n");
  ManifestReader reader((dir.path / "m.jsonl").string());
  Sample s;
  REQUIRE(reader.next(s));
  CHECK(s.line == 1);
  CHECK(s.id() == "a");
  CHECK(s.media_path() == dir.path / "x.wav");
  REQUIRE(reader.next(s));
  CHECK(s.line == 3);  // blank lines are skipped but counted
  try {
    reader.next(s);
    FAIL("a JSON array must be refused");
  } catch (const Error& e) {
    CHECK(e.line() == 4);
    CHECK(std::string(e.what()) == "not a JSON object");
  }
  try {
    reader.next(s);
    FAIL("broken JSON must be refused");
  } catch (const Error& e) {
    CHECK(e.line() == 5);
    CHECK(e.located().rfind((dir.path / "m.jsonl").string() + ":5: not JSON", 0) == 0);
  }
}

TEST_CASE("unknown fields pass through untouched and in order") {
  TempDir dir;
  std::string line =
      R"({"zeta":1,"id":"a","path":"x.wav","nested":{"b":2,"a":[true,null]},"label":"हाँ"})";
  write_text(dir.path / "m.jsonl", line + "\n");
  ManifestReader reader((dir.path / "m.jsonl").string());
  Sample s;
  REQUIRE(reader.next(s));
  CHECK(dump_line(s.json) == line);
}

TEST_CASE("writers rebase relative paths to their own folder") {
  CHECK(rebase_path("data/x.wav", "/a/b", "/a") == "b/data/x.wav");
  CHECK(rebase_path("x.wav", "/a/b", "/a/c") == "../b/x.wav");
  CHECK(rebase_path("/abs/x.wav", "/a", "/b") == "/abs/x.wav");
  CHECK(rebase_path("x.wav", "/a", "/a") == "x.wav");

  TempDir dir;
  fs::create_directories(dir.path / "in");
  fs::create_directories(dir.path / "out");
  write_text(dir.path / "in/m.jsonl",
             R"({"id":"a","path":"x.wav","features":{"path":"f/a.npy","shape":[1]}})"
             "\n");
  ManifestReader reader((dir.path / "in/m.jsonl").string());
  Sample s;
  REQUIRE(reader.next(s));
  {
    ManifestWriter writer((dir.path / "out/m.jsonl").string());
    writer.write(s);
    writer.commit();
  }
  std::ifstream in(dir.path / "out/m.jsonl");
  std::string text;
  std::getline(in, text);
  CHECK(text ==
        R"({"id":"a","path":"../in/x.wav","features":{"path":"../in/f/a.npy","shape":[1]}})");
}

TEST_CASE("paths that leave a folder are recognised") {
  CHECK(escapes_folder("../../etc/passwd"));
  CHECK(escapes_folder("data/../../x"));
  CHECK(escapes_folder("/etc/passwd"));
  CHECK_FALSE(escapes_folder("data/yes/a.wav"));
  CHECK_FALSE(escapes_folder("data/../data/a.wav"));
}

TEST_CASE("labels must be usable as folder names") {
  CHECK_NOTHROW(check_label("yes", "x"));
  CHECK_NOTHROW(check_label("हाँ", "x"));
  CHECK_NOTHROW(check_label("አዎ", "x"));
  CHECK_THROWS_WITH(check_label("a/b", "x"), "label 'a/b' contains '/'");
  CHECK_THROWS_WITH(check_label("..", "x"), "label '..' is not allowed");
  CHECK_THROWS_WITH(check_label("", "x"), "empty label");
  CHECK_THROWS_WITH(check_label("a\tb", "x"), "label 'a\tb' contains a control character");
  CHECK_THROWS_WITH(check_label("\xff", "x"), "label is not valid UTF-8");
}

TEST_CASE("UTF-8 checking") {
  CHECK(is_valid_utf8("plain"));
  CHECK(is_valid_utf8("ሰላም हाँ 你好 😀"));
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));  // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xe0\xa4"));  // cut short
  CHECK_FALSE(is_valid_utf8("a\x80"));     // stray continuation byte
}

TEST_CASE("ids are file-name safe") {
  CHECK(make_id("yes-0a7c_nohash_0") == "yes-0a7c_nohash_0");
  CHECK(make_id("a b/c") == "a_b_c");
  CHECK(make_id("..hidden") == "hidden");
  CHECK(make_id("हाँ-1") == "हाँ-1");
}

TEST_CASE("the sample schema names what is wrong") {
  const Schema& schema = Schema::builtin("sample.schema.json");
  CHECK(schema.check(Json::parse(R"({"id":"a","path":"x.wav","label":"yes"})")).empty());
  auto problems = schema.check(Json::parse(
      R"({"id":"a","label":"a/b","split":"dev","audio":{"sample_rate":0,"channels":1,"frames":3}})"));
  REQUIRE(problems.size() == 4);
  CHECK(problems[0] == "/: missing required field 'path'");
  CHECK(problems[1] == "/label: \"a/b\" does not match ^[^/\\\\]+$");
  CHECK(problems[2] == "/split: \"dev\" is not one of [\"train\",\"validation\",\"test\"]");
  CHECK(problems[3] == "/audio/sample_rate: must be >= 1");
  CHECK(Schema::builtin("dataset.schema.json")
            .check(Json::parse(R"({"name":"d","labels":[]})"))
            .empty());
}

TEST_CASE("Sample::resolve joins relative paths to the base, normalised") {
  tinyprep::Sample s;
  s.base = "/data/set";
  for (const char* p : {"clips/a.wav", "a.wav", "./a.wav", "clips/../b.wav", "../up/c.wav",
                        "clips//d.wav", "clips/./e.wav", "clips/f.wav/", "x..y/z.wav"}) {
    INFO(p);
    CHECK(s.resolve(p) == (std::filesystem::path("/data/set") / p).lexically_normal());
  }
  CHECK(s.resolve("/abs/g.wav") == std::filesystem::path("/abs/g.wav"));
  s.base = "/";
  CHECK(s.resolve("h.wav") == std::filesystem::path("/h.wav"));
  s.base.clear();
  CHECK(s.resolve("i.wav") == std::filesystem::path("i.wav"));
}

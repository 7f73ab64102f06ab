#include "manifest/dataset.h"

#include <sys/file.h>
#include <unistd.h>

#include <fcntl.h>
#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/hash.h"
#include "core/io.h"
#include "core/testing.h"

using namespace tinyprep;
using tinyprep::testing::TempDir;
namespace fs = std::filesystem;

namespace {
void write_text(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

// True when another open file description of DIR/.lock can take the lock now.
bool lock_is_free(const fs::path& dir) {
  int fd = ::open((dir / ".lock").c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(fd >= 0);
  bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  int err = errno;
  ::close(fd);
  if (!free) CHECK(err == EWOULDBLOCK);
  return free;
}

auto nothing_listed = [](const std::string&) { return false; };
}  // namespace

TEST_CASE("datasets are made, reopened and never overwrite media") {
  TempDir dir;
  DatasetLock lock(dir.path / "ds");
  Dataset d = Dataset::create(lock, "ds", false);
  CHECK(fs::exists(dir.path / "ds/samples.jsonl"));
  CHECK(fs::is_directory(dir.path / "ds/data"));
  CHECK_THROWS_AS(Dataset::create(lock, "ds", false), Error);
  CHECK(d.add_label("yes"));
  CHECK_FALSE(d.add_label("yes"));
  d.save(lock);
  CHECK(Dataset::open(dir.path / "ds").labels() == std::vector<std::string>{"yes"});
  std::string id = "clip";
  bool reuse = true;
  CHECK(d.reserve_media_path(lock, "yes", id, ".wav", "", nothing_listed, reuse) ==
        "data/yes/clip.wav");
  CHECK_FALSE(reuse);
  write_text(dir.path / "ds/data/yes/clip.wav", "x");
  CHECK(d.reserve_media_path(lock, "yes", id, ".wav", "", nothing_listed, reuse) ==
        "data/yes/clip-2.wav");
  CHECK(id == "clip-2");
}

TEST_CASE("create writes the given fields in one dataset.json") {
  TempDir dir;
  DatasetLock lock(dir.path / "ds");
  Json fields{{"modality", "audio"}, {"labels", Json::array({"a", "b"})}};
  Dataset::create(lock, "n", false, fields);
  Dataset d = Dataset::open(dir.path / "ds");
  CHECK(d.labels() == std::vector<std::string>{"a", "b"});
  CHECK(d.info()["modality"] == "audio");
  CHECK(d.name() == "n");
  // --force resets dataset.json and keeps the samples.
  write_text(dir.path / "ds/samples.jsonl", "{\"id\":\"x\",\"path\":\"data/x.wav\"}\n");
  Dataset::create(lock, "m", true);
  CHECK(Dataset::open(dir.path / "ds").labels().empty());
  CHECK(read_file((dir.path / "ds/samples.jsonl").string()).size() > 0);
}

TEST_CASE("the dataset lock excludes other holders until it is released") {
  TempDir dir;
  fs::path ds = dir.path / "not" / "yet" / "made";
  {
    DatasetLock lock(ds);
    CHECK(fs::is_directory(ds));
    CHECK(lock.dir() == fs::absolute(ds).lexically_normal());
    CHECK_FALSE(lock_is_free(ds));
  }
  CHECK(lock_is_free(ds));
}

TEST_CASE("appended lines are whole; a torn last line is cut, a whole one completed") {
  TempDir dir;
  DatasetLock lock(dir.path / "ds");
  Dataset d = Dataset::create(lock, "ds", false);
  std::string manifest = d.manifest().string();
  d.append_lines(lock, "{\"id\":\"a\"}\n");
  CHECK(read_file(manifest) == "{\"id\":\"a\"}\n");
  // A writer killed mid-line.
  write_text(manifest, "{\"id\":\"a\"}\n{\"id\":\"b\",\"pa");
  d.append_lines(lock, "{\"id\":\"c\"}\n");
  CHECK(read_file(manifest) == "{\"id\":\"a\"}\n{\"id\":\"c\"}\n");
  // An edited file whose last line lacks only its newline.
  write_text(manifest, "{\"id\":\"a\"}");
  d.repair_manifest(lock);
  CHECK(read_file(manifest) == "{\"id\":\"a\"}\n");
  d.rewrite_manifest(lock, "{\"id\":\"z\"}\n");
  CHECK(read_file(manifest) == "{\"id\":\"z\"}\n");
}

TEST_CASE("a file a killed run moved into place but did not list is taken up again") {
  TempDir dir;
  DatasetLock lock(dir.path / "ds");
  Dataset d = Dataset::create(lock, "ds", false);
  fs::create_directories(dir.path / "ds/data/yes");
  write_text(dir.path / "ds/data/yes/clip.wav", "clip");
  std::string sha = sha256_hex("clip");
  std::string id = "clip";
  bool reuse = false;
  auto listed = [&](const std::string& p) { return d.lists_path(p); };
  CHECK(d.reserve_media_path(lock, "yes", id, ".wav", sha, listed, reuse) == "data/yes/clip.wav");
  CHECK(reuse);
  // Listed: a sample of the same content is another sample.
  d.append_lines(lock, "{\"id\":\"clip\",\"path\":\"data/yes/clip.wav\"}\n");
  id = "clip";
  CHECK(d.reserve_media_path(lock, "yes", id, ".wav", sha, listed, reuse) == "data/yes/clip-2.wav");
  CHECK_FALSE(reuse);
  // Other content under the name: never taken.
  id = "clip";
  CHECK(d.reserve_media_path(lock, "yes", id, ".wav", sha256_hex("other"), nothing_listed, reuse) ==
        "data/yes/clip-2.wav");
  CHECK_FALSE(reuse);
}

TEST_CASE("a blank folder is one a dataset may be made in") {
  TempDir dir;
  CHECK(Dataset::is_blank(dir.path / "missing"));
  fs::create_directories(dir.path / "b/data");
  write_text(dir.path / "b/samples.jsonl", "");
  write_text(dir.path / "b/.lock", "");
  write_text(dir.path / "b/.dataset.json.tmp-1-2-3", "{");
  CHECK(Dataset::is_blank(dir.path / "b"));
  write_text(dir.path / "b/samples.jsonl", "{}\n");
  CHECK_FALSE(Dataset::is_blank(dir.path / "b"));
  fs::create_directories(dir.path / "c/data/yes");
  CHECK_FALSE(Dataset::is_blank(dir.path / "c"));
  write_text(dir.path / "d", "a file");
  CHECK_FALSE(Dataset::is_blank(dir.path / "d"));
}

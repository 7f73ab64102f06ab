#include "export/tfrecord.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <tuple>

#include "codec/crc32c.h"
#include "core/error.h"
#include "core/io.h"
#include "core/testing.h"
#include "export/example.h"

using namespace tinyprep;
using tinyprep::testing::run_command;
using tinyprep::testing::TempDir;
namespace fs = std::filesystem;

namespace {

bool have_python() {
  return std::system("/usr/bin/python3 -c 'import google.protobuf, crc32c, numpy' 2>/dev/null") ==
         0;
}

std::string checker() {
  return std::string("/usr/bin/python3 ") + TINYPREP_SOURCE_DIR + "/tests/e2e/export_check.py";
}

// Writes three small Examples; returns the path.
std::string write_three(const fs::path& dir, int gzip_level) {
  std::string path = (dir / (gzip_level ? "t.tfrecord.gz" : "t.tfrecord")).string();
  TfRecordWriter w(std::make_unique<StagedFile>(path), gzip_level);
  ExampleEncoder e;
  for (int i = 0; i < 3; ++i) {
    e.clear();
    float x[] = {static_cast<float>(i), 0.5f};
    e.add_floats("x", x, 2);
    e.add_int64("label", i);
    char id[] = {'s', static_cast<char>('0' + i)};
    e.add_bytes("id", std::string_view(id, 2));
    w.write(e.finish());
  }
  CHECK(w.records() == 3);
  w.close()->commit();
  return path;
}

}  // namespace

TEST_CASE("record framing is length, masked CRC, bytes, masked CRC") {
  // python3 -c 'import crc32c; print(hex(crc32c.crc32c(b"\0"*8)))' -> 0x8c28b28a
  std::string h = tfrecord_header(0);
  CHECK(h.substr(0, 8) == std::string(8, '\0'));
  uint32_t stored;
  std::memcpy(&stored, h.data() + 8, 4);
  CHECK(stored == mask_crc(0x8c28b28au));
  std::string f = tfrecord_footer("123456789");
  std::memcpy(&stored, f.data(), 4);
  CHECK(stored == mask_crc(0xE3069283u));
  h = tfrecord_header(0x0102030405060708ull);
  CHECK(h.substr(0, 8) == "\x08\x07\x06\x05\x04\x03\x02\x01");
}

TEST_CASE("shard names follow TFDS") {
  CHECK(shard_file_name("kws", "train", 3, 16) == "kws-train.tfrecord-00003-of-00016");
  CHECK(shard_file_name("d", "all", 0, 1) == "d-all.tfrecord-00000-of-00001");
}

TEST_CASE("TFRecord files pass an independent reader (python3 crc32c + protobuf)") {
  TempDir dir("tfrecord_test");
  std::string plain = write_three(dir.path, 0);
  std::string gz = write_three(dir.path, 6);
  // Only the two final files: the temporary names are gone.
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 2);
  if (!have_python()) {
    WARN("skipped: /usr/bin/python3 with protobuf, crc32c and numpy not available");
    return;
  }
  std::string expected;
  for (int i = 0; i < 3; ++i) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "{\"id\": {\"kind\": \"bytes_list\", \"value\": [\"733%d\"]}, "
                  "\"label\": {\"kind\": \"int64_list\", \"value\": [%d]}, "
                  "\"x\": {\"kind\": \"float_list\", \"value\": [%d.0, 0.5]}}\n",
                  i, i, i);
    expected += line;
  }
  CHECK(run_command(checker() + " tfrecord " + plain) == expected);
  CHECK(run_command(checker() + " tfrecord " + gz + " --gzip") == expected);
  // gzip -d gives back the plain file byte for byte.
  CHECK(run_command("gzip -dc < " + gz) == read_file(plain));
}

TEST_CASE("an unpublished file leaves nothing behind") {
  TempDir dir("tfrecord_test2");
  std::string path = (dir.path / "x.tfrecord").string();
  {
    TfRecordWriter w(std::make_unique<StagedFile>(path), 6);
    w.write("hello");
    CHECK(fs::exists(w.file().temp_path()));
  }
  CHECK(fs::is_empty(dir.path));
  {
    auto file = std::make_unique<StagedFile>(path);
    file->write("abc");
    file->close();
    file->set_final_path((dir.path / "y").string());
    file->commit();
  }
  CHECK(read_file((dir.path / "y").string()) == "abc");
  CHECK_THROWS_WITH(StagedFile((dir.path / "no/such/folder/f").string()),
                    Catch::Contains("cannot write"));
}

TEST_CASE("GZIP blocks become a series of members that read back as one stream") {
  TempDir dir("tfrecord_test3");
  std::string plain = (dir.path / "p").string(), gz = (dir.path / "g").string();
  for (auto [path, level, threads] : {std::tuple{plain, 0, 1u}, std::tuple{gz, 6, 3u}}) {
    // 100-byte blocks: records span members, and several members are in flight at once.
    TfRecordWriter w(std::make_unique<StagedFile>(path), level, threads, 100);
    for (int i = 0; i < 50; ++i) w.write(std::string(static_cast<size_t>(i * 7), 'a' + i % 26));
    w.close()->commit();
  }
  std::string z = read_file(gz);
  size_t members = 0;
  for (size_t at = 0; (at = z.find("\x1f\x8b\x08", at)) != std::string::npos; ++at) ++members;
  CHECK(members >= 80);
  CHECK(run_command("gzip -dc < " + gz) == read_file(plain));
  // An empty GZIP shard is still a gzip file.
  std::string empty = (dir.path / "e").string();
  TfRecordWriter(std::make_unique<StagedFile>(empty), 6).close()->commit();
  CHECK(run_command("gzip -dc < " + empty).empty());
}

#include "core/io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/error.h"
#include "core/testing.h"

using namespace tinyprep;
using tinyprep::testing::TempDir;
namespace fs = std::filesystem;

namespace {
size_t entries(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), {}));
}

}  // namespace

TEST_CASE("an Output appears under its final name only when committed") {
  TempDir dir;
  std::string path = (dir.path / "out.txt").string();
  {
    Output out(path);
    out.write("half");
    CHECK_FALSE(fs::exists(path));
    CHECK(entries(dir.path) == 1);  // the temporary file
  }                                 // destroyed without commit: as after an error
  CHECK(entries(dir.path) == 0);
  {
    Output out(path);
    out.write("whole");
    out.commit();
  }
  CHECK(read_file(path) == "whole");
  CHECK(entries(dir.path) == 1);
}

TEST_CASE("an existing output is refused unless forced") {
  TempDir dir;
  std::string path = (dir.path / "out.txt").string();
  write_file_atomic(path, "first");
  CHECK_THROWS_WITH(Output(path), "already exists (use --force to replace it)");
  write_file_atomic(path, "second", true);
  CHECK(read_file(path) == "second");
}

TEST_CASE("an output in a missing folder names the folder") {
  try {
    Output out("/nonexistent-folder/x.txt");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.path() == "/nonexistent-folder/x.txt");
    CHECK(std::string(e.what()) == "cannot write: folder /nonexistent-folder does not exist");
  }
}

TEST_CASE("LineReader numbers lines and strips CR LF") {
  TempDir dir;
  std::string path = (dir.path / "in.txt").string();
  std::ofstream(path) << "a\r\nb\n\nc";
  LineReader reader(path);
  std::string line;
  std::vector<std::string> got;
  while (reader.next(line)) got.push_back(line);
  CHECK(got == std::vector<std::string>{"a", "b", "", "c"});
  CHECK(reader.line_number() == 4);
  CHECK_THROWS_WITH(LineReader((dir.path / "missing").string()),
                    "cannot open: No such file or directory");
}

TEST_CASE("TextLines splits a text as LineReader splits the file holding it") {
  TempDir dir;
  const std::string path = (dir.path / "in.txt").string();
  for (std::string text : {"a\r\nb\n\nc", "a\n", "", "\n", "x\r\r\n\r", "no end"}) {
    std::ofstream(path, std::ios::binary) << text;
    LineReader reader(path);
    TextLines lines(text);
    std::string from_file;
    std::string_view from_text;
    INFO(text);
    for (;;) {
      const bool more = reader.next(from_file);
      REQUIRE(lines.next(from_text) == more);
      if (!more) break;
      CHECK(from_text == from_file);
      CHECK(lines.line_number() == reader.line_number());
    }
  }
}

TEST_CASE("read_file_into reads regular files, empty ones and pipes whole") {
  TempDir dir;
  std::string buffer(1 << 16, 'x');  // a reused buffer larger than the files
  const std::string path = (dir.path / "clip.bin").string();
  std::string bytes;
  for (int i = 0; i < 70000; ++i) bytes.push_back(static_cast<char>(i * 7));
  std::ofstream(path, std::ios::binary) << bytes;
  CHECK(read_file_into(path, buffer) == bytes);
  std::ofstream(path, std::ios::binary) << "short";
  CHECK(read_file_into(path, buffer) == "short");
  std::ofstream(path, std::ios::binary).close();
  CHECK(read_file_into(path, buffer).empty());
  // A pipe has no size: it is read to its end.
  const std::string fifo = (dir.path / "fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::thread writer([&] { std::ofstream(fifo, std::ios::binary) << bytes; });
  std::string got(read_file_into(fifo, buffer));
  writer.join();
  CHECK(got == bytes);
  CHECK_THROWS_WITH(read_file_into(dir.path.string(), buffer), "is a folder, not a file");
}

TEST_CASE("errors print file and line") {
  CHECK(Error("a.jsonl", 3, "not JSON").located() == "a.jsonl:3: not JSON");
  CHECK(Error("a.wav", 0, "truncated").located() == "a.wav: truncated");
  CHECK(usage_error("bad").code() == ExitCode::kUsage);
}

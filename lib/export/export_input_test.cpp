#include "export/export_input.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "core/testing.h"

using namespace tinyprep;
using tinyprep::testing::TempDir;

TEST_CASE("the shuffle orders split by split, by key, ties in manifest order") {
  ShuffleOrder shuffle;
  shuffle.add(5, "train", 1);
  shuffle.add(9, "test", 2);
  shuffle.add(3, "train", 3);
  shuffle.add(5, "train", 5);  // the same key as sample 0: after it
  shuffle.add(1, "test", 6);
  shuffle.add(7, "validation", 7);
  CHECK(shuffle.order({"train", "validation", "test"}) == std::deque<uint32_t>{2, 0, 3, 5, 4, 1});
  std::vector<uint32_t> lines;
  for (auto& l = shuffle.line_numbers(); !l.empty(); l.pop_front()) lines.push_back(l.front());
  CHECK(lines == std::vector<uint32_t>{1, 2, 3, 5, 6, 7});
}

TEST_CASE("line numbers keep steps of 1-255 in a byte, others whole") {
  LineNumbers numbers{3, 4, 259, 260, 100000, 100001, 4000000000u};
  std::vector<uint32_t> lines;
  for (; !numbers.empty(); numbers.pop_front()) lines.push_back(numbers.front());
  CHECK(lines == std::vector<uint32_t>{3, 4, 259, 260, 100000, 100001, 4000000000u});
}

TEST_CASE("reordered lines find each line, also far apart (deltas that do not fit)") {
  TempDir dir;
  std::string file = (dir.path / "m.jsonl").string();
  {
    std::ofstream out(file);
    out << "{\"id\":\"a\"}\n\n{\"id\":\"b\"}\n";
    for (int i = 0; i < 70000; ++i) out << "\n";  // a line 70,004 lines after its block's first
    out << "{\"id\":\"c\"}\r\n{\"id\":\"d\"}\n";
  }
  ExportLines lines(file, nullptr, true);
  ReorderedLines reordered(lines, file, {3, 0, 2, 1}, {1, 3, 70004, 70005}, true);
  Sample s;
  std::vector<std::pair<std::string, long>> got;
  while (reordered.next(s)) got.emplace_back(s.id(), s.line);
  CHECK(got ==
        std::vector<std::pair<std::string, long>>{{"d", 70005}, {"a", 1}, {"c", 70004}, {"b", 3}});
}

TEST_CASE("reordered lines refuse a manifest that lost lines") {
  TempDir dir;
  std::string file = (dir.path / "m.jsonl").string();
  std::ofstream(file) << "{\"id\":\"a\"}\n";
  ExportLines lines(file, nullptr, true);
  CHECK_THROWS_WITH(ReorderedLines(lines, file, {0, 1}, {1, 2}, true),
                    Catch::Contains("the manifest changed during the export"));
}

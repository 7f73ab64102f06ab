#include "segment/label_track.h"

#include <catch2/catch.hpp>

#include "core/error.h"

using namespace tinyprep;

TEST_CASE("label track: Audacity 3.x regions, points, spectral lines, CRLF and a BOM") {
  const std::string text =
      "\xEF\xBB\xBF"
      "0.500000\t1.250000\tyes\r\n"
      "\\\t100.000000\t4000.000000\r\n"
      "\r\n"
      "2.000000\t2.000000\tno\r\n"
      "3,5\t4,25\t\r\n";
  auto r = parse_label_track(text, "take.txt");
  REQUIRE(r.size() == 3);
  CHECK(r[0].start == 0.5);
  CHECK(r[0].end == 1.25);
  CHECK(r[0].label == "yes");
  CHECK(r[0].line == 1);
  CHECK(r[1].point());
  CHECK(r[1].label == "no");
  CHECK(r[1].line == 4);
  CHECK(r[2].start == 3.5);
  CHECK(r[2].end == 4.25);
  CHECK(r[2].label.empty());
}

TEST_CASE("label track: a malformed line is an error naming file and line") {
  auto message = [](const std::string& text) {
    try {
      parse_label_track(text, "t.txt");
    } catch (const Error& e) {
      return e.located();
    }
    return std::string("accepted");
  };
  CHECK(message("1\t2\tyes\n1 2 yes\n") ==
        "t.txt:2: not a label line: expected 'start<TAB>end<TAB>label' (seconds), got '1 2 yes'");
  CHECK(message("x\t2\tyes\n") == "t.txt:1: start 'x' is not a number");
  CHECK(message("1\t\tyes\n") == "t.txt:1: end '' is not a number");
  CHECK(message("-1\t2\tyes\n") == "t.txt:1: start '-1' is negative");
  CHECK(message("3\t2\tyes\n") == "t.txt:1: the region ends before it starts");
  CHECK(message("1\t2\tnan\n") == "accepted");  // a word as label is fine
  CHECK(message("nan\t2\ta\n") == "t.txt:1: start 'nan' is not a number");
  CHECK(message("1\t2\ta/b\n") == "t.txt:1: label 'a/b' contains '/'");
  CHECK(message("1\t2\ta\tb\n") == "t.txt:1: label 'a\tb' contains a control character");
  CHECK(
      message("\\\t1\t2\n") ==
      "t.txt:1: not a label line: expected a frequency line '\\<TAB>low<TAB>high' under a region");
}

TEST_CASE("label track: an empty file has no regions") {
  CHECK(parse_label_track("", "e.txt").empty());
  CHECK(parse_label_track("\n\n", "e.txt").empty());
}

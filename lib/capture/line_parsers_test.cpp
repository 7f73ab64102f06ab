#include "capture/line_parsers.h"

#include <catch2/catch.hpp>

namespace tinyprep {
namespace {

// Feeds `bytes` in pieces of `chunk` bytes (all at time `t`), then ends the stream.
template <class Parser>
std::vector<TableSample> run(Parser& p, const std::string& bytes, size_t chunk,
                             StreamEnd end = StreamEnd::kVanished, double t = 0) {
  for (size_t i = 0; i < bytes.size(); i += chunk)
    p.feed(std::string_view(bytes).substr(i, chunk), t);
  p.finish(end);
  std::vector<TableSample> out;
  for (auto& s : p.samples()) out.push_back(std::get<TableSample>(s));
  return out;
}

std::string gesture(int g, int rows) {
  std::string s;
  for (int i = 0; i < rows; ++i)
    s += std::to_string(g) + ".5," + std::to_string(i) + ",-1.25,0,0," + std::to_string(g * i) +
         "\r\n";
  return s;
}

const std::string kHeader = "aX,aY,aZ,gX,gY,gZ\r\n";

}  // namespace

TEST_CASE("csv: gestures end at blank lines, whatever the read sizes") {
  std::string stream = "Started\r\n" + kHeader + gesture(1, 3) + "\r\n" + gesture(2, 3) + "\r\n";
  for (size_t chunk : {1, 2, 5, 17, 4096}) {
    CsvGestureParser p({});
    auto samples = run(p, stream, chunk);
    REQUIRE(samples.size() == 2);
    CHECK(samples[0].header == std::vector<std::string>{"aX", "aY", "aZ", "gX", "gY", "gZ"});
    CHECK(samples[0].rows ==
          std::vector<std::string>{"1.5,0,-1.25,0,0,0", "1.5,1,-1.25,0,0,1", "1.5,2,-1.25,0,0,2"});
    CHECK(samples[1].rows[2] == "2.5,2,-1.25,0,0,4");
    CHECK(p.counts().stray_lines == 1);
    CHECK(p.counts().partial == 0);
  }
}

TEST_CASE("csv: --rows drops a gesture of the wrong length, not the ones after it") {
  CsvGestureParser p({3, {}});
  auto samples =
      run(p, kHeader + gesture(1, 3) + "\n" + gesture(2, 2) + "\n" + gesture(3, 3) + "\n", 7);
  REQUIRE(samples.size() == 2);
  CHECK(samples[0].rows[0].substr(0, 3) == "1.5");
  CHECK(samples[1].rows[0].substr(0, 3) == "3.5");
  CHECK(p.counts().wrong_length == 1);
  auto messages = p.take_messages();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0] == "dropped gesture 2: 2 rows, expected 3");
}

TEST_CASE("csv: stray lines are skipped and counted, never a header or data") {
  std::string stream = kHeader + "1,2,3,4,5,6\r\n" + "IMU ready\r\n" + "x,y,z\r\n" +
                       "temp,humidity,pressure,a,b,c\r\n" + "1,2,3\r\n" + "1,2,3,4,5,six\r\n" +
                       "7,8,9,10,11,12\r\n\r\n" + "13,14,15,16,17,18\r\n13,14,15,16,17,18\r\n\r\n";
  CsvGestureParser p({});
  auto samples = run(p, stream, 3);
  REQUIRE(samples.size() == 2);
  CHECK(samples[0].header[0] == "aX");
  CHECK(samples[0].rows == std::vector<std::string>{"1,2,3,4,5,6", "7,8,9,10,11,12"});
  CHECK(samples[1].header[0] == "aX");
  CHECK(p.counts().stray_lines == 5);
}

TEST_CASE("csv: the header again (a board restart) drops the gesture in progress") {
  CsvGestureParser p({});
  auto samples = run(p, kHeader + gesture(1, 2) + kHeader + gesture(2, 2) + "\r\n", 64);
  REQUIRE(samples.size() == 1);
  CHECK(samples[0].rows[0].substr(0, 3) == "2.5");
  CHECK(p.counts().partial == 1);
}

TEST_CASE("csv: without a header line, --header names the columns") {
  CsvGestureParser named({0, {"x", "y"}});
  auto samples = run(named, "1,2\n3,4\n\n", 1);
  REQUIRE(samples.size() == 1);
  CHECK(samples[0].header == std::vector<std::string>{"x", "y"});
  CHECK(named.counts().stray_lines == 0);

  CsvGestureParser same({0, {"x", "y"}});  // the device printing the same header is fine
  REQUIRE(run(same, "x,y\n1,2\n\n", 1).size() == 1);
  CHECK(same.counts().stray_lines == 0);

  CsvGestureParser unnamed({});
  samples = run(unnamed, "1,2\n3,4\n\n", 1);
  REQUIRE(samples.size() == 1);
  CHECK(samples[0].header == std::vector<std::string>{"c1", "c2"});
}

TEST_CASE("csv: without --rows every gesture has the first one's length") {
  CsvGestureParser p({});
  auto samples = run(p,
                     kHeader + gesture(1, 3) + "\n" + gesture(2, 2) + "\n" + gesture(3, 3) + "\n" +
                         gesture(4, 4) + "\n" + gesture(5, 3),
                     5, StreamEnd::kEndOfInput);
  REQUIRE(samples.size() == 3);
  CHECK(samples[2].rows[0].substr(0, 3) == "5.5");
  CHECK(p.counts().wrong_length == 2);
  auto messages = p.take_messages();
  REQUIRE(messages.size() == 2);
  CHECK(messages[0] ==
        "dropped gesture 2: 2 rows, expected 3 as the first gesture had (--rows sets the length)");
}

TEST_CASE("csv: without a header line, the dataset's columns name a row of their width") {
  CsvGestureParser known({0, {}, {"aX", "aY"}});
  auto samples = run(known, "1,2\n3,4\n\n", 1);
  REQUIRE(samples.size() == 1);
  CHECK(samples[0].header == std::vector<std::string>{"aX", "aY"});
  CsvGestureParser other({0, {}, {"aX", "aY", "aZ"}});
  samples = run(other, "1,2\n3,4\n\n", 1);
  REQUIRE(samples.size() == 1);
  CHECK(samples[0].header == std::vector<std::string>{"c1", "c2"});
  CsvGestureParser printed({0, {}, {"aX", "aY"}});  // the device's own header wins
  samples = run(printed, "u,v\n1,2\n\n", 1);
  REQUIRE(samples.size() == 1);
  CHECK(samples[0].header == std::vector<std::string>{"u", "v"});
}

TEST_CASE("csv: the end of the stream") {
  SECTION("an unplugged device cuts the gesture in progress") {
    CsvGestureParser p({});
    auto samples = run(p, kHeader + gesture(1, 2) + "\n" + gesture(2, 1) + "1.5,2", 5);
    CHECK(samples.size() == 1);
    CHECK(p.counts().partial == 1);
    auto m = p.take_messages();
    REQUIRE(!m.empty());
    CHECK(m.back() == "the device went away in the middle of a gesture: dropped its 1 rows");
  }
  SECTION("the end of a file ends its last gesture") {
    CsvGestureParser p({});
    auto samples = run(p, kHeader + gesture(1, 2) + "\n" + "1,2,3,4,5,6\n7,8,9,10,11,12", 5,
                       StreamEnd::kEndOfInput);
    REQUIRE(samples.size() == 2);
    CHECK(samples[1].rows.size() == 2);
  }
  SECTION("with --rows a short last gesture of a file is dropped") {
    CsvGestureParser p({3, {}});
    auto samples =
        run(p, kHeader + gesture(1, 3) + "\n" + gesture(2, 2), 5, StreamEnd::kEndOfInput);
    CHECK(samples.size() == 1);
    CHECK(p.counts().partial == 1);
  }
}

TEST_CASE("forwarder: values split on comma, tab or space; ERR reported, not fatal") {
  ForwarderOptions o;
  o.rate = 4;
  o.length_ms = 500;  // 2 rows a sample
  o.axes = {"accX", "accY", "accZ"};
  ForwarderParser p(o);
  std::string stream =
      "Edge Impulse sketch v1\r\n1,2,3\r\n4\t5\t6\r\nERR: sensor timeout\r\n7 8  9\r\n"
      "nan,1,2\r\n10, 11, 12\r\n1,2\r\n13,14,15\r\n";
  auto samples = run(p, stream, 4);
  REQUIRE(samples.size() == 2);
  CHECK(samples[0].header == std::vector<std::string>{"accX", "accY", "accZ"});
  CHECK(samples[0].rows == std::vector<std::string>{"1,2,3", "4,5,6"});
  // "nan,1,2" is not a stray line: it drops the sample it falls in ("7 8 9" with it).
  CHECK(samples[1].rows == std::vector<std::string>{"10,11,12", "13,14,15"});
  CHECK(samples[0].rate == 4);
  CHECK(p.counts().error_lines == 1);
  CHECK(p.counts().stray_lines == 2);
  CHECK(p.counts().bad_values == 1);
  CHECK(p.counts().partial == 0);
  bool reported = false;
  for (const auto& m : p.take_messages())
    reported |= m == "the device reported: ERR: sensor timeout";
  CHECK(reported);
}

TEST_CASE("forwarder: the rate is the number of lines in the first second") {
  ForwarderOptions o;
  o.length_ms = 250;
  ForwarderParser p(o);
  for (int i = 0; i < 100; ++i)
    p.feed(std::to_string(i) + "," + std::to_string(-i) + "\n", i / 50.0);
  CHECK(p.rate() == 50);
  p.finish(StreamEnd::kStopped);
  // 100 lines at 50 Hz: rows of 250 ms = 12.5 -> 13 rows: 7 samples, 9 lines left over.
  REQUIRE(p.samples().size() == 7);
  const auto& first = std::get<TableSample>(p.samples().front());
  CHECK(first.rows.size() == 13);
  CHECK(first.rows[0] == "0,0");
  CHECK(first.header == std::vector<std::string>{"v1", "v2"});
  CHECK(p.counts().partial == 1);
}

TEST_CASE("forwarder: a stream shorter than the detection window keeps nothing") {
  ForwarderParser p({});
  p.feed("1,2\n3,4\n", 0);
  p.finish(StreamEnd::kVanished);
  CHECK(p.samples().empty());
  CHECK(p.counts().partial == 1);
}

TEST_CASE("forwarder: --axes must match the number of values") {
  ForwarderOptions o;
  o.rate = 1;
  o.axes = {"x", "y"};
  ForwarderParser p(o);
  auto samples = run(p, "1,2,3\n4,5\n", 2);
  REQUIRE(samples.size() == 1);
  CHECK(samples[0].rows[0] == "4,5");
  CHECK(p.counts().stray_lines == 1);
}

TEST_CASE("plotter: name:value pairs name the columns") {
  ForwarderOptions o;
  o.named = true;
  o.rate = 2;
  o.length_ms = 1000;
  ForwarderParser p(o);
  auto samples =
      run(p, "Ax:0.01 Ay:-0.99 Az:0.05\r\nTemp:21.5\r\nAx:0.02,Ay:-0.98,Az:0.04\r\n1 2 3\r\n", 3);
  REQUIRE(samples.size() == 1);
  CHECK(samples[0].header == std::vector<std::string>{"Ax", "Ay", "Az"});
  CHECK(samples[0].rows == std::vector<std::string>{"0.01,-0.99,0.05", "0.02,-0.98,0.04"});
  CHECK(p.counts().stray_lines == 2);
}

TEST_CASE("line splitting and numbers") {
  LineSplitter lines(8);
  lines.append("ab\r\ncdefghijkl\nm");
  std::string line;
  REQUIRE(lines.next(line));
  CHECK(line == "ab");
  REQUIRE(lines.next(line));
  CHECK(line == "cdefghij");  // cut at 8 bytes
  REQUIRE(lines.next(line));
  CHECK(line == "kl");
  CHECK(!lines.next(line));
  CHECK(lines.take_rest() == "m");
  CHECK(parse_number("-1.5e3"));
  CHECK(!parse_number("1.5x"));
  CHECK(!parse_number("inf"));
  CHECK(!parse_number(""));
}

TEST_CASE("csv: a gesture with inf, nan or a float32 overflow is dropped, named by its line") {
  // The number rule of imu/csv_file.h: what import, validate and export would reject never
  // reaches the dataset, and a row with such a value is not a stray line either.
  std::string stream = kHeader + gesture(1, 2) + "\n" + "1,2,3.9E84,4,5,6\n" + gesture(2, 2) +
                       "\n" + gesture(3, 1) + "1,inf,3,4,5,6\n\n" + gesture(4, 2) + "\n";
  CsvGestureParser p({});
  auto samples = run(p, stream, 5);
  REQUIRE(samples.size() == 2);
  CHECK(samples[0].rows[0].substr(0, 3) == "1.5");
  CHECK(samples[1].rows[0].substr(0, 3) == "4.5");
  CHECK(p.counts().bad_values == 2);
  CHECK(p.counts().stray_lines == 0);
  auto messages = p.take_messages();
  REQUIRE(messages.size() == 2);
  CHECK(messages[0] ==
        "line 5: column 3: '3.9E84' is beyond the float32 range (+-3.4e38): dropped gesture 2");
  CHECK(messages[1] == "line 10: column 2: 'inf' is not a finite number: dropped gesture 3");
}

TEST_CASE("forwarder: a line with a bad value drops the sample in progress") {
  ForwarderParser p({false, 4, {}, 1000, 1.0});
  auto samples = run(p, "1,2\n3,4\n5,1e40\n1,1\n2,2\n3,3\n4,4\n", 3, StreamEnd::kEndOfInput);
  REQUIRE(samples.size() == 1);
  CHECK(samples[0].rows == std::vector<std::string>{"1,1", "2,2", "3,3", "4,4"});
  CHECK(p.counts().bad_values == 1);
  auto messages = p.take_messages();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0] ==
        "line 3: column 2: '1e40' is beyond the float32 range (+-3.4e38): dropped the line and "
        "the 2 rows before it in its sample");
}

}  // namespace tinyprep

#include "imu/csv_file.h"

#include <catch2/catch.hpp>

#include "core/error.h"

using namespace tinyprep;

TEST_CASE("read_csv reads the magic-wand accelerometer gesture") {
  CsvTable t = read_csv(std::string(TINYPREP_TEST_DATA) + "/imu/tf_magic_wand_accel/ring.csv");
  CHECK(t.header == std::vector<std::string>{"x", "y", "z"});
  CHECK(t.columns == 3);
  CHECK(t.rows() == 128);
}

TEST_CASE("is_numeric_row tells data from text") {
  CHECK(is_numeric_row("1.5,-2,3e2"));
  CHECK_FALSE(is_numeric_row("aX,aY,aZ"));
  CHECK_FALSE(is_numeric_row("1,,2"));
}

TEST_CASE("the number rule: decimal text that fits a float32") {
  float x = 0;
  CHECK(parse_csv_number("-1.5e3", &x) == CsvNumber::kOk);
  CHECK(x == -1500.0f);
  CHECK(parse_csv_number(".5") == CsvNumber::kOk);
  CHECK(parse_csv_number("5.") == CsvNumber::kOk);
  CHECK(parse_csv_number("+7") == CsvNumber::kOk);
  CHECK(parse_csv_number("1e-50", &x) == CsvNumber::kOk);  // rounds to zero
  CHECK(x == 0.0f);
  CHECK(parse_csv_number("3.4e38") == CsvNumber::kOk);
  CHECK(parse_csv_number("3.9E84") == CsvNumber::kOutOfRange);
  CHECK(parse_csv_number("-1e39") == CsvNumber::kOutOfRange);
  CHECK(parse_csv_number("inf") == CsvNumber::kNotFinite);
  CHECK(parse_csv_number("-Infinity") == CsvNumber::kNotFinite);
  CHECK(parse_csv_number("NaN") == CsvNumber::kNotFinite);
  for (const char* text : {"", ".", "e5", "1e", "1e+", "0x10", "1.5x", "aX", "1 2", "--1", "infx"})
    CHECK(parse_csv_number(text) == CsvNumber::kNotNumber);
  CHECK(csv_number_error(2, "3.9E84", CsvNumber::kOutOfRange) ==
        "column 2: '3.9E84' is beyond the float32 range (+-3.4e38)");
}

TEST_CASE("read_csv rejects inf, nan and float32 overflow naming the line") {
  auto message = [](const std::string& text) {
    try {
      parse_csv(text, "g.csv");
    } catch (const Error& e) {
      return e.located();
    }
    return std::string("accepted");
  };
  CHECK(message("x,y\n1,2\n3,3.9E84\n") ==
        "g.csv:3: column 2: '3.9E84' is beyond the float32 range (+-3.4e38)");
  CHECK(message("x,y\n1,2\r\n-inf,2\n") == "g.csv:3: column 1: '-inf' is not a finite number");
  // A first line with a bad value is a row, not a header.
  CHECK(message("1,nan,3\n4,5,6\n") == "g.csv:1: column 2: 'nan' is not a finite number");
  CHECK(message("x,y\n1,0x10\n") == "g.csv:2: column 2: '0x10' is not a number");
  CsvTable t = parse_csv("\nx, y\r\n1, 2\n\n3,4", "g.csv");
  CHECK(t.header == std::vector<std::string>{"x", "y"});
  CHECK(t.values == std::vector<float>{1, 2, 3, 4});
}

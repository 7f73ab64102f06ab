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

#include "core/parse.h"

#include <catch2/catch.hpp>
#include <cstdint>

namespace tinyprep {
namespace {

template <class T>
std::string message(std::string_view text) {
  try {
    parse_number<T>(text, "--n");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kUsage);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("parse_number reads the whole text as one number", "[core]") {
  CHECK(parse_number<int>("512", "--n") == 512);
  CHECK(parse_number<int>("+7", "--n") == 7);
  CHECK(parse_number<int>("-3", "--n") == -3);
  CHECK(parse_number<double>("1e-5", "--n") == 1e-5);
  CHECK(parse_number<double>("-60", "--n") == -60);
  CHECK(parse_number<double>(".5", "--n") == 0.5);
  CHECK(parse_number<uint64_t>("18446744073709551615", "--n") == UINT64_MAX);
}

TEST_CASE("parse_number refuses anything else with one message", "[core]") {
  CHECK(message<int>("abc") == "--n: 'abc' is not a whole number");
  CHECK(message<int>("") == "--n: '' is not a whole number");
  CHECK(message<int>("12x") == "--n: '12x' is not a whole number");
  CHECK(message<int>("1.5") == "--n: '1.5' is not a whole number");
  CHECK(message<int>(" 1") == "--n: ' 1' is not a whole number");
  CHECK(message<int>("+-1") == "--n: '+-1' is not a whole number");
  CHECK(message<int>("99999999999") == "--n: '99999999999' is not a whole number");
  CHECK(message<double>("inf") == "--n: 'inf' is not a number");
  CHECK(message<double>("nan") == "--n: 'nan' is not a number");
  CHECK(message<double>("1e999") == "--n: '1e999' is not a number");
  CHECK(message<double>("0x10") == "--n: '0x10' is not a number");
  CHECK(message<double>("+") == "--n: '+' is not a number");
}

TEST_CASE("read_number reads a number that starts the text", "[core]") {
  size_t used = 0;
  CHECK(read_number<double>("64MiB", used) == 64.0);
  CHECK(used == 2);
  CHECK(read_number<double>("1.5GB", used) == 1.5);
  CHECK(used == 3);
  CHECK_FALSE(read_number<double>("MiB", used));
  CHECK(used == 0);
}

}  // namespace tinyprep

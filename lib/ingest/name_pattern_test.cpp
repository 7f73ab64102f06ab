#include "ingest/name_pattern.h"

#include <catch2/catch.hpp>

#include "core/error.h"

using namespace tinyprep;

TEST_CASE("FSDD names give label, group and take") {
  NamePattern p("{label}_{group}_{take}.wav");
  auto m = p.match("7_yweweler_3.wav");
  REQUIRE(m);
  CHECK((*m)["label"] == "7");
  CHECK((*m)["group"] == "yweweler");
  CHECK((*m)["take"] == "3");
  CHECK_FALSE(p.match("7_yweweler_3.flac"));
  CHECK_FALSE(p.match("README.wav"));
}

TEST_CASE("Open Speech Recording and Edge Impulse names") {
  auto m = NamePattern("{label}_{group}_{take}.ogg").match("ndiyo_s01_1b2c-33.ogg");
  REQUIRE(m);
  CHECK((*m)["label"] == "ndiyo");
  CHECK((*m)["take"] == "1b2c-33");
  auto e = NamePattern("{label}.*.wav").match("हाँ.3bd1e.s2.wav");
  REQUIRE(e);
  CHECK((*e)["label"] == "हाँ");
}

namespace {
// The usage error (exit 2) a pattern gives, or "" when it is accepted.
std::string pattern_error(const std::string& pattern) {
  try {
    NamePattern p(pattern);
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kUsage);
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("unbalanced braces are usage errors") {
  CHECK(pattern_error("{label_{x}.wav") ==
        "--pattern '{label_{x}.wav': '{label_{x}' is not a field name (letters, digits, _)");
  CHECK(pattern_error("label}.wav") == "--pattern 'label}.wav': '}' without '{'");
  CHECK(pattern_error("{label.wav") == "--pattern '{label.wav': '{' without '}'");
  CHECK(pattern_error("{}.wav") == "--pattern '{}.wav': empty {}");
  CHECK(pattern_error("{label}.wav").empty());
}

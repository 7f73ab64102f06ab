#include "core/shard.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/error.h"

using namespace tinyprep;

TEST_CASE("parse_shard takes K/N and refuses the rest as usage errors") {
  Shard s = parse_shard("3/4");
  CHECK(s.index == 3);
  CHECK(s.count == 4);
  CHECK(s.text() == "3/4");
  CHECK(parse_shard("0/1").whole());
  for (const char* bad :
       {"3/3", "0/0", "a/b", "1", "/4", "1/", "-1/4", "+1/4", "1/4/5", " 1/4", "1/2000000", ""}) {
    INFO(bad);
    try {
      parse_shard(bad);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::kUsage);
    }
  }
  CHECK_THROWS_WITH(parse_shard("3/3"),
                    Catch::Contains("--shard '3/3'") && Catch::Contains("K must be below N"));
}

TEST_CASE("shards cover every id exactly once, stably and evenly") {
  const uint32_t n = 4;
  std::vector<int> per(n, 0);
  for (int i = 0; i < 4000; ++i) {
    const std::string id = "yes/speaker" + std::to_string(i);
    int owners = 0;
    for (uint32_t k = 0; k < n; ++k) owners += Shard{k, n}.takes(id) ? 1 : 0;
    CHECK(owners == 1);
    ++per[shard_of(id, n)];
  }
  for (int c : per) CHECK((c > 850 && c < 1150));
  // The published rule: first 8 bytes of SHA-256(id), big-endian, modulo N.
  // sha256("abc") = ba7816bf8f01cfea ... ; 0xba7816bf8f01cfea % 7 = 1 (computed with Python).
  CHECK(shard_of("abc", 1) == 0);
  CHECK(shard_of("abc", 7) == static_cast<uint32_t>(0xba7816bf8f01cfeaull % 7));
  CHECK(Shard{}.takes("anything"));
}

#include "core/parallel.h"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

using namespace tinyprep;

TEST_CASE("parallel_ordered emits every index in order whatever the thread count") {
  for (unsigned jobs : {1u, 2u, 7u}) {
    std::vector<long> results(100), order;
    parallel_ordered(
        100, jobs, [&](long i) { results[i] = i * i; },
        [&](long i) {
          CHECK(results[i] == i * i);
          order.push_back(i);
        });
    REQUIRE(order.size() == 100);
    for (long i = 0; i < 100; ++i) CHECK(order[i] == i);
  }
}

TEST_CASE("parallel_ordered rethrows the first failure in index order") {
  std::vector<long> order;
  auto run = [&] {
    parallel_ordered(
        50, 4,
        [&](long i) {
          if (i == 10 || i == 30) throw std::runtime_error("bad " + std::to_string(i));
        },
        [&](long i) { order.push_back(i); });
  };
  CHECK_THROWS_WITH(run(), "bad 10");
  CHECK(order.size() == 10);
}

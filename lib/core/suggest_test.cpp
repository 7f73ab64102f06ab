#include "core/suggest.h"

#include <catch2/catch.hpp>

using namespace tinyprep;

TEST_CASE("edit_distance counts insertions, deletions and substitutions") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("split", "split") == 0);
  CHECK(edit_distance("splt", "split") == 1);
  CHECK(edit_distance("sevn", "seven") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
}

TEST_CASE("closest_name: within 2 edits or a prefix, the first of equals") {
  std::vector<std::string> names{"export", "features", "import", "init"};
  CHECK(closest_name("imprt", names) == "import");
  CHECK(closest_name("feat", names) == "features");  // a prefix, 4 edits
  CHECK(closest_name("i", names) == "import");       // both i... begin so: the first
  CHECK(closest_name("in", names) == "init");
  CHECK_FALSE(closest_name("zzzzzz", names));
  CHECK_FALSE(closest_name("seven", {"0", "7"}));
  CHECK_FALSE(closest_name("x", {}));
}

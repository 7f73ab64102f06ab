#include "features/feature_store.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "core/error.h"
#include "core/io.h"
#include "core/testing.h"
#include "features/feature_options.h"

namespace tinyprep {
namespace fs = std::filesystem;
using tinyprep::testing::TempDir;

namespace {

FeatureConfig logmel(const std::string& n_mels = "40") {
  return feature_config_from_options("logmel", 16000, 1000, "start",
                                     {{"--n-fft", "512"}, {"--n-mels", n_mels}});
}

const std::string kSha(64, 'a');

}  // namespace

TEST_CASE("file names are safe, unique per id, and keep UTF-8", "[features]") {
  CHECK(FeatureStore::file_name("yes-3f2a9c1e") == "yes-3f2a9c1e.npy");
  CHECK(FeatureStore::file_name("écoute_1") == "écoute_1.npy");
  const std::string a = FeatureStore::file_name("a/b"), b = FeatureStore::file_name("a_b");
  CHECK(a != b);
  CHECK(a.rfind("a_b-", 0) == 0);
  CHECK(FeatureStore::file_name("..").find('/') == std::string::npos);
  CHECK(FeatureStore::file_name("..")[0] != '.');
  CHECK(FeatureStore::file_name(".hidden")[0] != '.');
  CHECK(FeatureStore::file_name(std::string(400, 'x')).size() < 200);
  CHECK(FeatureStore::file_name(std::string("bad\xff", 4)).find('\xff') == std::string::npos);
}

TEST_CASE("config.json is written, reused, and another config is refused", "[features]") {
  TempDir dir;
  const std::string d = (dir.path / "feats").string();
  {
    FeatureStore store(d, logmel(), false);
    CHECK(!store.reused());
  }
  Json doc = Json::parse(read_file(d + "/config.json"));
  CHECK(doc["hash"] == feature_config_hash(logmel()));
  CHECK(doc["config"] == feature_config_tag(logmel()));
  CHECK(doc["params"]["n_mels"] == 40);
  {
    FeatureStore store(d, logmel(), false);
    CHECK(store.reused());
  }
  try {
    FeatureStore store(d, logmel("64"), false);
    FAIL("another config must be refused");
  } catch (const Error& e) {
    CHECK(e.path() == d + "/config.json");
    CHECK_THAT(e.what(), Catch::Contains("another configuration"));
    CHECK_THAT(e.what(), Catch::Contains("--force"));
  }
  FeatureStore forced(d, logmel("64"), true);
  CHECK(Json::parse(read_file(d + "/config.json"))["hash"] == feature_config_hash(logmel("64")));
}

TEST_CASE("staged files appear on commit and are found again by (file, sha256)", "[features]") {
  TempDir dir;
  const std::string d = (dir.path / "feats").string();
  {
    FeatureStore store(d, logmel(), false);
    CHECK(!store.lookup("x.npy", kSha));
    std::vector<StagedFeature> staged;
    staged.push_back(store.stage("x.npy", kSha, {49, 40}, "0123456789"));
    CHECK(!fs::exists(d + "/x.npy"));
    store.commit(staged);
    CHECK(fs::exists(d + "/x.npy"));
    // Not committed: removed (as on an error or Ctrl-C).
    StagedFeature uncommitted = store.stage("y.npy", kSha, {1, 1}, "abc");
    CHECK(fs::exists(uncommitted.npy->temp_path()));
    store.finish();
  }
  CHECK(!fs::exists(d + "/y.npy"));
  size_t temps = 0;
  for (auto& e : fs::directory_iterator(d))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) ++temps;
  CHECK(temps == 0);
  FeatureStore store(d, logmel(), false);
  auto shape = store.lookup("x.npy", kSha);
  REQUIRE(shape);
  CHECK(*shape == std::vector<size_t>{49, 40});
  CHECK(!store.lookup("x.npy", std::string(64, 'b')));  // other content
  fs::resize_file(d + "/x.npy", 3);                     // damaged since
  CHECK(!store.lookup("x.npy", kSha));
}

TEST_CASE("a folder is locked against a concurrent run", "[features]") {
  TempDir dir;
  const std::string d = (dir.path / "feats").string();
  FeatureStore first(d, logmel(), false);
  CHECK_THROWS_WITH(FeatureStore(d, logmel(), false),
                    Catch::Contains("another 'tinyprep features'"));
}

}  // namespace tinyprep

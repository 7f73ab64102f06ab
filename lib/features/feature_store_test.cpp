#include "features/feature_store.h"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "array/npy.h"
#include "array/npy_rows.h"
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

FeatureStoreOptions files(bool force = false) {
  FeatureStoreOptions o;
  o.layout = FeatureLayout::kFiles;
  o.force = force;
  return o;
}

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
    FeatureStore store(d, logmel(), files());
    CHECK(!store.reused());
  }
  Json doc = Json::parse(read_file(d + "/config.json"));
  CHECK(doc["hash"] == feature_config_hash(logmel()));
  CHECK(doc["config"] == feature_config_tag(logmel()));
  CHECK(doc["params"]["n_mels"] == 40);
  {
    FeatureStore store(d, logmel(), files());
    CHECK(store.reused());
  }
  try {
    FeatureStore store(d, logmel("64"), files());
    FAIL("another config must be refused");
  } catch (const Error& e) {
    CHECK(e.path() == d + "/config.json");
    CHECK_THAT(e.what(), Catch::Contains("another configuration"));
    CHECK_THAT(e.what(), Catch::Contains("--force"));
  }
  FeatureStore forced(d, logmel("64"), files(true));
  CHECK(Json::parse(read_file(d + "/config.json"))["hash"] == feature_config_hash(logmel("64")));
}

TEST_CASE("staged files appear on commit and are found again by (file, sha256)", "[features]") {
  TempDir dir;
  const std::string d = (dir.path / "feats").string();
  {
    FeatureStore store(d, logmel(), files());
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
  FeatureStore store(d, logmel(), files());
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
  FeatureStore first(d, logmel(), files());
  CHECK_THROWS_WITH(FeatureStore(d, logmel(), files()),
                    Catch::Contains("another 'tinyprep features'"));
}

namespace {

FeatureStoreOptions packed(uint64_t part_bytes = uint64_t{256} << 20, uint32_t k = 0,
                           uint32_t n = 1) {
  FeatureStoreOptions o;
  o.part_bytes = part_bytes;
  o.shard.index = k;
  o.shard.count = n;
  return o;
}

// A row of shape {2, 3} float32 whose elements are all `v`.
std::string row_bytes(float v, size_t elements = 6) {
  std::vector<float> x(elements, v);
  return std::string(reinterpret_cast<const char*>(x.data()), x.size() * sizeof(float));
}

size_t count_temps(const std::string& d) {
  size_t temps = 0;
  for (auto& e : fs::directory_iterator(d))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) ++temps;
  return temps;
}

}  // namespace

TEST_CASE("part names carry the worker and a six-digit number", "[features]") {
  CHECK(FeatureStore::part_name(0, 0) == "part-0-000000.npy");
  CHECK(FeatureStore::part_name(3, 42) == "part-3-000042.npy");
  CHECK(FeatureStore::part_name(12, 1234567) == "part-12-1234567.npy");
}

TEST_CASE("rows are stacked into parts that np.load reads, and found again", "[features]") {
  TempDir dir;
  const std::string d = (dir.path / "feats").string();
  {
    FeatureStore store(d, logmel(), packed());
    PackedRow a = store.add_row("a", kSha, DType::kFloat32, {2, 3}, row_bytes(1));
    PackedRow b = store.add_row("b", kSha, DType::kFloat32, {2, 3}, row_bytes(2));
    PackedRow c = store.add_row("c", kSha, DType::kFloat32, {1, 3}, row_bytes(3, 3));
    CHECK(a.part == "part-0-000000.npy");
    CHECK(a.row == 0);
    CHECK(b.part == a.part);
    CHECK(b.row == 1);
    CHECK(c.part == "part-0-000001.npy");  // another shape, another part
    CHECK(c.row == 0);
    CHECK(!fs::exists(d + "/" + a.part));  // not before it is complete
    store.finish();
    CHECK(store.parts_written() == 2);
  }
  CHECK(count_temps(d) == 0);
  NpyArray part = read_npy(d + "/part-0-000000.npy");
  CHECK(part.shape == std::vector<size_t>{2, 2, 3});
  CHECK(part.data == row_bytes(1) + row_bytes(2));
  // The bytes np.save writes for that array.
  CHECK(read_file(d + "/part-0-000000.npy") ==
        encode_npy(DType::kFloat32, {2, 2, 3}, part.data.data()));
  CHECK(read_npy_row(d + "/part-0-000001.npy", 0).data == row_bytes(3, 3));
  forget_npy_parts();

  FeatureStore store(d, logmel(), packed());
  auto b = store.lookup_row("b", kSha);
  REQUIRE(b);
  CHECK(b->part == "part-0-000000.npy");
  CHECK(b->row == 1);
  CHECK(b->shape == std::vector<size_t>{2, 3});
  CHECK(!store.lookup_row("b", std::string(64, 'b')));  // other content
  CHECK(!store.lookup_row("z", kSha));
  // New rows go into new parts, numbered on.
  CHECK(store.add_row("d", kSha, DType::kFloat32, {2, 3}, row_bytes(4)).part ==
        "part-0-000002.npy");
}

TEST_CASE("a part is closed before it would pass the size limit", "[features]") {
  TempDir dir;
  const std::string d = (dir.path / "feats").string();
  const size_t header = encode_npy(DType::kFloat32, {0, 2, 3}, nullptr).size();
  {
    FeatureStore store(d, logmel(), packed(header + 3 * 24));  // three rows of 24 bytes
    for (int i = 0; i < 7; ++i)
      CHECK(
          store.add_row("s" + std::to_string(i), kSha, DType::kFloat32, {2, 3}, row_bytes(i)).row ==
          static_cast<size_t>(i % 3));
    store.finish();
  }
  CHECK(inspect_npy_part(d + "/part-0-000000.npy").rows == 3);
  CHECK(inspect_npy_part(d + "/part-0-000001.npy").rows == 3);
  CHECK(inspect_npy_part(d + "/part-0-000002.npy").rows == 1);
  CHECK(fs::file_size(d + "/part-0-000000.npy") == header + 3 * 24);
}

TEST_CASE("an unfinished part is removed; index lines without their part are not used",
          "[features]") {
  TempDir dir;
  const std::string d = (dir.path / "feats").string();
  {
    FeatureStore store(d, logmel(), packed());
    store.add_row("a", kSha, DType::kFloat32, {2, 3}, row_bytes(1));
    store.checkpoint();  // nothing closed yet: nothing renamed
    // No finish(): an error or Ctrl-C.
  }
  CHECK(count_temps(d) == 0);
  CHECK(!fs::exists(d + "/part-0-000000.npy"));
  FeatureStore store(d, logmel(), packed());
  CHECK(!store.lookup_row("a", kSha));
  CHECK(store.add_row("a", kSha, DType::kFloat32, {2, 3}, row_bytes(1)).part ==
        "part-0-000000.npy");
}

TEST_CASE("a part cut short keeps its whole rows", "[features]") {
  TempDir dir;
  const std::string d = (dir.path / "feats").string();
  {
    FeatureStore store(d, logmel(), packed());
    for (int i = 0; i < 3; ++i)
      store.add_row("s" + std::to_string(i), kSha, DType::kFloat32, {2, 3}, row_bytes(i));
    store.finish();
  }
  fs::resize_file(d + "/part-0-000000.npy", fs::file_size(d + "/part-0-000000.npy") - 1);
  FeatureStore store(d, logmel(), packed());
  CHECK(store.lookup_row("s0", kSha));
  CHECK(store.lookup_row("s1", kSha));
  CHECK(!store.lookup_row("s2", kSha));
}

TEST_CASE("workers lock, index and name their parts apart; config.json made_by is ignored",
          "[features]") {
  TempDir dir;
  const std::string d = (dir.path / "feats").string();
  FeatureStoreOptions w0 = packed(uint64_t{1} << 20, 0, 2), w1 = packed(uint64_t{1} << 20, 1, 2);
  w0.made_by = Json{{"command", {"tinyprep", "features", "--shard", "0/2"}}};
  w1.made_by = Json{{"command", {"tinyprep", "features", "--shard", "1/2"}}};
  {
    FeatureStore a(d, logmel(), w0);
    FeatureStore b(d, logmel(), w1);  // at once
    CHECK(b.reused());                // the same configuration, whoever wrote config.json
    CHECK_THROWS_WITH(FeatureStore(d, logmel(), w1), Catch::Contains("as worker 1 (--shard 1/2)"));
    CHECK(a.add_row("x", kSha, DType::kFloat32, {2, 3}, row_bytes(1)).part == "part-0-000000.npy");
    CHECK(b.add_row("y", kSha, DType::kFloat32, {2, 3}, row_bytes(2)).part == "part-1-000000.npy");
    a.finish();
    b.finish();
  }
  Json config = Json::parse(read_file(d + "/config.json"));
  CHECK(config["made_by"]["command"][3] == "0/2");
  CHECK(fs::exists(d + "/index-0.jsonl"));
  CHECK(fs::exists(d + "/index-1.jsonl"));
  // An unsharded run (worker 0) finds both workers' rows, and numbers its parts on.
  FeatureStore whole(d, logmel(), packed());
  CHECK(whole.lookup_row("x", kSha)->part == "part-0-000000.npy");
  CHECK(whole.lookup_row("y", kSha)->part == "part-1-000000.npy");
  CHECK(whole.add_row("z", kSha, DType::kFloat32, {2, 3}, row_bytes(3)).part ==
        "part-0-000001.npy");
}

TEST_CASE("a worker's index is compacted when superseded rows outnumber the live ones",
          "[features]") {
  TempDir dir;
  const std::string d = (dir.path / "feats").string();
  const std::string shas[] = {std::string(64, 'a'), std::string(64, 'b'), std::string(64, 'c')};
  for (const std::string& sha : shas) {  // the clips change twice: 1,800 lines, 600 live
    FeatureStore store(d, logmel(), packed());
    for (int i = 0; i < 600; ++i)
      store.add_row("s" + std::to_string(i), sha, DType::kInt8, {1}, std::string(1, char(i)));
    store.finish();
  }
  auto lines = [&] {
    std::string text = read_file(d + "/index-0.jsonl");
    return std::count(text.begin(), text.end(), '\n');
  };
  CHECK(lines() == 1800);
  FeatureStore store(d, logmel(), packed());
  CHECK(lines() == 600);
  for (int i : {0, 299, 599}) {
    auto row = store.lookup_row("s" + std::to_string(i), shas[2]);
    REQUIRE(row);
    CHECK(row->part == "part-0-000002.npy");
    CHECK(row->row == static_cast<size_t>(i));
    CHECK(!store.lookup_row("s" + std::to_string(i), shas[0]));
  }
}

TEST_CASE("files layout: the last index line wins, and the index is compacted the same way",
          "[features]") {
  TempDir dir;
  const std::string d = (dir.path / "feats").string();
  const std::string shas[] = {std::string(64, 'a'), std::string(64, 'b'), std::string(64, 'c')};
  for (const std::string& sha : shas) {  // the clips change twice: 1,800 lines, 600 live
    FeatureStore store(d, logmel(), files());
    std::vector<StagedFeature> staged;
    for (int i = 0; i < 600; ++i)
      staged.push_back(store.stage("f" + std::to_string(i) + ".npy", sha,
                                   {1, static_cast<size_t>(1 + i % 3)}, std::string(5, 'x')));
    store.commit(staged);
    store.finish();
  }
  auto lines = [&] {
    std::string text = read_file(d + "/index-0.jsonl");
    return std::count(text.begin(), text.end(), '\n');
  };
  CHECK(lines() == 1800);
  for (int pass = 0; pass < 2; ++pass) {  // compacted, then read back as it is
    FeatureStore store(d, logmel(), files());
    CHECK(lines() == 600);
    for (int i : {0, 1, 299, 599}) {
      const std::string file = "f" + std::to_string(i) + ".npy";
      auto shape = store.lookup(file, shas[2]);
      REQUIRE(shape);
      CHECK(*shape == std::vector<size_t>{1, static_cast<size_t>(1 + i % 3)});
      CHECK(!store.lookup(file, shas[0]));
      CHECK(!store.lookup(file, shas[1]));
    }
    CHECK(!store.lookup("f600.npy", shas[2]));
  }
}

TEST_CASE("first_use names the first line of a sample, whether the index holds it or not",
          "[features]") {
  TempDir dir;
  const std::string d = (dir.path / "feats").string();
  {
    FeatureStore store(d, logmel(), packed());
    store.add_row("x", kSha, DType::kInt8, {1}, "a");
    store.finish();
  }
  FeatureStore store(d, logmel(), packed());
  CHECK(store.first_use("x", "x.npy", 3) == 0);  // in the index
  CHECK(store.first_use("y", "y.npy", 4) == 0);  // not
  CHECK(store.first_use("x", "x.npy", 7) == 3);
  CHECK(store.first_use("y", "y.npy", 9) == 4);
  CHECK(store.first_use("x", "x.npy", 10) == 3);
  CHECK(store.lookup_row("x", kSha));  // the mark leaves the entry as it was
  int fresh = 0;                       // the table grows past its first 1,024 slots
  for (int i = 0; i < 3000; ++i) fresh += store.first_use("z" + std::to_string(i), "", 20 + i) == 0;
  CHECK(fresh == 3000);
  CHECK(store.first_use("z2999", "", 5000) == 3019);
  // The files layout: by file name (two ids of one file are duplicates).
  const std::string f = (dir.path / "files").string();
  {
    FeatureStore files_store(f, logmel(), files());
    std::vector<StagedFeature> staged;
    staged.push_back(files_store.stage("x.npy", kSha, {1}, "a"));
    files_store.commit(staged);
    files_store.finish();
  }
  FeatureStore files_store(f, logmel(), files());
  CHECK(files_store.first_use("x", "x.npy", 2) == 0);
  CHECK(files_store.first_use("x/", "x.npy", 5) == 2);
  CHECK(files_store.first_use("q", "q.npy", 6) == 0);
  CHECK(files_store.first_use("q2", "q.npy", 8) == 6);
}

}  // namespace tinyprep

#include "export/hdf5_writer.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/testing.h"

using namespace tinyprep;
using tinyprep::testing::run_command;
using tinyprep::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// h5py (and what export_check.py imports) are test dependencies installed by
// scripts/install-deps: without them the read-back fails the test instead of skipping it.
void require_h5py() {
  INFO("/usr/bin/python3 cannot import h5py, crc32c and google.protobuf (scripts/install-deps)");
  REQUIRE(std::system("/usr/bin/python3 -c 'import h5py, crc32c, google.protobuf' 2>/dev/null") ==
          0);
}

nlohmann::json read_back(const std::string& path) {
  std::string cmd = std::string("/usr/bin/python3 ") + TINYPREP_SOURCE_DIR +
                    "/tests/e2e/export_check.py hdf5 " + path;
  return nlohmann::json::parse(run_command(cmd));
}

}  // namespace

TEST_CASE("chunks hold whole rows up to the chunk size") {
  Hdf5Options o;
  CHECK(hdf5_chunk_rows(49 * 40 * 4, o) == 133);
  CHECK(hdf5_chunk_rows(4 << 20, o) == 1);
  CHECK(hdf5_chunk_rows(0, o) == o.chunk_bytes);
}

TEST_CASE("HDF5 files read back with h5py, every value") {
  TempDir dir;
  std::string path = (dir.path / "out.h5").string();
  Hdf5Options options;
  options.chunk_bytes = 3 * 2 * 4 * 4;  // 4 rows per chunk, so chunks fill and a tail remains
  options.label_chunk_rows = 3;
  {
    auto w = open_hdf5_writer(path, options, false);
    for (int i = 0; i < 11; ++i) {
      float x[3][2];
      for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 2; ++c) x[r][c] = i * 100.0f + r * 10 + c + 0.5f;
      std::string split = i % 3 == 0 ? "test" : "train";
      w->append(split, DType::kFloat32, {3, 2}, x, i % 4, "id-\xc3\xa9-" + std::to_string(i));
    }
    CHECK(w->split_counts() == std::map<std::string, uint64_t>{{"test", 4}, {"train", 7}});
    CHECK_THROWS_WITH(w->append("train", DType::kFloat32, {2, 3}, nullptr, 0, "bad"),
                      Catch::Contains("split 'train' holds float32 (3, 2) arrays; cannot append "
                                      "float32 (2, 3)"));
    w->set_attributes({"yes", "no", "n\xc3\xa4"}, "{\"preset\":\"micro_speech\"}", "0.1.0",
                      "tinyprep export hdf5 -o out.h5 m.jsonl", "{}");
    CHECK_FALSE(fs::exists(path));
    w->publish();
  }
  CHECK(fs::exists(path));
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);
  require_h5py();
  auto j = read_back(path);
  CHECK(j["attrs"]["label_names"] == nlohmann::json({"yes", "no", "n\xc3\xa4"}));
  CHECK(j["attrs"]["feature_config"] == "{\"preset\":\"micro_speech\"}");
  CHECK(j["attrs"]["tinyprep_version"] == "0.1.0");
  CHECK(j["attrs"]["command"] == "tinyprep export hdf5 -o out.h5 m.jsonl");
  std::vector<int> train_ids, test_ids;
  for (int i = 0; i < 11; ++i) (i % 3 == 0 ? test_ids : train_ids).push_back(i);
  for (auto& [split, ids] : {std::pair{"train", train_ids}, std::pair{"test", test_ids}}) {
    INFO(split);
    auto& s = j[split];
    CHECK(s["x_dtype"] == "float32");
    CHECK(s["y_dtype"] == "int64");
    CHECK(s["x_chunks"] == nlohmann::json({4, 3, 2}));
    CHECK(s["x_maxshape"] == nlohmann::json({-1, 3, 2}));
    CHECK(s["compression"] == "gzip");
    CHECK(s["shuffle"] == true);
    CHECK(s["id_type"].get<std::string>().find("utf-8") != std::string::npos);
    REQUIRE(s["x"].size() == ids.size());
    for (size_t k = 0; k < ids.size(); ++k) {
      int i = ids[k];
      for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 2; ++c) CHECK(s["x"][k][r][c] == i * 100.0 + r * 10 + c + 0.5);
      CHECK(s["y"][k] == i % 4);
      CHECK(s["id"][k] == "id-\xc3\xa9-" + std::to_string(i));
    }
  }
}

TEST_CASE("HDF5 integer arrays stay integers; none means no filters") {
  TempDir dir;
  std::string path = (dir.path / "ints.h5").string();
  Hdf5Options options;
  options.gzip = false;
  {
    auto w = open_hdf5_writer(path, options, false);
    int8_t a[4] = {-128, -1, 0, 127};
    w->append("all", DType::kInt8, {4}, a, 0, "a");
    w->set_attributes({}, "null", "0.1.0", "cmd", "{}");
    w->publish();
  }
  CHECK_THROWS_WITH(open_hdf5_writer(path, options, false), Catch::Contains("already exists"));
  require_h5py();
  auto j = read_back(path);
  CHECK(j["all"]["x_dtype"] == "int8");
  CHECK(j["all"]["x"] == nlohmann::json({{-128, -1, 0, 127}}));
  CHECK(j["all"]["compression"].is_null());
  CHECK(j["attrs"]["label_names"] == nlohmann::json::array());
}

TEST_CASE("an unfinished HDF5 file leaves nothing behind") {
  TempDir dir;
  std::string path = (dir.path / "x.h5").string();
  {
    auto w = open_hdf5_writer(path, Hdf5Options{}, false);
    float x = 1;
    w->append("train", DType::kFloat32, {}, &x, 0, "a");
  }
  CHECK(fs::is_empty(dir.path));
  CHECK_THROWS_WITH(open_hdf5_writer((dir.path / "missing/x.h5").string(), Hdf5Options{}, false),
                    Catch::Contains("cannot write"));
}

TEST_CASE("HDF5 encoded rows are variable-length bytes") {
  TempDir dir;
  std::string path = (dir.path / "enc.h5").string();
  {
    auto w = open_hdf5_writer(path, Hdf5Options{}, false);
    w->append_encoded("train", std::string("\x89PNG\0ab", 7), 1, "a");
    w->append_encoded("train", "", 0, "b");
    float x = 0;
    CHECK_THROWS_WITH(w->append("train", DType::kFloat32, {}, &x, 0, "c"),
                      Catch::Contains("cannot mix encoded images and arrays"));
    w->set_attributes({"n", "y"}, "{}", "0.1.0", "cmd", "{}");
    w->publish();
  }
  require_h5py();
  std::string out = run_command(
      "/usr/bin/python3 -c \"import h5py; f = h5py.File('" + path +
      "'); print([bytes(b) for b in f['train/x']], list(f['train/y']), f['train/x'].dtype)\"");
  CHECK(out == "[b'\\x89PNG\\x00ab', b''] [1, 0] object\n");
}

#include "export/export_shards.h"

#include <catch2/catch.hpp>

#include "export/export.h"
#include "export/tfrecord.h"

using namespace tinyprep;

TEST_CASE("worker file names round-trip and refuse what is not one") {
  CHECK(worker_file_name(2, 4) == "worker-2-of-4.json");
  auto kn = parse_worker_file_name("worker-2-of-4.json");
  REQUIRE(kn);
  CHECK(kn->first == 2);
  CHECK(kn->second == 4);
  for (const char* bad :
       {"worker-4-of-4.json", "worker-02-of-4.json", "worker-a-of-4.json", "worker-1-of-.json",
        "worker-1-4.json", "worker-1-of-4.json.tmp", "xworker-1-of-4.json", "worker--1-of-4.json"})
    CHECK_FALSE(parse_worker_file_name(bad));
}

TEST_CASE("worker shard names are told apart from a finished export's") {
  std::string tag = worker_tag(1, 3);
  CHECK(tag == "w00001of00003");
  std::string worker = worker_shard_file_name("fsdd", "train", tag, 7);
  CHECK(worker == "fsdd-train.tfrecord-w00001of00003-00007");
  CHECK(worker_set_file(worker));
  CHECK_FALSE(tfrecord_set_file(worker));
  std::string final_name = shard_file_name("fsdd", "train", 7, 9);
  CHECK(tfrecord_set_file(final_name));
  CHECK_FALSE(worker_set_file(final_name));
  CHECK(worker_set_file("worker-0-of-3.json"));
  CHECK(tfrecord_set_file("dataset_info.json"));
  CHECK_FALSE(worker_set_file("fsdd-train.tfrecord-wxxxxxof00003-00007"));
}

TEST_CASE("an HDF5 part's name carries K and N before the extension") {
  CHECK(hdf5_part_path("out/all.h5", Shard{0, 3}) == "out/all.part-0-of-3.h5");
  CHECK(hdf5_part_path("all.hdf5", Shard{2, 3}) == "all.part-2-of-3.hdf5");
  CHECK(hdf5_part_path("all", Shard{1, 2}) == "all.part-1-of-2");
}

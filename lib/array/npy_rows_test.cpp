#include "array/npy_rows.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>

#include "core/error.h"
#include "core/io.h"
#include "core/testing.h"

using namespace tinyprep;
using tinyprep::testing::TempDir;
namespace fs = std::filesystem;

namespace {
// "path: what" of the Error a read throws.
std::string error_of(const std::string& path, size_t row) {
  try {
    read_npy_row(path, row);
  } catch (const Error& e) {
    return e.located();
  }
  return "no error";
}
}  // namespace

TEST_CASE("read_npy_row reads one row of a stacked part") {
  TempDir dir("npy-rows");
  std::vector<float> v(4 * 2 * 3);
  for (size_t i = 0; i < v.size(); ++i) v[i] = float(i);
  const std::string path = (dir.path / "part-0-000000.npy").string();
  write_file_atomic(path, encode_npy(DType::kFloat32, {4, 2, 3}, v.data()));
  forget_npy_parts();
  for (size_t r = 0; r < 4; ++r) {
    NpyArray a = read_npy_row(path, r);
    CHECK(a.dtype == DType::kFloat32);
    CHECK(a.shape == std::vector<size_t>{2, 3});
    // The row equals the per-sample .npy of the same values.
    NpyArray one = decode_npy("x", encode_npy(DType::kFloat32, {2, 3}, v.data() + r * 6));
    CHECK(a.data == one.data);
  }
  CHECK_THROWS_WITH(read_npy_row(path, 4),
                    Catch::Contains("has 4 rows (shape (4, 2, 3)), no row 4"));
  NpyPartInfo info = inspect_npy_part(path);
  CHECK(info.rows == 4);
  CHECK(info.complete_rows == 4);
  CHECK(info.row_bytes == 24);
  CHECK(info.extra_bytes == 0);
}

TEST_CASE("read_npy_row names a truncated or deleted part and the missing row") {
  TempDir dir("npy-rows");
  std::vector<uint8_t> v(5 * 3, 7);
  const std::string path = (dir.path / "p.npy").string();
  std::string bytes = encode_npy(DType::kUInt8, {5, 3}, v.data());
  write_file_atomic(path, bytes.substr(0, bytes.size() - 4));  // rows 0-3 whole, row 4 cut
  forget_npy_parts();
  NpyPartInfo info = inspect_npy_part(path);
  CHECK(info.rows == 5);
  CHECK(info.complete_rows == 3);
  CHECK(error_of(path, 4) == path + ": truncated: data for 3 of 5 rows, rows 3 to 4 missing");
  CHECK(read_npy_row(path, 2).data == std::string(3, '\x07'));
  CHECK(error_of(path, 3) == path + ": truncated: data for 3 of 5 rows, rows 3 to 4 missing");
  fs::remove(path);
  forget_npy_parts();
  CHECK(error_of(path, 0) == path + ": cannot open: No such file or directory");
  write_file_atomic(path, "hello, not numpy");
  forget_npy_parts();
  CHECK_THROWS_WITH(read_npy_row(path, 0), Catch::Contains("bad magic"));
}

#include "array/npy.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <filesystem>

#include "core/error.h"
#include "core/io.h"
#include "core/testing.h"

using namespace tinyprep;
using tinyprep::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// A scratch folder removed at the end of the test.
std::string header_of(const std::string& bytes) {
  size_t len = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
  return bytes.substr(0, 10 + len);
}

std::string expected_header(const std::string& dict) {
  // NumPy 1.24: dict, spaces up to 64-byte alignment of the whole header, '\n'.
  std::string h = dict;
  while ((10 + h.size() + 1) % 64) h += ' ';
  h += '\n';
  std::string prefix = "\x93NUMPY\x01";
  prefix.push_back('\0');
  prefix.push_back(static_cast<char>(h.size() & 0xFF));
  prefix.push_back(static_cast<char>(h.size() >> 8));
  return prefix + h;
}

bool have_numpy() {
  return std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0;
}

}  // namespace

TEST_CASE("dtype names and sizes follow NumPy") {
  CHECK(std::string(dtype_name(DType::kFloat32)) == "float32");
  CHECK(std::string(dtype_name(DType::kUInt16)) == "uint16");
  CHECK(dtype_from_name("int8") == DType::kInt8);
  CHECK(dtype_from_name("int64") == DType::kInt64);
  CHECK(dtype_size(DType::kInt16) == 2);
  CHECK(dtype_size(DType::kInt64) == 8);
  CHECK_THROWS_AS(dtype_from_name("float64"), Error);
  try {
    dtype_from_name("f4");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kUsage);
  }
}

TEST_CASE("npy header bytes are what np.save writes (NumPy 1.24, known bytes)") {
  std::vector<float> zeros(49 * 40, 0.0f);
  std::string b = encode_npy(DType::kFloat32, {49, 40}, zeros.data());
  // 19 spaces of room for the first axis to grow to 21 digits, then padding to 128 bytes.
  CHECK(header_of(b) == expected_header("{'descr': '<f4', 'fortran_order': False, 'shape': (49, "
                                        "40), }                   "));
  CHECK(b.size() == 128 + 49 * 40 * 4);

  int8_t five[5] = {1, -2, 3, -4, 127};
  b = encode_npy(DType::kInt8, {5}, five);
  CHECK(header_of(b).size() == 128);
  CHECK(header_of(b).find("{'descr': '|i1', 'fortran_order': False, 'shape': (5,), }") == 10);
  CHECK(b.substr(128) == std::string(reinterpret_cast<char*>(five), 5));

  uint8_t scalar = 7;
  b = encode_npy(DType::kUInt8, {}, &scalar);
  CHECK(header_of(b) == expected_header("{'descr': '|u1', 'fortran_order': False, 'shape': (), }"));
  CHECK(b.size() == 129);
}

TEST_CASE("npy files are byte-identical to numpy's for every dtype") {
  if (!have_numpy()) {
    WARN("skipped: /usr/bin/python3 with numpy not available");
    return;
  }
  TempDir dir;
  struct Case {
    DType dtype;
    std::vector<size_t> shape;
    const char* pyshape;
  };
  const Case cases[] = {
      {DType::kFloat32, {49, 40}, "(49, 40)"},
      {DType::kInt8, {5}, "(5,)"},
      {DType::kUInt8, {}, "()"},
      {DType::kInt16, {2, 3, 4}, "(2, 3, 4)"},
      {DType::kUInt16, {0}, "(0,)"},
      {DType::kInt32, {1234567, 1}, "(1234567, 1)"},
      {DType::kInt64, {3, 2, 1, 1, 2}, "(3, 2, 1, 1, 2)"},
  };
  for (const auto& c : cases) {
    // Values i * 37 % 251 - 100 in every dtype: the same formula in Python below.
    size_t n = element_count(c.shape);
    std::string data(n * dtype_size(c.dtype), '\0');
    for (size_t i = 0; i < n; ++i) {
      long v = static_cast<long>(i * 37 % 251) - 100;
      char* p = data.data() + i * dtype_size(c.dtype);
      switch (c.dtype) {
        case DType::kFloat32:
          *reinterpret_cast<float*>(p) = v / 8.0f;
          break;
        case DType::kInt8:
          *reinterpret_cast<int8_t*>(p) = static_cast<int8_t>(v);
          break;
        case DType::kUInt8:
          *reinterpret_cast<uint8_t*>(p) = static_cast<uint8_t>(v + 100);
          break;
        case DType::kInt16:
          *reinterpret_cast<int16_t*>(p) = static_cast<int16_t>(v * 300);
          break;
        case DType::kUInt16:
          *reinterpret_cast<uint16_t*>(p) = static_cast<uint16_t>(v + 100);
          break;
        case DType::kInt32:
          *reinterpret_cast<int32_t*>(p) = static_cast<int32_t>(v * 100000);
          break;
        case DType::kInt64:
          *reinterpret_cast<int64_t*>(p) = v * 10000000000L;
          break;
      }
    }
    std::string name = dtype_name(c.dtype);
    std::string ours = (dir.path / (name + "-ours.npy")).string();
    std::string theirs = (dir.path / (name + "-numpy.npy")).string();
    write_npy(ours, c.dtype, c.shape, data.data());
    std::string expr;
    if (c.dtype == DType::kFloat32)
      expr = "v / 8.0";
    else if (c.dtype == DType::kUInt8 || c.dtype == DType::kUInt16)
      expr = "v + 100";
    else if (c.dtype == DType::kInt16)
      expr = "v * 300";
    else if (c.dtype == DType::kInt32)
      expr = "v * 100000";
    else if (c.dtype == DType::kInt64)
      expr = "v * 10000000000";
    else
      expr = "v";
    std::string cmd =
        "/usr/bin/python3 -c \"import numpy as np; shape = " + std::string(c.pyshape) +
        "; n = int(np.prod(shape)); v = (np.arange(n, dtype=np.int64) * 37 % 251) "
        "- 100; np.save('" +
        theirs + "', (" + expr + ").astype('" + name + "').reshape(shape))\"";
    REQUIRE(std::system(cmd.c_str()) == 0);
    INFO(name);
    CHECK(read_file(ours) == read_file(theirs));

    NpyArray back = read_npy(theirs);
    CHECK(back.dtype == c.dtype);
    CHECK(back.shape == c.shape);
    CHECK(back.count() == n);
    CHECK(back.data == data);
  }
}

TEST_CASE("read_npy accepts what numpy writes in other forms") {
  std::string h = expected_header("{'descr': '<i1', 'fortran_order': False, 'shape': (2,)}");
  NpyArray a = decode_npy("a.npy", h + "\x01\x02");
  CHECK(a.dtype == DType::kInt8);
  CHECK(a.shape == std::vector<size_t>{2});
  CHECK(a.data == "\x01\x02");
  // Version 2.0 header (4-byte length).
  std::string dict = "{\"shape\": (1, 1), \"fortran_order\": False, \"descr\": \"<u2\"}\n";
  std::string v2 = "\x93NUMPY\x02";
  v2.push_back('\0');
  v2.push_back(static_cast<char>(dict.size()));
  v2.append(3, '\0');
  a = decode_npy("b.npy", v2 + dict + "\x34\x12");
  CHECK(a.dtype == DType::kUInt16);
  CHECK(a.shape == std::vector<size_t>{1, 1});
}

TEST_CASE("read_npy names the file and what is wrong") {
  auto error_of = [](const std::string& bytes) {
    try {
      decode_npy("f.npy", bytes);
    } catch (const Error& e) {
      return e.located();
    }
    return std::string("no error");
  };
  std::vector<float> v(6, 1.0f);
  std::string good = encode_npy(DType::kFloat32, {2, 3}, v.data());
  CHECK(error_of("hello") == "f.npy: not a .npy file (bad magic)");
  CHECK(error_of(good.substr(0, 60)) == "f.npy: truncated .npy header");
  CHECK(error_of(good.substr(0, good.size() - 1)) ==
        "f.npy: truncated: 23 bytes of data, expected 24 for shape (2, 3)");
  CHECK(error_of(good + "x") == "f.npy: 1 bytes after the end of the array data");
  std::string f8 = good;
  f8.replace(f8.find("<f4"), 3, "<f8");
  CHECK(error_of(f8) == "f.npy: unsupported dtype '<f8'");
  std::string be = good;
  be.replace(be.find("<f4"), 3, ">f4");
  CHECK(error_of(be) == "f.npy: unsupported dtype '>f4'");
  std::string fortran = good;
  fortran.replace(fortran.find("False"), 5, "True ");
  CHECK(error_of(fortran) == "f.npy: Fortran-order arrays are not supported (save in C order)");
  std::string broken = good;
  broken.replace(broken.find("'shape'"), 7, "'shope'");
  CHECK(error_of(broken) == "f.npy: bad .npy header: unexpected key 'shope'");
  CHECK_THROWS_WITH(read_npy("/nonexistent/x.npy"), Catch::Contains("cannot open"));
}

#include "export/example.h"

#include "core/testing.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

using namespace tinyprep;
using tinyprep::testing::run_command;

namespace {

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) out += {digits[c >> 4], digits[c & 15]};
  return out;
}

// Runs a shell command and returns its stdout.
bool have_python_protobuf() {
  return std::system("/usr/bin/python3 -c 'import google.protobuf, crc32c, numpy' 2>/dev/null") ==
         0;
}

}  // namespace

TEST_CASE("varints are protobuf's base-128 encoding") {
  std::string s;
  append_varint(s, 0);
  append_varint(s, 1);
  append_varint(s, 127);
  append_varint(s, 128);
  append_varint(s, 300);
  CHECK(hex(s) == "00017f8001ac02");
  s.clear();
  append_varint(s, static_cast<uint64_t>(int64_t{-1}));
  CHECK(hex(s) == "ffffffffffffffffff01");
  CHECK(varint_size(0) == 1);
  CHECK(varint_size(127) == 1);
  CHECK(varint_size(128) == 2);
  CHECK(varint_size(~uint64_t{0}) == 10);
}

TEST_CASE("an Example encodes to the bytes protobuf writes") {
  // The same message serialised by python3-protobuf (entries in this order), checked by hand.
  ExampleEncoder e;
  float x[] = {1.5f, -2.0f};
  e.add_floats("x", x, 2);
  e.add_int64("label", 3);
  e.add_bytes("id", "a1");
  CHECK(hex(e.finish()) ==
        "0a31"
        "0a110a0178120c120a0a080000c03f000000c0"
        "0a0e0a056c6162656c12051a030a0103"
        "0a0c0a02696412060a040a026131");
  // clear() starts over.
  e.clear();
  e.add_int64("label", 0);
  CHECK(hex(e.finish()) == "0a100a0e0a056c6162656c12051a030a0100");
}

TEST_CASE("Examples decode with python3-protobuf to the same values") {
  if (!have_python_protobuf()) {
    WARN("skipped: /usr/bin/python3 with protobuf, crc32c and numpy not available");
    return;
  }
  ExampleEncoder e;
  std::vector<float> x(1960);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i) * 0.25f - 100.0f;
  int8_t q[] = {-128, -1, 0, 1, 127};
  uint16_t u[] = {0, 65535, 300};
  e.add_floats("x", x.data(), x.size());
  e.add_ints("q", DType::kInt8, q, 5);
  e.add_ints("u", DType::kUInt16, u, 3);
  e.add_int64("label", -7);
  e.add_bytes("label_name", "y\xc3\xa9s");  // UTF-8 kept as bytes
  e.add_bytes("empty", "");
  e.add_floats("none", nullptr, 0);
  std::string record = e.finish();

  std::string hexrec = hex(record);
  std::string py = "/usr/bin/python3 -c \"import sys; sys.path.insert(0, '" +
                   std::string(TINYPREP_SOURCE_DIR) +
                   "/tests/e2e'); import export_check as c, json; "
                   "print(json.dumps(c.decode_example(c.example_class(), bytes.fromhex('" +
                   hexrec + "')), sort_keys=True))\"";
  std::string out = run_command(py);
  // Every x value is a multiple of 0.25, so Python prints it exactly as this does.
  std::string expected_x = "\"x\": {\"kind\": \"float_list\", \"value\": [";
  for (size_t i = 0; i < x.size(); ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%g", i ? ", " : "", x[i]);
    expected_x += buf;
    if (x[i] == static_cast<float>(static_cast<long>(x[i]))) expected_x += ".0";
  }
  expected_x += "]}";
  CHECK(out.find(expected_x) != std::string::npos);
  CHECK(out.find("\"empty\": {\"kind\": \"bytes_list\", \"value\": [\"\"]}") != std::string::npos);
  CHECK(out.find("\"label\": {\"kind\": \"int64_list\", \"value\": [-7]}") != std::string::npos);
  CHECK(out.find("\"label_name\": {\"kind\": \"bytes_list\", \"value\": [\"79c3a973\"]}") !=
        std::string::npos);
  CHECK(out.find("\"q\": {\"kind\": \"int64_list\", \"value\": [-128, -1, 0, 1, 127]}") !=
        std::string::npos);
  CHECK(out.find("\"u\": {\"kind\": \"int64_list\", \"value\": [0, 65535, 300]}") !=
        std::string::npos);
  CHECK(out.find("\"none\": {\"kind\": \"float_list\", \"value\": []}") != std::string::npos);
}
#include "core/testing.h"

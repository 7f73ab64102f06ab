#include "codec/crc32c.h"

#include <catch2/catch.hpp>
#include <string>

using namespace tinyprep;

// Check values: the CRC catalogue (CRC-32/ISCSI check) and RFC 3720 appendix B.4.
TEST_CASE("crc32c matches the published check values") {
  for (auto f : {crc32c, crc32c_portable}) {
    CHECK(f("123456789", 0) == 0xE3069283u);
    CHECK(f("", 0) == 0u);
    CHECK(f(std::string(32, '\0'), 0) == 0x8A9136AAu);
    CHECK(f(std::string(32, '\xff'), 0) == 0x62A8AB43u);
    std::string ascending, descending;
    for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
    for (int i = 31; i >= 0; --i) descending.push_back(static_cast<char>(i));
    CHECK(f(ascending, 0) == 0x46DD794Eu);
    CHECK(f(descending, 0) == 0x113FDB5Cu);
  }
}

TEST_CASE("crc32c continues across pieces and agrees with the table version") {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>(i * 131 + 7));
  uint32_t whole = crc32c(data);
  CHECK(whole == crc32c_portable(data));
  for (size_t cut : {0, 1, 3, 7, 8, 9, 500, 999, 1000}) {
    INFO(cut);
    std::string_view v(data);
    CHECK(crc32c(v.substr(cut), crc32c(v.substr(0, cut))) == whole);
    CHECK(crc32c_portable(v.substr(cut), crc32c_portable(v.substr(0, cut))) == whole);
    // Unaligned starts exercise the byte-at-a-time head of slicing-by-8.
    CHECK(crc32c(v.substr(cut % 8)) == crc32c_portable(v.substr(cut % 8)));
  }
}

TEST_CASE("masked crc is TensorFlow's rotation plus constant, and unmasks") {
  // TensorFlow's crc32c::Mask of crc32c("123456789").
  uint32_t crc = 0xE3069283u;
  uint32_t expected = ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
  CHECK(mask_crc(crc) == expected);
  CHECK(unmask_crc(mask_crc(crc)) == crc);
  CHECK(unmask_crc(mask_crc(0)) == 0);
  CHECK(mask_crc(0) == 0xa282ead8u);
}

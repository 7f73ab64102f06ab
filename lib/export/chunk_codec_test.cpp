#include "export/chunk_codec.h"

#include <zlib.h>

#include <catch2/catch.hpp>

using namespace tinyprep;

TEST_CASE("shuffle groups byte k of every element") {
  CHECK(shuffle_bytes("abcdABCD12", 4) == "aAbBcCdD12");
  CHECK(shuffle_bytes("abcdef", 1) == "abcdef");
  CHECK(shuffle_bytes("ab", 4) == "ab");
  CHECK(shuffle_bytes("", 4).empty());
  CHECK(shuffle_bytes("aAbB", 2) == "abAB");
}

TEST_CASE("deflate_zlib writes a zlib stream that zlib inflates") {
  std::string data;
  for (int i = 0; i < 100000; ++i)
    data.push_back(static_cast<char>((i * 7) % 13 + (i % 1000 == 0)));
  for (int level : {1, 4, 9}) {
    std::string z = deflate_zlib(data, level);
    CHECK(z.size() < data.size());
    CHECK(static_cast<unsigned char>(z[0]) == 0x78);  // zlib header: deflate, 32K window
    std::string back(data.size(), '\0');
    uLongf size = back.size();
    REQUIRE(uncompress(reinterpret_cast<Bytef*>(back.data()), &size,
                       reinterpret_cast<const Bytef*>(z.data()), z.size()) == Z_OK);
    CHECK(size == data.size());
    CHECK(back == data);
  }
  INFO(deflate_encoder());
  CHECK(!deflate_zlib("", 4).empty());
}

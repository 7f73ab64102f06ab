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

namespace {
std::string inflate(const std::string& z, size_t size) {
  std::string back(size, '\0');
  uLongf n = back.size();
  REQUIRE(uncompress(reinterpret_cast<Bytef*>(back.data()), &n,
                     reinterpret_cast<const Bytef*>(z.data()), z.size()) == Z_OK);
  CHECK(n == size);
  return back;
}

// Float-feature-like bytes: per 4-byte element, two noise bytes, a byte from a small
// alphabet and a constant one; `tail` extra bytes after the elements.
std::string feature_like(size_t elements, size_t tail) {
  std::string data;
  uint32_t state = 12345;
  auto next = [&] { return state = state * 1664525u + 1013904223u; };
  for (size_t i = 0; i < elements; ++i) {
    data.push_back(static_cast<char>(next() >> 24));
    data.push_back(static_cast<char>(next() >> 24));
    data.push_back(static_cast<char>(0x40 + (next() >> 29)));
    data.push_back('\xc2');
  }
  for (size_t i = 0; i < tail; ++i) data.push_back(static_cast<char>(next() >> 24));
  return data;
}
}  // namespace

TEST_CASE("shuffle_deflate_zlib is the zlib stream of the shuffled bytes") {
  for (size_t tail : {0, 3})
    for (size_t elements : {0, 10, 5000, 262144}) {
      std::string data = feature_like(elements, tail);
      for (int level : {1, 4, 9}) {
        std::string z = shuffle_deflate_zlib(data, 4, level);
        INFO(elements << " elements, tail " << tail << ", level " << level);
        CHECK(inflate(z, data.size()) == shuffle_bytes(data, 4));
        CHECK(static_cast<unsigned char>(z[0]) == 0x78);
        CHECK((static_cast<unsigned char>(z[0]) * 256 + static_cast<unsigned char>(z[1])) % 31 ==
              0);
      }
    }
}

TEST_CASE("shuffle_deflate_zlib stores noise planes and compresses the others") {
  std::string data = feature_like(262144, 0);  // 1 MiB: planes of 256 KiB
  std::string plain = deflate_zlib(shuffle_bytes(data, 4), 4);
  std::string planes = shuffle_deflate_zlib(data, 4, 4);
  if (std::string(deflate_encoder()) == "libdeflate") {
    // The two noise planes stored: 5 bytes of block header per 65,535 bytes, no gain, no loss
    // beyond that; the other two compress as before. Bound: plain + 1% of the noise.
    CHECK(planes.size() <= plain.size() + 2 * 262144 / 100);
    CHECK(planes.size() >= 2 * 262144);
    // The first stored block starts right after the zlib header: BFINAL 0, BTYPE 00, LEN 65535.
    CHECK(planes.substr(2, 5) == std::string("\x00\xff\xff\x00\x00", 5));
  } else {
    CHECK(planes == plain);
  }
  // Data deflate can shrink everywhere is deflated whole.
  std::string smooth(1 << 20, '\0');
  for (size_t i = 0; i < smooth.size(); ++i) smooth[i] = static_cast<char>((i / 4096) & 0x3);
  CHECK(shuffle_deflate_zlib(smooth, 4, 4) == deflate_zlib(shuffle_bytes(smooth, 4), 4));
}

TEST_CASE("shuffle_bytes of many elements matches the definition") {
  for (size_t element : {2, 4, 8})
    for (size_t size : {63, 64, 65, 1000, 4099}) {
      std::string data;
      for (size_t i = 0; i < size; ++i) data.push_back(static_cast<char>(i * 131 + i / 7));
      std::string expect(size, '\0');
      size_t n = size / element;
      for (size_t i = 0; i < n * element; ++i) expect[(i % element) * n + i / element] = data[i];
      for (size_t i = n * element; i < size; ++i) expect[i] = data[i];
      INFO(element << "-byte elements, " << size << " bytes");
      CHECK(shuffle_bytes(data, element) == expect);
    }
}

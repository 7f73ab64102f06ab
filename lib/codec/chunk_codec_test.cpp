#include "codec/chunk_codec.h"

#include <cmath>

#include <zlib.h>

#include <catch2/catch.hpp>

#include "codec/deflate_literals.h"

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

TEST_CASE("shuffle_deflate_zlib_into gives the same bytes whatever its buffers held before") {
  // A writer hands one chunk's buffers to the next: longer, shorter, stale contents.
  std::string out = std::string(3 << 20, 'x'), scratch = "stale";
  for (size_t elements : {262144, 10, 5000, 0, 262144}) {
    std::string data = feature_like(elements, 3);
    shuffle_deflate_zlib_into(data, 4, 4, out, scratch);
    INFO(elements << " elements");
    CHECK(out == shuffle_deflate_zlib(data, 4, 4));
    CHECK(inflate(out, data.size()) == shuffle_bytes(data, 4));
  }
}

TEST_CASE("shuffle_deflate_zlib stores noise, Huffman-codes skewed bytes, deflates runs") {
  std::string data = feature_like(262144, 0);  // 1 MiB: planes of 256 KiB
  std::string shuffled = shuffle_bytes(data, 4);
  auto plane = [&](int k) { return std::string_view(shuffled).substr(k * 262144, 262144); };
  CHECK(plane_coding(plane(0)) == PlaneCoding::kStored);    // noise
  CHECK(plane_coding(plane(1)) == PlaneCoding::kStored);    // noise
  CHECK(plane_coding(plane(2)) == PlaneCoding::kLiterals);  // 8 values: 3 bits, no runs
  CHECK(plane_coding(plane(3)) == PlaneCoding::kMatches);   // one value throughout
  std::string plain = deflate_zlib(shuffled, 4);
  std::string planes = shuffle_deflate_zlib(data, 4, 4);
  CHECK(inflate(planes, data.size()) == shuffled);
  // Stored noise costs 5 bytes per 65,535; the 3-bit plane codes to 3/8 plus block headers.
  CHECK(planes.size() <= 2 * 262144 + 2 * 262144 / 100 + 262144 * 3 / 8 + 262144 / 20 + 2048);
  CHECK(planes.size() <= plain.size() + 2 * 262144 / 100);
  // The first stored block starts right after the zlib header: BFINAL 0, BTYPE 00, LEN 65535.
  CHECK(planes.substr(2, 5) == std::string("\x00\xff\xff\x00\x00", 5));
  // Data deflate can shrink everywhere is deflated whole.
  std::string smooth(1 << 20, '\0');
  for (size_t i = 0; i < smooth.size(); ++i) smooth[i] = static_cast<char>((i / 4096) & 0x3);
  CHECK(plane_coding(std::string_view(smooth).substr(0, 262144)) == PlaneCoding::kMatches);
  CHECK(shuffle_deflate_zlib(smooth, 4, 4) == deflate_zlib(shuffle_bytes(smooth, 4), 4));
  // Repeats farther apart than a run but within the window are left to the match finder.
  std::string repeated;
  uint32_t state = 7;
  std::string unit;
  for (int i = 0; i < 1000; ++i)
    unit.push_back(static_cast<char>((state = state * 69069 + 1) >> 24));
  while (repeated.size() < 262144) repeated += unit;
  repeated.resize(262144);
  CHECK(plane_coding(repeated) == PlaneCoding::kMatches);
}

TEST_CASE("a partly filled chunk: the zero padding of each plane is coded apart") {
  std::string data = feature_like(150000, 0);
  data.resize(262144 * 4, '\0');  // padded to a whole chunk, as HDF5 chunks are
  std::string z = shuffle_deflate_zlib(data, 4, 4);
  CHECK(inflate(z, data.size()) == shuffle_bytes(data, 4));
  CHECK(z.substr(2, 5) == std::string("\x00\xff\xff\x00\x00", 5));  // noise stored
  CHECK(z.size() < 2 * 150000 + 150000 * 3 / 8 + 150000 / 10 + 4096);
  for (size_t zeros : {0, 1, 257, 258, 259, 516, 100000}) {
    std::string s = "\x78\x01";
    DeflateBits bits(s);
    deflate_literals(bits, "abc");
    deflate_zeros(bits, zeros);
    deflate_finish(bits);
    std::string expect = "abc" + std::string(zeros, '\0');
    uint32_t adler = static_cast<uint32_t>(adler32(adler32(0, nullptr, 0),
                                                   reinterpret_cast<const Bytef*>(expect.data()),
                                                   static_cast<uInt>(expect.size())));
    for (int shift : {24, 16, 8, 0}) s.push_back(static_cast<char>(adler >> shift));
    INFO(zeros << " zeros");
    CHECK(inflate(s, expect.size()) == expect);
    CHECK(s.size() < 40 + zeros / 150);
  }
}

TEST_CASE("deflate_literals writes blocks that zlib inflates") {
  for (size_t size : {0, 1, 100, 4095, 4096, 4097, 70000, 200000}) {
    for (int kind = 0; kind < 4; ++kind) {
      std::string data;
      uint32_t state = static_cast<uint32_t>(size * 31 + kind);
      for (size_t i = 0; i < size; ++i) {
        state = state * 1664525u + 1013904223u;
        switch (kind) {
          case 0:
            data.push_back(static_cast<char>(state >> 24));
            break;  // noise
          case 1:
            data.push_back(static_cast<char>((state >> 29) + 'a'));
            break;  // 8 values
          case 2:
            data.push_back('x');
            break;  // one value
          default:  // skewed: geometric-like, some symbols very rare
            data.push_back(static_cast<char>(__builtin_ctz((state >> 8) | 0x800000)));
        }
      }
      std::string z = "\x78\x01";
      DeflateBits bits(z);
      deflate_literals(bits, data, 4096);
      deflate_finish(bits);
      uint32_t adler = static_cast<uint32_t>(adler32(adler32(0, nullptr, 0),
                                                     reinterpret_cast<const Bytef*>(data.data()),
                                                     static_cast<uInt>(data.size())));
      for (int shift : {24, 16, 8, 0}) z.push_back(static_cast<char>(adler >> shift));
      INFO(size << " bytes of kind " << kind);
      CHECK(inflate(z, data.size()) == data);
      if (kind == 1 && size >= 4096) CHECK(z.size() < data.size() * 3 / 8 + data.size() / 20 + 64);
      if (kind == 0) CHECK(z.size() <= data.size() + data.size() / 100 + 64);
    }
  }
}

TEST_CASE("Huffman code lengths are complete and within the limit") {
  // Fibonacci frequencies make the deepest possible tree: 40 symbols would need length 39.
  uint32_t freq[40];
  freq[0] = freq[1] = 1;
  for (int i = 2; i < 40; ++i) freq[i] = freq[i - 1] + freq[i - 2];
  for (int limit : {7, 15}) {
    uint8_t len[40];
    huffman_lengths(freq, 40, limit, len);
    double kraft = 0;
    for (int i = 0; i < 40; ++i) {
      CHECK(len[i] >= 1);
      CHECK(len[i] <= limit);
      kraft += std::ldexp(1.0, -len[i]);
    }
    CHECK(kraft == 1.0);
    CHECK(len[39] <= len[0]);  // the most frequent is not longer than the rarest
  }
  uint32_t one[5] = {0, 0, 9, 0, 0};
  uint8_t len[5];
  huffman_lengths(one, 5, 15, len);
  CHECK(len[2] == 1);
  CHECK(len[0] == 1);  // a second code keeps the code complete
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

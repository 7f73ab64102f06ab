#include "codec/chunk_codec.h"

#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>

#include "codec/deflate_literals.h"
#include "core/error.h"

#ifdef TINYPREP_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

namespace tinyprep {

namespace {

#ifdef __SSE2__
// Shuffles 16 four-byte elements at a time: three rounds of byte interleaving turn 4 x 16
// bytes into 8 bytes of each plane from each half, and a 64-bit unpack joins the halves.
size_t shuffle4_sse2(const char* in, size_t n, char* out) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const char* p = in + 4 * i;
    __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
    __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32));
    __m128i v3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 48));
    auto interleave3 = [](__m128i a, __m128i b, __m128i& lo, __m128i& hi) {
      __m128i t0 = _mm_unpacklo_epi8(a, b), t1 = _mm_unpackhi_epi8(a, b);
      __m128i u0 = _mm_unpacklo_epi8(t0, t1), u1 = _mm_unpackhi_epi8(t0, t1);
      lo = _mm_unpacklo_epi8(u0, u1);  // byte 0 of 8 elements, then byte 1
      hi = _mm_unpackhi_epi8(u0, u1);  // byte 2, then byte 3
    };
    __m128i w0, w1, w2, w3;
    interleave3(v0, v1, w0, w1);
    interleave3(v2, v3, w2, w3);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_unpacklo_epi64(w0, w2));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + n + i), _mm_unpackhi_epi64(w0, w2));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * n + i), _mm_unpacklo_epi64(w1, w3));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 3 * n + i), _mm_unpackhi_epi64(w1, w3));
  }
  return i;
}
#endif

}  // namespace

std::string shuffle_bytes(std::string_view data, size_t element_size) {
  std::string out;
  shuffle_bytes_into(data, element_size, out);
  return out;
}

void shuffle_bytes_into(std::string_view data, size_t element_size, std::string& out) {
  size_t n = element_size ? data.size() / element_size : 0;
  if (element_size <= 1 || n <= 1) {
    out.assign(data);
    return;
  }
  out.resize(data.size());
  const char* in = data.data();
  char* o = out.data();
  size_t first = 0;  // elements already shuffled
#ifdef __SSE2__
  if (element_size == 4) first = shuffle4_sse2(in, n, o);
#endif
  for (size_t k = 0; k < element_size; ++k) {
    char* dst = o + k * n;
    const char* src = in + k;
    for (size_t i = first; i < n; ++i) dst[i] = src[i * element_size];
  }
  size_t done = n * element_size;
  std::copy(in + done, in + data.size(), o + done);
}

#ifdef TINYPREP_HAVE_LIBDEFLATE
namespace {
// One compressor per thread and level: making one allocates its tables.
libdeflate_compressor* compressor(int level) {
  thread_local struct Compressors {
    libdeflate_compressor* c[13] = {};
    ~Compressors() {
      for (auto* one : c)
        if (one) libdeflate_free_compressor(one);
    }
  } tl;
  if (level < 0 || level > 12)
    throw Error("deflate level " + std::to_string(level) + " is not 0-12");
  auto*& c = tl.c[level];
  if (!c) c = libdeflate_alloc_compressor(level);
  if (!c) throw Error("cannot start deflate compression");
  return c;
}
}  // namespace

void deflate_zlib_into(std::string_view data, int level, std::string& out) {
  libdeflate_compressor* c = compressor(level);
  out.resize(libdeflate_zlib_compress_bound(c, data.size()));
  size_t n = libdeflate_zlib_compress(c, data.data(), data.size(), out.data(), out.size());
  if (!n) throw Error("deflate compression failed");
  out.resize(n);
}

std::string gzip_member(std::string_view data, int level) {
  libdeflate_compressor* c = compressor(level);
  std::string out(libdeflate_gzip_compress_bound(c, data.size()), '\0');
  size_t n = libdeflate_gzip_compress(c, data.data(), data.size(), out.data(), out.size());
  if (!n) throw Error("gzip compression failed");
  out.resize(n);
  return out;
}

namespace {

// The raw deflate stream (RFC 1951, no zlib wrapper) of `data` at `level`, its last block
// final, appended to `out`.
void append_raw_deflate(std::string& out, std::string_view data, int level) {
  libdeflate_compressor* c = compressor(level);
  size_t at = out.size();
  out.resize(at + libdeflate_deflate_compress_bound(c, data.size()));
  size_t n =
      libdeflate_deflate_compress(c, data.data(), data.size(), out.data() + at, out.size() - at);
  if (!n) throw Error("deflate compression failed");
  out.resize(at + n);
}

uint32_t adler32_of(std::string_view data) {
  return libdeflate_adler32(1, data.data(), data.size());
}

}  // namespace

const char* deflate_encoder() {
  return "libdeflate";
}
#else
void deflate_zlib_into(std::string_view data, int level, std::string& out) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  out.resize(size);
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()),
                level) != Z_OK)
    throw Error("deflate compression failed");
  out.resize(size);
}

std::string gzip_member(std::string_view data, int level) {
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer instead of a zlib one.
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error("cannot start gzip compression");
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  size_t n = out.size() - z.avail_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw Error("gzip compression failed");
  out.resize(n);
  return out;
}

namespace {

void append_raw_deflate(std::string& out, std::string_view data, int level) {
  z_stream z{};
  // windowBits -15: raw deflate, no zlib header or trailer.
  if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error("cannot start deflate compression");
  size_t at = out.size();
  out.resize(at + deflateBound(&z, static_cast<uLong>(data.size())) + 16);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
  z.avail_out = static_cast<uInt>(out.size() - at);
  int rc = deflate(&z, Z_FINISH);
  size_t n = out.size() - at - z.avail_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw Error("deflate compression failed");
  out.resize(at + n);
}

uint32_t adler32_of(std::string_view data) {
  return static_cast<uint32_t>(adler32(adler32(0, nullptr, 0),
                                       reinterpret_cast<const Bytef*>(data.data()),
                                       static_cast<uInt>(data.size())));
}

}  // namespace

const char* deflate_encoder() {
  return "zlib";
}
#endif

// How deflate would do on one byte plane, from cheap measures over it: its byte entropy
// (what a Huffman code gains) and the share of bytes that extend a run of one value to 4 or
// more (what matches of runs gain), both over every fourth 4 KiB block, and the share of
// other 8-byte strings that repeat one within deflate's 32 KiB window (sampled every 16
// bytes). ~0.1 ms for a 256 KiB plane, against ~3 ms for deflating it.
PlaneCoding plane_coding(std::string_view plane) {
  constexpr size_t kMinPlane = 64 * 1024, kBlock = 4096, kEvery = 4;
  if (plane.size() < kMinPlane) return PlaneCoding::kMatches;
  const auto* p = reinterpret_cast<const unsigned char*>(plane.data());
  const size_t n = plane.size();
  uint32_t counts[4][256] = {};  // four tables: consecutive bytes do not wait on each other
  size_t in_runs = 0, seen = 0;
  for (size_t b = 0; b + kBlock <= n; b += kBlock * kEvery) {
    const unsigned char* q = p + b;
    for (size_t i = 0; i < kBlock; i += 4)
      counts[0][q[i]]++, counts[1][q[i + 1]]++, counts[2][q[i + 2]]++, counts[3][q[i + 3]]++;
    unsigned runs = 0;
    for (size_t i = 3; i < kBlock; ++i)
      runs += (q[i] == q[i - 1]) & (q[i] == q[i - 2]) & (q[i] == q[i - 3]);
    in_runs += runs;
    seen += kBlock;
  }
  const double run_share = static_cast<double>(in_runs) / seen;
  if (run_share >= 0.03) return PlaneCoding::kMatches;
  double bits = 0;
  for (int v = 0; v < 256; ++v)
    if (uint32_t c = counts[0][v] + counts[1][v] + counts[2][v] + counts[3][v])
      bits -= c * std::log2(static_cast<double>(c) / seen);
  const double entropy_gain = 1.0 - bits / (8.0 * seen);
  constexpr size_t kStep = 16, kWindow = 32 * 1024, kTable = 1 << 12;
  uint32_t last[kTable];
  std::fill(std::begin(last), std::end(last), UINT32_MAX);
  size_t repeats = 0, probes = 0;
  for (size_t i = 0; i + 8 <= n; i += kStep, ++probes) {
    uint64_t v;
    std::memcpy(&v, p + i, 8);
    if (v == (v & 0xff) * 0x0101010101010101ull) continue;  // a run, counted above
    uint32_t h = static_cast<uint32_t>((v * 0x9E3779B97F4A7C15ull) >> 52);
    uint32_t prev = last[h];
    if (prev != UINT32_MAX && i - prev <= kWindow && std::memcmp(p + prev, p + i, 8) == 0)
      ++repeats;
    last[h] = static_cast<uint32_t>(i);
  }
  const double repeat_share = static_cast<double>(repeats) / std::max<size_t>(probes, 1);
  // Under 3% to gain in all: not worth coding. Under 3% to gain from matches: not worth
  // searching for them.
  if (entropy_gain + run_share + repeat_share < 0.03) return PlaneCoding::kStored;
  if (run_share + repeat_share < 0.03) return PlaneCoding::kLiterals;
  return PlaneCoding::kMatches;
}

PlaneParts split_plane(std::string_view plane) {
  size_t zeros = 0;
  while (zeros < plane.size() && plane[plane.size() - 1 - zeros] == 0) ++zeros;
  if (zeros < 4096) zeros = 0;
  return {plane.substr(0, plane.size() - zeros), zeros};
}

std::string zlib_header(int level) {
  const unsigned flevel = level < 2 ? 0 : level < 6 ? 1 : level == 6 ? 2 : 3;
  unsigned header = (0x78u << 8) | (flevel << 6);
  header += 31 - header % 31;
  return {static_cast<char>(header >> 8), static_cast<char>(header & 0xff)};
}

std::string deflate_zlib(std::string_view data, int level) {
  std::string out;
  deflate_zlib_into(data, level, out);
  return out;
}

std::string shuffle_deflate_zlib(std::string_view data, size_t element_size, int level) {
  std::string out, scratch;
  shuffle_deflate_zlib_into(data, element_size, level, out, scratch);
  return out;
}

void shuffle_deflate_zlib_into(std::string_view data, size_t element_size, int level,
                               std::string& out, std::string& scratch) {
  std::string& shuffled = scratch;
  shuffle_bytes_into(data, element_size, shuffled);
  const size_t plane_size = element_size > 1 ? data.size() / element_size : 0;
  out.clear();
  out.reserve(shuffled.size() + shuffled.size() / 1000 + 64);
  out += zlib_header(level);
  // Leading planes without matches to find are stored or Huffman-coded here; the first plane
  // with matches and everything after it go to the match finder, whose last block is final.
  // The zeros that pad the last chunk of a dataset end each plane: they are judged apart.
  DeflateBits bits(out);
  size_t done = 0;
  for (size_t k = 0; plane_size && k < element_size; ++k) {
    std::string_view plane = std::string_view(shuffled).substr(done, plane_size);
    const auto [body, zeros] = split_plane(plane);
    PlaneCoding how = plane_coding(body);
    if (how == PlaneCoding::kMatches) break;
    if (how == PlaneCoding::kStored)
      deflate_stored(bits, body);
    else
      deflate_literals(bits, body);
    deflate_zeros(bits, zeros);
    done += plane_size;
  }
  if (done == 0) return deflate_zlib_into(shuffled, level, out);
  std::string_view rest = std::string_view(shuffled).substr(done);
  if (rest.empty()) {
    deflate_finish(bits);
  } else {
    deflate_sync(bits);
    append_raw_deflate(out, rest, level);
  }
  uint32_t adler = adler32_of(shuffled);
  for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<char>(adler >> shift));
}

}  // namespace tinyprep

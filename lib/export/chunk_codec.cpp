#include "export/chunk_codec.h"

#include <zlib.h>

#include "core/error.h"

#ifdef TINYPREP_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

namespace tinyprep {

std::string shuffle_bytes(std::string_view data, size_t element_size) {
  std::string out(data.size(), '\0');
  size_t n = element_size ? data.size() / element_size : 0;
  if (element_size <= 1 || n <= 1) return std::string(data);
  const char* in = data.data();
  char* o = out.data();
  for (size_t k = 0; k < element_size; ++k) {
    char* dst = o + k * n;
    const char* src = in + k;
    for (size_t i = 0; i < n; ++i) dst[i] = src[i * element_size];
  }
  size_t done = n * element_size;
  std::copy(in + done, in + data.size(), o + done);
  return out;
}

#ifdef TINYPREP_HAVE_LIBDEFLATE
namespace {
// One compressor per thread and level: making one allocates its tables.
libdeflate_compressor* compressor(int level) {
  thread_local struct Compressor {
    libdeflate_compressor* c = nullptr;
    int level = -1;
    ~Compressor() {
      if (c) libdeflate_free_compressor(c);
    }
  } tl;
  if (!tl.c || tl.level != level) {
    if (tl.c) libdeflate_free_compressor(tl.c);
    tl.c = libdeflate_alloc_compressor(level);
    tl.level = level;
    if (!tl.c) throw Error("cannot start deflate compression");
  }
  return tl.c;
}
}  // namespace

std::string deflate_zlib(std::string_view data, int level) {
  libdeflate_compressor* c = compressor(level);
  std::string out(libdeflate_zlib_compress_bound(c, data.size()), '\0');
  size_t n = libdeflate_zlib_compress(c, data.data(), data.size(), out.data(), out.size());
  if (!n) throw Error("deflate compression failed");
  out.resize(n);
  return out;
}

std::string gzip_member(std::string_view data, int level) {
  libdeflate_compressor* c = compressor(level);
  std::string out(libdeflate_gzip_compress_bound(c, data.size()), '\0');
  size_t n = libdeflate_gzip_compress(c, data.data(), data.size(), out.data(), out.size());
  if (!n) throw Error("gzip compression failed");
  out.resize(n);
  return out;
}

const char* deflate_encoder() {
  return "libdeflate";
}
#else
std::string deflate_zlib(std::string_view data, int level) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()),
                level) != Z_OK)
    throw Error("deflate compression failed");
  out.resize(size);
  return out;
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

const char* deflate_encoder() {
  return "zlib";
}
#endif

}  // namespace tinyprep

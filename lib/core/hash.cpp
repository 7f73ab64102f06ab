#include "core/hash.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "core/error.h"

namespace tinyprep {
namespace {
std::string to_hex(const unsigned char* digest, unsigned len) {
  static const char* kHex = "0123456789abcdef";
  std::string out(len * 2, '0');
  for (unsigned i = 0; i < len; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
  }
  return out;
}

struct CtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_MD_CTX, CtxDeleter>;

std::string digest_hex(const EVP_MD* md, std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, md, nullptr);
  return to_hex(digest, len);
}

// Fetched once: EVP_sha256() makes OpenSSL 3 look the algorithm up in its providers at every
// digest (~1.3 us, 5% of hashing a one-second clip).
const EVP_MD* sha256_md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md ? md : EVP_sha256();
}
const EVP_MD* sha1_md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  return md ? md : EVP_sha1();
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  return digest_hex(sha256_md(), bytes);
}
std::string sha1_hex(std::string_view bytes) {
  return digest_hex(sha1_md(), bytes);
}

std::string sha256_file_hex(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw Error(path, 0, std::string("cannot open: ") + std::strerror(errno));
  Ctx ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), sha256_md(), nullptr);
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) EVP_DigestUpdate(ctx.get(), buf, n);
  bool bad = std::ferror(f);
  int err = errno;
  std::fclose(f);
  if (bad) throw Error(path, 0, std::string("cannot read: ") + std::strerror(err));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  return to_hex(digest, len);
}

}  // namespace tinyprep

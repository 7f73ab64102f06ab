#include "export/tfrecord.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>

#include "core/error.h"
#include "export/crc32c.h"

namespace tinyprep {
namespace {

void put_le32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
}

constexpr size_t kZBufSize = 1 << 18;

}  // namespace

std::string tfrecord_header(uint64_t length) {
  char h[12];
  for (int i = 0; i < 8; ++i) h[i] = static_cast<char>(length >> (8 * i));
  put_le32(h + 8, mask_crc(crc32c(std::string_view(h, 8))));
  return std::string(h, 12);
}

std::string tfrecord_footer(std::string_view record) {
  char f[4];
  put_le32(f, mask_crc(crc32c(record)));
  return std::string(f, 4);
}

std::string shard_file_name(const std::string& name, const std::string& split, size_t index,
                            size_t count) {
  char suffix[48];
  std::snprintf(suffix, sizeof suffix, "%05zu-of-%05zu", index, count);
  return name + "-" + split + ".tfrecord-" + suffix;
}

TfRecordWriter::TfRecordWriter(std::unique_ptr<StagedFile> file, int gzip_level)
    : file_(std::move(file)) {
  if (gzip_level <= 0) return;
  zs_ = std::make_unique<z_stream_s>();
  std::memset(zs_.get(), 0, sizeof(z_stream_s));
  // windowBits 15 + 16: a gzip header and trailer instead of a zlib one.
  if (deflateInit2(zs_.get(), gzip_level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    zs_.reset();
    throw Error(file_->final_path(), 0, "cannot start gzip compression");
  }
  zbuf_.resize(kZBufSize);
}

TfRecordWriter::~TfRecordWriter() {
  if (zs_) deflateEnd(zs_.get());
}

void TfRecordWriter::deflate_out(int flush) {
  auto& z = *zs_;
  do {
    z.next_out = reinterpret_cast<Bytef*>(zbuf_.data());
    z.avail_out = static_cast<uInt>(zbuf_.size());
    int rc = deflate(&z, flush);
    if (rc == Z_STREAM_ERROR) throw Error(file_->final_path(), 0, "gzip compression failed");
    size_t have = zbuf_.size() - z.avail_out;
    if (have) file_->write(std::string_view(zbuf_.data(), have));
  } while (z.avail_out == 0);
}

void TfRecordWriter::put(std::string_view bytes) {
  if (!zs_) return file_->write(bytes);
  // zlib takes uInt lengths: feed large records in pieces.
  while (!bytes.empty()) {
    size_t piece = std::min<size_t>(bytes.size(), 1u << 30);
    zs_->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    zs_->avail_in = static_cast<uInt>(piece);
    deflate_out(Z_NO_FLUSH);
    bytes.remove_prefix(piece);
  }
}

void TfRecordWriter::write(std::string_view record) {
  put(tfrecord_header(record.size()));
  put(record);
  put(tfrecord_footer(record));
  ++records_;
  record_bytes_ += record.size();
}

std::unique_ptr<StagedFile> TfRecordWriter::close() {
  if (zs_) {
    zs_->next_in = nullptr;
    zs_->avail_in = 0;
    int rc;
    do {
      zs_->next_out = reinterpret_cast<Bytef*>(zbuf_.data());
      zs_->avail_out = static_cast<uInt>(zbuf_.size());
      rc = deflate(zs_.get(), Z_FINISH);
      size_t have = zbuf_.size() - zs_->avail_out;
      if (have) file_->write(std::string_view(zbuf_.data(), have));
    } while (rc == Z_OK);
    if (rc != Z_STREAM_END) throw Error(file_->final_path(), 0, "gzip compression failed");
    deflateEnd(zs_.get());
    zs_.reset();
  }
  file_->close();
  return std::move(file_);
}

}  // namespace tinyprep

#include "export/tfrecord.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "codec/chunk_codec.h"
#include "codec/crc32c.h"
#include "core/error.h"

namespace tinyprep {
namespace {

void put_le32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
}

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

std::string worker_tag(uint32_t worker, uint32_t workers) {
  char tag[32];
  std::snprintf(tag, sizeof tag, "w%05uof%05u", worker, workers);
  return tag;
}

std::string worker_shard_file_name(const std::string& name, const std::string& split,
                                   const std::string& tag, size_t index) {
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%05zu", index);
  return name + "-" + split + ".tfrecord-" + tag + "-" + suffix;
}

TfRecordWriter::TfRecordWriter(std::unique_ptr<StagedFile> file, int gzip_level, unsigned threads,
                               size_t block_bytes)
    : file_(std::move(file)),
      gzip_level_(gzip_level),
      block_bytes_(std::max<size_t>(block_bytes, 1)),
      members_(threads) {
  if (gzip_level_ > 0) block_.reserve(block_bytes_);
}

TfRecordWriter::~TfRecordWriter() = default;

void TfRecordWriter::submit_block() {
  int level = gzip_level_;
  members_.submit([block = std::move(block_), level] { return gzip_member(block, level); },
                  [&](std::string member) { file_->write(member); });
  block_ = std::string();
  block_.reserve(block_bytes_);
}

void TfRecordWriter::put(std::string_view bytes) {
  if (gzip_level_ <= 0) return file_->write(bytes);
  while (!bytes.empty()) {
    size_t piece = std::min(bytes.size(), block_bytes_ - block_.size());
    block_.append(bytes.data(), piece);
    bytes.remove_prefix(piece);
    if (block_.size() == block_bytes_) submit_block();
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
  if (gzip_level_ > 0) {
    // An empty shard still gets one (empty) member, so it is a valid gzip file.
    if (!block_.empty() || (members_.empty() && file_->size() == 0)) submit_block();
    members_.drain([&](std::string member) { file_->write(member); });
  }
  file_->close();
  return std::move(file_);
}

}  // namespace tinyprep

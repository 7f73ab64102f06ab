#pragma once
// TFRecord files as TensorFlow writes them: for each record, its length as uint64
// little-endian, the masked CRC32C of those 8 bytes, the bytes, the masked CRC32C of the bytes.
// With GZIP the stream is cut into blocks of about 1 MiB, each compressed on its own (on
// several threads) into one gzip member; the members follow each other as pigz and bgzip
// write them. `gzip -d`, Python's gzip and TensorFlow's GZIP reader (its ZlibInputStream
// resets at the end of each member) read the concatenation as one stream.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/ordered_jobs.h"
#include "core/staged_file.h"

namespace tinyprep {

/// Writes records into a StagedFile; close() hands the file back for publishing.
class TfRecordWriter {
 public:
  /// `gzip_level` 0 writes plain TFRecord, 1-9 GZIP at that level, compressing blocks of
  /// `block_bytes` on `threads` threads (0 = all cores, 1 = this thread).
  TfRecordWriter(std::unique_ptr<StagedFile> file, int gzip_level = 0, unsigned threads = 0,
                 size_t block_bytes = 1 << 20);
  ~TfRecordWriter();
  TfRecordWriter(const TfRecordWriter&) = delete;
  TfRecordWriter& operator=(const TfRecordWriter&) = delete;

  /// Frames and writes one record; throws Error naming the file on I/O failure.
  void write(std::string_view record);
  /// Finishes the gzip stream, fsyncs and closes; returns the file, still unpublished.
  std::unique_ptr<StagedFile> close();

  uint64_t records() const { return records_; }
  /// Record bytes written (without framing or compression): TFDS's numBytes.
  uint64_t record_bytes() const { return record_bytes_; }
  /// Bytes in the file so far (compressed size with GZIP).
  uint64_t file_bytes() const { return file_->size(); }
  const StagedFile& file() const { return *file_; }

 private:
  void put(std::string_view bytes);
  void submit_block();

  std::unique_ptr<StagedFile> file_;
  int gzip_level_;
  size_t block_bytes_;
  std::string block_;                 // uncompressed bytes of the next member
  OrderedJobs<std::string> members_;  // members being compressed, in order
  uint64_t records_ = 0;
  uint64_t record_bytes_ = 0;
};

/// The 12-byte header of a record of `length` bytes: length and its masked CRC32C.
std::string tfrecord_header(uint64_t length);
/// The 4-byte footer of `record`: its masked CRC32C.
std::string tfrecord_footer(std::string_view record);

/// TFDS's shard file name: "{name}-{split}.tfrecord-{index:05d}-of-{count:05d}".
std::string shard_file_name(const std::string& name, const std::string& split, size_t index,
                            size_t count);

/// What a worker of a sharded export (--shard K/N) puts in its shard names: "w{K:05d}of{N:05d}".
std::string worker_tag(uint32_t worker, uint32_t workers);
/// A worker's shard file name: "{name}-{split}.tfrecord-{tag}-{index:05d}".
std::string worker_shard_file_name(const std::string& name, const std::string& split,
                                   const std::string& tag, size_t index);

}  // namespace tinyprep

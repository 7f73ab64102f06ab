#include "export/tfrecord_shards.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"

namespace tinyprep {
namespace {
// Each split has a shard open, each with its write buffer: 256 KiB each, not 1 MiB, writes as
// fast and keeps peak memory from growing with the lines until the smaller splits fill theirs
// (issue 16: 1.5 MiB more at 100,000 lines than at 10,000 with 1 MiB).
constexpr size_t kShardBufferBytes = 256 << 10;
}  // namespace

TfRecordShards::TfRecordShards(std::string folder, std::string name, std::string split,
                               uint64_t total, ShardPlan plan, int gzip_level, unsigned threads,
                               std::string worker_tag)
    : folder_(std::move(folder)),
      name_(std::move(name)),
      split_(std::move(split)),
      worker_tag_(std::move(worker_tag)),
      total_(total),
      plan_(plan),
      gzip_level_(gzip_level),
      threads_(threads) {
  if (plan_.shards) count_ = static_cast<size_t>(std::min<uint64_t>(plan_.shards, total_));
}

uint64_t TfRecordShards::shard_end(size_t index) const {
  // Shard i holds records [i*total/n, (i+1)*total/n): sizes differ by at most one.
  return (index + 1) * total_ / count_;
}

void TfRecordShards::open_next() {
  // A placeholder final name: the "-of-N" part is known only at the end. A worker's shards
  // keep the name they are given here.
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%05zu", files_.size());
  std::string placeholder =
      (std::filesystem::path(folder_) /
       (worker_tag_.empty() ? name_ + "-" + split_ + ".tfrecord-" + suffix
                            : worker_shard_file_name(name_, split_, worker_tag_, files_.size())))
          .string();
  current_ = std::make_unique<TfRecordWriter>(
      std::make_unique<StagedFile>(placeholder,
                                   StagedFileOptions{.buffer_bytes = kShardBufferBytes}),
      gzip_level_, threads_);
}

void TfRecordShards::close_current() {
  lengths_.push_back(current_->records());
  shard_bytes_.push_back(current_->record_bytes());
  files_.push_back(current_->close());
  file_bytes_.push_back(files_.back()->size());
  current_.reset();
}

void TfRecordShards::write(std::string_view record) {
  if (written_ >= total_)
    throw Error(folder_, 0,
                "split '" + split_ + "' got more than the " + std::to_string(total_) +
                    " samples the manifest had when scanned (did it change during the export?)");
  if (!current_) {
    if (!plan_.shards && !plan_.shard_bytes) {
      uint64_t estimate = total_ * (record.size() + 16);
      uint64_t n = (estimate + ShardPlan::kMaxAutoShardBytes - 1) / ShardPlan::kMaxAutoShardBytes;
      count_ = static_cast<size_t>(std::clamp<uint64_t>(n, 1, total_));
    }
    open_next();
  } else if (plan_.shard_bytes) {
    uint64_t in_shard = current_->record_bytes() + 16 * current_->records();
    if (current_->records() && in_shard + record.size() + 16 > plan_.shard_bytes) {
      close_current();
      open_next();
    }
  } else if (written_ == shard_end(files_.size())) {
    close_current();
    open_next();
  }
  current_->write(record);
  ++written_;
  record_bytes_ += record.size();
}

void TfRecordShards::finish() {
  if (current_) close_current();
  if (written_ != total_)
    throw Error(folder_, 0,
                "split '" + split_ + "' got " + std::to_string(written_) + " samples, but the " +
                    "manifest had " + std::to_string(total_) + " when scanned");
  size_t n = files_.size();
  if (!worker_tag_.empty()) return;  // a worker's names are final; finalize renames them
  for (size_t i = 0; i < n; ++i)
    files_[i]->set_final_path(
        (std::filesystem::path(folder_) / shard_file_name(name_, split_, i, n)).string());
}

}  // namespace tinyprep

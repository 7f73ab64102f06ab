// TfRecordExporter: TFRecord shards and the TFDS metadata files, into one locked folder.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "core/diag.h"
#include "core/error.h"
#include "core/signals.h"
#include "core/staged_file.h"
#include "export/example.h"
#include "export/export_shards.h"
#include "export/exporter.h"
#include "export/tfrecord_shards.h"

namespace tinyprep {
namespace fs = std::filesystem;
namespace {

// True when `file` is a name this TFRecord export writes (shards of its name, metadata).
bool tfrecord_output_name(const std::string& file, const void* context) {
  const auto* info = static_cast<const ExportInfo*>(context);
  return file.starts_with(info->name + "-") || file == "dataset_info.json" ||
         file == "features.json" || file == "tinyprep.json" ||
         file == info->keys.label + ".labels.txt" || parse_worker_file_name(file);
}

class TfRecordExporter final : public Exporter {
 public:
  explicit TfRecordExporter(const ExportOptions& o) : o_(o) {}
  void describe(ExportInfo& info) const override { info.gzip_level = o_.gzip_level; }
  void open(const ExportInfo& info, const ManifestScan& scan) override;
  void encode(LoadedSample& sample) const override;
  void write(LoadedSample& sample) override;
  void finish_split(SplitInfo& split) override;
  void publish(const ExportInfo& info) override;
  std::vector<std::string> files() const override;

 private:
  void open_worker(const ExportInfo& info);
  void publish_worker(const ExportInfo& info);
  bool sharded() const { return !o_.shard.whole(); }

  const ExportOptions& o_;
  std::string name_;
  ExampleKeys keys_;
  std::map<std::string, uint64_t> split_counts_;
  std::map<std::string, std::unique_ptr<TfRecordShards>> shards_;
  std::vector<std::unique_ptr<StagedFile>> metadata_;
  std::unique_ptr<FolderLock> lock_;  // the folder's (a worker's own), until published
  std::vector<std::string> stale_;    // files of an earlier export, replaced by this one
  std::string tag_;                   // a worker's "w00001of00003"
};

void TfRecordExporter::open(const ExportInfo& info, const ManifestScan& scan) {
  name_ = info.name;
  keys_ = info.keys;
  split_counts_ = scan.split_counts;
  std::error_code ec;
  if (fs::exists(o_.out, ec) && !fs::is_directory(o_.out, ec))
    throw Error(o_.out, 0, "is a file; TFRecord export writes a folder");
  fs::create_directories(o_.out, ec);
  if (ec) throw Error(o_.out, 0, "cannot create the folder: " + ec.message());
  if (::access(o_.out.c_str(), W_OK) != 0)
    throw Error(o_.out, 0, "cannot write into the folder: " + std::string(std::strerror(errno)));
  if (sharded()) return open_worker(info);
  // Held until the export is published: a second export into the folder refuses at once
  // instead of mixing its shards with ours.
  lock_ = std::make_unique<FolderLock>(
      o_.out, "another export is writing into this folder; wait for it to finish");
  if (size_t n = remove_stale_temps(o_.out, tfrecord_output_name, &info))
    note(o_.out, 0, "removed " + std::to_string(n) + " temporary files of an earlier, killed run");
  // The files of an earlier export (any name, any split) are replaced as a whole, so that a
  // reader's glob never sees two sets. One without dataset_info.json (written last) was
  // killed before it was complete and is replaced without --force.
  for (const auto& entry : fs::directory_iterator(o_.out, ec)) {
    std::string file = entry.path().filename().string();
    if (tfrecord_set_file(file) || worker_set_file(file)) stale_.push_back(entry.path().string());
    if (parse_worker_file_name(file) && !o_.force)
      throw Error(entry.path().string(), 0,
                  "is a worker's of a sharded export (--shard): run `tinyprep export finalize " +
                      o_.out + "`, or use --force to replace those files");
  }
  std::sort(stale_.begin(), stale_.end());
  fs::path complete = fs::path(o_.out) / "dataset_info.json";
  if (fs::exists(complete, ec) && !o_.force)
    throw Error(complete.string(), 0, "already exists (use --force to replace the export)");
  if (!stale_.empty() && !fs::exists(complete, ec))
    note(o_.out, 0,
         "replacing " + std::to_string(stale_.size()) +
             " files of an unfinished export (it has no dataset_info.json)");
}

// A worker of a sharded export: N of them write into the folder at once, each its own files
// under its own lock (".worker-K-of-N.lock"), and worker-K-of-N.json last.
void TfRecordExporter::open_worker(const ExportInfo& info) {
  tag_ = worker_tag(o_.shard.index, o_.shard.count);
  std::string me = worker_file_name(o_.shard.index, o_.shard.count);
  std::string lock_name = "." + fs::path(me).stem().string() + ".lock";
  FolderLock::Options lock;
  lock.busy = "worker " + std::to_string(o_.shard.index) + " of " + std::to_string(o_.shard.count) +
              " is already writing into this folder";
  lock.lock_file = lock_name;
  lock_ = std::make_unique<FolderLock>(o_.out, lock);
  if (size_t n = remove_stale_temps(o_.out, tfrecord_output_name, &info))
    note(o_.out, 0, "removed " + std::to_string(n) + " temporary files of an earlier, killed run");
  std::error_code ec;
  fs::path complete = fs::path(o_.out) / "dataset_info.json";
  if (fs::exists(complete, ec) && !o_.force)
    throw Error(complete.string(), 0,
                "already exists: the folder holds a finished export (use --force to replace it; "
                "export finalize replaces it once every worker is done)");
  fs::path done = fs::path(o_.out) / me;
  if (fs::exists(done, ec) && !o_.force)
    throw Error(done.string(), 0,
                "already exists: worker " + std::to_string(o_.shard.index) + " of " +
                    std::to_string(o_.shard.count) + " has finished (use --force to redo it)");
  // This worker's files of an earlier run (any name, any split) are replaced.
  std::string mark = ".tfrecord-" + tag_ + "-";
  for (const auto& entry : fs::directory_iterator(o_.out, ec)) {
    std::string file = entry.path().filename().string();
    if (file == me || (file[0] != '.' && file.find(mark) != std::string::npos))
      stale_.push_back(entry.path().string());
  }
  std::sort(stale_.begin(), stale_.end());
}

void TfRecordExporter::encode(LoadedSample& sample) const {
  // One encoder per pool thread (its buffers are reused from sample to sample).
  thread_local ExampleEncoder encoder;
  const SampleArray& a = sample.array;
  encoder.clear();
  if (!o_.image_encoding.empty())
    encoder.add_bytes(keys_.x, a.data);
  else if (a.dtype == DType::kFloat32)
    encoder.add_floats(keys_.x, reinterpret_cast<const float*>(a.data.data()), a.data.size() / 4);
  else if (o_.x_encoding == "raw")
    encoder.add_bytes(keys_.x, a.data);  // little-endian elements, as tf.io.decode_raw reads
  else
    encoder.add_ints(keys_.x, a.dtype, a.data.data(), a.data.size() / dtype_size(a.dtype));
  std::vector<int64_t> shape(a.shape.begin(), a.shape.end());
  encoder.add_int64s(keys_.shape, shape.data(), shape.size());
  encoder.add_int64(keys_.label, sample.label_index);
  encoder.add_bytes(keys_.label_name, sample.label);
  encoder.add_bytes(keys_.id, sample.id);
  sample.record = encoder.finish();
}

void TfRecordExporter::write(LoadedSample& sample) {
  auto& w = shards_[sample.split];
  if (!w)
    w = std::make_unique<TfRecordShards>(o_.out, name_, sample.split,
                                         split_counts_.at(sample.split), o_.shards, o_.gzip_level,
                                         o_.jobs, tag_);
  w->write(sample.record);
}

void TfRecordExporter::finish_split(SplitInfo& split) {
  auto it = shards_.find(split.name);
  if (it == shards_.end()) return;  // a worker with no line of this split
  auto& w = it->second;
  w->finish();
  split.shard_lengths = w->shard_lengths();
  split.num_bytes = w->record_bytes();
  for (const auto& f : w->files())
    split.shard_files.push_back(fs::path(f->final_path()).filename().string());
  split.shard_bytes = w->shard_record_bytes();
  split.file_bytes = w->shard_file_bytes();
}

void TfRecordExporter::publish_worker(const ExportInfo& info) {
  auto f = std::make_unique<StagedFile>(
      (fs::path(o_.out) / worker_file_name(o_.shard.index, o_.shard.count)).string());
  f->write(worker_json(info));
  f->close();
  check_interrupted();
  std::set<std::string> keep;
  for (auto& [split, w] : shards_)
    for (auto& s : w->files()) keep.insert(s->final_path());
  // The old worker file first: while it exists it vouches for the old shards.
  for (const auto& old : stale_)
    if (old == f->final_path() || !keep.count(old)) {
      std::error_code ec;
      if (!fs::remove(old, ec) && ec) throw Error(old, 0, "cannot remove: " + ec.message());
    }
  for (auto& [split, w] : shards_)
    for (auto& s : w->files()) s->commit();
  sync_folder(o_.out);
  f->commit();  // last: its presence says this worker is done
  sync_folder(o_.out);
  metadata_.push_back(std::move(f));
}

void TfRecordExporter::publish(const ExportInfo& info) {
  if (sharded()) return publish_worker(info);
  auto stage = [&](const std::string& file, const std::string& text) {
    auto f = std::make_unique<StagedFile>((fs::path(o_.out) / file).string());
    f->write(text);
    f->close();
    metadata_.push_back(std::move(f));
  };
  stage(info.keys.label + ".labels.txt", labels_txt(info));
  stage("features.json", features_json(info));
  stage("tinyprep.json", tinyprep_json(info));
  stage("dataset_info.json", dataset_info_json(info));  // last: it marks a complete export
  check_interrupted();
  // Everything is complete and synced: now make it visible, shards first.
  std::set<std::string> keep;
  for (auto& [split, w] : shards_)
    for (auto& f : w->files()) keep.insert(f->final_path());
  for (auto& f : metadata_) keep.insert(f->final_path());
  for (const auto& old : stale_)
    if (!keep.count(old)) {
      std::error_code ec;
      if (!fs::remove(old, ec) && ec) throw Error(old, 0, "cannot remove: " + ec.message());
    }
  for (auto& [split, w] : shards_)
    for (auto& f : w->files()) f->commit();
  for (auto& f : metadata_) f->commit();
  sync_folder(o_.out);
}

std::vector<std::string> TfRecordExporter::files() const {
  std::vector<std::string> out;
  for (const auto& [split, w] : shards_)
    for (const auto& f : w->files()) out.push_back(f->final_path());
  for (const auto& f : metadata_) out.push_back(f->final_path());
  return out;
}

}  // namespace

std::unique_ptr<Exporter> make_tfrecord_exporter(const ExportOptions& options) {
  check_option_name(options.keys.label, "--key label");  // it names "<key>.labels.txt"
  return std::make_unique<TfRecordExporter>(options);
}

}  // namespace tinyprep

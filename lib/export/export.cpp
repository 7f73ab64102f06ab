#include "export/export.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "core/diag.h"
#include "core/error.h"
#include "core/io.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "core/signals.h"
#include "core/staged_file.h"
#include "export/example.h"
#include "export/export_scan.h"
#include "export/hdf5_writer.h"
#include "export/tfrecord_shards.h"
#include "manifest/dataset.h"

namespace tinyprep {
namespace fs = std::filesystem;
namespace {

constexpr long kGroup = 32;  // samples handed to a thread at once

// A copy of stdin in a temporary file, so the manifest can be read twice; removed at the end.
class Spool {
 public:
  Spool() {
    path_ = (fs::temp_directory_path() /
             ("tinyprep-export-stdin-" + std::to_string(getpid()) + ".jsonl"))
                .string();
    Output out(path_, true);
    LineReader in("-");
    std::string line;
    while (in.next(line)) {
      line += '\n';
      out.write(line);
    }
    out.commit();
  }
  ~Spool() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Reads the manifest, fixing up source and base for a spooled stdin.
class Lines {
 public:
  Lines(const std::string& name, const Spool* spool, bool allow_outside)
      : reader_(spool ? spool->path() : name, allow_outside || spool),
        source_(spool ? "<stdin>" : ""),
        base_(spool ? fs::current_path() : reader_.base()) {}
  bool next(Sample& s) {
    if (!reader_.next(s)) return false;
    if (!source_.empty()) s.source = source_;
    s.base = base_;
    return true;
  }
  ManifestReader& reader() { return reader_; }
  /// The dataset folder the manifest belongs to (none on stdin, whatever is beside the spool).
  std::optional<fs::path> dataset_dir() const {
    return source_.empty() ? reader_.dataset_dir() : std::nullopt;
  }
  std::string source() const { return source_.empty() ? reader_.name() : source_; }
  const fs::path& base() const { return base_; }

 private:
  ManifestReader reader_;
  std::string source_;
  fs::path base_;
};

// One loaded sample, ready to be written.
struct Loaded {
  SampleArray array;
  std::string record;  // the serialized Example (TFRecord)
  std::string split, id, label;
  int64_t label_index = -1;
};

SampleArray load_features(const Sample& s) {
  const Json& f = s.json["features"];
  std::string path = s.resolve(f["path"].get<std::string>()).string();
  NpyArray a;
  try {
    a = read_npy(path);
  } catch (const Error& e) {
    s.fail("features of '" + s.id() + "': " + e.located());
  }
  auto declared = f.find("shape");
  if (declared != f.end() && declared->is_array()) {
    std::vector<size_t> shape;
    for (const auto& d : *declared)
      if (d.is_number_unsigned()) shape.push_back(d.get<size_t>());
    if (shape != a.shape)
      s.fail("features of '" + s.id() + "': " + path + " has shape " + shape_text(a.shape) +
             " but the line says " + shape_text(shape));
  }
  return {a.dtype, std::move(a.shape), std::move(a.data)};
}

class Exporter {
 public:
  Exporter(const ExportOptions& o, const MediaLoader& load_media)
      : o_(o), load_media_(load_media) {}
  ExportInfo run();

 private:
  void prepare_tfrecord_folder();
  void work(Sample& s, Loaded& out, ExampleEncoder& encoder);
  void emit(const Sample& s, Loaded& item);
  void publish();

  const ExportOptions& o_;
  const MediaLoader& load_media_;
  ExportInfo info_;
  ManifestScan scan_;
  std::map<std::string, int64_t> label_index_;
  std::map<std::string, std::unique_ptr<TfRecordShards>> shards_;
  std::unique_ptr<Hdf5Writer> hdf5_;
  std::vector<std::unique_ptr<StagedFile>> metadata_;
  std::unique_ptr<FolderLock> lock_;  // the TFRecord folder's
  std::vector<std::string> stale_;    // files of an earlier export, replaced by this one
  std::optional<FirstSeen> first_;
  std::string first_shape_source_;
  uint64_t written_ = 0;
};

// True when `file` is a name this TFRecord export writes (shards of its name, metadata).
bool tfrecord_output_name(const std::string& file, const void* context) {
  const auto* info = static_cast<const ExportInfo*>(context);
  return file.starts_with(info->name + "-") || file == "dataset_info.json" ||
         file == "features.json" || file == "tinyprep.json" ||
         file == info->keys.label + ".labels.txt";
}

// check_file_name_part for an option value: a usage error (exit 2).
void check_option_name(const std::string& name, const std::string& option) {
  try {
    check_file_name_part(name, option, "");
  } catch (const Error& e) {
    throw usage_error(e.what());
  }
}

bool same_name(const std::string& file, const void* context) {
  return file == *static_cast<const std::string*>(context);
}

// True for the name of a file of a TFRecord export, whatever its dataset name, splits and
// label key: "<name>-<split>.tfrecord-00000-of-00003", the metadata, "<key>.labels.txt".
bool export_set_file(const std::string& file) {
  if (file == "dataset_info.json" || file == "features.json" || file == "tinyprep.json" ||
      file.ends_with(".labels.txt"))
    return true;
  static constexpr std::string_view kShard = ".tfrecord-00000-of-00000";
  if (file.size() <= kShard.size()) return false;
  std::string_view tail = std::string_view(file).substr(file.size() - kShard.size());
  for (size_t i = 0; i < kShard.size(); ++i) {
    bool digit = tail[i] >= '0' && tail[i] <= '9';
    if (kShard[i] == '0' ? !digit : tail[i] != kShard[i]) return false;
  }
  return true;
}

void Exporter::prepare_tfrecord_folder() {
  std::error_code ec;
  if (fs::exists(o_.out, ec) && !fs::is_directory(o_.out, ec))
    throw Error(o_.out, 0, "is a file; TFRecord export writes a folder");
  fs::create_directories(o_.out, ec);
  if (ec) throw Error(o_.out, 0, "cannot create the folder: " + ec.message());
  if (::access(o_.out.c_str(), W_OK) != 0)
    throw Error(o_.out, 0, "cannot write into the folder: " + std::string(std::strerror(errno)));
  // Held until the export is published: a second export into the folder refuses at once
  // instead of mixing its shards with ours.
  lock_ = std::make_unique<FolderLock>(
      o_.out, "another export is writing into this folder; wait for it to finish");
  if (size_t n = remove_stale_temps(o_.out, tfrecord_output_name, &info_))
    note(o_.out, 0, "removed " + std::to_string(n) + " temporary files of an earlier, killed run");
  // The files of an earlier export (any name, any split) are replaced as a whole, so that a
  // reader's glob never sees two sets. One without dataset_info.json (written last) was
  // killed before it was complete and is replaced without --force.
  for (const auto& entry : fs::directory_iterator(o_.out, ec)) {
    std::string file = entry.path().filename().string();
    if (export_set_file(file)) stale_.push_back(entry.path().string());
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

void Exporter::work(Sample& s, Loaded& out, ExampleEncoder& encoder) {
  out.id = s.id();
  out.split = s.split();
  if (out.split.empty()) out.split = "all";
  out.label = s.label();
  if (!out.label.empty()) out.label_index = label_index_.at(out.label);
  if (scan_.has_features) {
    out.array = load_features(s);
  } else {
    try {
      out.array = load_media_(s, o_);
    } catch (const Error& e) {
      // A media error names the file; say which manifest line and sample it belongs to.
      if (e.line() || e.code() != ExitCode::kData || e.path() == s.source) throw;
      s.fail("'" + out.id + "': " + e.located());
    }
  }
  if (o_.format != "tfrecord") return;
  const SampleArray& a = out.array;
  const ExampleKeys& k = info_.keys;
  encoder.clear();
  if (!o_.image_encoding.empty())
    encoder.add_bytes(k.x, a.data);
  else if (a.dtype == DType::kFloat32)
    encoder.add_floats(k.x, reinterpret_cast<const float*>(a.data.data()), a.data.size() / 4);
  else
    encoder.add_ints(k.x, a.dtype, a.data.data(), a.data.size() / dtype_size(a.dtype));
  std::vector<int64_t> shape(a.shape.begin(), a.shape.end());
  encoder.add_int64s(k.shape, shape.data(), shape.size());
  encoder.add_int64(k.label, out.label_index);
  encoder.add_bytes(k.label_name, out.label);
  encoder.add_bytes(k.id, out.id);
  out.record = encoder.finish();
}

void Exporter::emit(const Sample& s, Loaded& item) {
  check_interrupted();
  SampleArray& a = item.array;
  if (!first_) {
    first_ = FirstSeen{item.id, s.line};
    info_.dtype = a.dtype;
    info_.shape = a.shape;
  } else if (o_.image_encoding.empty() && (a.dtype != info_.dtype || a.shape != info_.shape)) {
    s.fail("'" + item.id + "' is " + dtype_name(a.dtype) + " " + shape_text(a.shape) + " but '" +
           first_->id + "' (line " + std::to_string(first_->line) + ") is " +
           dtype_name(info_.dtype) + " " + shape_text(info_.shape) +
           ": every sample must have the same shape");
  }
  if (o_.format == "tfrecord") {
    auto& w = shards_[item.split];
    if (!w)
      w = std::make_unique<TfRecordShards>(o_.out, info_.name, item.split,
                                           scan_.split_counts.at(item.split), o_.shards,
                                           o_.gzip_level, o_.jobs);
    w->write(item.record);
  } else {
    if (!o_.image_encoding.empty())
      hdf5_->append_encoded(item.split, a.data, item.label_index, item.id);
    else
      hdf5_->append(item.split, a.dtype, a.shape, a.data.data(), item.label_index, item.id);
  }
  ++written_;
}

ExportInfo Exporter::run() {
  std::unique_ptr<Spool> spool;
  if (is_stdio(o_.manifest)) spool = std::make_unique<Spool>();
  info_.format = o_.format;
  info_.keys = o_.keys;
  info_.gzip_level = o_.format == "tfrecord" ? o_.gzip_level : 0;
  info_.hdf5_gzip = o_.format == "hdf5" && o_.hdf5_gzip;
  info_.image_encoding = o_.image_encoding;
  info_.tinyprep_version = o_.tinyprep_version;
  info_.command = o_.command;

  std::vector<std::string> dataset_labels;
  std::string dataset_file;  // dataset.json, when the manifest is a dataset's
  {
    Lines lines(o_.manifest, spool.get(), o_.allow_outside);
    if (lines.dataset_dir()) {
      Dataset d = Dataset::open(*lines.dataset_dir());
      dataset_file = d.info_file().string();
      dataset_labels = d.labels();
      info_.name = d.name();
      const Json& j = d.info();
      if (j.contains("description") && j["description"].is_string())
        info_.description = j["description"];
      if (j.contains("license") && j["license"].is_string()) info_.license = j["license"];
      if (j.contains("version") && j["version"].is_string()) info_.version = j["version"];
    }
    scan_ = scan_manifest(lines.reader(), spool ? "<stdin>" : "");
    info_.label_names = resolve_labels(o_.labels, dataset_labels, scan_, lines.source());
    if (scan_.without_split && scan_.without_split < scan_.lines)
      warn(lines.source(), scan_.first_without_split,
           std::to_string(scan_.without_split) + " of " + std::to_string(scan_.lines) +
               " samples have no split; they go to 'all'");
  }
  if (!o_.name.empty()) info_.name = o_.name;
  if (info_.name.empty()) info_.name = "data";
  // The name starts every shard's file name.
  if (!o_.name.empty())
    check_option_name(info_.name, "--name");
  else if (!dataset_file.empty())
    check_file_name_part(info_.name, "dataset name", dataset_file);
  if (!scan_.lines) throw Error(display_name(o_.manifest), 0, "no samples");
  for (size_t i = 0; i < info_.label_names.size(); ++i)
    label_index_[info_.label_names[i]] = static_cast<int64_t>(i);
  info_.feature_config = scan_.has_features && scan_.feature_config ? *scan_.feature_config
                                                                    : Json{{"source", "raw media"}};
  if (!o_.image_encoding.empty() && !scan_.has_features)
    info_.feature_config["image_encoding"] = o_.image_encoding;

  std::vector<std::string> splits;
  for (const auto& [split, count] : scan_.split_counts) splits.push_back(split);
  std::sort(splits.begin(), splits.end(), split_order_less);
  if (o_.format == "tfrecord") {
    prepare_tfrecord_folder();
  } else {
    Hdf5Options h;
    h.gzip = o_.hdf5_gzip;
    h.threads = o_.jobs;
    std::string file = fs::path(o_.out).filename().string();
    if (size_t n = remove_stale_temps(fs::path(o_.out).parent_path().string(), same_name, &file))
      note(o_.out, 0,
           "removed " + std::to_string(n) + " temporary files of an earlier, killed run");
    hdf5_ = open_hdf5_writer(o_.out, h, o_.force);
  }

  Lines lines(o_.manifest, spool.get(), o_.allow_outside);
  Progress progress("export", static_cast<long>(scan_.lines));
  unsigned jobs = o_.jobs ? o_.jobs : default_jobs();
  // Lines in memory at once: four groups per thread keep every thread busy; more only makes
  // the arrays and records of a batch touch fresh memory (page faults) instead of reusing it.
  const long batch_size = std::max<long>(256, 4L * kGroup * jobs);
  std::vector<Sample> batch(batch_size);
  std::vector<Loaded> loaded(batch_size);
  bool more = true;
  while (more) {
    long n = 0;
    while (n < batch_size && (more = lines.next(batch[n]))) ++n;
    if (!n) break;
    // Samples go to the pool in groups: one hand-over per group, not per sample, since a
    // sample's work (read a small file, encode) is only tens of microseconds.
    long groups = (n + kGroup - 1) / kGroup;
    parallel_ordered(
        groups, jobs,
        [&](long g) {
          // One encoder per thread of this batch (threads do not outlive the call).
          thread_local ExampleEncoder local;
          for (long i = g * kGroup; i < std::min(n, (g + 1) * kGroup); ++i)
            work(batch[i], loaded[i], local);
        },
        [&](long g) {
          for (long i = g * kGroup; i < std::min(n, (g + 1) * kGroup); ++i) {
            emit(batch[i], loaded[i]);
            loaded[i] = Loaded{};
          }
          progress.update(static_cast<long>(written_));
        });
  }
  progress.finish();
  if (written_ != scan_.lines)
    throw Error(lines.source(), 0, "the manifest changed during the export");

  for (const auto& split : splits) {
    SplitInfo si;
    si.name = split;
    si.count = scan_.split_counts[split];
    if (o_.format == "tfrecord") {
      auto& w = shards_.at(split);
      w->finish();
      si.shard_lengths = w->shard_lengths();
      si.num_bytes = w->record_bytes();
    }
    info_.splits.push_back(si);
  }
  if (scan_.unlabeled)
    warn(lines.source(), 0,
         std::to_string(scan_.unlabeled) + " samples have no label; their label index is -1");
  publish();
  return info_;
}

void Exporter::publish() {
  if (o_.format == "hdf5") {
    hdf5_->set_attributes(info_.label_names, info_.feature_config.dump(), o_.tinyprep_version,
                          o_.command);
    hdf5_->publish();
    return;
  }
  auto stage = [&](const std::string& file, const std::string& text) {
    auto f = std::make_unique<StagedFile>((fs::path(o_.out) / file).string());
    f->write(text);
    f->close();
    metadata_.push_back(std::move(f));
  };
  stage(info_.keys.label + ".labels.txt", labels_txt(info_));
  stage("features.json", features_json(info_));
  stage("tinyprep.json", tinyprep_json(info_));
  stage("dataset_info.json", dataset_info_json(info_));  // last: it marks a complete export
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

}  // namespace

ExportInfo run_export(const ExportOptions& options, const MediaLoader& load_media) {
  if (options.format != "tfrecord" && options.format != "hdf5")
    throw usage_error("format must be tfrecord or hdf5");
  if (options.out.empty()) throw usage_error("-o OUT is required");
  if (options.format == "tfrecord")  // the label key names "<key>.labels.txt"
    check_option_name(options.keys.label, "--key label");
  try {
    return Exporter(options, load_media).run();
  } catch (const Error& e) {
    // A read interrupted by Ctrl-C fails with EINTR: report the interruption, not the read.
    if (interrupted() && e.code() != ExitCode::kInterrupted) throw interrupted_error();
    throw;
  }
}

}  // namespace tinyprep

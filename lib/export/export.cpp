#include "export/export.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include "core/diag.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/io.h"
#include "core/parallel.h"
#include "core/process.h"
#include "core/progress.h"
#include "core/signals.h"
#include "core/staged_file.h"
#include "export/export_input.h"
#include "export/export_scan.h"
#include "export/exporter.h"
#include "export/hdf5_writer.h"
#include "manifest/dataset.h"

namespace tinyprep {
namespace fs = std::filesystem;
namespace {

constexpr long kGroup = 32;  // samples handed to a thread at once

// Empties a written sample for the next batch but keeps the buffers of its array and record
// (up to 1 MiB each): a batch's arrays freed together leave the top of the heap, which glibc
// gives back to the kernel, and the next batch would fault every 4 KiB of them in again.
void recycle(LoadedSample& l) {
  constexpr size_t kKeep = 1 << 20;
  std::string data = std::move(l.array.data), record = std::move(l.record);
  l = LoadedSample{};
  if (data.capacity() <= kKeep) l.array.data = std::move(data), l.array.data.clear();
  if (record.capacity() <= kKeep) l.record = std::move(record), l.record.clear();
}

// One export: reads the manifest, loads every sample's array on a thread pool, checks that
// all have one shape, and hands them in manifest order to the format's Exporter.
class ExportRun {
 public:
  ExportRun(const ExportOptions& o, const MediaLoader& load_media, std::unique_ptr<Exporter> format)
      : o_(o), load_media_(load_media), format_(std::move(format)) {}
  ExportInfo run();

 private:
  void work(Sample& s, LoadedSample& out);
  void emit(const Sample& s, LoadedSample& item);
  void summarize() const;
  std::string options_hash() const;

  const ExportOptions& o_;
  const MediaLoader& load_media_;
  std::unique_ptr<Exporter> format_;
  ExportInfo info_;
  ManifestScan scan_;
  std::map<std::string, int64_t> label_index_;
  std::optional<FirstSeen> first_;
  uint64_t written_ = 0;
};

void ExportRun::work(Sample& s, LoadedSample& out) {
  out.id = s.id();
  out.split = s.split();
  if (out.split.empty()) out.split = "all";
  out.label = s.label();
  if (!out.label.empty()) out.label_index = label_index_.at(out.label);
  if (scan_.has_features) {
    load_features_into(s, out.array);
  } else {
    try {
      out.array = load_media_(s, o_);
    } catch (const Error& e) {
      // A media error names the file; say which manifest line and sample it belongs to.
      if (e.line() || e.code() != ExitCode::kData || e.path() == s.source) throw;
      s.fail("'" + out.id + "': " + e.located());
    }
  }
  format_->encode(out);
}

void ExportRun::emit(const Sample& s, LoadedSample& item) {
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
  format_->write(item);
  ++written_;
}

// What the feature store's config.json says of the features: found beside the first line's
// .npy (or one folder up), and only when it is the config the lines name.
Json features_provenance(const ManifestScan& scan) {
  Json tag = scan.feature_config ? *scan.feature_config : Json();
  Json p = {{"config", tag}};
  fs::path dir = fs::path(scan.first_features).parent_path();
  for (int up = 0; up < 2 && !dir.empty(); ++up, dir = dir.parent_path()) {
    fs::path file = dir / "config.json";
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) continue;
    try {
      Json doc = Json::parse(read_file(file.string()));
      if (!doc.is_object() || doc.value("config", Json()) != tag) continue;
      p["hash"] = doc.value("hash", Json());
      p["params"] = doc.value("params", Json());
      p["made_by"] = doc.value("made_by", Json());
      p["config_json"] = file.string();
      return p;
    } catch (const std::exception&) {
    }
  }
  p["params"] = nullptr;  // honest: nothing beside the features says more than the id
  return p;
}

// The commands that made what is exported, oldest first, each {"command", "tinyprep_version"}:
// those dataset.json records (init, import, capture, label, split --in-place), the one that
// made the feature folder (its config.json's made_by), then this export. Commands on a pipe
// that wrote neither leave no record here; what they did is in the lines (split_by).
Json command_chain(const Json& dataset_history, const Json& provenance) {
  Json chain = Json::array();
  auto add = [&](const Json& entry) {
    if (!entry.is_object() || !entry.contains("command")) return;
    Json command = entry["command"];
    if (command.is_array()) {  // argv as a list: shown as one line, quoted as the others are
      std::vector<std::string> args;
      for (const auto& arg : command)
        args.push_back(arg.is_string() ? arg.get<std::string>() : arg.dump());
      command = quote_command(args);
    }
    chain.push_back(
        {{"command", command}, {"tinyprep_version", entry.value("tinyprep_version", Json())}});
  };
  if (dataset_history.is_array())
    for (const auto& entry : dataset_history) add(entry);
  if (provenance.contains("features")) add(provenance["features"].value("made_by", Json()));
  add(provenance["export"]);
  return chain;
}

ExportInfo ExportRun::run() {
  std::unique_ptr<Spool> spool;
  if (is_stdio(o_.manifest)) spool = std::make_unique<Spool>();
  info_.format = o_.format;
  info_.keys = o_.keys;
  format_->describe(info_);
  info_.image_encoding = o_.image_encoding;
  info_.tinyprep_version = o_.tinyprep_version;
  info_.command = o_.command;

  std::vector<std::string> dataset_labels;
  Json dataset_history;       // dataset.json's "history": the commands that made the dataset
  std::string dataset_file;   // dataset.json, when the manifest is a dataset's
  std::string manifest_name;  // the manifest file's name without .jsonl, else ""
  ShuffleOrder shuffle;       // each sample's key, split and line number
  const bool sharded = !o_.shard.whole();
  std::map<std::string, uint64_t> mine;  // the lines this worker exports, per split
  {
    ExportLines lines(o_.manifest, spool.get(), o_.allow_outside);
    if (lines.dataset_dir()) {
      Dataset d = Dataset::open(*lines.dataset_dir());
      dataset_file = d.info_file().string();
      dataset_labels = d.labels();
      info_.name = d.name();
      if (info_.name.empty()) info_.name = fs::absolute(*lines.dataset_dir()).filename().string();
      const Json& j = d.info();
      if (j.contains("description") && j["description"].is_string())
        info_.description = j["description"];
      if (j.contains("license") && j["license"].is_string()) info_.license = j["license"];
      if (j.contains("version") && j["version"].is_string()) info_.version = j["version"];
      if (j.contains("history") && j["history"].is_array()) dataset_history = j["history"];
    } else if (!spool) {
      manifest_name = fs::path(manifest_file(o_.manifest)).stem().string();
    }
    // Every line is scanned (labels, splits, shapes: the N workers of a sharded export agree);
    // only the lines this worker takes are counted for it and exported.
    ScanVisitor visit = [&](const Sample& s, const std::string& id, const std::string& split) {
      if (sharded && !o_.shard.takes(id)) return;
      ++mine[split];
      if (!o_.shuffle) return;
      shuffle.add(shuffle_key(o_.seed, id), split, static_cast<uint32_t>(s.line));
    };
    scan_ = scan_manifest(lines.reader(), spool ? "<stdin>" : "", visit);
    info_.label_names = resolve_labels(o_.labels, dataset_labels, scan_, lines.source());
    if (scan_.without_split && scan_.without_split < scan_.lines)
      warn(lines.source(), scan_.first_without_split,
           std::to_string(scan_.without_split) + " of " + std::to_string(scan_.lines) +
               " samples have no split; they go to 'all'");
  }
  if (!o_.name.empty()) info_.name = o_.name;
  if (info_.name.empty() && !manifest_name.empty()) {
    // The manifest's name ("fsdd.jsonl" -> "fsdd") when it can start a file name.
    try {
      check_file_name_part(manifest_name, "manifest name", "");
      info_.name = manifest_name;
    } catch (const Error&) {
    }
  }
  if (info_.name.empty()) info_.name = "data";
  // The name starts every shard's file name.
  if (!o_.name.empty())
    check_option_name(info_.name, "--name");
  else if (!dataset_file.empty())
    check_file_name_part(info_.name, "dataset name", dataset_file);
  if (!scan_.lines) throw Error(display_name(o_.manifest), 0, "no samples");
  // Every split of the manifest, whether or not this worker has lines in it.
  std::vector<std::string> splits;
  for (const auto& [split, count] : scan_.split_counts) splits.push_back(split);
  std::sort(splits.begin(), splits.end(), split_order_less);
  if (sharded) {
    info_.worker = o_.shard.index;
    info_.workers = o_.shard.count;
    scan_.split_counts = mine;
    scan_.lines = 0;
    for (const auto& [split, count] : mine) scan_.lines += count;
  }
  for (size_t i = 0; i < info_.label_names.size(); ++i)
    label_index_[info_.label_names[i]] = static_cast<int64_t>(i);
  info_.feature_config = scan_.has_features && scan_.feature_config ? *scan_.feature_config
                                                                    : Json{{"source", "raw media"}};
  if (!o_.image_encoding.empty() && !scan_.has_features)
    info_.feature_config["image_encoding"] = o_.image_encoding;
  info_.provenance["export"] = {{"command", o_.command}, {"tinyprep_version", o_.tinyprep_version}};
  if (scan_.has_features) info_.provenance["features"] = features_provenance(scan_);
  info_.provenance["split"] =
      scan_.split_by.is_null() ? Json{{"recorded", false}} : Json{{"split_by", scan_.split_by}};
  // A manifest made from a dataset (split DIR > m.jsonl): the dataset its samples are in
  // (DIR/data/<label>/<file>) says how it was made.
  if (dataset_history.is_null() && !scan_.first_media.empty()) {
    fs::path dir = fs::path(scan_.first_media).parent_path();
    for (int up = 0; up < 3 && !dir.empty() && dataset_history.is_null();
         ++up, dir = dir.parent_path()) {
      std::error_code ec;
      if (!fs::is_regular_file(dir / "dataset.json", ec)) continue;
      try {
        Json doc = Json::parse(read_file((dir / "dataset.json").string()));
        if (doc.is_object() && doc.contains("history") && doc["history"].is_array())
          dataset_history = doc["history"];
      } catch (const std::exception&) {
      }
      break;
    }
  }
  info_.provenance["chain"] = command_chain(dataset_history, info_.provenance);

  std::deque<uint32_t> order;
  if (o_.shuffle) {
    order = shuffle.order(splits);  // by key, ties in manifest order
    info_.order = {{"shuffle", true},
                   {"seed", o_.seed},
                   {"key", "sha256(\"<seed>:<id>\"), first 16 hex digits, ascending, per split"}};
  } else {
    info_.order = {{"shuffle", false}};
  }
  info_.options_hash = options_hash();
  format_->open(info_, scan_);

  ExportLines lines(o_.manifest, spool.get(), o_.allow_outside);
  std::unique_ptr<ReorderedLines> reordered;
  if (o_.shuffle)
    reordered = std::make_unique<ReorderedLines>(
        lines, spool ? spool->path() : manifest_file(o_.manifest), std::move(order),
        std::move(shuffle.line_numbers()), o_.allow_outside);
  auto next = [&](Sample& s) {
    if (reordered) return reordered->next(s);
    while (lines.next(s))
      if (!sharded || o_.shard.takes(s.id())) return true;
    return false;
  };
  Progress progress("export", static_cast<long>(scan_.lines));
  unsigned jobs = o_.jobs ? o_.jobs : default_jobs();
  // Lines in memory at once: four groups per thread keep every thread busy; more only makes
  // the arrays and records of a batch touch fresh memory (page faults) instead of reusing it.
  const long batch_size = 4L * kGroup * jobs;
  std::vector<Sample> batch(batch_size);
  std::vector<LoadedSample> loaded(batch_size);
  bool more = true;
  while (more) {
    long n = 0;
    while (n < batch_size && (more = next(batch[n]))) ++n;
    if (!n) break;
    // Samples go to the pool in groups: one hand-over per group, not per sample, since a
    // sample's work (read a small file, encode) is only tens of microseconds.
    long groups = (n + kGroup - 1) / kGroup;
    parallel_ordered(
        groups, jobs,
        [&](long g) {
          for (long i = g * kGroup; i < std::min(n, (g + 1) * kGroup); ++i)
            work(batch[i], loaded[i]);
        },
        [&](long g) {
          for (long i = g * kGroup; i < std::min(n, (g + 1) * kGroup); ++i) {
            emit(batch[i], loaded[i]);
            recycle(loaded[i]);
          }
          progress.update(static_cast<long>(written_));
        });
  }
  progress.finish();
  if (written_ != scan_.lines)
    throw Error(lines.source(), 0, "the manifest changed during the export");
  if (o_.format == "tfrecord")
    info_.x_encoding = !o_.image_encoding.empty()       ? o_.image_encoding
                       : info_.dtype == DType::kFloat32 ? "float_list"
                       : o_.x_encoding == "raw"         ? "raw"
                                                        : "int64_list";

  for (const auto& split : splits) {
    SplitInfo si;
    si.name = split;
    si.count = scan_.split_counts[split];
    format_->finish_split(si);
    info_.splits.push_back(si);
  }
  if (scan_.unlabeled)
    warn(lines.source(), 0,
         std::to_string(scan_.unlabeled) + " samples have no label; their label index is -1");
  format_->publish(info_);
  info_.files = format_->files();
  summarize();
  return info_;
}

// What the N workers of one sharded export must share, hashed: the output's name, format and
// encoding options, labels, feature config, order, shard plan and worker count.
std::string ExportRun::options_hash() const {
  Json keys = {info_.keys.x, info_.keys.shape, info_.keys.label, info_.keys.label_name,
               info_.keys.id};
  Json j = {{"format", info_.format},
            {"name", info_.name},
            {"keys", keys},
            {"label_names", info_.label_names},
            {"feature_config", info_.feature_config},
            {"gzip_level", o_.gzip_level},
            {"hdf5_gzip", o_.hdf5_gzip},
            {"x_encoding", o_.x_encoding},
            {"image_encoding", o_.image_encoding},
            {"order", info_.order},
            {"shards", o_.shards.shards},
            {"shard_bytes", o_.shards.shard_bytes},
            {"workers", o_.shard.count}};
  return sha256_hex(j.dump()).substr(0, 16);
}

// One line on stderr: examples per split, files, bytes, where.
void ExportRun::summarize() const {
  uint64_t bytes = 0;
  for (const auto& f : info_.files) {
    std::error_code ec;
    uint64_t n = fs::is_regular_file(f, ec) ? fs::file_size(f, ec) : 0;
    if (!ec) bytes += n;
  }
  std::string counts;
  uint64_t total = 0;
  for (const auto& s : info_.splits) {
    counts += (counts.empty() ? "" : ", ") + s.name + " " + std::to_string(s.count);
    total += s.count;
  }
  note("", 0,
       std::string(info_.workers > 1 ? "worker " + std::to_string(info_.worker) + " of " +
                                           std::to_string(info_.workers) + ": "
                                     : "") +
           "exported " + std::to_string(total) + " examples (" + counts + ") to " + o_.out + ": " +
           std::to_string(info_.files.size()) + (info_.files.size() == 1 ? " file, " : " files, ") +
           std::to_string(bytes) + " bytes");
}

}  // namespace

void Exporter::encode(LoadedSample&) const {}

void Exporter::finish_split(SplitInfo&) {}

void check_option_name(const std::string& name, const std::string& option) {
  try {
    check_file_name_part(name, option, "");
  } catch (const Error& e) {
    throw usage_error(e.what());
  }
}

std::string export_loader(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(path, 0, "no such file or folder");
  std::string source, text;
  if (fs::is_directory(path, ec)) {
    source = (fs::path(path) / "tinyprep.json").string();
    if (!fs::exists(source, ec))
      throw Error(path, 0, "has no tinyprep.json: not a finished tinyprep TFRecord export");
    text = read_file(source);
  } else {
    source = path;
    text = read_hdf5_root_attribute(path, "tinyprep_json");
  }
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::exception& e) {
    throw Error(source, 0, std::string("not JSON: ") + e.what());
  }
  return loader_python(export_info_from_json(j, source), path);
}

std::string hdf5_part_path(const std::string& out, const Shard& shard) {
  fs::path p(out);
  std::string tag = ".part-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count);
  std::string ext = p.extension().string();
  if (ext.empty()) return out + tag;
  return (p.parent_path() / (p.stem().string() + tag + ext)).string();
}

ExportInfo run_export(const ExportOptions& given, const MediaLoader& load_media) {
  ExportOptions options = given;
  if (!options.shard.whole() && options.format == "hdf5" && !options.out.empty()) {
    if (is_stream_file(options.out))
      throw usage_error("--shard writes one HDF5 part per worker: -o must be a file name");
    options.out = hdf5_part_path(options.out, options.shard);
  }
  if (options.format != "tfrecord" && options.format != "hdf5")
    throw usage_error("format must be tfrecord or hdf5");
  if (options.out.empty()) throw usage_error("-o OUT is required");
  if (options.x_encoding != "raw" && options.x_encoding != "list")
    throw usage_error("--x-encoding must be list or raw");
  std::unique_ptr<Exporter> format =
      options.format == "tfrecord" ? make_tfrecord_exporter(options) : make_hdf5_exporter(options);
  try {
    return ExportRun(options, load_media, std::move(format)).run();
  } catch (const Error& e) {
    // A read interrupted by Ctrl-C fails with EINTR: report the interruption, not the read.
    if (interrupted() && e.code() != ExitCode::kInterrupted) throw interrupted_error();
    throw;
  }
}

}  // namespace tinyprep

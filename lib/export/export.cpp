#include "export/export.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include "core/diag.h"
#include "core/error.h"
#include "core/io.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "core/signals.h"
#include "export/export_input.h"
#include "export/export_scan.h"
#include "export/exporter.h"
#include "manifest/dataset.h"

namespace tinyprep {
namespace {

constexpr long kGroup = 32;  // samples handed to a thread at once

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
  std::string dataset_file;  // dataset.json, when the manifest is a dataset's
  {
    ExportLines lines(o_.manifest, spool.get(), o_.allow_outside);
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
  format_->open(info_, scan_);

  ExportLines lines(o_.manifest, spool.get(), o_.allow_outside);
  Progress progress("export", static_cast<long>(scan_.lines));
  unsigned jobs = o_.jobs ? o_.jobs : default_jobs();
  // Lines in memory at once: four groups per thread keep every thread busy; more only makes
  // the arrays and records of a batch touch fresh memory (page faults) instead of reusing it.
  const long batch_size = std::max<long>(256, 4L * kGroup * jobs);
  std::vector<Sample> batch(batch_size);
  std::vector<LoadedSample> loaded(batch_size);
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
          for (long i = g * kGroup; i < std::min(n, (g + 1) * kGroup); ++i)
            work(batch[i], loaded[i]);
        },
        [&](long g) {
          for (long i = g * kGroup; i < std::min(n, (g + 1) * kGroup); ++i) {
            emit(batch[i], loaded[i]);
            loaded[i] = LoadedSample{};
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
    format_->finish_split(si);
    info_.splits.push_back(si);
  }
  if (scan_.unlabeled)
    warn(lines.source(), 0,
         std::to_string(scan_.unlabeled) + " samples have no label; their label index is -1");
  format_->publish(info_);
  return info_;
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

ExportInfo run_export(const ExportOptions& options, const MediaLoader& load_media) {
  if (options.format != "tfrecord" && options.format != "hdf5")
    throw usage_error("format must be tfrecord or hdf5");
  if (options.out.empty()) throw usage_error("-o OUT is required");
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

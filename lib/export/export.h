#pragma once
// `tinyprep export`: manifest lines in, TFRecord shards or one HDF5 file out.
//
// The manifest is read twice: a first pass reads only the JSON lines (counts per split, the
// label set, declared shapes and feature configs; cheap), so that label indices and shard
// names are known before any data is written; the second pass streams each sample's array once,
// in batches on a thread pool with output in manifest order. Memory is bounded by the batch,
// not the dataset. A manifest on stdin is spooled to a temporary file for the two passes.
#include <functional>
#include <string>
#include <vector>

#include "array/npy.h"
#include "core/shard.h"
#include "export/export_info.h"
#include "export/tfrecord_shards.h"
#include "manifest/manifest.h"

namespace tinyprep {

struct ExportOptions {
  std::string format;          ///< "tfrecord" or "hdf5"
  std::string manifest = "-";  ///< .jsonl file, dataset folder, or "-"
  std::string out;             ///< folder (TFRecord) or file (HDF5)
  std::string name;            ///< "" = the dataset's name, else the manifest file's, else "data"
  std::vector<std::string> labels;  ///< ordered label list; "" = dataset.json's, else sorted
  ExampleKeys keys;
  ShardPlan shards;
  int gzip_level = 0;          ///< TFRecord GZIP level (0 = none)
  bool hdf5_gzip = true;       ///< HDF5 shuffle + gzip level 4
  std::string image_encoding;  ///< "", "png" or "jpeg": store images encoded
  unsigned jobs = 0;           ///< 0 = all cores
  bool force = false;
  bool allow_outside = false;  ///< use a dataset's media outside its folder
  /// TFRecord integer x (int8, uint8, int16, uint16, int32, int64): "raw" = one bytes value of
  /// the little-endian elements (tf.io.decode_raw), "list" = an int64_list.
  std::string x_encoding = "raw";
  /// Each split's examples in the order of sha256("<seed>:<id>") (see docs/export.md), not in
  /// manifest order.
  bool shuffle = true;
  uint64_t seed = 0;
  /// --shard K/N: only the lines worker K takes (Shard::takes on the id); labels, splits and
  /// shapes still come from every line, so the N workers agree. TFRecord: the worker's own
  /// shard files and worker-K-of-N.json (see finalize_export); HDF5: hdf5_part_path(out).
  Shard shard;
  std::string tinyprep_version, command;
};

/// One sample's array: raw little-endian C-order bytes, or an encoded image file's bytes.
struct SampleArray {
  DType dtype = DType::kFloat32;
  std::vector<size_t> shape;
  std::string data;
};

/// Loads a sample that has no `features`: its raw media as an array (audio as float32 in
/// [-1, 1], shape (frames,) or (frames, channels); images as uint8 pixels (h, w, c), or the
/// encoded file when options.image_encoding is set). Throws Error naming the sample.
/// The command supplies it, since it knows the audio and image modules.
using MediaLoader = std::function<SampleArray(const Sample&, const ExportOptions&)>;

/// Runs the export; returns what it wrote (for --print-loader). Throws Error for bad input
/// (naming the manifest line), usage_error for bad options, interrupted_error on Ctrl-C;
/// nothing is left under a final name unless the whole export succeeded.
ExportInfo run_export(const ExportOptions& options, const MediaLoader& load_media);

/// Where worker K of N writes its HDF5 part: OUT with ".part-K-of-N" before its extension
/// ("all.h5" -> "all.part-0-of-3.h5"; "all" -> "all.part-0-of-3").
std::string hdf5_part_path(const std::string& out, const Shard& shard);

/// `tinyprep export finalize DIR`: joins the shard files that N workers of
/// `export tfrecord --shard K/N` wrote into DIR into one TFDS-named set with its metadata
/// (docs/export.md, "Sharded exports"). Refuses, naming the worker or file, when a worker has
/// not finished or the workers' files are of different exports. Restartable: the renames are
/// planned in DIR/.finalize-plan.json first, and a re-run completes a plan that was cut off.
void finalize_export(const std::string& dir, const std::string& command,
                     const std::string& tinyprep_version);

/// The Python that loads the existing export `path` (a TFRecord folder: its tinyprep.json;
/// an HDF5 file: its tinyprep_json attribute). Throws Error naming what it cannot read.
std::string export_loader(const std::string& path);

}  // namespace tinyprep

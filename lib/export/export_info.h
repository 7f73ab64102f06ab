#pragma once
// What an export holds, and the self-describing files written beside it: TFDS's
// dataset_info.json, features.json and <label>.labels.txt, tinyprep.json, and the few lines
// of Python that load it (--print-loader).
#include <cstdint>
#include <string>
#include <vector>

#include "array/npy.h"
#include "manifest/manifest.h"

namespace tinyprep {

/// Feature key names in each tf.train.Example (configurable with --key).
struct ExampleKeys {
  std::string x = "x", shape = "shape", label = "label", label_name = "label_name", id = "id";
  /// Sets one key from "x=features"; throws usage_error for unknown keys or empty names.
  void set(const std::string& assignment);
};

struct SplitInfo {
  std::string name;
  uint64_t count = 0;
  std::vector<uint64_t> shard_lengths;  ///< TFRecord only
  uint64_t num_bytes = 0;               ///< serialized Example bytes (TFDS's numBytes)
  /// A sharded TFRecord worker's files (names in the folder), their record bytes and sizes.
  std::vector<std::string> shard_files;
  std::vector<uint64_t> shard_bytes, file_bytes;
};

struct ExportInfo {
  std::string format;  ///< "tfrecord" or "hdf5"
  std::string name;
  std::string version = "1.0.0";
  std::string description, license;
  std::vector<std::string> label_names;
  DType dtype = DType::kFloat32;
  std::vector<size_t> shape;
  std::string image_encoding;  ///< "png" or "jpeg" when x holds encoded images
  Json feature_config;
  ExampleKeys keys;
  std::vector<SplitInfo> splits;
  int gzip_level = 0;      ///< TFRecord GZIP level, 0 for none
  bool hdf5_gzip = false;  ///< HDF5 shuffle + gzip filters
  /// How x is stored in a TFRecord Example: "float_list", "int64_list", "raw" (one bytes
  /// value of little-endian elements) or "png"/"jpeg" (an encoded image); "" for HDF5.
  std::string x_encoding;
  /// The order of each split's examples: {"shuffle": true, "seed": N, "key": ...} or
  /// {"shuffle": false} (manifest order).
  Json order;
  /// What the inputs record of how they were made (tinyprep.json's "provenance"): the feature
  /// store's config.json, the split's rule; see docs/export.md.
  Json provenance = Json::object();
  std::string tinyprep_version, command;
  std::vector<std::string> files;  ///< every file written (final names), for the summary
  /// --shard K/N: this export is worker K's of N (tinyprep.json "shard"); 1 = whole.
  uint32_t worker = 0, workers = 1;
  /// A hash of every option the N workers of one sharded export must share.
  std::string options_hash;
};

/// TFDS's dataset_info.json (proto3 JSON: int64 values as strings).
std::string dataset_info_json(const ExportInfo& info);
/// TFDS's features.json: a FeaturesDict of x, shape, label (ClassLabel), label_name, id.
std::string features_json(const ExportInfo& info);
/// TFDS's ClassLabel names file: one name per line.
std::string labels_txt(const ExportInfo& info);
/// tinyprep.json: version, command line, format, keys, dtype and shape, feature config,
/// label names, split sizes.
std::string tinyprep_json(const ExportInfo& info);
/// The Python that loads the export at `out` (tf.data for TFRecord, h5py for HDF5).
std::string loader_python(const ExportInfo& info, const std::string& out);

/// What tinyprep.json (a TFRecord folder's, or an HDF5 file's "tinyprep_json" attribute)
/// says of an export: enough for loader_python. Throws Error naming `source` when it is not
/// an export's tinyprep.json.
ExportInfo export_info_from_json(const Json& j, const std::string& source);

/// Splits in the order they are listed: train, validation, test, others by name, all last.
bool split_order_less(const std::string& a, const std::string& b);

/// Python's repr of a string literal (single quotes, escapes) for generated code.
std::string python_string(const std::string& s);

}  // namespace tinyprep

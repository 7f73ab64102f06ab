#pragma once
// What an export format does, behind one interface: TfRecordExporter (tfrecord_exporter.cpp)
// and Hdf5Exporter (hdf5_exporter.cpp). run_export (export.cpp) reads the manifest, loads each
// sample's array and checks shapes; the format only writes, then publishes.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "export/export.h"
#include "export/export_scan.h"

namespace tinyprep {

/// One loaded sample, ready to be written.
struct LoadedSample {
  SampleArray array;
  std::string record;  ///< what encode() made of it on a pool thread (TFRecord: the Example)
  std::string split, id, label;
  int64_t label_index = -1;
};

class Exporter {
 public:
  virtual ~Exporter() = default;
  /// Sets what `info` says of the format's own settings (its compression).
  virtual void describe(ExportInfo& info) const = 0;
  /// Makes the output ready (its folder or file, locked or reserved) once the manifest is
  /// scanned and `info` knows the name, labels and keys; throws Error naming the output.
  virtual void open(const ExportInfo& info, const ManifestScan& scan) = 0;
  /// On a pool thread: the format's encoding of one loaded sample into `sample.record`.
  virtual void encode(LoadedSample& sample) const;
  /// In manifest order: writes one sample.
  virtual void write(LoadedSample& sample) = 0;
  /// After the last sample: completes `split` (and says what the format knows of it).
  virtual void finish_split(SplitInfo& split);
  /// Everything is written: writes the metadata and makes the export visible under its
  /// final names; nothing is left under a final name unless this succeeds.
  virtual void publish(const ExportInfo& info) = 0;
  /// After publish(): the final names of every file written.
  virtual std::vector<std::string> files() const = 0;
};

/// check_file_name_part for an option value (--name, --key label): a usage error (exit 2).
void check_option_name(const std::string& name, const std::string& option);

/// TFRecord shards named as TFDS names them, with dataset_info.json, features.json,
/// <label>.labels.txt and tinyprep.json, into the folder options.out.
/// Throws usage_error when the label key cannot be part of a file name.
std::unique_ptr<Exporter> make_tfrecord_exporter(const ExportOptions& options);
/// One HDF5 file, options.out, with /<split>/x, y, id and the root attributes.
std::unique_ptr<Exporter> make_hdf5_exporter(const ExportOptions& options);

}  // namespace tinyprep

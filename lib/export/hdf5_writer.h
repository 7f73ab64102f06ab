#pragma once
// HDF5 export through the HDF5 C API: one group per split holding extendible chunked datasets
//   x   (N, *shape) of the array dtype      y   (N,) int64 label index      id  (N,) UTF-8 strings
// and root attributes label_names, feature_config, tinyprep_version, command, tinyprep_json.
// Rows are buffered to whole chunks so every write is one full chunk (no chunk is ever read
// back), and the file is written under a temporary name and renamed by publish().
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "array/npy.h"

namespace tinyprep {

struct Hdf5Options {
  bool gzip = true;                ///< deflate filter (with the shuffle filter before it)
  int gzip_level = 4;              ///< h5py's default compression_opts
  size_t chunk_bytes = 1 << 20;    ///< x chunks hold as many rows as fit (at least one)
  size_t label_chunk_rows = 8192;  ///< rows per chunk of y and id
  /// Threads that shuffle and deflate x chunks (written with H5Dwrite_chunk); 0 = all cores.
  unsigned threads = 0;
};

/// Rows of x per chunk for rows of `row_bytes` bytes.
size_t hdf5_chunk_rows(size_t row_bytes, const Hdf5Options& options);

/// Writes one HDF5 file. The implementation (HDF5's C API) is in the plugin
/// libtinyprep_hdf5.so, loaded by open_hdf5_writer(): HDF5 and the libraries it links cost
/// ~5 ms at the start of every command that does not write HDF5.
class Hdf5Writer {
 public:
  virtual ~Hdf5Writer();

  /// Appends one sample to `split` (its group is made at the first sample). Every sample of
  /// a split must have the same dtype and shape. Throws Error naming the file.
  virtual void append(const std::string& split, DType dtype, const std::vector<size_t>& shape,
                      const void* data, int64_t label, std::string_view id) = 0;
  /// Appends one sample whose x is an encoded file (PNG, JPEG): x is then a dataset of
  /// variable-length uint8 rows. A split holds encoded rows or arrays, not both.
  virtual void append_encoded(const std::string& split, std::string_view bytes, int64_t label,
                              std::string_view id) = 0;
  /// Sets the root attributes (written by close()); `tinyprep_json` is the export's
  /// tinyprep.json document (provenance, order, splits), as a TFRecord folder has it.
  virtual void set_attributes(std::vector<std::string> label_names, std::string feature_config_json,
                              std::string version, std::string command,
                              std::string tinyprep_json) = 0;
  /// Writes what is buffered and the attributes, and closes the file; throws Error.
  virtual void close() = 0;
  /// Renames the closed file into place.
  virtual void publish() = 0;

  /// Samples written per split so far.
  virtual std::map<std::string, uint64_t> split_counts() const = 0;
  virtual const std::string& path() const = 0;
};

/// Creates the file under a temporary name beside `path`; refuses an existing `path` unless
/// `force`. Throws Error naming `path`, or saying the HDF5 plugin cannot be loaded.
std::unique_ptr<Hdf5Writer> open_hdf5_writer(const std::string& path, Hdf5Options options,
                                             bool force);

/// The string attribute `name` of the root of the HDF5 file `path`; throws Error naming the
/// file when it cannot be read or has no such attribute.
std::string read_hdf5_root_attribute(const std::string& path, const std::string& name);

/// The plugin's entry point, `tinyprep_hdf5_writer_open`: what open_hdf5_writer returns.
using Hdf5WriterOpen = Hdf5Writer* (*)(const std::string& path, const Hdf5Options& options,
                                       bool force);
inline constexpr const char* kHdf5WriterOpenSymbol = "tinyprep_hdf5_writer_open_v2";
/// The plugin's attribute reader: true with the value in `out`, else false with why in `out`.
using Hdf5ReadAttribute = bool (*)(const std::string& path, const std::string& name,
                                   std::string& out);
inline constexpr const char* kHdf5ReadAttributeSymbol = "tinyprep_hdf5_read_root_attribute_v1";

}  // namespace tinyprep

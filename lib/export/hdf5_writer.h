#pragma once
// HDF5 export through the HDF5 C API: one group per split holding extendible chunked datasets
//   x   (N, *shape) of the array dtype      y   (N,) int64 label index      id  (N,) UTF-8 strings
// and root attributes label_names, feature_config, tinyprep_version, command.
// Rows are buffered to whole chunks so every write is one full chunk (no chunk is ever read
// back), and the file is written under a temporary name and renamed by publish().
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "export/npy.h"
#include "export/staged_file.h"

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

class Hdf5Writer {
 public:
  /// Creates the file under a temporary name beside `path`; refuses an existing `path` unless
  /// `force`. Throws Error naming `path`.
  Hdf5Writer(const std::string& path, Hdf5Options options, bool force);
  ~Hdf5Writer();
  Hdf5Writer(const Hdf5Writer&) = delete;
  Hdf5Writer& operator=(const Hdf5Writer&) = delete;

  /// Appends one sample to `split` (its group is made at the first sample). Every sample of
  /// a split must have the same dtype and shape. Throws Error naming the file.
  void append(const std::string& split, DType dtype, const std::vector<size_t>& shape,
              const void* data, int64_t label, std::string_view id);
  /// Appends one sample whose x is an encoded file (PNG, JPEG): x is then a dataset of
  /// variable-length uint8 rows. A split holds encoded rows or arrays, not both.
  void append_encoded(const std::string& split, std::string_view bytes, int64_t label,
                      std::string_view id);
  /// Sets the root attributes (written by close()).
  void set_attributes(std::vector<std::string> label_names, std::string feature_config_json,
                      std::string version, std::string command);
  /// Writes what is buffered and the attributes, and closes the file; throws Error.
  void close();
  /// Renames the closed file into place.
  void publish();

  /// Samples written per split so far.
  std::map<std::string, uint64_t> split_counts() const;
  const std::string& path() const { return staged_->final_path(); }

 private:
  struct Split;
  Split& split(const std::string& name, DType dtype, const std::vector<size_t>& shape,
               bool encoded = false);
  void flush_x(Split& s);
  void write_oldest_chunk();
  void flush_labels(Split& s);
  void close_handles();

  Hdf5Options options_;
  std::unique_ptr<StagedFile> staged_;
  int64_t file_ = -1;
  std::map<std::string, std::unique_ptr<Split>> splits_;
  struct PendingChunk;
  std::deque<PendingChunk> pending_;  // x chunks being compressed, in submission order
  std::vector<std::string> label_names_;
  std::string feature_config_, version_, command_;
};

}  // namespace tinyprep

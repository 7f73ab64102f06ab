#include "export/hdf5_writer.h"

#include <algorithm>

#include "core/error.h"
#include "core/plugin.h"

#ifndef TINYPREP_HDF5_PLUGIN_BUILD_PATH
#define TINYPREP_HDF5_PLUGIN_BUILD_PATH ""
#endif

namespace tinyprep {

Hdf5Writer::~Hdf5Writer() = default;

size_t hdf5_chunk_rows(size_t row_bytes, const Hdf5Options& options) {
  return std::max<size_t>(1, options.chunk_bytes / std::max<size_t>(1, row_bytes));
}

std::unique_ptr<Hdf5Writer> open_hdf5_writer(const std::string& path, Hdf5Options options,
                                             bool force) {
  static auto open = reinterpret_cast<Hdf5WriterOpen>(
      plugin_symbol("libtinyprep_hdf5.so", "TINYPREP_HDF5_PLUGIN", TINYPREP_HDF5_PLUGIN_BUILD_PATH,
                    kHdf5WriterOpenSymbol, "HDF5 export"));
  return std::unique_ptr<Hdf5Writer>(open(path, options, force));
}

std::string read_hdf5_root_attribute(const std::string& path, const std::string& name) {
  static auto read = reinterpret_cast<Hdf5ReadAttribute>(
      plugin_symbol("libtinyprep_hdf5.so", "TINYPREP_HDF5_PLUGIN", TINYPREP_HDF5_PLUGIN_BUILD_PATH,
                    kHdf5ReadAttributeSymbol, "HDF5 reading"));
  std::string out;
  if (!read(path, name, out)) throw Error(path, 0, out);
  return out;
}

}  // namespace tinyprep

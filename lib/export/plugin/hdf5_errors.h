#pragma once
// Errors of HDF5's C API as tinyprep Errors, for the two halves of the HDF5 plugin (the writer
// and merge): the file, what was being done, and the innermost message of HDF5's error stack,
// which says what actually went wrong.
#include <hdf5.h>

#include <string>

#include "core/error.h"

namespace tinyprep::hdf5 {

inline herr_t innermost_message(unsigned, const H5E_error2_t* e, void* out) {
  if (e->desc && *e->desc) *static_cast<std::string*>(out) = e->desc;
  return 0;
}

/// Throws Error(path, "HDF5: <what>: <HDF5's innermost message>") and clears HDF5's stack.
[[noreturn]] inline void fail(const std::string& path, const std::string& what) {
  std::string detail;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost_message, &detail);
  H5Eclear2(H5E_DEFAULT);
  throw Error(path, 0, "HDF5: " + what + (detail.empty() ? "" : ": " + detail));
}

/// `id`, or fail(path, what) when HDF5 returned a negative id or status.
inline hid_t check(hid_t id, const std::string& path, const char* what) {
  if (id < 0) fail(path, what);
  return id;
}

}  // namespace tinyprep::hdf5

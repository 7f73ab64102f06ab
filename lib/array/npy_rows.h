#pragma once
// Rows of stacked .npy files ("parts"): the packed feature layout keeps many samples in one
// array of shape (n, *feature_shape), and a sample is one row of it, `np.load(path)[row]`.
#include <cstddef>
#include <string>

#include "array/npy.h"

namespace tinyprep {

/// What a part's header says and how much of its data is really there.
struct NpyPartInfo {
  NpyHeader header;
  size_t rows = 0;           ///< header.shape[0]
  size_t complete_rows = 0;  ///< rows whose bytes are all in the file (fewer when truncated)
  size_t row_bytes = 0;      ///< bytes of one row
  size_t extra_bytes = 0;    ///< bytes after the end of the data (0 in a sound part)
};

/// Reads the header of the part at `path` and its size; throws Error(path, 0, ...) when it
/// cannot be opened (a deleted part: "cannot open: No such file or directory"), is not a .npy,
/// or is 0-d (no rows).
NpyPartInfo inspect_npy_part(const std::string& path);

/// Row `row` of the part at `path` (an array of shape shape[1:]). Each part's header is parsed
/// once (kept with an open descriptor, thread-safe) and only the row's bytes are read. Throws
/// Error(path, 0, ...) when the part cannot be read, has no row `row`, or was cut short before
/// it ("truncated: data for K of N rows, rows K to N-1 missing").
NpyArray read_npy_row(const std::string& path, size_t row);
/// As read_npy_row, into `out` (the capacity of its data reused).
void read_npy_row_into(const std::string& path, size_t row, NpyArray& out);

/// Forgets the cached parts (closes their descriptors); the next read parses the header again.
void forget_npy_parts();

}  // namespace tinyprep

#pragma once
// NumPy .npy files (format version 1.0): the array format every stage shares (`features` writes
// it, `export` reads it).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tinyprep {

/// The element types tinyprep stores; names and sizes as NumPy spells them.
enum class DType { kFloat32, kInt8, kUInt8, kInt16, kUInt16, kInt32, kInt64 };

/// NumPy's name of a dtype: "float32", "int8", "uint8", "int16", "uint16", "int32", "int64".
const char* dtype_name(DType dtype);
/// The dtype named `name` (NumPy's name); throws usage_error for any other name.
DType dtype_from_name(const std::string& name);
/// Bytes per element.
size_t dtype_size(DType dtype);

/// An array read from a .npy file.
struct NpyArray {
  DType dtype = DType::kFloat32;
  std::vector<size_t> shape;
  std::string data;  ///< raw little-endian bytes in C order, count() * dtype_size(dtype) of them
  /// Number of elements: the product of shape (1 for a 0-d array).
  size_t count() const;
};

/// Number of elements of an array of `shape` (1 for a 0-d array).
size_t element_count(const std::vector<size_t>& shape);

/// A shape as NumPy prints it (Python's repr of a tuple), in .npy headers and messages:
/// "(49, 40)", "(3,)", "()".
std::string shape_text(const std::vector<size_t>& shape);

/// The bytes NumPy's np.save writes for this array (header padded to 64 bytes as NumPy does);
/// `data` holds element_count(shape) little-endian elements in C order.
std::string encode_npy(DType dtype, const std::vector<size_t>& shape, const void* data);

/// Writes a .npy file atomically (temporary name, then rename); refuses an existing file unless
/// `force`; throws Error naming the path.
void write_npy(const std::string& path, DType dtype, const std::vector<size_t>& shape,
               const void* data, bool force = true);

/// A .npy header: what the data that follows it holds.
struct NpyHeader {
  DType dtype = DType::kFloat32;
  std::vector<size_t> shape;
  size_t data_offset = 0;  ///< where the data starts in the file
  size_t data_bytes = 0;   ///< element_count(shape) * dtype_size(dtype)
};

/// Parses the header at the start of `bytes` (which need hold only the header); throws
/// Error(path, 0, ...) as decode_npy does for a bad magic or header, a dtype tinyprep does not
/// store, or Fortran order. Does not look at the data.
NpyHeader decode_npy_header(const std::string& path, std::string_view bytes);

/// Parses .npy bytes; `path` names them in errors. Throws Error(path, 0, ...) on a bad magic or
/// header, truncated or extra data, a dtype tinyprep does not store, or Fortran order.
NpyArray decode_npy(const std::string& path, std::string bytes);

/// Reads a .npy file; throws Error(path, 0, ...) as decode_npy does, or when it cannot be read.
NpyArray read_npy(const std::string& path);

}  // namespace tinyprep

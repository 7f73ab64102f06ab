#pragma once
// tf.train.Example in protobuf wire format, encoded directly (no protobuf library needed):
//   Example{features: Features{feature: map<string, Feature>}},
//   Feature{oneof: bytes_list = 1, float_list = 2, int64_list = 3}, lists packed.
#include <cstdint>
#include <string>
#include <string_view>

#include "array/npy.h"

namespace tinyprep {

/// Builds one serialized tf.train.Example; features are written in the order they are added.
/// Reuse one encoder per thread: clear() keeps the buffers' capacity.
class ExampleEncoder {
 public:
  /// Starts a new Example.
  void clear() { features_.clear(); }
  /// A float_list feature (packed little-endian floats).
  void add_floats(std::string_view key, const float* values, size_t n);
  /// An int64_list feature (packed varints).
  void add_int64s(std::string_view key, const int64_t* values, size_t n);
  /// An int64_list feature from integer elements of `dtype` (not float32), widened to int64.
  void add_ints(std::string_view key, DType dtype, const void* values, size_t n);
  /// An int64_list feature with one value.
  void add_int64(std::string_view key, int64_t value) { add_int64s(key, &value, 1); }
  /// A bytes_list feature with one value.
  void add_bytes(std::string_view key, std::string_view value);
  /// The serialized Example; valid until the next call on this encoder.
  const std::string& finish();

 private:
  void begin_feature(std::string_view key, int list_field, size_t list_size);
  std::string features_;  // the encoded map entries of Features
  std::string out_;
  std::string varints_;
};

/// Appends the protobuf base-128 varint of `value`.
void append_varint(std::string& out, uint64_t value);
/// Bytes the varint of `value` takes.
size_t varint_size(uint64_t value);

}  // namespace tinyprep

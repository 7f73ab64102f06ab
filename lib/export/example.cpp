#include "export/example.h"

#include <bit>
#include <cstring>

#include "core/error.h"

namespace tinyprep {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the encoders copy little-endian floats as they are in memory");

constexpr int kLengthDelimited = 2;
inline char tag(int field, int wire_type) {
  return static_cast<char>(field << 3 | wire_type);
}

// Feature.kind fields.
constexpr int kBytesList = 1;
constexpr int kFloatList = 2;
constexpr int kInt64List = 3;

template <typename T>
void append_widened(std::string& out, const void* values, size_t n) {
  const T* v = static_cast<const T*>(values);
  // Negative int64 values take ten bytes, as protobuf encodes them (two's complement).
  for (size_t i = 0; i < n; ++i) append_varint(out, static_cast<uint64_t>(int64_t{v[i]}));
}

}  // namespace

void append_varint(std::string& out, uint64_t value) {
  char buf[10];
  size_t n = 0;
  while (value >= 0x80) {
    buf[n++] = static_cast<char>(value | 0x80);
    value >>= 7;
  }
  buf[n++] = static_cast<char>(value);
  out.append(buf, n);
}

size_t varint_size(uint64_t value) {
  size_t n = 1;
  while (value >= 0x80) value >>= 7, ++n;
  return n;
}

// Writes the map entry header up to the start of the list's payload:
//   entry{1: key, 2: Feature{list_field: List{1: <payload of list_size bytes>}}}
// where the List's own field 1 header is written by the caller when it is packed; here
// `list_size` is the size of the whole List message.
void ExampleEncoder::begin_feature(std::string_view key, int list_field, size_t list_size) {
  size_t feature_size = 1 + varint_size(list_size) + list_size;
  size_t entry_size =
      1 + varint_size(key.size()) + key.size() + 1 + varint_size(feature_size) + feature_size;
  features_.push_back(tag(1, kLengthDelimited));  // Features.feature (a map entry)
  append_varint(features_, entry_size);
  features_.push_back(tag(1, kLengthDelimited));  // entry.key
  append_varint(features_, key.size());
  features_.append(key);
  features_.push_back(tag(2, kLengthDelimited));  // entry.value: Feature
  append_varint(features_, feature_size);
  features_.push_back(tag(list_field, kLengthDelimited));
  append_varint(features_, list_size);
}

void ExampleEncoder::add_floats(std::string_view key, const float* values, size_t n) {
  size_t payload = n * sizeof(float);
  size_t list_size = n ? 1 + varint_size(payload) + payload : 0;  // proto3 omits empty packed
  begin_feature(key, kFloatList, list_size);
  if (!n) return;
  features_.push_back(tag(1, kLengthDelimited));  // FloatList.value, packed
  append_varint(features_, payload);
  features_.append(reinterpret_cast<const char*>(values), payload);
}

void ExampleEncoder::add_int64s(std::string_view key, const int64_t* values, size_t n) {
  add_ints(key, DType::kInt64, values, n);
}

void ExampleEncoder::add_ints(std::string_view key, DType dtype, const void* values, size_t n) {
  varints_.clear();
  switch (dtype) {
    case DType::kInt8:
      append_widened<int8_t>(varints_, values, n);
      break;
    case DType::kUInt8:
      append_widened<uint8_t>(varints_, values, n);
      break;
    case DType::kInt16:
      append_widened<int16_t>(varints_, values, n);
      break;
    case DType::kUInt16:
      append_widened<uint16_t>(varints_, values, n);
      break;
    case DType::kInt32:
      append_widened<int32_t>(varints_, values, n);
      break;
    case DType::kInt64:
      append_widened<int64_t>(varints_, values, n);
      break;
    case DType::kFloat32:
      throw Error("add_ints: float32 is not an integer type");
  }
  size_t list_size = n ? 1 + varint_size(varints_.size()) + varints_.size() : 0;
  begin_feature(key, kInt64List, list_size);
  if (!n) return;
  features_.push_back(tag(1, kLengthDelimited));  // Int64List.value, packed
  append_varint(features_, varints_.size());
  features_.append(varints_);
}

void ExampleEncoder::add_bytes(std::string_view key, std::string_view value) {
  size_t list_size = 1 + varint_size(value.size()) + value.size();
  begin_feature(key, kBytesList, list_size);
  features_.push_back(tag(1, kLengthDelimited));  // BytesList.value
  append_varint(features_, value.size());
  features_.append(value);
}

const std::string& ExampleEncoder::finish() {
  out_.clear();
  out_.reserve(features_.size() + 6);
  out_.push_back(tag(1, kLengthDelimited));  // Example.features
  append_varint(out_, features_.size());
  out_.append(features_);
  return out_;
}

}  // namespace tinyprep

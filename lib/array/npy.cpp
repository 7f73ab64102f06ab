#include "array/npy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/error.h"
#include "core/io.h"

namespace tinyprep {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr size_t kAlign = 64;  // NumPy >= 1.14 pads the header so the data starts 64-aligned
// NumPy leaves room for the first axis to grow to 21 digits (so it can rewrite the header in
// place when appending); we pad the same way to write identical bytes.
constexpr size_t kGrowthAxisMaxDigits = 21;

struct DTypeInfo {
  DType dtype;
  const char* name;
  const char* descr;  // as np.save writes it
  size_t size;
};

const DTypeInfo kDTypes[] = {
    {DType::kFloat32, "float32", "<f4", 4}, {DType::kInt8, "int8", "|i1", 1},
    {DType::kUInt8, "uint8", "|u1", 1},     {DType::kInt16, "int16", "<i2", 2},
    {DType::kUInt16, "uint16", "<u2", 2},   {DType::kInt32, "int32", "<i4", 4},
    {DType::kInt64, "int64", "<i8", 8},
};

const DTypeInfo& info(DType dtype) {
  for (const auto& d : kDTypes)
    if (d.dtype == dtype) return d;
  throw Error("unknown dtype");
}

// A reader of the Python dict literal in a .npy header:
// {'descr': '<f4', 'fortran_order': False, 'shape': (49, 40), }
class HeaderParser {
 public:
  HeaderParser(const std::string& path, const std::string& text) : path_(path), s_(text) {}

  void parse(std::string& descr, bool& fortran, std::vector<size_t>& shape) {
    bool have_descr = false, have_fortran = false, have_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        descr = string_literal();
        have_descr = true;
      } else if (key == "fortran_order") {
        fortran = boolean();
        have_fortran = true;
      } else if (key == "shape") {
        shape = tuple();
        have_shape = true;
      } else {
        fail("unexpected key '" + key + "'");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') fail("expected ',' or '}'");
    }
    if (!have_descr || !have_fortran || !have_shape)
      fail("needs the keys 'descr', 'fortran_order' and 'shape'");
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw Error(path_, 0, "bad .npy header: " + what);
  }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  char peek() {
    if (pos_ >= s_.size()) fail("ends early");
    return s_[pos_];
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a string");
    size_t end = s_.find(quote, pos_ + 1);
    if (end == std::string::npos) fail("unterminated string");
    std::string value = s_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return value;
  }
  bool boolean() {
    skip_space();
    if (s_.compare(pos_, 4, "True") == 0) return pos_ += 4, true;
    if (s_.compare(pos_, 5, "False") == 0) return pos_ += 5, false;
    fail("expected True or False");
  }
  std::vector<size_t> tuple() {
    std::vector<size_t> dims;
    expect('(');
    while (true) {
      skip_space();
      if (peek() == ')') break;
      if (peek() < '0' || peek() > '9') fail("expected a dimension");
      size_t value = 0;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
        if (value > (std::numeric_limits<size_t>::max() - 9) / 10) fail("dimension too large");
        value = value * 10 + static_cast<size_t>(s_[pos_++] - '0');
      }
      dims.push_back(value);
      skip_space();
      if (peek() == ',')
        ++pos_;
      else if (peek() != ')')
        fail("expected ',' or ')'");
    }
    ++pos_;
    return dims;
  }

  const std::string& path_;
  const std::string& s_;
  size_t pos_ = 0;
};

}  // namespace

const char* dtype_name(DType dtype) {
  return info(dtype).name;
}

DType dtype_from_name(const std::string& name) {
  for (const auto& d : kDTypes)
    if (name == d.name) return d.dtype;
  throw usage_error("unknown dtype '" + name +
                    "' (expected float32, int8, uint8, int16, uint16, int32 or int64)");
}

size_t dtype_size(DType dtype) {
  return info(dtype).size;
}

size_t element_count(const std::vector<size_t>& shape) {
  size_t n = 1;
  for (size_t d : shape) n *= d;
  return n;
}

// Python's repr of a tuple of ints, as a .npy header holds it.
std::string shape_text(const std::vector<size_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) s += ",";
  return s + ")";
}

size_t NpyArray::count() const {
  return element_count(shape);
}

std::string encode_npy(DType dtype, const std::vector<size_t>& shape, const void* data) {
  std::string dict = std::string("{'descr': '") + info(dtype).descr +
                     "', 'fortran_order': False, 'shape': " + shape_text(shape) + ", }";
  if (!shape.empty()) {
    size_t digits = std::to_string(shape[0]).size();
    if (digits < kGrowthAxisMaxDigits) dict.append(kGrowthAxisMaxDigits - digits, ' ');
  }
  size_t header_len = dict.size() + 1;  // + the final '\n'
  size_t pad = kAlign - (kMagicLen + 2 + 2 + header_len) % kAlign;
  header_len += pad;
  if (header_len > 0xFFFF) throw Error("array has too many dimensions for a .npy 1.0 header");

  size_t bytes = element_count(shape) * dtype_size(dtype);
  std::string out;
  out.reserve(kMagicLen + 4 + header_len + bytes);
  out.append(kMagic, kMagicLen);
  out.push_back('\x01');
  out.push_back('\x00');
  out.push_back(static_cast<char>(header_len & 0xFF));
  out.push_back(static_cast<char>(header_len >> 8));
  out += dict;
  out.append(pad, ' ');
  out.push_back('\n');
  if (bytes) out.append(static_cast<const char*>(data), bytes);
  return out;
}

void write_npy(const std::string& path, DType dtype, const std::vector<size_t>& shape,
               const void* data, bool force) {
  write_file_atomic(path, encode_npy(dtype, shape, data), force);
}

NpyHeader decode_npy_header(const std::string& path, std::string_view bytes) {
  if (bytes.size() < kMagicLen + 4 || bytes.compare(0, kMagicLen, kMagic) != 0)
    throw Error(path, 0, "not a .npy file (bad magic)");
  auto byte = [&](size_t i) { return static_cast<size_t>(static_cast<unsigned char>(bytes[i])); };
  size_t major = byte(6);
  size_t header_len, header_start;
  if (major == 1) {
    header_len = byte(8) | byte(9) << 8;
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw Error(path, 0, "truncated .npy header");
    header_len = byte(8) | byte(9) << 8 | byte(10) << 16 | byte(11) << 24;
    header_start = 12;
  } else {
    throw Error(path, 0, "unsupported .npy format version " + std::to_string(major));
  }
  if (bytes.size() < header_start + header_len) throw Error(path, 0, "truncated .npy header");
  std::string header(bytes.substr(header_start, header_len));
  while (!header.empty() && (header.back() == '\n' || header.back() == ' ')) header.pop_back();

  std::string descr;
  bool fortran = false;
  NpyHeader h;
  HeaderParser(path, header).parse(descr, fortran, h.shape);
  if (fortran) throw Error(path, 0, "Fortran-order arrays are not supported (save in C order)");

  // '|' (not applicable) and '<' (little-endian) are what NumPy writes on every common machine;
  // '=' (native) is little-endian here too.
  std::string code = descr;
  if (!code.empty() && (code[0] == '<' || code[0] == '|' || code[0] == '=')) code.erase(0, 1);
  bool found = false;
  for (const auto& d : kDTypes) {
    if (code == d.descr + 1) {
      h.dtype = d.dtype;
      found = true;
    }
  }
  if (!found) throw Error(path, 0, "unsupported dtype '" + descr + "'");

  size_t count = 1;
  for (size_t d : h.shape) {
    if (d && count > std::numeric_limits<size_t>::max() / d)
      throw Error(path, 0, "array too large");
    count *= d;
  }
  h.data_offset = header_start + header_len;
  h.data_bytes = count * dtype_size(h.dtype);
  if (count && h.data_bytes / count != dtype_size(h.dtype)) throw Error(path, 0, "array too large");
  return h;
}

NpyArray decode_npy(const std::string& path, std::string bytes) {
  NpyHeader h = decode_npy_header(path, bytes);
  size_t have = bytes.size() - h.data_offset;
  if (have < h.data_bytes)
    throw Error(path, 0,
                "truncated: " + std::to_string(have) + " bytes of data, expected " +
                    std::to_string(h.data_bytes) + " for shape " + shape_text(h.shape));
  if (have > h.data_bytes)
    throw Error(path, 0,
                std::to_string(have - h.data_bytes) + " bytes after the end of the array data");
  // The file's buffer becomes the array's: one move of the data, no second allocation.
  NpyArray array;
  array.dtype = h.dtype;
  array.shape = std::move(h.shape);
  bytes.erase(0, h.data_offset);
  array.data = std::move(bytes);
  return array;
}

NpyArray read_npy(const std::string& path) {
  return decode_npy(path, read_file(path));
}

}  // namespace tinyprep

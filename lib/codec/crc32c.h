#pragma once
// CRC-32C (Castagnoli), the checksum of TFRecord framing.
#include <cstdint>
#include <string_view>

namespace tinyprep {

/// CRC-32C of `bytes`, continuing from `crc` (the CRC of the bytes before; 0 to start).
/// Uses the SSE4.2 crc32 instruction when the CPU has it, else slicing-by-8 tables.
uint32_t crc32c(std::string_view bytes, uint32_t crc = 0);

/// The table-only CRC-32C (what crc32c computes without SSE4.2); exposed for tests.
uint32_t crc32c_portable(std::string_view bytes, uint32_t crc = 0);

/// TensorFlow's masked CRC: rotate right by 15 bits and add 0xa282ead8, so a CRC stored in
/// the data it covers does not checksum to a fixed value.
inline uint32_t mask_crc(uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}
/// Inverse of mask_crc.
inline uint32_t unmask_crc(uint32_t masked) {
  uint32_t rot = masked - 0xa282ead8u;
  return (rot >> 17) | (rot << 15);
}

}  // namespace tinyprep

#pragma once
// Deflate blocks (RFC 1951) written without a match finder, for data where matches are rare:
// the byte planes of shuffled float features. Each block of a few KB gets a Huffman code made
// for its own byte counts (or is stored when that is smaller), which is what deflate gains on
// such data anyway, at a tenth of the cost of searching for matches that are not there.
// The blocks are never final: a stream built from them ends with another encoder's final
// block or with deflate_finish().
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tinyprep {

/// Deflate's bit order (least significant bit first) appended to a string. Whole bytes gather
/// in a small buffer first; align() (which every block boundary the caller sees goes through)
/// writes everything out to the string.
class DeflateBits {
 public:
  explicit DeflateBits(std::string& out) : out_(out) {}
  ~DeflateBits() = default;
  /// Appends the low `count` (<= 32) bits of `bits`.
  __attribute__((always_inline)) void put(uint32_t bits, int count) {
    if (used_ + count > 64) write_bytes();
    acc_ |= static_cast<uint64_t>(bits) << used_;
    used_ += count;
  }
  /// Pads with zero bits to a byte boundary and writes out everything pending.
  void align();
  bool aligned() const { return used_ % 8 == 0; }
  /// Moves the whole bytes of the accumulator to the buffer (keeps fewer than 8 bits).
  void write_bytes() {
    const int bytes = used_ / 8;
    if (staged_ + 8 > sizeof buffer_) flush();
    for (int i = 0; i < 8; ++i) buffer_[staged_ + i] = static_cast<char>(acc_ >> (8 * i));
    staged_ += bytes;
    acc_ = bytes == 8 ? 0 : acc_ >> (8 * bytes);
    used_ -= 8 * bytes;
  }
  /// The string, with everything but the bits of an unfinished byte written to it.
  std::string& bytes() {
    flush();
    return out_;
  }

 private:
  void flush() {
    out_.append(buffer_, staged_);
    staged_ = 0;
  }
  std::string& out_;
  uint64_t acc_ = 0;
  int used_ = 0;
  char buffer_[4096];
  size_t staged_ = 0;
};

/// Writes `data` as stored blocks (none final).
void deflate_stored(DeflateBits& out, std::string_view data);

/// Writes `data` as blocks of `block` bytes, each Huffman-coded with its own code or stored,
/// whichever is smaller (none final).
void deflate_literals(DeflateBits& out, std::string_view data, size_t block = 4096);

/// Writes `count` zero bytes as one block of deflate's fixed codes: a literal 0, then matches
/// at distance 1 (not final). ~13 bits per 258 bytes.
void deflate_zeros(DeflateBits& out, size_t count);

/// Ends the current position at a byte boundary with an empty stored block (what a zlib
/// "sync flush" writes), so another encoder's blocks can follow; nothing if already aligned.
void deflate_sync(DeflateBits& out);

/// Ends the stream: an empty final stored block, then byte alignment.
void deflate_finish(DeflateBits& out);

/// Lengths (<= max_length) of a Huffman code for `count` symbols with these frequencies;
/// unused symbols get 0. The code is always complete: with one used symbol, a second gets
/// length 1 too (zlib refuses incomplete codes). Exposed for the tests.
void huffman_lengths(const uint32_t* freq, int count, int max_length, uint8_t* lengths);

}  // namespace tinyprep

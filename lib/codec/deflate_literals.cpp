#include "codec/deflate_literals.h"

#include <algorithm>
#include <array>

namespace tinyprep {
namespace {

constexpr int kLiteralCodes = 257;  // bytes 0-255 and end-of-block (256)
constexpr int kEndOfBlock = 256;
constexpr int kMaxLength = 15;     // longest literal/length code (RFC 1951 3.2.7)
constexpr int kMaxLengthCode = 7;  // longest code of the code-length alphabet
// The order in which the code-length alphabet's lengths are sent (RFC 1951 3.2.7).
constexpr int kLengthOrder[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

// Bytes with their bits in reverse order.
constexpr std::array<uint8_t, 256> kReversedBytes = [] {
  std::array<uint8_t, 256> t{};
  for (int i = 0; i < 256; ++i)
    for (int b = 0; b < 8; ++b)
      if (i & (1 << b)) t[i] |= static_cast<uint8_t>(0x80 >> b);
  return t;
}();

// The low `bits` (<= 16) bits of `code`, reversed.
uint32_t reverse_bits(uint32_t code, int bits) {
  uint32_t r =
      static_cast<uint32_t>(kReversedBytes[code & 0xff]) << 8 | kReversedBytes[(code >> 8) & 0xff];
  return r >> (16 - bits);
}

// Canonical codes for `lengths` (RFC 1951 3.2.2), bit-reversed for least-significant-bit-first
// output.
void canonical_codes(const uint8_t* lengths, int count, uint32_t* codes) {
  int per_length[kMaxLength + 1] = {};
  for (int s = 0; s < count; ++s) per_length[lengths[s]]++;
  per_length[0] = 0;
  uint32_t next[kMaxLength + 2] = {};
  uint32_t code = 0;
  for (int bits = 1; bits <= kMaxLength; ++bits) {
    code = (code + per_length[bits - 1]) << 1;
    next[bits] = code;
  }
  for (int s = 0; s < count; ++s) {
    int len = lengths[s];
    if (!len) continue;
    codes[s] = reverse_bits(next[len]++, len);
  }
}

// One symbol of the code-length alphabet with its extra bits.
struct LengthSymbol {
  uint8_t symbol, extra_bits;
  uint8_t extra;
};

// Run-length codes the lengths (16: repeat the previous 3-6 times, 17: 3-10 zeros,
// 18: 11-138 zeros).
// At most one symbol per length.
using LengthSymbols = std::array<LengthSymbol, kLiteralCodes + 1>;

int run_length(const uint8_t* lengths, int count, LengthSymbols& symbols) {
  int used = 0;
  auto push = [&](LengthSymbol s) { symbols[used++] = s; };
  for (int i = 0; i < count;) {
    const uint8_t v = lengths[i];
    int run = 1;
    while (i + run < count && lengths[i + run] == v) ++run;
    i += run;
    if (v == 0) {
      while (run >= 11) {
        int r = std::min(run, 138);
        push({18, 7, static_cast<uint8_t>(r - 11)});
        run -= r;
      }
      if (run >= 3) {
        push({17, 3, static_cast<uint8_t>(run - 3)});
        run = 0;
      }
      for (; run > 0; --run) push({0, 0, 0});
    } else {
      push({v, 0, 0});
      --run;
      while (run >= 3) {
        int r = std::min(run, 6);
        push({16, 2, static_cast<uint8_t>(r - 3)});
        run -= r;
      }
      for (; run > 0; --run) push({v, 0, 0});
    }
  }
  return used;
}

// A block's dynamic Huffman code: what it costs and what to send.
struct BlockCode {
  uint8_t lengths[kLiteralCodes + 1] = {};  // literal/length codes, then the one distance code
  uint32_t codes[kLiteralCodes] = {};
  LengthSymbols header;
  int header_symbols = 0;
  uint8_t header_lengths[19] = {};
  uint32_t header_codes[19] = {};
  int header_count = 4;  // HCLEN + 4
  uint64_t bits = 0;     // the whole block, header included
};

void make_code(const uint32_t* freq, BlockCode& b) {
  huffman_lengths(freq, kLiteralCodes, kMaxLength, b.lengths);
  b.lengths[kLiteralCodes] = 0;  // one distance code, unused: "all literals" (RFC 1951 3.2.7)
  canonical_codes(b.lengths, kLiteralCodes, b.codes);
  b.header_symbols = run_length(b.lengths, kLiteralCodes + 1, b.header);
  uint32_t header_freq[19] = {};
  for (int i = 0; i < b.header_symbols; ++i) header_freq[b.header[i].symbol]++;
  huffman_lengths(header_freq, 19, kMaxLengthCode, b.header_lengths);
  canonical_codes(b.header_lengths, 19, b.header_codes);
  b.header_count = 19;
  while (b.header_count > 4 && !b.header_lengths[kLengthOrder[b.header_count - 1]])
    --b.header_count;
  uint64_t bits = 3 + 5 + 5 + 4 + 3 * b.header_count;
  for (int i = 0; i < b.header_symbols; ++i)
    bits += b.header_lengths[b.header[i].symbol] + b.header[i].extra_bits;
  for (int s = 0; s < kLiteralCodes; ++s) bits += uint64_t{freq[s]} * b.lengths[s];
  b.bits = bits;
}

void put_huffman_block(DeflateBits& out, const BlockCode& b, std::string_view data) {
  out.put(0, 1);  // not final
  out.put(2, 2);  // dynamic Huffman codes
  out.put(kLiteralCodes - 257, 5);
  out.put(0, 5);  // one distance code
  out.put(static_cast<uint32_t>(b.header_count - 4), 4);
  for (int i = 0; i < b.header_count; ++i) out.put(b.header_lengths[kLengthOrder[i]], 3);
  for (int i = 0; i < b.header_symbols; ++i) {
    const LengthSymbol& h = b.header[i];
    out.put(b.header_codes[h.symbol], b.header_lengths[h.symbol]);
    if (h.extra_bits) out.put(h.extra, h.extra_bits);
  }
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const size_t n = data.size();
  size_t i = 0;
  // Two codes of at most 15 bits per put().
  for (; i + 2 <= n; i += 2)
    out.put(b.codes[p[i]] | (b.codes[p[i + 1]] << b.lengths[p[i]]),
            b.lengths[p[i]] + b.lengths[p[i + 1]]);
  for (; i < n; ++i) out.put(b.codes[p[i]], b.lengths[p[i]]);
  out.put(b.codes[kEndOfBlock], b.lengths[kEndOfBlock]);
}

void put_stored_block(DeflateBits& out, std::string_view data, bool final) {
  out.put(final ? 1 : 0, 1);
  out.put(0, 2);  // stored
  out.align();
  const size_t n = data.size();
  const char head[4] = {static_cast<char>(n), static_cast<char>(n >> 8), static_cast<char>(~n),
                        static_cast<char>(~n >> 8)};
  out.bytes().append(head, 4);
  out.bytes().append(data);
}

}  // namespace

void DeflateBits::align() {
  used_ = (used_ + 7) / 8 * 8;
  write_bytes();
  flush();
}

void huffman_lengths(const uint32_t* freq, int count, int max_length, uint8_t* lengths) {
  std::fill(lengths, lengths + count, uint8_t{0});
  // Called twice per 4 KiB block: fixed-size arrays, no allocation. (frequency << 16 | symbol)
  // sorts by frequency, then symbol.
  constexpr int kMax = kLiteralCodes + 31;
  uint64_t used[kMax];
  int n = 0;
  for (int s = 0; s < count && n < kMax; ++s)
    if (freq[s]) used[n++] = uint64_t{freq[s]} << 16 | static_cast<uint64_t>(s);
  if (n == 0) return;
  if (n == 1) {
    int s = static_cast<int>(used[0] & 0xffff);
    lengths[s] = 1;
    lengths[s == 0 ? 1 : 0] = 1;
    return;
  }
  // By frequency, then symbol: two stable counting passes over the frequency's bytes (the
  // keys come in symbol order); std::sort for counts beyond 16 bits.
  if (std::all_of(used, used + n, [](uint64_t k) { return (k >> 32) == 0; })) {
    uint64_t tmp[kMax];
    for (int shift : {16, 24}) {
      int start[257] = {};
      for (int i = 0; i < n; ++i) start[((used[i] >> shift) & 0xff) + 1]++;
      for (int b = 0; b < 256; ++b) start[b + 1] += start[b];
      for (int i = 0; i < n; ++i) tmp[start[(used[i] >> shift) & 0xff]++] = used[i];
      std::copy(tmp, tmp + n, used);
    }
  } else {
    std::sort(used, used + n);
  }
  // Huffman's tree with two queues: the sorted leaves, and the inner nodes, which are made in
  // order of weight. Node i < n is leaf i; the root is 2n - 2.
  uint64_t weight[2 * kMax];
  int parent[2 * kMax];
  for (int i = 0; i < n; ++i) weight[i] = used[i] >> 16;
  int leaf = 0, inner = n;
  auto take = [&](int made) {
    if (leaf < n && (inner >= made || weight[leaf] <= weight[inner])) return leaf++;
    return inner++;
  };
  for (int made = n; made < 2 * n - 1; ++made) {
    int a = take(made), b = take(made);
    weight[made] = weight[a] + weight[b];
    parent[a] = parent[b] = made;
  }
  int depth[2 * kMax];
  depth[2 * n - 2] = 0;
  for (int i = 2 * n - 3; i >= 0; --i) depth[i] = depth[parent[i]] + 1;
  // Codes per length; codes longer than the limit are shortened to it, then longer codes are
  // traded for shorter ones until the code is complete again (Kraft sum exactly 1).
  std::array<int, 64> per_length{};
  for (int i = 0; i < n; ++i) per_length[std::min(depth[i], 63)]++;
  for (int len = max_length + 1; len < 64; ++len) {
    per_length[max_length] += per_length[len];
    per_length[len] = 0;
  }
  uint64_t kraft = 0;
  for (int len = 1; len <= max_length; ++len)
    kraft += static_cast<uint64_t>(per_length[len]) << (max_length - len);
  const uint64_t full = uint64_t{1} << max_length;
  while (kraft > full) {
    per_length[max_length]--;
    for (int len = max_length - 1; len > 0; --len) {
      if (per_length[len]) {
        per_length[len]--;
        per_length[len + 1] += 2;
        break;
      }
    }
    --kraft;
  }
  // The most frequent symbols get the shortest codes.
  int next = n - 1;
  for (int len = 1; len <= max_length; ++len)
    for (int k = 0; k < per_length[len]; ++k)
      lengths[used[next--] & 0xffff] = static_cast<uint8_t>(len);
}

void deflate_stored(DeflateBits& out, std::string_view data) {
  while (!data.empty()) {
    size_t n = std::min<size_t>(data.size(), 65535);
    put_stored_block(out, data.substr(0, n), false);
    data.remove_prefix(n);
  }
}

void deflate_literals(DeflateBits& out, std::string_view data, size_t block) {
  block = std::clamp<size_t>(block, 1, 65535);
  BlockCode code;
  while (!data.empty()) {
    std::string_view part = data.substr(0, std::min(block, data.size()));
    data.remove_prefix(part.size());
    uint32_t freq[kLiteralCodes] = {};
    for (unsigned char c : part) freq[c]++;
    freq[kEndOfBlock] = 1;
    make_code(freq, code);
    const uint64_t stored_bits = 3 + 7 + 32 + 8 * uint64_t{part.size()};
    if (code.bits < stored_bits)
      put_huffman_block(out, code, part);
    else
      put_stored_block(out, part, false);
  }
}

void deflate_zeros(DeflateBits& out, size_t count) {
  if (!count) return;
  // Fixed codes (RFC 1951 3.2.6): literal 0 is 00110000 (8 bits); lengths are symbols 257-279
  // (7 bits: symbol - 256) and 280-287 (8 bits: 11000000 + symbol - 280) with extra bits;
  // distance 1 is 00000 (5 bits); end-of-block is 0000000. Codes go out bit-reversed.
  // Symbols 257-285: shortest length of each, and its extra bits (RFC 1951 3.2.5).
  static constexpr uint16_t kBase[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                         15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                         67, 83, 99, 115, 131, 163, 195, 227, 258};
  static constexpr uint8_t kExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                         2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
  auto put_match = [&](size_t length) {  // 3 <= length <= 258, at distance 1
    int i = 28;
    while (kBase[i] > length) --i;
    int symbol = 257 + i;
    if (symbol < 280)
      out.put(reverse_bits(static_cast<uint32_t>(symbol - 256), 7), 7);
    else
      out.put(reverse_bits(static_cast<uint32_t>(0xC0 + symbol - 280), 8), 8);
    if (kExtra[i]) out.put(static_cast<uint32_t>(length - kBase[i]), kExtra[i]);
    out.put(0, 5);
  };
  const uint32_t zero = reverse_bits(0x30, 8);
  out.put(0, 1);  // not final
  out.put(1, 2);  // fixed codes
  out.put(zero, 8);
  --count;
  for (; count >= 258; count -= 258) put_match(258);
  if (count >= 3)
    put_match(count);
  else
    for (; count > 0; --count) out.put(zero, 8);
  out.put(0, 7);
}

void deflate_sync(DeflateBits& out) {
  if (out.aligned())
    out.align();  // whole bytes: just write them out
  else
    put_stored_block(out, {}, false);
}

void deflate_finish(DeflateBits& out) {
  put_stored_block(out, {}, true);
}

}  // namespace tinyprep

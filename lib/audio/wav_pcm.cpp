#include "audio/wav_pcm.h"

#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace tinyprep {
namespace {

uint32_t u32(std::string_view b, size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(b.data() + at);
  return p[0] | p[1] << 8 | p[2] << 16 | uint32_t(p[3]) << 24;
}
uint16_t u16(std::string_view b, size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(b.data() + at);
  return static_cast<uint16_t>(p[0] | p[1] << 8);
}

// KSDATAFORMAT_SUBTYPE_PCM after its first two bytes (the format tag, 0x0001).
constexpr unsigned char kPcmGuidTail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                            0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

}  // namespace

// Chunks libsndfile skips without reading them (a fixed list: it parses most others, and
// treats unknown or unprintable ids in ways of its own).
bool is_skipped_chunk(std::string_view id) {
  return id == "JUNK" || id == "PAD " || id == "FLLR";
}

bool parse_wav_pcm16(std::string_view b, AudioInfo& info, std::string_view& samples) {
  // Only a plain layout is taken: RIFF/WAVE, one fmt chunk, one data chunk and chunks that
  // libsndfile only skips, laid end to end up to the last byte of the file. libsndfile reads
  // the chunks after data too (a second data chunk, an all-zero id, a trailing stub change its
  // verdict), so anything else goes to it: one verdict for every command.
  if (b.size() < 12 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WAVE") != 0) return false;
  int channels = 0;
  uint32_t rate = 0;
  bool have_fmt = false;
  std::string_view data;
  size_t pos = 12;
  while (pos < b.size()) {
    if (b.size() - pos < 8) return false;  // a stub of a chunk header
    const std::string_view id = b.substr(pos, 4);
    const uint32_t size = u32(b, pos + 4);
    const size_t body = pos + 8;
    if (size > b.size() - body) return false;  // longer than the file: libsndfile decides
    if (id == "fmt ") {
      if (have_fmt || data.data() || size < 16) return false;
      const uint16_t tag = u16(b, body);
      channels = u16(b, body + 2);
      rate = u32(b, body + 4);
      const uint16_t block_align = u16(b, body + 12), bits = u16(b, body + 14);
      bool pcm = tag == 1;
      if (tag == 0xFFFE) {  // WAVE_FORMAT_EXTENSIBLE: the subformat GUID says PCM
        if (size < 40 || u16(b, body + 16) < 22) return false;
        pcm = u16(b, body + 24) == 1 && std::memcmp(b.data() + body + 26, kPcmGuidTail, 14) == 0;
        if (u16(b, body + 18) != 16) return false;  // valid bits per sample
      }
      // libsndfile reads at most 1024 channels.
      if (!pcm || bits != 16 || channels < 1 || channels > 1024 || rate < 1 || rate > 0x7FFFFFFF ||
          block_align != 2 * channels)
        return false;
      have_fmt = true;
    } else if (id == "data") {
      // Unknown (streamed) or odd lengths (libsndfile counts the pad byte as data), empty data
      // (libsndfile may take the rest of the file), a second data chunk, anything before fmt,
      // and data that starts like WavPack or Ogg (which libsndfile refuses): libsndfile decides.
      if (!have_fmt || data.data() || size == 0 || size == 0xFFFFFFFFu || (size & 1)) return false;
      data = b.substr(body, size);
      if (data.size() >= 4 && (data.substr(0, 4) == "wvpk" || data.substr(0, 4) == "OggS"))
        return false;
    } else if (!is_skipped_chunk(id)) {
      return false;
    }
    pos = body + size + (size & 1);
  }
  if (!data.data() || pos != b.size()) return false;
  const size_t frames = data.size() / (2 * static_cast<size_t>(channels));
  info.sample_rate = static_cast<int>(rate);
  info.channels = channels;
  info.frames = static_cast<int64_t>(frames);
  info.format = "wav/pcm16";
  info.is_float = false;
  samples = data.substr(0, frames * channels * 2);
  return true;
}

bool decode_wav_pcm16(std::string_view b, AudioClip& clip) {
  std::string_view data;
  if (!parse_wav_pcm16(b, clip.info, data)) return false;
  const size_t n = data.size() / 2;
  clip.samples.resize(n);
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  float* out = clip.samples.data();
  constexpr float kScale = 1.0f / 32768;
  size_t i = 0;
#ifdef __SSE2__
  // Eight samples at a time: each int16 into the top of an int32, shifted down with its sign.
  const __m128 scale = _mm_set1_ps(kScale);
  for (; i + 8 <= n; i += 8) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2 * i));
    __m128i lo = _mm_srai_epi32(_mm_unpacklo_epi16(v, v), 16);
    __m128i hi = _mm_srai_epi32(_mm_unpackhi_epi16(v, v), 16);
    _mm_storeu_ps(out + i, _mm_mul_ps(_mm_cvtepi32_ps(lo), scale));
    _mm_storeu_ps(out + i + 4, _mm_mul_ps(_mm_cvtepi32_ps(hi), scale));
  }
#endif
  for (; i < n; ++i)
    out[i] = static_cast<float>(static_cast<int16_t>(p[2 * i] | p[2 * i + 1] << 8)) * kScale;
  return true;
}

}  // namespace tinyprep

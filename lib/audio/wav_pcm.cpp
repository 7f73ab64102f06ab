#include "audio/wav_pcm.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

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

bool decode_wav_pcm16(std::string_view b, AudioClip& clip) {
  if (b.size() < 12 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WAVE") != 0) return false;
  int channels = 0;
  uint32_t rate = 0;
  bool have_fmt = false;
  size_t pos = 12;
  while (pos + 8 <= b.size()) {
    const uint32_t size = u32(b, pos + 4);
    const size_t body = pos + 8;
    if (b.compare(pos, 4, "fmt ") == 0) {
      if (size < 16 || body + size > b.size()) return false;
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
      if (!pcm || bits != 16 || channels < 1 || rate < 1 || rate > 0x7FFFFFFF ||
          block_align != 2 * channels)
        return false;
      have_fmt = true;
    } else if (b.compare(pos, 4, "data") == 0) {
      // Unknown (streamed) or over-long lengths, and anything before fmt: libsndfile decides.
      if (!have_fmt || size == 0xFFFFFFFFu || body + size > b.size()) return false;
      const size_t frames = size / (2 * static_cast<size_t>(channels));
      clip.info.sample_rate = static_cast<int>(rate);
      clip.info.channels = channels;
      clip.info.frames = static_cast<int64_t>(frames);
      clip.info.format = "wav/pcm16";
      clip.info.is_float = false;
      const size_t n = frames * channels;
      clip.samples.resize(n);
      const auto* p = reinterpret_cast<const unsigned char*>(b.data() + body);
      constexpr float kScale = 1.0f / 32768;
      for (size_t i = 0; i < n; ++i)
        clip.samples[i] =
            static_cast<float>(static_cast<int16_t>(p[2 * i] | p[2 * i + 1] << 8)) * kScale;
      return true;
    }
    pos = body + size + (size & 1);
  }
  return false;
}

}  // namespace tinyprep

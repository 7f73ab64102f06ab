#pragma once
// Audio files through libsndfile: WAV, FLAC, OGG/Vorbis, OGG/Opus (where the library has it).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tinyprep {

/// What a file header says.
struct AudioInfo {
  int sample_rate = 0;
  int channels = 0;
  int64_t frames = 0;
  std::string format;  ///< "wav/pcm16", "flac/pcm24", "ogg/vorbis", ...
  bool is_float = false;
  double duration() const { return sample_rate > 0 ? double(frames) / sample_rate : 0.0; }
};

/// Decoded samples, interleaved float in [-1, 1].
struct AudioClip {
  AudioInfo info;
  std::vector<float> samples;  ///< frames * channels, interleaved
};

/// Reads the header (and checks the data can be decoded); throws Error naming the file when it
/// is missing, not audio, or truncated.
AudioInfo probe_audio(const std::string& path);

/// Decodes the whole file; throws Error naming the file (not audio, truncated, NaN/Inf samples).
AudioClip read_audio(const std::string& path);

/// Decodes audio bytes in memory exactly as read_audio() decodes a file holding them (the same
/// checks and errors, `name` naming the bytes in them).
AudioClip read_audio_bytes(std::string_view bytes, const std::string& name);

/// Decodes to int16 exactly as the file stores 16-bit PCM (no float round trip for PCM16).
std::vector<int16_t> read_audio_int16(const std::string& path, AudioInfo* info = nullptr);

/// Writes 16-bit PCM WAV atomically (temporary name, then rename).
void write_wav16(const std::string& path, const int16_t* samples, int64_t frames, int channels,
                 int sample_rate, bool force = false);

/// Level facts that validate checks: peak, clipped sample count, all zero.
struct AudioLevels {
  float peak = 0;
  int64_t clipped = 0;  ///< samples at full scale (|x| >= 32767/32768)
  bool all_zero = true;
};
AudioLevels measure_levels(const AudioClip& clip);

/// True for file names whose extension libsndfile reads (.wav .flac .ogg .oga .opus .aiff ...).
bool is_audio_extension(const std::string& ext);

}  // namespace tinyprep

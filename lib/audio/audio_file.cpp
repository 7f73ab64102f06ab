#include "audio/audio_file.h"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/error.h"
#include "core/io.h"
#include "core/plugin.h"
#include "core/staged_file.h"

namespace tinyprep {
namespace {

// libsndfile and its codecs (FLAC, Vorbis, Opus, MPEG) are opened on first use (core/plugin.h):
// the PCM16 WAVs of most datasets never need them (wav_pcm.h).
struct Sndfile : Library {
  Sndfile() : Library("libsndfile.so.1", "audio decoding", "install libsndfile1") {}
  TINYPREP_LIBRARY_FUNCTION(open, sf_open);
  TINYPREP_LIBRARY_FUNCTION(open_virtual, sf_open_virtual);
  TINYPREP_LIBRARY_FUNCTION(close, sf_close);
  TINYPREP_LIBRARY_FUNCTION(strerror, sf_strerror);
  TINYPREP_LIBRARY_FUNCTION(readf_float, sf_readf_float);
  TINYPREP_LIBRARY_FUNCTION(readf_short, sf_readf_short);
  TINYPREP_LIBRARY_FUNCTION(writef_short, sf_writef_short);
};

const Sndfile& sf() {
  static const Sndfile api;
  return api;
}

struct SndCloser {
  void operator()(SNDFILE* f) const { sf().close(f); }
};
using SndHandle = std::unique_ptr<SNDFILE, SndCloser>;

std::string describe_format(int format) {
  std::string major;
  switch (format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_WAV:
      major = "wav";
      break;
    case SF_FORMAT_WAVEX:
      major = "wav";
      break;
    case SF_FORMAT_FLAC:
      major = "flac";
      break;
    case SF_FORMAT_OGG:
      major = "ogg";
      break;
    case SF_FORMAT_AIFF:
      major = "aiff";
      break;
    case SF_FORMAT_RAW:
      major = "raw";
      break;
    default:
      major = "other";
      break;
  }
  std::string sub;
  switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8:
      sub = "pcm8";
      break;
    case SF_FORMAT_PCM_U8:
      sub = "pcm8u";
      break;
    case SF_FORMAT_PCM_16:
      sub = "pcm16";
      break;
    case SF_FORMAT_PCM_24:
      sub = "pcm24";
      break;
    case SF_FORMAT_PCM_32:
      sub = "pcm32";
      break;
    case SF_FORMAT_FLOAT:
      sub = "float";
      break;
    case SF_FORMAT_DOUBLE:
      sub = "double";
      break;
    case SF_FORMAT_VORBIS:
      sub = "vorbis";
      break;
    case SF_FORMAT_OPUS:
      sub = "opus";
      break;
    default:
      sub = "other";
      break;
  }
  return major + "/" + sub;
}

// What sf_open or sf_open_virtual gave: the handle, or the error naming `path`.
SndHandle opened(SNDFILE* handle, const SF_INFO& sfinfo, const std::string& path, AudioInfo& info) {
  SndHandle f(handle);
  if (!f) {
    std::string why = sf().strerror(nullptr);
    if (why.find("ermission") != std::string::npos) throw Error(path, 0, "cannot open: " + why);
    throw Error(path, 0, "not a readable audio file (" + why + ")");
  }
  if (sfinfo.channels <= 0 || sfinfo.samplerate <= 0)
    throw Error(path, 0, "audio header has no channels or sample rate");
  info.sample_rate = sfinfo.samplerate;
  info.channels = sfinfo.channels;
  info.frames = sfinfo.frames;
  info.format = describe_format(sfinfo.format);
  int sub = sfinfo.format & SF_FORMAT_SUBMASK;
  info.is_float = sub == SF_FORMAT_FLOAT || sub == SF_FORMAT_DOUBLE;
  return f;
}

SndHandle open_audio(const std::string& path, AudioInfo& info) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(path, 0, "no such file");
  if (std::filesystem::is_directory(path, ec)) throw Error(path, 0, "is a folder, not audio");
  SF_INFO sfinfo = {};
  SNDFILE* handle = sf().open(path.c_str(), SFM_READ, &sfinfo);
  return opened(handle, sfinfo, path, info);
}

// libsndfile reading bytes in memory (sf_open_virtual).
struct MemoryFile {
  std::string_view bytes;
  sf_count_t pos = 0;

  static sf_count_t length(void* self) { return static_cast<MemoryFile*>(self)->bytes.size(); }
  static sf_count_t seek(sf_count_t offset, int whence, void* self) {
    auto* m = static_cast<MemoryFile*>(self);
    sf_count_t base = whence == SEEK_SET   ? 0
                      : whence == SEEK_CUR ? m->pos
                                           : sf_count_t(m->bytes.size());
    if (base + offset < 0) return -1;
    m->pos = base + offset;
    return m->pos;
  }
  static sf_count_t read(void* out, sf_count_t count, void* self) {
    auto* m = static_cast<MemoryFile*>(self);
    const sf_count_t size = static_cast<sf_count_t>(m->bytes.size());
    if (count <= 0 || m->pos >= size) return 0;
    const sf_count_t n = std::min(count, size - m->pos);
    std::memcpy(out, m->bytes.data() + m->pos, static_cast<size_t>(n));
    m->pos += n;
    return n;
  }
  static sf_count_t write(const void*, sf_count_t, void*) { return 0; }
  static sf_count_t tell(void* self) { return static_cast<MemoryFile*>(self)->pos; }
};

// The data chunk of a WAV whose first bytes `read_at(offset, buffer, n)` reads (returning the
// count read), in a file of `size` bytes: true when it promises more than the file holds.
template <class ReadAt>
bool wav_data_truncated(ReadAt read_at, int64_t size) {
  unsigned char chunk[8];
  int64_t pos = 12;
  if (size < 12) return false;
  while (read_at(pos, chunk, 8) == 8) {
    uint32_t length = chunk[4] | chunk[5] << 8 | chunk[6] << 16 | uint32_t(chunk[7]) << 24;
    pos += 8;
    if (std::equal(chunk, chunk + 4, "data"))
      // 0 and 0xFFFFFFFF mean "unknown length" (streamed WAVs): not truncation.
      return length != 0 && length != 0xFFFFFFFFu && size - pos < static_cast<int64_t>(length);
    pos += length + (length & 1);
  }
  return false;
}

void check_truncation(bool truncated, const std::string& path) {
  if (truncated)
    throw Error(path, 0, "truncated WAV: the data chunk is shorter than its header says");
}

// A WAV whose header promises more data than the file holds is truncated: libsndfile quietly
// shortens `frames`, so compare the data chunk's declared size with what is really there.
void check_wav_length(const std::string& path, const AudioInfo& info) {
  if (info.format.rfind("wav/", 0) != 0) return;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return;
  std::unique_ptr<FILE, int (*)(FILE*)> closer(f, std::fclose);
  if (std::fseek(f, 0, SEEK_END) != 0) return;
  const int64_t size = std::ftell(f);
  auto read_at = [&](int64_t at, unsigned char* out, size_t n) -> size_t {
    if (at > size || std::fseek(f, static_cast<long>(at), SEEK_SET) != 0) return 0;
    return std::fread(out, 1, n, f);
  };
  check_truncation(wav_data_truncated(read_at, size), path);
}

// The samples of an opened file, as read_audio() returns them.
void read_samples(SNDFILE* f, AudioClip& clip, const std::string& path) {
  clip.samples.resize(static_cast<size_t>(clip.info.frames) * clip.info.channels);
  sf_count_t got = sf().readf_float(f, clip.samples.data(), clip.info.frames);
  if (got != clip.info.frames)
    throw Error(path, 0,
                "truncated audio: read " + std::to_string(got) + " of " +
                    std::to_string(clip.info.frames) + " frames");
  if (clip.info.is_float)
    for (size_t i = 0; i < clip.samples.size(); ++i)
      if (!std::isfinite(clip.samples[i]))
        throw Error(path, 0, "sample " + std::to_string(i / clip.info.channels) + " is NaN or Inf");
}

}  // namespace

AudioInfo probe_audio(const std::string& path) {
  AudioInfo info;
  SndHandle f = open_audio(path, info);
  check_wav_length(path, info);
  return info;
}

AudioClip read_audio(const std::string& path) {
  AudioClip clip;
  SndHandle f = open_audio(path, clip.info);
  check_wav_length(path, clip.info);
  read_samples(f.get(), clip, path);
  return clip;
}

AudioClip read_audio_bytes(std::string_view bytes, const std::string& name) {
  AudioClip clip;
  MemoryFile file{bytes};
  SF_VIRTUAL_IO io = {MemoryFile::length, MemoryFile::seek, MemoryFile::read, MemoryFile::write,
                      MemoryFile::tell};
  SF_INFO sfinfo = {};
  SndHandle f = opened(sf().open_virtual(&io, SFM_READ, &sfinfo, &file), sfinfo, name, clip.info);
  if (clip.info.format.rfind("wav/", 0) == 0) {
    auto read_at = [&](int64_t at, unsigned char* out, size_t n) -> size_t {
      if (at >= static_cast<int64_t>(bytes.size())) return 0;
      return bytes.copy(reinterpret_cast<char*>(out), n, static_cast<size_t>(at));
    };
    check_truncation(wav_data_truncated(read_at, static_cast<int64_t>(bytes.size())), name);
  }
  read_samples(f.get(), clip, name);
  return clip;
}

std::vector<int16_t> read_audio_int16(const std::string& path, AudioInfo* info_out) {
  AudioInfo info;
  SndHandle f = open_audio(path, info);
  check_wav_length(path, info);
  std::vector<int16_t> samples(static_cast<size_t>(info.frames) * info.channels);
  sf_count_t got = sf().readf_short(f.get(), samples.data(), info.frames);
  if (got != info.frames) throw Error(path, 0, "truncated audio");
  if (info_out) *info_out = info;
  return samples;
}

void write_wav16(const std::string& path, const int16_t* samples, int64_t frames, int channels,
                 int sample_rate, bool force) {
  std::error_code ec;
  if (!force && std::filesystem::exists(path, ec))
    throw Error(path, 0, "already exists (use --force to replace it)");
  StagedFile staged(path, {.create = false});  // libsndfile writes it by name; fsynced on commit
  SF_INFO info = {};
  info.samplerate = sample_rate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  {
    SndHandle f(sf().open(staged.temp_path().c_str(), SFM_WRITE, &info));
    if (!f) throw Error(path, 0, std::string("cannot write: ") + sf().strerror(nullptr));
    if (sf().writef_short(f.get(), samples, frames) != frames)
      throw Error(path, 0, std::string("cannot write: ") + sf().strerror(f.get()));
  }
  staged.commit();
}

AudioLevels measure_levels(const AudioClip& clip) {
  AudioLevels levels;
  const float full = 32767.0f / 32768.0f;
  for (float x : clip.samples) {
    float a = std::fabs(x);
    levels.peak = std::max(levels.peak, a);
    if (a >= full) ++levels.clipped;
    if (x != 0) levels.all_zero = false;
  }
  return levels;
}

bool is_audio_extension(const std::string& ext) {
  std::string e = ext;
  std::transform(e.begin(), e.end(), e.begin(), ::tolower);
  return e == ".wav" || e == ".flac" || e == ".ogg" || e == ".oga" || e == ".opus" ||
         e == ".aiff" || e == ".aif" || e == ".au" || e == ".caf" || e == ".w64";
}

}  // namespace tinyprep

#pragma once
// A fast path for the commonest input, 16-bit PCM WAV, decoded straight from the file's bytes
// (one read, no second open): the same samples libsndfile gives (s / 32768). Anything else, and
// any file that is not perfectly well-formed, is left to read_audio() and its error messages.
#include <string>
#include <string_view>

#include "audio/audio_file.h"

namespace tinyprep {

/// Decodes a RIFF/WAVE file of 16-bit PCM (WAVE_FORMAT_PCM or EXTENSIBLE with the PCM
/// subformat, any channel count) into `clip`, as read_audio() would. Returns false, leaving
/// `clip` unspecified, for any other format and for anything unusual (truncated data, missing
/// chunks, unknown data length): the caller then uses read_audio().
bool decode_wav_pcm16(std::string_view bytes, AudioClip& clip);

/// The header of such a file: `info` as probe_audio() gives it, and `samples` viewing the
/// interleaved little-endian samples. False as decode_wav_pcm16 is.
bool parse_wav_pcm16(std::string_view bytes, AudioInfo& info, std::string_view& samples);

}  // namespace tinyprep

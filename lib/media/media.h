#pragma once
// What kind of media a file is, and the facts a manifest line records about it.
#include <filesystem>
#include <string>

#include "audio/audio_file.h"
#include "manifest/manifest.h"

namespace tinyprep {

enum class MediaKind { kUnknown, kAudio, kImage, kCsv };

/// The kind a file's extension says (case-insensitive); kUnknown for anything else.
MediaKind media_kind(const std::filesystem::path& path);

/// "audio", "image" or "csv" (the manifest field holding the facts); "" for kUnknown.
const char* media_field(MediaKind kind);

/// Reads the file and returns its facts: audio {sample_rate, channels, frames, duration,
/// format}, image {width, height, channels}, csv {rows, columns, header}. Throws Error naming
/// the file when it is missing, unreadable or not what its extension says.
Json probe_media(const std::string& path, MediaKind kind);

/// The manifest's `audio` field for a clip: sample_rate, channels, frames, duration, format.
Json audio_facts(const AudioInfo& info);

}  // namespace tinyprep

#pragma once
// How long a manifest line's audio lasts, from the line alone: the one rule stats and split use.
#include <optional>

#include "manifest/manifest.h"

namespace tinyprep {

/// The line's `audio.duration`, else `audio.frames / audio.sample_rate`; 0 when its `audio`
/// object has neither; nothing when the line has no `audio` object.
std::optional<double> audio_seconds(const Json& line);

}  // namespace tinyprep

#pragma once
// "Did you mean ...?": the one rule for suggesting a name (a command, a label) close to a
// mistyped one.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tinyprep {

/// Levenshtein distance: insertions, deletions and substitutions of bytes.
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `name`: fewer than 3 edits away, or one that `name` begins
/// (counted as 1 edit); the first of equally close ones. Nothing when none is close.
std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& candidates);

}  // namespace tinyprep

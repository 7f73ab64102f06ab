#pragma once
// Audacity label tracks (File > Export > Export Labels, Audacity 2.x and 3.x): one region a
// line, "start<TAB>end<TAB>label" in seconds. A point label has start == end. A spectral
// selection adds a line "\<TAB>low_hz<TAB>high_hz" under its region; it is read and ignored.
#include <string>
#include <string_view>
#include <vector>

namespace tinyprep {

struct LabelRegion {
  double start = 0;   ///< seconds, finite, >= 0
  double end = 0;     ///< seconds, >= start
  std::string label;  ///< the text after the second tab; "" when the label has none
  long line = 0;      ///< 1-based line in the track
  bool point() const { return start == end; }
};

/// Parses a label track held in `text`; `name` names it in errors. Accepts LF and CRLF line
/// ends, a UTF-8 byte order mark, blank lines, and a decimal comma ("1,5") as some locales
/// write it. Throws Error(name, line, what) for any other line: fewer than two tabs, a time
/// that is not a number, negative or not finite, an end before its start, or a label that
/// cannot be a folder name (check_label).
std::vector<LabelRegion> parse_label_track(std::string_view text, const std::string& name);

/// Reads and parses a label track file; throws Error naming it.
std::vector<LabelRegion> read_label_track(const std::string& path);

}  // namespace tinyprep

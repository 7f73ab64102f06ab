#pragma once
// `tinyprep segment`: each manifest line (a long take: audio or IMU CSV) cut into clips written
// to a folder, one manifest line per clip, in input order whatever the thread count.
#include <cstdint>
#include <string>
#include <vector>

#include "core/enum_names.h"
#include "core/shard.h"
#include "segment/cut.h"

namespace tinyprep {

enum class SegmentMode {
  kEvents,   ///< audio: utterances by short-time energy
  kWindows,  ///< audio (--length-ms/--hop-ms) or CSV (--rows/--hop-rows): sliding windows
  kLabels,   ///< audio: the regions of an Audacity label track
  kTrigger,  ///< CSV: IMU_Capture's acceleration threshold
};
inline constexpr EnumName<SegmentMode> kSegmentModeNames[] = {{SegmentMode::kEvents, "events"},
                                                              {SegmentMode::kWindows, "windows"},
                                                              {SegmentMode::kLabels, "labels"},
                                                              {SegmentMode::kTrigger, "trigger"}};

struct SegmentOptions {
  std::string input = "-";   ///< manifest, dataset folder or "-"
  std::string outdir;        ///< where clips go (-o)
  std::string output = "-";  ///< manifest to write (-O), "-" for stdout
  bool force = false;        ///< replace --output
  unsigned jobs = 0;         ///< threads, 0 = all cores
  Shard shard;               ///< --shard K/N: only the takes whose id worker K takes
  SegmentMode mode = SegmentMode::kEvents;
  // audio
  EventOptions events;
  int64_t length_ms = 1000;  ///< clip length (events, point labels, windows)
  int64_t hop_ms = 0;        ///< windows; 0 = length_ms
  bool pad = false;          ///< zero-pad clips that run past either end instead of shifting
  long max_clips = 0;        ///< events: keep the loudest N per take (0 = all)
  std::string labels;        ///< label track FILE, or DIR of <stem>.txt tracks
  // IMU CSV
  int64_t rows = 0;      ///< window rows (windows: required; trigger: 0 means 119)
  int64_t hop_rows = 0;  ///< windows; 0 = rows
  double threshold = 2.5;
  int64_t pre_rows = 0;
  std::vector<std::string> axes;  ///< trigger; empty = aX,aY,aZ (or x,y,z)
  double rate = 0;                ///< CSV rows per second when a line has no csv.rate
};

struct SegmentResult {
  long takes = 0;  ///< lines read
  long clips = 0;  ///< lines written
  long empty = 0;  ///< takes that gave no clip
};

/// Checks option values against each other and the mode; throws usage_error.
void check_segment_options(const SegmentOptions& options);

/// Runs the command. Errors (unreadable media, a malformed label track, a ragged CSV row) stop
/// it with an Error naming the file and line; the manifest is then not written.
SegmentResult run_segment(const SegmentOptions& options);

/// The clip file stem for a source id and offset: the id made file-safe (plus a short hash of
/// it when that changed it), "@", the offset in ms.
std::string clip_file_stem(const std::string& source_id, int64_t offset_ms);

}  // namespace tinyprep

#pragma once
// `tinyprep report`: one self-contained HTML page about a manifest (inline CSS, pictures as
// data: URIs or inline SVG, no script, nothing fetched): counts, durations, histograms,
// provenance, group leakage, validate's problems, and examples per label.
#include <string>

namespace tinyprep {

struct ReportOptions {
  std::string input = "-";   ///< manifest, dataset folder or "-"
  std::string output;        ///< the .html file
  std::string title;         ///< the page's title (default: dataset.json's name, or the file name)
  int examples = 4;          ///< samples shown per label
  double max_embed_mb = 20;  ///< audio embedded as data: URIs up to this total, then linked
  bool force = false;
  unsigned jobs = 0;  ///< validate's threads (0: all cores)
};

/// Checks option values; throws usage_error.
void check_report_options(const ReportOptions& options);

/// Writes the report; returns 1 when validate found errors (missing or undecodable media...),
/// else 0. Throws Error when the manifest cannot be read or the output cannot be written.
int run_report(const ReportOptions& options);

}  // namespace tinyprep

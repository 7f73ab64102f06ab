#pragma once
// stats: what a manifest holds, from its lines alone (no media is read).
#include <map>
#include <string>
#include <vector>

#include "manifest/manifest.h"

namespace tinyprep {

struct DatasetStats {
  long samples = 0;
  std::map<std::string, std::map<std::string, long>> counts;  ///< label -> split -> n
  std::map<std::string, long> splits;                         ///< split -> n
  long audio_clips = 0;                                       ///< lines with audio facts
  double total_seconds = 0;
  double min_seconds = 0, max_seconds = 0;
  std::map<std::string, long> sample_rates;  ///< "16000" -> n
  std::map<std::string, long> channels;      ///< "1" -> n
  std::map<std::string, long> image_sizes;   ///< "96x96x1" -> n
  std::map<std::string, long> csv_shapes;    ///< "119x6" -> n
  std::map<std::string, long> groups;        ///< group -> n
  struct PerSplit {
    double seconds = 0;                  ///< audio duration
    long audio_clips = 0;                ///< lines with audio facts
    std::map<std::string, long> groups;  ///< group -> n
  };
  std::map<std::string, PerSplit> per_split;  ///< split ("(none)" without one) -> facts

  /// Adds one line's facts.
  void add(const Sample& sample);
  Json to_json() const;
  /// The label x split table and histograms, as printed.
  std::string table() const;
  /// The split names: train, validation, test (those present), then any others.
  std::vector<std::string> split_order() const;
};

/// Reads a whole manifest ("-", a file or a dataset folder).
DatasetStats compute_stats(const std::string& input);

}  // namespace tinyprep

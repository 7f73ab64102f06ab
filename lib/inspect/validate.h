#pragma once
// validate: everything that can be wrong with a manifest and the files it names.
#include <optional>
#include <string>
#include <vector>

#include "core/shard.h"
#include "manifest/manifest.h"

namespace tinyprep {

/// The format a dataset promises (dataset.json "format", or --expect).
struct Expectation {
  std::optional<int> sample_rate;
  std::optional<int> channels;
  std::optional<double> length_ms;
  double length_tolerance_ms = 0;  ///< allowed |length - length_ms|
  std::optional<int> width, height, image_channels;

  bool empty() const {
    return !sample_rate && !channels && !length_ms && !width && !height && !image_channels;
  }
  /// Parses "rate=16000,channels=1,length-ms=1000,size=96x96"; throws a usage error.
  static Expectation parse(const std::string& text);
  /// Reads dataset.json's "format" object.
  static Expectation from_dataset(const Json& info);
};

struct Problem {
  bool error = true;     ///< false: a warning
  std::string manifest;  ///< manifest name
  long line = 0;         ///< manifest line (0: the manifest as a whole)
  std::string id;        ///< sample id when known
  std::string file;      ///< media file concerned, when any
  std::string what;
  /// "manifest:line: file: what", as printed.
  std::string text() const;
};

struct ValidateOptions {
  std::string input = "-";
  std::optional<Expectation> expect;  ///< overrides dataset.json's format
  bool check_media = true;            ///< decode every file (off: existence and hashes only)
  bool check_hashes = true;
  unsigned jobs = 0;
  /// --shard K/N: the lines whose id worker K takes are checked; the others are read for the
  /// checks across lines (duplicate content: their recorded sha256) but not reported on.
  /// Problems of the manifest as a whole (dataset.json, unreferenced parts, no samples) are
  /// worker 0's. Mixed sample rates and image sizes are judged among the worker's lines.
  Shard shard;
};

struct ValidateReport {
  long samples = 0;
  std::vector<Problem> problems;
  /// Packed feature parts (part-*.npy) beside the ones the lines name that no line names.
  std::vector<std::string> unreferenced_parts;
  long errors() const;
  long warnings() const;
  Json to_json() const;
};

/// Checks every line; problems are collected, not thrown. Throws only when the manifest itself
/// cannot be read.
ValidateReport validate_manifest(const ValidateOptions& options);

}  // namespace tinyprep

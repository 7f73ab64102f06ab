#pragma once
// Numeric CSV time series (IMU gestures): an optional header line, then rows of numbers.
#include <string>
#include <vector>

namespace tinyprep {

struct CsvTable {
  std::vector<std::string> header;  ///< empty when the file has no header line
  size_t columns = 0;
  std::vector<float> values;  ///< rows * columns, row-major
  size_t rows() const { return columns ? values.size() / columns : 0; }
};

/// Parses a numeric CSV file; throws Error(path, line) on a ragged row or a non-number.
CsvTable read_csv(const std::string& path);

/// True when every comma-separated field of `line` parses as a number.
bool is_numeric_row(const std::string& line);

}  // namespace tinyprep

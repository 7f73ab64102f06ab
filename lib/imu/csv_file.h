#pragma once
// Numeric CSV time series (IMU gestures): an optional header line, then rows of numbers.
//
// One number rule for every reader of such data (capture, import, validate, export, stats):
// a field is a number when it is plain decimal text ([+-]digits[.digits][(e|E)[+-]digits],
// digits on at least one side of the point) whose value fits a float32. Hex floats are text;
// "inf", "nan" (any case, any sign) and values beyond +-3.4e38 are numbers that cannot be
// stored: every reader rejects them, naming the file (or stream) and the line.
#include <string>
#include <string_view>
#include <vector>

namespace tinyprep {

struct CsvTable {
  std::vector<std::string> header;  ///< empty when the file has no header line
  size_t columns = 0;
  std::vector<float> values;  ///< rows * columns, row-major
  size_t rows() const { return columns ? values.size() / columns : 0; }
};

/// What a CSV field is under the number rule.
enum class CsvNumber {
  kOk,          ///< a finite float32 (tiny values round towards zero, as strtof rounds them)
  kNotNumber,   ///< text: a header name, a stray word, an empty field, a hex float
  kNotFinite,   ///< "inf", "-Infinity", "nan", ...
  kOutOfRange,  ///< decimal, but beyond the float32 range (3.9E84)
};

/// Classifies `field` (already trimmed) and, for kOk, stores its value in `*value`.
CsvNumber parse_csv_number(std::string_view field, float* value = nullptr);

/// "column 2: 'inf' is not a finite number" for a field that is not kOk (column is 1-based).
std::string csv_number_error(size_t column, std::string_view field, CsvNumber why);

/// Parses a numeric CSV file; throws Error(path, line) on a ragged row or a field that is not a
/// number under the rule above.
CsvTable read_csv(const std::string& path);

/// The same for CSV text already in memory; `name` names it in errors.
CsvTable parse_csv(std::string_view text, const std::string& name);

/// True when every comma-separated field of `line` is a number (kOk).
bool is_numeric_row(const std::string& line);

}  // namespace tinyprep

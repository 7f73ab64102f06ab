#include "imu/csv_file.h"

#include <cmath>
#include <cstdlib>

#include "core/error.h"
#include "core/io.h"

namespace tinyprep {
namespace {

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    std::string f =
        line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t a = f.find_first_not_of(" \t"), b = f.find_last_not_of(" \t");
    fields.push_back(a == std::string::npos ? "" : f.substr(a, b - a + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return fields;
}

bool parse_number(const std::string& field, float& out) {
  if (field.empty()) return false;
  char* end = nullptr;
  out = std::strtof(field.c_str(), &end);
  return end == field.c_str() + field.size();
}

}  // namespace

bool is_numeric_row(const std::string& line) {
  float x;
  for (const auto& f : split_fields(line))
    if (!parse_number(f, x)) return false;
  return true;
}

CsvTable read_csv(const std::string& path) {
  LineReader lines(path);
  CsvTable table;
  std::string line;
  bool first = true;
  while (lines.next(line)) {
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto fields = split_fields(line);
    if (first) {
      first = false;
      table.columns = fields.size();
      if (!is_numeric_row(line)) {
        table.header = fields;
        continue;
      }
    }
    if (fields.size() != table.columns)
      throw Error(path, lines.line_number(),
                  "row has " + std::to_string(fields.size()) + " columns, expected " +
                      std::to_string(table.columns));
    for (size_t i = 0; i < fields.size(); ++i) {
      float x;
      if (!parse_number(fields[i], x) || !std::isfinite(x))
        throw Error(path, lines.line_number(),
                    "column " + std::to_string(i + 1) + " is not a number: '" + fields[i] + "'");
      table.values.push_back(x);
    }
  }
  if (table.columns == 0) throw Error(path, 0, "empty CSV file");
  return table;
}

}  // namespace tinyprep

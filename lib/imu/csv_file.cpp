#include "imu/csv_file.h"

#include <cmath>
#include <cstdlib>

#include "core/error.h"
#include "core/io.h"

namespace tinyprep {
namespace {

// Around fields and on blank lines: spaces, tabs and stray carriage returns (a line "\r\r\n").
constexpr const char* kSpace = " \t\r";

std::vector<std::string> split_fields(std::string_view line) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    std::string_view f = line.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    size_t a = f.find_first_not_of(kSpace), b = f.find_last_not_of(kSpace);
    fields.emplace_back(a == std::string_view::npos ? std::string_view() : f.substr(a, b - a + 1));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return fields;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// "inf", "infinity" or "nan" in any case, after an optional sign.
bool is_non_finite_word(std::string_view f) {
  if (!f.empty() && (f[0] == '+' || f[0] == '-')) f.remove_prefix(1);
  auto same = [&](std::string_view word) {
    if (f.size() != word.size()) return false;
    for (size_t i = 0; i < f.size(); ++i)
      if ((f[i] | 0x20) != word[i]) return false;
    return true;
  };
  return same("inf") || same("infinity") || same("nan");
}

// [+-]digits[.digits][(e|E)[+-]digits] with digits on at least one side of the point.
bool is_decimal(std::string_view f) {
  size_t i = 0, n = f.size();
  if (i < n && (f[i] == '+' || f[i] == '-')) ++i;
  size_t digits = 0;
  while (i < n && is_digit(f[i])) ++i, ++digits;
  if (i < n && f[i] == '.') {
    ++i;
    while (i < n && is_digit(f[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < n && (f[i] == 'e' || f[i] == 'E')) {
    ++i;
    if (i < n && (f[i] == '+' || f[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < n && is_digit(f[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == n;
}

}  // namespace

CsvNumber parse_csv_number(std::string_view field, float* value) {
  if (!is_decimal(field))
    return is_non_finite_word(field) ? CsvNumber::kNotFinite : CsvNumber::kNotNumber;
  // strtof needs a terminated copy; the syntax check above leaves it nothing to stop early on.
  char small[64];
  std::string large;
  const char* text;
  if (field.size() < sizeof small) {
    field.copy(small, field.size());
    small[field.size()] = '\0';
    text = small;
  } else {
    large.assign(field);
    text = large.c_str();
  }
  const float v = std::strtof(text, nullptr);
  if (!std::isfinite(v)) return CsvNumber::kOutOfRange;
  if (value) *value = v;
  return CsvNumber::kOk;
}

std::string csv_number_error(size_t column, std::string_view field, CsvNumber why) {
  std::string out = "column " + std::to_string(column) + ": '" + std::string(field.substr(0, 40)) +
                    (field.size() > 40 ? "...'" : "'");
  switch (why) {
    case CsvNumber::kNotFinite:
      return out + " is not a finite number";
    case CsvNumber::kOutOfRange:
      return out + " is beyond the float32 range (+-3.4e38)";
    default:
      return out + " is not a number";
  }
}

bool is_numeric_row(const std::string& line) {
  for (const auto& f : split_fields(line))
    if (parse_csv_number(f) != CsvNumber::kOk) return false;
  return true;
}

namespace {

class FileLines {
 public:
  explicit FileLines(const std::string& path) : reader_(path) {}
  bool next(std::string_view& line) {
    if (!reader_.next(buffer_)) return false;
    line = buffer_;
    return true;
  }
  long line_number() const { return reader_.line_number(); }

 private:
  LineReader reader_;
  std::string buffer_;
};

template <class Lines>
CsvTable parse_lines(Lines& lines, const std::string& name) {
  CsvTable table;
  std::string_view line;
  bool first = true;
  while (lines.next(line)) {
    if (line.find_first_not_of(kSpace) == std::string_view::npos) continue;
    auto fields = split_fields(line);
    if (first) {
      first = false;
      table.columns = fields.size();
      // A header has a field that is text; "1,inf,3" is a row with a bad value, not a header.
      bool text = false;
      for (const auto& f : fields) text = text || parse_csv_number(f) == CsvNumber::kNotNumber;
      if (text) {
        table.header = std::move(fields);
        continue;
      }
    }
    if (fields.size() != table.columns)
      throw Error(name, lines.line_number(),
                  "row has " + std::to_string(fields.size()) + " columns, expected " +
                      std::to_string(table.columns));
    for (size_t i = 0; i < fields.size(); ++i) {
      float x;
      CsvNumber why = parse_csv_number(fields[i], &x);
      if (why != CsvNumber::kOk)
        throw Error(name, lines.line_number(), csv_number_error(i + 1, fields[i], why));
      table.values.push_back(x);
    }
  }
  if (table.columns == 0) throw Error(name, 0, "empty CSV file");
  return table;
}

}  // namespace

CsvTable read_csv(const std::string& path) {
  FileLines lines(path);
  return parse_lines(lines, path);
}

CsvTable parse_csv(std::string_view text, const std::string& name) {
  TextLines lines(text);
  return parse_lines(lines, name);
}

}  // namespace tinyprep

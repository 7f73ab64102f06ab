#include "capture/line_parsers.h"

#include <cctype>
#include <cmath>

#include "core/enum_names.h"
#include "imu/csv_file.h"

namespace tinyprep {
namespace {

std::vector<std::string_view> split_fields(std::string_view text, std::string_view seps,
                                           bool drop_empty) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || seps.find(text[i]) != std::string_view::npos) {
      std::string_view f = trim(text.substr(start, i - start));
      if (!f.empty() || !drop_empty) out.push_back(f);
      start = i + 1;
    }
  }
  return out;
}

// The number rule of imu/csv_file.h, for a whole row: kOk when every field is a number,
// kNotNumber when a field is text, else the first bad value's verdict in `*bad` (its index).
CsvNumber classify(const std::vector<std::string_view>& fields, size_t* bad) {
  CsvNumber verdict = CsvNumber::kOk;
  for (size_t i = 0; i < fields.size(); ++i) {
    CsvNumber n = parse_csv_number(fields[i]);
    if (n == CsvNumber::kNotNumber) return n;
    if (n != CsvNumber::kOk && verdict == CsvNumber::kOk) {
      verdict = n;
      *bad = i;
    }
  }
  return verdict;
}

std::string join(const std::vector<std::string_view>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += fields[i];
  }
  return out;
}

bool is_name(std::string_view f) {
  if (f.empty() || !(std::isalpha(static_cast<unsigned char>(f[0])) || f[0] == '_')) return false;
  for (unsigned char c : f)
    if (!(std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '(' || c == ')' || c == '/' ||
          c == ' '))
      return false;
  return true;
}

std::vector<std::string> numbered_names(const char* prefix, size_t n) {
  std::vector<std::string> out;
  for (size_t i = 1; i <= n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

const char* end_reason(StreamEnd end) {
  static constexpr EnumName<StreamEnd> kReasons[] = {
      {StreamEnd::kEndOfInput, "the input ended"}, {StreamEnd::kVanished, "the device went away"}};
  return enum_name(kReasons, end, "capture stopped");
}

}  // namespace

// ---- CSV gestures ----------------------------------------------------------------------------

CsvGestureParser::CsvGestureParser(CsvGestureOptions options)
    : options_(std::move(options)), header_(options_.header) {}

void CsvGestureParser::feed(std::string_view bytes, double) {
  lines_.append(bytes);
  std::string text;
  while (lines_.next(text)) line(text);
}

void CsvGestureParser::line(std::string_view raw) {
  ++line_number_;
  std::string_view text = trim(raw);
  if (text.empty()) {
    if (bad_gesture_) {
      bad_gesture_ = false;
      ++gestures_;
    }
    if (!rows_.empty()) end_gesture();
    return;
  }
  auto fields = split_fields(text, ",", false);
  size_t bad = 0;
  CsvNumber verdict = classify(fields, &bad);
  if (verdict != CsvNumber::kNotNumber) {
    if (header_.empty() && options_.known.size() == fields.size()) {
      header_ = options_.known;
      std::string names;
      for (const auto& n : header_) names += (names.empty() ? "" : ",") + n;
      message("no header line before the first row: naming the columns " + names +
              " as dataset.json's format does (--header names them)");
    } else if (header_.empty()) {
      header_ = numbered_names("c", fields.size());
      message("no header line before the first row: naming the columns c1..c" +
              std::to_string(fields.size()) + " (--header names them)");
    }
    if (fields.size() != header_.size()) return stray(text);
    if (verdict != CsvNumber::kOk) {
      // A value no reader of the file would take (inf, nan, 3.9E84): the gesture it is in is
      // dropped, up to its blank line.
      if (!bad_gesture_) {
        bad_gesture_ = true;
        ++counts_.bad_values;
        message("line " + std::to_string(line_number_) + ": " +
                csv_number_error(bad + 1, fields[bad], verdict) + ": dropped gesture " +
                std::to_string(gestures_ + 1));
      }
      rows_.clear();
      return;
    }
    if (!bad_gesture_) rows_.push_back(join(fields));
    return;
  }
  bool header_like = fields.size() >= 2;
  for (auto f : fields) header_like = header_like && is_name(f);
  if (header_like) {
    std::vector<std::string> names(fields.begin(), fields.end());
    if (header_.empty()) {  // the device's header names the columns
      header_ = names;
      header_line_seen_ = true;
      return;
    }
    if (names == header_) {
      if (!header_line_seen_ && rows_.empty() && gestures_ == 0) {  // the --header the device
        header_line_seen_ = true;                                   // prints too
        return;
      }
      // The header again: the board restarted, so a gesture in progress never finishes.
      bad_gesture_ = false;
      if (!rows_.empty()) {
        ++counts_.partial;
        message(
            "the header line came again (did the board restart?): dropped the unfinished "
            "gesture of " +
            std::to_string(rows_.size()) + " rows");
        rows_.clear();
      }
    }
  }
  stray(text);
}

void CsvGestureParser::end_gesture() {
  ++gestures_;
  size_t want = options_.rows ? options_.rows : first_rows_;
  if (want && rows_.size() != want) {
    ++counts_.wrong_length;
    message("dropped gesture " + std::to_string(gestures_) + ": " + std::to_string(rows_.size()) +
            " rows, expected " + std::to_string(want) +
            (options_.rows ? "" : " as the first gesture had (--rows sets the length)"));
  } else {
    first_rows_ = rows_.size();
    emit(TableSample{header_, std::move(rows_), 0});
  }
  rows_.clear();
}

void CsvGestureParser::finish(StreamEnd end) {
  std::string rest = lines_.take_rest();
  if (end == StreamEnd::kEndOfInput && !trim(rest).empty()) line(rest);
  if (rows_.empty()) return;
  size_t want = options_.rows ? options_.rows : first_rows_;
  if (end == StreamEnd::kEndOfInput && (!want || rows_.size() == want))
    return end_gesture();  // a file that lacks the last blank line
  ++counts_.partial;
  message(std::string(end_reason(end)) + " in the middle of a gesture: dropped its " +
          std::to_string(rows_.size()) + " rows");
  rows_.clear();
}

// ---- Edge Impulse data forwarder and Serial Plotter ------------------------------------------

ForwarderParser::ForwarderParser(ForwarderOptions options) : options_(std::move(options)) {
  if (options_.rate > 0) set_rate(options_.rate);
}

void ForwarderParser::set_rate(double rate) {
  rate_ = rate;
  double rows = std::round(rate * options_.length_ms / 1000.0);
  rows_per_sample_ = rows < 1 ? 1 : static_cast<size_t>(rows);
}

void ForwarderParser::feed(std::string_view bytes, double now_s) {
  last_now_ = now_s;
  lines_.append(bytes);
  std::string text;
  while (lines_.next(text)) line(text, now_s);
}

CsvNumber ForwarderParser::split(std::string_view text, std::vector<std::string>& names,
                                 std::vector<std::string>& values, std::string* problem) const {
  CsvNumber verdict = CsvNumber::kOk;
  for (auto token : split_fields(text, ", \t", true)) {
    std::string_view value = token;
    if (options_.named) {
      size_t colon = token.find(':');
      if (colon == std::string_view::npos || colon == 0) return CsvNumber::kNotNumber;
      names.emplace_back(trim(token.substr(0, colon)));
      value = trim(token.substr(colon + 1));
    }
    CsvNumber n = parse_csv_number(value);
    if (n == CsvNumber::kNotNumber) return n;
    if (n != CsvNumber::kOk && verdict == CsvNumber::kOk) {
      verdict = n;
      *problem = csv_number_error(values.size() + 1, value, n);
    }
    values.emplace_back(value);
  }
  return values.empty() ? CsvNumber::kNotNumber : verdict;
}

void ForwarderParser::line(std::string_view raw, double now_s) {
  ++line_number_;
  std::string_view text = trim(raw);
  if (text.empty()) return;
  if (text.substr(0, 3) == "ERR") {
    if (++counts_.error_lines <= 5) message("the device reported: " + std::string(text));
    return;
  }
  std::vector<std::string> names, values;
  std::string problem;
  CsvNumber verdict = split(text, names, values, &problem);
  if (verdict == CsvNumber::kNotNumber) return stray(text);
  if (verdict != CsvNumber::kOk) {
    // A value no reader of the file would take (inf, nan, 3.9E84): the sample in progress is
    // dropped; the next one starts after this line.
    ++counts_.bad_values;
    message("line " + std::to_string(line_number_) + ": " + problem + ": dropped " +
            (rows_.empty() ? std::string("the line")
                           : "the line and the " + std::to_string(rows_.size()) +
                                 " rows before it in its sample"));
    rows_.clear();
    return;
  }
  if (axes_.empty()) {
    if (!options_.axes.empty() && options_.axes.size() != values.size()) {
      message("lines have " + std::to_string(values.size()) + " values but --axes names " +
              std::to_string(options_.axes.size()));
      return stray(text);
    }
    device_names_ = names;
    // A header line of numbers ("1:0.5 2:0.7" gives "1,2") would be read back as a row.
    bool names_are_text = false;
    for (const auto& n : names)
      names_are_text = names_are_text || parse_csv_number(n) == CsvNumber::kNotNumber;
    if (options_.named && options_.axes.empty() && !names_are_text)
      message(
          "the plotter's names are numbers, which a CSV header cannot hold: naming the "
          "columns v1..v" +
          std::to_string(values.size()) + " (--axes names them)");
    axes_ = !options_.axes.empty()             ? options_.axes
            : options_.named && names_are_text ? names
                                               : numbered_names("v", values.size());
  }
  if (values.size() != axes_.size() || names != device_names_) return stray(text);

  if (rate_ == 0) {
    if (detect_start_ < 0) detect_start_ = now_s;
    if (now_s - detect_start_ < options_.detect_s) {
      ++detect_lines_;
    } else {
      double hz = std::round(detect_lines_ / options_.detect_s);
      set_rate(hz < 1 ? 1 : hz);
      message("detected a rate of " + std::to_string(static_cast<long>(rate_)) + " Hz (" +
              std::to_string(detect_lines_) + " lines in the first " +
              std::to_string(options_.detect_s).substr(0, 4) + " s; --rate sets it)");
    }
  }
  std::string row;
  for (size_t i = 0; i < values.size(); ++i) row += (i ? "," : "") + values[i];
  rows_.push_back(std::move(row));
  if (rate_ > 0) cut_samples();
}

void ForwarderParser::cut_samples() {
  while (rows_.size() >= rows_per_sample_) {
    std::vector<std::string> sample(rows_.begin(), rows_.begin() + rows_per_sample_);
    rows_.erase(rows_.begin(), rows_.begin() + rows_per_sample_);
    emit(TableSample{axes_, std::move(sample), rate_});
  }
}

void ForwarderParser::finish(StreamEnd end) {
  std::string rest = lines_.take_rest();
  if (end == StreamEnd::kEndOfInput && !trim(rest).empty()) line(rest, last_now_);
  if (rows_.empty()) return;
  ++counts_.partial;
  if (rate_ == 0)
    message(std::string(end_reason(end)) + " before the rate was known (under " +
            std::to_string(options_.detect_s).substr(0, 4) + " s of data): dropped " +
            std::to_string(rows_.size()) + " lines; --rate sets the rate");
  else
    message(std::string(end_reason(end)) + " in the middle of a sample: dropped its " +
            std::to_string(rows_.size()) + " of " + std::to_string(rows_per_sample_) + " rows");
  rows_.clear();
}

}  // namespace tinyprep

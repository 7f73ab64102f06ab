#include "capture/stream_parser.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "imu/csv_file.h"

namespace tinyprep {
namespace {
constexpr long kStrayShown = 3;  // the first few stray lines are shown, the rest only counted
}

void StreamParser::stray(std::string_view line) {
  ++counts_.stray_lines;
  if (counts_.stray_lines > kStrayShown) return;
  std::string shown(line.substr(0, 60));
  for (char& c : shown)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  if (line.size() > 60) shown += "...";
  message("skipped a line that is not data: '" + shown + "'" +
          (counts_.stray_lines == kStrayShown ? " (further ones are only counted)" : ""));
}

bool LineSplitter::next(std::string& line) {
  size_t nl = pending_.find('\n', start_);
  size_t length = nl == std::string::npos ? pending_.size() - start_ : nl - start_;
  if (length > max_line_) {  // binary noise: cut it, so memory stays bounded
    line.assign(pending_, start_, max_line_);
    start_ += max_line_;
  } else if (nl == std::string::npos) {
    if (start_ > 65536) pending_.erase(0, start_), start_ = 0;  // drop what was consumed
    return false;
  } else {
    line.assign(pending_, start_, nl - start_);
    start_ = nl + 1;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (start_ == pending_.size()) pending_.clear(), start_ = 0;
  return true;
}

std::string LineSplitter::take_rest() {
  std::string rest = pending_.substr(start_);
  pending_.clear();
  start_ = 0;
  return rest;
}

std::string_view trim(std::string_view text) {
  size_t b = 0, e = text.size();
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (b < e && space(text[b])) ++b;
  while (e > b && space(text[e - 1])) --e;
  return text.substr(b, e - b);
}

bool parse_number(std::string_view text, double* value) {
  float v;
  if (parse_csv_number(text, &v) != CsvNumber::kOk) return false;
  if (value) *value = v;
  return true;
}

}  // namespace tinyprep

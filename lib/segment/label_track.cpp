#include "segment/label_track.h"

#include <cmath>

#include "core/error.h"
#include "core/io.h"
#include "core/parse.h"
#include "manifest/dataset.h"

namespace tinyprep {
namespace {

// A time in seconds: a plain decimal number (a decimal comma accepted when there is no point).
double parse_seconds(std::string_view field, const char* what, const std::string& name, long line) {
  std::string text(field);
  if (text.find('.') == std::string::npos) {
    size_t comma = text.find(',');
    if (comma != std::string::npos && text.find(',', comma + 1) == std::string::npos)
      text[comma] = '.';
  }
  size_t used = 0;
  std::optional<double> value = read_number<double>(text, used);
  if (!value || used != text.size() || text.empty())
    throw Error(name, line, std::string(what) + " " + excerpt(field) + " is not a number");
  if (*value < 0)
    throw Error(name, line, std::string(what) + " " + excerpt(field) + " is negative");
  return *value == 0 ? 0.0 : *value;  // -0 reads as 0
}

}  // namespace

std::vector<LabelRegion> parse_label_track(std::string_view text, const std::string& name) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<LabelRegion> regions;
  TextLines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    const long line_number = lines.line_number();
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    size_t tab1 = line.find('\t');
    size_t tab2 = tab1 == std::string_view::npos ? tab1 : line.find('\t', tab1 + 1);
    if (line[0] == '\\') {
      // Spectral selection of the region above: "\<TAB>low<TAB>high".
      if (regions.empty() || tab1 != 1 || tab2 == std::string_view::npos)
        throw Error(name, line_number,
                    "not a label line: expected a frequency line '\\<TAB>low<TAB>high' under a "
                    "region");
      parse_seconds(line.substr(tab1 + 1, tab2 - tab1 - 1), "low frequency", name, line_number);
      parse_seconds(line.substr(tab2 + 1), "high frequency", name, line_number);
      continue;
    }
    if (tab2 == std::string_view::npos)
      throw Error(
          name, line_number,
          "not a label line: expected 'start<TAB>end<TAB>label' (seconds), got " + excerpt(line));
    LabelRegion r;
    r.line = line_number;
    r.start = parse_seconds(line.substr(0, tab1), "start", name, line_number);
    r.end = parse_seconds(line.substr(tab1 + 1, tab2 - tab1 - 1), "end", name, line_number);
    if (r.end < r.start) throw Error(name, line_number, "the region ends before it starts");
    r.label = std::string(line.substr(tab2 + 1));
    if (!r.label.empty()) check_label(r.label, name, line_number);
    regions.push_back(std::move(r));
  }
  return regions;
}

std::vector<LabelRegion> read_label_track(const std::string& path) {
  return parse_label_track(read_file(path), path);
}

}  // namespace tinyprep

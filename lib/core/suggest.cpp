#include "core/suggest.h"

#include <algorithm>

namespace tinyprep {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  size_t best_distance = 3;
  for (const auto& c : candidates) {
    size_t d = edit_distance(name, c);
    if (!name.empty() && std::string_view(c).starts_with(name)) d = std::min<size_t>(d, 1);
    if (d < best_distance) best = &c, best_distance = d;
  }
  if (!best) return std::nullopt;
  return *best;
}

}  // namespace tinyprep

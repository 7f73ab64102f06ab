#include "inspect/stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <vector>

#include "manifest/audio_seconds.h"

namespace tinyprep {
namespace {

const char* kNone = "(none)";

// Display width of UTF-8 text: one column per code point (good enough for labels in any script
// except wide CJK, where columns may drift by a few).
size_t columns_of(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string pad(const std::string& s, size_t width, bool right = false) {
  size_t w = columns_of(s);
  std::string fill(width > w ? width - w : 0, ' ');
  return right ? fill + s : s + fill;
}

std::string fmt_seconds(double s) {
  char buf[64];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%.0fh%02.0fm%02.0fs", s / 3600, std::fmod(s / 60, 60),
                  std::fmod(s, 60));
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%.0fm%04.1fs", std::floor(s / 60), std::fmod(s, 60));
  else
    std::snprintf(buf, sizeof buf, "%.2fs", s);
  return buf;
}

void histogram(std::string& out, const char* title, const std::map<std::string, long>& h) {
  if (h.empty()) return;
  out += title;
  out += ":";
  for (const auto& [k, n] : h) out += " " + k + " ×" + std::to_string(n);
  out += "\n";
}

}  // namespace

void DatasetStats::add(const Sample& sample) {
  const Json& j = sample.json;
  ++samples;
  auto text = [&](const char* field) {
    auto it = j.find(field);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string(kNone);
  };
  std::string label = text("label"), split = text("split");
  ++counts[label][split];
  ++splits[split];
  if (auto g = j.find("group"); g != j.end() && g->is_string()) {
    ++groups[g->get<std::string>()];
    ++per_split[split].groups[g->get<std::string>()];
  }
  if (auto seconds = audio_seconds(j)) {
    const Json& a = j.at("audio");
    PerSplit& per = per_split[split];
    per.seconds += *seconds;
    ++per.audio_clips;
    min_seconds = ++audio_clips == 1 ? *seconds : std::min(min_seconds, *seconds);
    max_seconds = std::max(max_seconds, *seconds);
    total_seconds += *seconds;
    if (auto r = a.find("sample_rate"); r != a.end()) ++sample_rates[r->dump()];
    if (auto c = a.find("channels"); c != a.end()) ++channels[c->dump()];
  }
  if (auto i = j.find("image"); i != j.end() && i->is_object())
    ++image_sizes[i->value("width", Json()).dump() + "x" + i->value("height", Json()).dump() + "x" +
                  i->value("channels", Json()).dump()];
  if (auto c = j.find("csv"); c != j.end() && c->is_object())
    ++csv_shapes[c->value("rows", Json()).dump() + "x" + c->value("columns", Json()).dump()];
}

Json DatasetStats::to_json() const {
  Json per_split_json = Json::object();
  for (const auto& name : split_order()) {
    const PerSplit& per = per_split.count(name) ? per_split.at(name) : PerSplit{};
    Json entry = Json::object();
    entry["samples"] = splits.at(name);
    if (audio_clips) entry["seconds"] = std::round(per.seconds * 1000) / 1000;
    Json names = Json::array();
    for (const auto& [group, n] : per.groups) names.push_back(group);
    entry["groups"] = names;
    per_split_json[name] = entry;
  }
  Json labels = Json::object();
  for (const auto& [label, by_split] : counts) {
    Json row = Json::object();
    long total = 0;
    for (const auto& [split, n] : by_split) row[split] = n, total += n;
    row["total"] = total;
    labels[label] = row;
  }
  return Json{{"samples", samples},
              {"labels", labels},
              {"splits", splits},
              {"groups", groups.size()},
              {"per_split", per_split_json},
              {"audio",
               {{"total_seconds", total_seconds},
                {"min_seconds", min_seconds},
                {"max_seconds", max_seconds},
                {"sample_rates", sample_rates},
                {"channels", channels}}},
              {"image_sizes", image_sizes},
              {"csv_shapes", csv_shapes}};
}

std::vector<std::string> DatasetStats::split_order() const {
  std::vector<std::string> split_names;
  for (const char* s : {"train", "validation", "test"})
    if (splits.count(s)) split_names.push_back(s);
  for (const auto& [s, n] : splits)
    if (std::find(split_names.begin(), split_names.end(), s) == split_names.end())
      split_names.push_back(s);
  return split_names;
}

std::string DatasetStats::table() const {
  const std::vector<std::string> split_names = split_order();
  size_t label_width = 5;
  for (const auto& [label, _] : counts) label_width = std::max(label_width, columns_of(label));
  std::vector<size_t> widths;
  for (const auto& s : split_names) widths.push_back(std::max<size_t>(6, columns_of(s)));
  std::string out = pad("label", label_width);
  for (size_t i = 0; i < split_names.size(); ++i)
    out += "  " + pad(split_names[i], widths[i], true);
  out += "   total\n";
  auto row = [&](const std::string& name, auto get) {
    std::string line = pad(name, label_width);
    long total = 0;
    for (size_t i = 0; i < split_names.size(); ++i) {
      long n = get(split_names[i]);
      total += n;
      line += "  " + pad(std::to_string(n), widths[i], true);
    }
    return line + "  " + pad(std::to_string(total), 6, true) + "\n";
  };
  for (const auto& [label, by_split] : counts)
    out += row(label, [&](const std::string& s) {
      auto it = by_split.find(s);
      return it == by_split.end() ? 0L : it->second;
    });
  out += row("all", [&](const std::string& s) { return splits.at(s); });
  out += "\n" + std::to_string(samples) + " samples, " + std::to_string(counts.size()) + " labels" +
         (groups.empty() ? "" : ", " + std::to_string(groups.size()) + " groups") + "\n";
  if (total_seconds > 0)
    out += "audio: " + fmt_seconds(total_seconds) + " in all, clips " + fmt_seconds(min_seconds) +
           " to " + fmt_seconds(max_seconds) + "\n";
  if (splits.size() > 1 || !splits.count(kNone)) {
    // Per split: samples, audio duration and the groups, so that a leak or a lopsided split
    // shows at a glance.
    for (const auto& name : split_names) {
      const PerSplit& per = per_split.count(name) ? per_split.at(name) : PerSplit{};
      out += name + ": " + std::to_string(splits.at(name)) + " samples";
      if (audio_clips) out += ", " + fmt_seconds(per.seconds);
      if (!per.groups.empty()) {
        out += ", " + std::to_string(per.groups.size()) +
               (per.groups.size() == 1 ? " group (" : " groups (");
        size_t n = 0;
        for (const auto& [group, count] : per.groups) {
          if (n == 10) {
            out += ", and " + std::to_string(per.groups.size() - 10) + " more";
            break;
          }
          out += (n++ ? ", " : "") + group;
        }
        out += ")";
      }
      out += "\n";
    }
  }
  histogram(out, "sample rates (Hz)", sample_rates);
  histogram(out, "channels", channels);
  histogram(out, "image sizes (WxHxC)", image_sizes);
  histogram(out, "CSV shapes (rows x columns)", csv_shapes);
  return out;
}

DatasetStats compute_stats(const std::string& input) {
  ManifestReader reader(input);
  DatasetStats stats;
  Sample s;
  while (reader.next(s)) stats.add(s);
  return stats;
}

}  // namespace tinyprep

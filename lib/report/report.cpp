#include "report/report.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "audio/audio_file.h"
#include "core/diag.h"
#include "core/error.h"
#include "core/io.h"
#include "core/signals.h"
#include "core/staged_file.h"
#include "image/image_file.h"
#include "imu/csv_file.h"
#include "inspect/stats.h"
#include "inspect/validate.h"
#include "manifest/manifest.h"
#include "media/media.h"
#include "report/canvas.h"
#include "report/charts.h"
#include "report/sample_data.h"

namespace tinyprep {
namespace fs = std::filesystem;

namespace {

std::string esc(std::string_view s) {
  return xml_escape(s);
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string count_text(long n) {
  std::string s = std::to_string(n);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}

std::string duration_text(double seconds) {
  if (seconds < 120) return fixed(seconds, 1) + " s";
  if (seconds < 7200) return fixed(seconds / 60, 1) + " min";
  return fixed(seconds / 3600, 2) + " h";
}

std::string label_name(const std::string& label) {
  return label.empty() ? "(no label)" : label;
}

// stdin copied to a temporary file in the working directory (paths on a pipe are relative to
// it), so that the lines can be read twice: by the report and by validate. Removed at the end.
class StdinCopy {
 public:
  StdinCopy() : file_("stdin.jsonl") {
    LineReader in("-");
    std::string line;
    while (in.next(line)) {
      line += '\n';
      file_.write(line);
    }
    file_.close();
  }
  std::string path() const { return file_.temp_path(); }

 private:
  StagedFile file_;
};

MediaKind kind_of(const Sample& s) {
  if (auto p = s.json.find("path"); p != s.json.end() && p->is_string())
    return media_kind(p->get<std::string>());
  return MediaKind::kUnknown;
}

// What the lines say about the steps that made them.
struct Provenance {
  std::optional<Json> dataset;                  // dataset.json
  std::map<std::string, long> feature_configs;  // features.config -> lines
  std::map<std::string, long> sources;          // capture sources ("serial", "camera", ...)
  std::map<std::string, long> recorded;         // "provenance"/"command" fields
  long hashed = 0, split = 0, clips = 0;
  std::set<std::string> takes;
  long lines = 0;

  void add(const Sample& s) {
    ++lines;
    const Json& j = s.json;
    if (j.contains("sha256")) ++hashed;
    if (j.contains("split")) ++split;
    if (j.contains("offset_ms") && j.contains("source")) {
      ++clips;
      if (takes.size() < 100000) takes.insert(s.str("source"));
    } else if (auto src = j.find("source"); src != j.end() && src->is_string()) {
      std::string v = src->get<std::string>();
      ++sources[v.substr(0, v.find(':'))];
    }
    if (auto f = j.find("features"); f != j.end() && f->is_object())
      if (auto c = f->find("config"); c != f->end())
        ++feature_configs[c->is_string() ? c->get<std::string>() : c->dump()];
    for (const char* key : {"provenance", "command"})
      if (auto p = j.find(key); p != j.end() && recorded.size() < 20) {
        if (p->is_array())
          for (const Json& step : *p)
            ++recorded[step.is_string() ? step.get<std::string>() : step.dump()];
        else
          ++recorded[p->is_string() ? p->get<std::string>() : p->dump()];
      }
  }
};

std::string svg_of(int w, int h, const std::string& label, const auto& draw) {
  SvgCanvas c(w, h);
  draw(c);
  return c.finish(false, label);
}

// A bar chart with at most `most` categories: the rest summed as "other".
BarChart categorical(const std::string& title, const std::string& x_title,
                     const std::map<std::string, long>& counts, size_t most = 16) {
  BarChart chart;
  chart.title = title;
  chart.x_title = x_title;
  chart.y_title = "samples";
  chart.colors = {category_color(0)};
  std::vector<std::pair<std::string, long>> items(counts.begin(), counts.end());
  if (items.size() > most) {
    std::stable_sort(items.begin(), items.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    long rest = 0;
    for (size_t i = most - 1; i < items.size(); ++i) rest += items[i].second;
    items.resize(most - 1);
    items.push_back({"other", rest});
  }
  chart.values.emplace_back();
  for (auto& [name, n] : items) {
    std::string text = name;
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
      text = text.substr(1, text.size() - 2);
    chart.categories.push_back(text);
    chart.values[0].push_back(double(n));
  }
  return chart;
}

// Durations in about 20 equal bins between the shortest and the longest.
BarChart length_histogram(const std::vector<double>& seconds) {
  BarChart chart;
  chart.title = "Clip lengths";
  chart.x_title = "length (s)";
  chart.y_title = "samples";
  chart.colors = {category_color(2)};
  chart.values.emplace_back();
  if (seconds.empty()) return chart;
  auto [mn, mx] = std::minmax_element(seconds.begin(), seconds.end());
  double lo = *mn, hi = *mx;
  int bins = hi - lo < 1e-3 ? 1 : 20;
  double width = bins == 1 ? 1 : (hi - lo) / bins;
  std::vector<long> counts(size_t(bins), 0);
  for (double s : seconds) ++counts[std::min<size_t>(bins - 1, size_t((s - lo) / width))];
  int decimals = width >= 1 ? 1 : width >= 0.1 ? 2 : 3;
  for (int b = 0; b < bins; ++b) {
    chart.categories.push_back(bins == 1 ? fixed(lo, 3) : fixed(lo + b * width, decimals));
    chart.values[0].push_back(double(counts[size_t(b)]));
  }
  return chart;
}

const char* kStyle = R"(
:root{--ink:#222;--muted:#666;--line:#ddd;--bad:#b00020;--badbg:#fde8e8;--warn:#8a5a00;--warnbg:#fff4d6}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 'DejaVu Sans','Abyssinica SIL',system-ui,sans-serif;color:var(--ink);background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:24px}
header p{margin:0;opacity:.85}
nav{background:#fff;border-bottom:1px solid var(--line);padding:8px 28px;position:sticky;top:0;z-index:1}
nav a{margin-right:18px;color:#0b5394;text-decoration:none;font-weight:600}
main{max-width:1240px;margin:0 auto;padding:12px 20px 40px}
section{background:#fff;border:1px solid var(--line);border-radius:6px;margin:16px 0;padding:14px 18px}
h2{margin:4px 0 12px;font-size:20px}
h3{margin:14px 0 8px;font-size:16px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:8px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:150px}
.card b{display:block;font-size:22px}
.card span{color:var(--muted);font-size:13px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:12px}
svg{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;margin:6px 0 10px;font-size:14px}
th,td{border:1px solid var(--line);padding:3px 9px;text-align:right}
th{background:#eef1f5}
td.l,th.l{text-align:left}
tbody tr:nth-child(even){background:#fafbfc}
tr.leak td{background:var(--badbg);color:var(--bad);font-weight:600}
.bad{color:var(--bad);font-weight:600}
.ok{color:#1b7a3d;font-weight:600}
.problems td.what{text-align:left;max-width:620px;overflow-wrap:anywhere}
.sev-error{color:var(--bad);font-weight:600}
.sev-warning{color:var(--warn);font-weight:600}
.examples{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:14px}
.example{border:1px solid var(--line);border-radius:6px;padding:8px}
.example:target{outline:3px solid #e69f00}
.example h4{margin:0 0 4px;font-size:14px;overflow-wrap:anywhere}
.example audio{width:100%;margin-top:4px}
.muted{color:var(--muted)}
code{font-size:13px;background:#f0f2f5;padding:1px 4px;border-radius:3px;overflow-wrap:anywhere}
@media print{nav{display:none}body{background:#fff}section{break-inside:avoid-page;border:none}
 .example{break-inside:avoid}header{background:#fff;color:#000}}
)";

}  // namespace

void check_report_options(const ReportOptions& o) {
  if (o.examples < 0 || o.examples > 100) throw usage_error("--examples: 0 to 100");
  if (!(o.max_embed_mb >= 0) || o.max_embed_mb > 4096)
    throw usage_error("--max-embed-mb: 0 to 4096");
  if (o.output.empty() || is_stdio(o.output)) throw usage_error("-o: a file name is needed");
}

int run_report(const ReportOptions& o) {
  check_report_options(o);
  fs::path out_path(o.output);
  fs::path out_dir = out_path.parent_path();
  std::error_code ec;
  if (!out_dir.empty() && !fs::is_directory(out_dir, ec))
    throw Error(out_dir.string(), 0, "no such folder (for -o)");
  if (!o.force && fs::exists(out_path, ec))
    throw Error(o.output, 0, "exists already (--force replaces it)");
  fs::path out_abs = fs::absolute(out_dir.empty() ? fs::path(".") : out_dir).lexically_normal();

  std::unique_ptr<StdinCopy> copy;
  std::string input = o.input;
  if (is_stdio(input)) {
    copy = std::make_unique<StdinCopy>();
    input = copy->path();
  }
  const std::string shown_name = copy ? "<stdin>" : o.input;

  // ---- pass 1: the lines -------------------------------------------------------------------
  DatasetStats stats;
  Provenance prov;
  std::vector<double> lengths;
  std::map<std::string, std::vector<Sample>> examples;  // label -> first N samples
  std::map<MediaKind, long> kinds;
  fs::path base;
  {
    ManifestReader reader(input, /*allow_outside=*/true);
    base = fs::absolute(reader.base());
    if (reader.dataset_dir()) try {
        prov.dataset = read_json_file((*reader.dataset_dir() / "dataset.json").string());
      } catch (const Error&) {
        // validate lists it
      }
    Sample s;
    for (;;) {
      long before = reader.line_number();
      try {
        if (!reader.next(s)) break;
      } catch (const Error& e) {
        if (e.code() != ExitCode::kData || reader.line_number() <= before) break;
        continue;  // not a JSON object: validate lists it
      }
      check_interrupted();
      stats.add(s);
      prov.add(s);
      ++kinds[kind_of(s)];
      if (auto a = s.json.find("audio"); a != s.json.end() && a->is_object()) {
        double rate = a->value("sample_rate", 0.0), frames = a->value("frames", 0.0);
        if (rate > 0) lengths.push_back(frames / rate);
      }
      auto& list = examples[s.label()];
      if (int(list.size()) < o.examples) list.push_back(s);
    }
  }

  // ---- validate's problems ------------------------------------------------------------------
  ValidateOptions vo;
  vo.input = input;
  vo.jobs = o.jobs;
  ValidateReport problems = validate_manifest(vo);

  // ---- the page ---------------------------------------------------------------------------
  std::string h;
  h.reserve(1 << 20);
  std::string title = prov.dataset && prov.dataset->is_object() && prov.dataset->contains("name") &&
                              (*prov.dataset)["name"].is_string()
                          ? (*prov.dataset)["name"].get<std::string>()
                          : fs::path(o.input).filename().string();
  if (copy) title = "stdin";
  if (!o.title.empty()) title = o.title;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       "<title>tinyprep report: " +
       esc(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  h += "<header><h1>Dataset report: " + esc(title) + "</h1><p>" + esc(shown_name) + " · " +
       count_text(stats.samples) + " samples · " + count_text(long(stats.counts.size())) +
       " labels · made by tinyprep report</p></header>\n";
  h += "<nav><a href=\"#overview\">Overview</a><a href=\"#leakage\">Leakage</a>"
       "<a href=\"#problems\">Problems (" +
       count_text(long(problems.problems.size())) +
       ")</a><a href=\"#examples\">Examples</a></nav>\n<main>\n";

  // Overview.
  std::vector<std::string> splits = stats.split_order();
  h += "<section id=\"overview\"><h2>Overview</h2>\n<div class=\"cards\">";
  auto card = [&](const std::string& big, const std::string& small) {
    h += "<div class=\"card\"><b>" + esc(big) + "</b><span>" + esc(small) + "</span></div>";
  };
  card(count_text(stats.samples), "samples");
  card(count_text(long(stats.counts.size())), "labels");
  card(count_text(long(stats.groups.size())), "groups");
  if (stats.audio_clips) card(duration_text(stats.total_seconds), "of audio");
  card(problems.errors() ? count_text(problems.errors()) : "none", "errors found by validate");
  h += "</div>\n";

  BarChart balance;
  balance.title = "Samples per label and split";
  balance.x_title = "label";
  balance.y_title = "samples";
  for (const auto& [label, per] : stats.counts) balance.categories.push_back(label_name(label));
  for (size_t i = 0; i < splits.size(); ++i) {
    balance.series.push_back(splits[i]);
    balance.colors.push_back(split_color(splits[i], i));
    balance.values.emplace_back();
    for (const auto& [label, per] : stats.counts) {
      auto it = per.find(splits[i]);
      balance.values.back().push_back(it == per.end() ? 0 : double(it->second));
    }
  }
  int balance_h = stats.counts.size() > 12 ? 420 : 340;
  h += svg_of(1180, balance_h, "samples per label and split", [&](Canvas& c) {
    draw_bars(c, Box{0, 0, 1180, double(balance_h)}, balance);
  });

  // The label x split table.
  h += "<h3>Samples per label and split</h3>\n<table id=\"counts\"><thead><tr><th "
       "class=\"l\">label</th>";
  for (const auto& sp : splits) h += "<th>" + esc(sp) + "</th>";
  h += "<th>total</th></tr></thead><tbody>\n";
  for (const auto& [label, per] : stats.counts) {
    long total = 0;
    h += "<tr><td class=\"l\">" + esc(label_name(label)) + "</td>";
    for (const auto& sp : splits) {
      auto it = per.find(sp);
      long n = it == per.end() ? 0 : it->second;
      total += n;
      h += "<td>" + count_text(n) + "</td>";
    }
    h += "<td>" + count_text(total) + "</td></tr>\n";
  }
  h += "<tr><th class=\"l\">all</th>";
  for (const auto& sp : splits) h += "<th>" + count_text(stats.splits.at(sp)) + "</th>";
  h += "<th>" + count_text(stats.samples) + "</th></tr></tbody></table>\n";

  // Per split: samples, duration, groups.
  h += "<h3>Per split</h3>\n<table id=\"splits\"><thead><tr><th class=\"l\">split</th>"
       "<th>samples</th><th>share</th><th>audio duration</th><th>groups</th></tr></thead><tbody>\n";
  for (const auto& sp : splits) {
    long n = stats.splits.at(sp);
    auto ps = stats.per_split.find(sp);
    h += "<tr><td class=\"l\">" + esc(sp) + "</td><td>" + count_text(n) + "</td><td>" +
         fixed(100.0 * n / std::max(1L, stats.samples), 1) + "%</td><td>" +
         (ps != stats.per_split.end() && ps->second.audio_clips ? duration_text(ps->second.seconds)
                                                                : std::string("–")) +
         "</td><td>" +
         count_text(ps != stats.per_split.end() ? long(ps->second.groups.size()) : 0) +
         "</td></tr>\n";
  }
  h += "</tbody></table>\n<div class=\"grid\">\n";
  auto histogram = [&](const BarChart& chart) {
    if (chart.categories.empty()) return;
    h += "<div>" +
         svg_of(580, 300, chart.title,
                [&](Canvas& c) {
                  draw_bars(c, Box{0, 0, 580, 300}, chart);
                }) +
         "</div>\n";
  };
  histogram(categorical("Sample rates", "Hz", stats.sample_rates));
  histogram(categorical("Channels", "channels", stats.channels));
  histogram(length_histogram(lengths));
  histogram(categorical("Image sizes", "width x height x channels", stats.image_sizes));
  histogram(categorical("CSV shapes", "rows x columns", stats.csv_shapes));
  h += "</div>\n";

  // Provenance.
  h += "<h3>How the data was made</h3>\n<ul>\n";
  bool any = false;
  auto item = [&](const std::string& html) {
    h += "<li>" + html + "</li>\n";
    any = true;
  };
  if (prov.dataset && prov.dataset->is_object()) {
    std::string d = "dataset folder";
    for (const char* key : {"name", "description", "license", "modality"})
      if (auto v = prov.dataset->find(key); v != prov.dataset->end() && v->is_string())
        d += std::string(", ") + key + ": <b>" + esc(v->get<std::string>()) + "</b>";
    item(d);
  }
  for (const auto& [src, n] : prov.sources)
    item("<code>tinyprep capture</code> or <code>import</code>: " + count_text(n) +
         " lines from <code>" + esc(src) + "</code>");
  if (prov.hashed)
    item("<code>tinyprep import</code>/<code>capture</code>: " + count_text(prov.hashed) +
         " lines with their file's sha256");
  if (prov.clips)
    item("<code>tinyprep segment</code>: " + count_text(prov.clips) + " clips cut from " +
         count_text(long(prov.takes.size())) + " takes");
  if (prov.split)
    item("<code>tinyprep split</code>: " + count_text(prov.split) + " lines with a split");
  for (const auto& [config, n] : prov.feature_configs)
    item("<code>tinyprep features</code>: " + count_text(n) + " lines, config <code>" +
         esc(config) + "</code>");
  for (const auto& [step, n] : prov.recorded)
    item("recorded: <code>" + esc(step) + "</code> (" + count_text(n) + " lines)");
  if (!any) h += "<li class=\"muted\">no provenance recorded in the lines</li>\n";
  h += "</ul>\n</section>\n";

  // Leakage.
  std::map<std::string, std::map<std::string, long>> groups;  // group -> split -> n
  for (const auto& [sp, facts] : stats.per_split)
    for (const auto& [g, n] : facts.groups) groups[g][sp] += n;
  std::vector<std::string> leaked, clean;
  for (const auto& [g, per] : groups) (per.size() > 1 ? leaked : clean).push_back(g);
  h += "<section id=\"leakage\"><h2>Leakage: groups per split</h2>\n";
  if (groups.empty()) {
    h += "<p class=\"muted\">The lines have no <code>group</code> field (speaker, session, "
         "device), so leakage between splits cannot be checked.</p>\n";
  } else {
    h += leaked.empty() ? "<p class=\"ok\">No group is in more than one split (" +
                              count_text(long(groups.size())) + " groups).</p>\n"
                        : "<p class=\"bad\">" + count_text(long(leaked.size())) + " of " +
                              count_text(long(groups.size())) +
                              " groups are in more than one split: their samples leak between "
                              "training and evaluation.</p>\n";
    h += "<table id=\"groups\"><thead><tr><th class=\"l\">group</th>";
    for (const auto& sp : splits) h += "<th>" + esc(sp) + "</th>";
    h += "</tr></thead><tbody>\n";
    size_t shown = 0, limit = 300;
    for (const auto* list : {&leaked, &clean})
      for (const auto& g : *list) {
        if (shown++ >= limit) break;
        const auto& per = groups[g];
        h += std::string(per.size() > 1 ? "<tr class=\"leak\">" : "<tr>") + "<td class=\"l\">" +
             esc(g.empty() ? "(no group)" : g) +
             (per.size() > 1 ? " ⚠ in " + std::to_string(per.size()) + " splits" : "") + "</td>";
        for (const auto& sp : splits) {
          auto it = per.find(sp);
          h += "<td>" + (it == per.end() ? std::string("") : count_text(it->second)) + "</td>";
        }
        h += "</tr>\n";
      }
    h += "</tbody></table>\n";
    if (groups.size() > limit)
      h += "<p class=\"muted\">… and " + count_text(long(groups.size() - limit)) +
           " more groups.</p>\n";
  }
  h += "</section>\n";

  // Examples first, to know which samples have anchors; written after the problems.
  std::map<std::string, std::string> anchors;  // id -> anchor
  std::string ex;
  double embed_budget = o.max_embed_mb * 1024 * 1024, embedded = 0;
  long linked = 0;
  std::vector<SheetRow> sheet;
  for (const auto& [label, list] : examples) {
    check_interrupted();
    ex += "<h3>" + esc(label_name(label)) + " <span class=\"muted\">(" +
          count_text(stats.counts[label].empty() ? 0 : [&] {
            long n = 0;
            for (const auto& [sp, k] : stats.counts[label]) n += k;
            return n;
          }()) +
          " samples)</span></h3>\n<div class=\"examples\">\n";
    for (const Sample& s : list) {
      std::string id;
      try {
        id = s.id();
      } catch (const Error&) {
        id = "line " + std::to_string(s.line);
      }
      std::string anchor = "sample-" + std::to_string(anchors.size() + 1);
      anchors.emplace(id, anchor);
      MediaKind kind = kind_of(s);
      if (kind == MediaKind::kImage) {
        if (sheet.empty() || sheet.back().label != label_name(label))
          sheet.push_back(SheetRow{label_name(label), {}});
        try {
          sheet.back().images.push_back(thumbnail(read_image(s.media_path().string()), 128));
        } catch (const Error&) {
          Image bad;
          bad.info = ImageInfo{1, 1, 3, 8};
          bad.pixels = std::string("\xf0\xc0\xc0", 3);
          sheet.back().images.push_back(bad);
        }
        continue;
      }
      ex += "<div class=\"example\" id=\"" + anchor + "\"><h4>" + esc(id) + "</h4>\n";
      try {
        if (kind == MediaKind::kAudio) {
          fs::path file = s.media_path();
          AudioClip clip = read_audio(file.string());
          std::vector<float> mono = mono_samples(clip);
          ex += svg_of(560, 150, "waveform of " + id, [&](Canvas& c) {
            draw_waveform(c, Box{0, 0, 560, 150}, "", mono, clip.info.sample_rate, line_events(s));
          });
          Matrix m = log_mel_of(mono, clip.info.sample_rate);
          ex += svg_of(560, 210, "log-mel spectrogram of " + id, [&](Canvas& c) {
            draw_heatmap(c, Box{0, 0, 560, 210},
                         Heatmap{.title = "",
                                 .values = m.values.data(),
                                 .frames = m.frames,
                                 .bins = m.bins,
                                 .seconds_per_frame = m.seconds_per_frame,
                                 .y_title = "mel bin",
                                 .unit = "dB",
                                 .floor_below_max = 80});
          });
          std::string ext = file.extension().string();
          std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
          std::string mime = ext == ".wav"                                      ? "audio/wav"
                             : ext == ".flac"                                   ? "audio/flac"
                             : ext == ".mp3"                                    ? "audio/mpeg"
                             : ext == ".ogg" || ext == ".oga" || ext == ".opus" ? "audio/ogg"
                                                                                : "audio/wav";
          std::string buffer;
          std::optional<std::string_view> bytes;
          double left = embed_budget - embedded;
          if (left > 0) bytes = read_small_file_into(file.string(), buffer, size_t(left));
          if (bytes && double(bytes->size()) <= left) {
            embedded += double(bytes->size());
            ex += "<audio controls preload=\"none\" src=\"data:" + mime + ";base64," +
                  base64(*bytes) + "\"></audio>\n";
          } else {
            ++linked;
            std::string rel = fs::relative(fs::absolute(file), out_abs, ec).generic_string();
            if (rel.empty()) rel = fs::absolute(file).generic_string();
            ex += "<audio controls preload=\"none\" src=\"" + esc(rel) + "\"></audio>\n";
          }
        }
        if (kind == MediaKind::kCsv) {
          CsvTable t = read_csv(s.media_path().string());
          ex += svg_of(560, 230, "axes of " + id, [&](Canvas& c) {
            draw_traces(c, Box{0, 0, 560, 230}, "", t, csv_rate(s));
          });
        }
        if (s.json.contains("features")) {
          Matrix m = read_feature_matrix(s);
          std::string config;
          if (auto c = s.json["features"].find("config");
              c != s.json["features"].end() && c->is_string())
            config = c->get<std::string>();
          ex += svg_of(560, 210, "features of " + id, [&](Canvas& c) {
            draw_heatmap(c, Box{0, 0, 560, 210},
                         Heatmap{.title = "features " + ellipsize(config, 40),
                                 .values = m.values.data(),
                                 .frames = m.frames,
                                 .bins = m.bins,
                                 .y_title = "feature bin",
                                 .unit = "value"});
          });
        }
        if (kind == MediaKind::kUnknown && !s.json.contains("features"))
          ex += "<p class=\"muted\">nothing to show for this kind of file</p>\n";
      } catch (const Error& e) {
        ex += "<p class=\"bad\">cannot be shown: " + esc(e.located()) + "</p>\n";
      }
      ex += "</div>\n";
    }
    ex += "</div>\n";
  }
  if (!sheet.empty()) {
    int sheet_h = int(std::min<size_t>(sheet.size(), 200)) * 120 + 40;
    size_t most = 1;
    for (const auto& r : sheet) most = std::max(most, r.images.size());
    ex = "<h3>Images: contact sheet</h3>\n" +
         svg_of(1180, sheet_h, "contact sheet",
                [&](Canvas& c) {
                  draw_contact_sheet(c, Box{0, 0, 1180, double(sheet_h)}, "", sheet);
                }) +
         ex;
  }

  // Problems.
  h += "<section id=\"problems\"><h2>Problems found by validate</h2>\n";
  if (problems.problems.empty()) {
    h += "<p class=\"ok\">None: every file is there, decodes, matches its hash and the "
         "expected format.</p>\n";
  } else {
    h += "<p><span class=\"bad\">" + count_text(problems.errors()) + " errors</span>, " +
         count_text(problems.warnings()) +
         " warnings. A problem links to its file (relative to this page) and to its example "
         "below when it is one.</p>\n<table class=\"problems\"><thead><tr><th "
         "class=\"l\">severity</th><th>line</th><th class=\"l\">sample</th><th "
         "class=\"l\">what</th></tr></thead><tbody>\n";
    size_t limit = 500;
    for (size_t i = 0; i < problems.problems.size() && i < limit; ++i) {
      const Problem& p = problems.problems[i];
      std::string sample = esc(p.id);
      if (!p.file.empty()) {
        std::string target = p.file;
        if (fs::path(p.file).is_relative()) {
          fs::path abs = (base / p.file).lexically_normal();
          target = fs::relative(abs, out_abs, ec).generic_string();
          if (target.empty()) target = abs.generic_string();
        }
        sample += (sample.empty() ? "" : "<br>") + std::string("<a href=\"") + esc(target) +
                  "\"><code>" + esc(p.file) + "</code></a>";
      }
      if (auto a = anchors.find(p.id); a != anchors.end())
        sample += " <a href=\"#" + a->second + "\">(example)</a>";
      h += std::string("<tr><td class=\"l ") +
           (p.error ? "sev-error\">error" : "sev-warning\">warning") + "</td><td>" +
           (p.line ? std::to_string(p.line) : std::string("")) + "</td><td class=\"l\">" + sample +
           "</td><td class=\"what\">" + esc(p.what) + "</td></tr>\n";
    }
    h += "</tbody></table>\n";
    if (problems.problems.size() > limit)
      h += "<p class=\"muted\">… and " + count_text(long(problems.problems.size() - limit)) +
           " more: <code>tinyprep validate</code> lists them all.</p>\n";
  }
  h += "</section>\n";

  h += "<section id=\"examples\"><h2>Examples per label</h2>\n<p class=\"muted\">Up to " +
       std::to_string(o.examples) +
       " samples of each label, the first in the manifest. Audio: waveform, log-mel "
       "spectrogram (25 ms windows, 10 ms hop, dB below the clip's peak) and a player";
  if (linked)
    h += " (" + count_text(linked) + " clips beyond --max-embed-mb are linked by relative path)";
  h += ".</p>\n" + ex + "</section>\n</main>\n</body>\n</html>\n";

  Output out(o.output, o.force);
  out.write(h);
  out.commit();
  note(o.output + ": " + count_text(stats.samples) + " samples, " + count_text(problems.errors()) +
       " errors, " + count_text(problems.warnings()) + " warnings");
  return problems.errors() ? 1 : 0;
}

}  // namespace tinyprep

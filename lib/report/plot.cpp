#include "report/plot.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>

#include "core/diag.h"
#include "core/error.h"
#include "core/io.h"
#include "image/image_file.h"
#include "imu/csv_file.h"
#include "inspect/stats.h"
#include "manifest/manifest.h"
#include "media/media.h"
#include "report/charts.h"
#include "report/sample_data.h"

namespace tinyprep {
namespace fs = std::filesystem;

namespace {

std::string lower_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext;
}

// The samples a plot draws: the one named by --id (or the first), or --per-label of each label.
struct Selection {
  std::vector<Sample> samples;
  std::vector<Sample> clips;  // lines segment cut from a selected sample (source, offset_ms)
  DatasetStats stats;
};

bool wanted(PlotKind kind, const Sample& s) {
  MediaKind m = MediaKind::kUnknown;
  if (auto p = s.json.find("path"); p != s.json.end() && p->is_string())
    m = media_kind(p->get<std::string>());
  switch (kind) {
    case PlotKind::kSpectrogram:
      return m == MediaKind::kAudio || s.json.contains("features");
    case PlotKind::kWaveform:
      return m == MediaKind::kAudio;
    case PlotKind::kImages:
      return m == MediaKind::kImage;
    case PlotKind::kImu:
      return m == MediaKind::kCsv;
    case PlotKind::kBalance:
      return false;
  }
  return false;
}

Selection select(const PlotOptions& o) {
  Selection sel;
  ManifestReader reader(o.input, /*allow_outside=*/true);
  int per_label = o.per_label > 0 ? o.per_label : o.kind == PlotKind::kImages ? 6 : 0;
  std::map<std::string, int> taken;
  std::vector<Sample> clips;
  Sample s;
  bool found = false;
  while (reader.next(s)) {
    sel.stats.add(s);
    if (s.json.contains("source") && s.json.contains("offset_ms")) clips.push_back(s);
    if (!wanted(o.kind, s)) continue;
    if (per_label > 0) {
      if (taken[s.label()]++ < per_label) sel.samples.push_back(s);
    } else if (!found && (o.id.empty() || s.id() == o.id)) {
      sel.samples.push_back(s);
      found = true;
    }
  }
  if (o.kind == PlotKind::kBalance) return sel;
  if (sel.samples.empty())
    throw Error(reader.name(), 0,
                o.id.empty()
                    ? std::string("no line to draw a ") + enum_name(kPlotKindNames, o.kind) + " of"
                    : "no " + std::string(enum_name(kPlotKindNames, o.kind)) +
                          "-able line with id '" + o.id + "'");
  // Per label, in label order (the order stats and split print).
  std::stable_sort(sel.samples.begin(), sel.samples.end(),
                   [](const Sample& a, const Sample& b) { return a.label() < b.label(); });
  for (Sample& c : clips) {
    std::string source = c.str("source");
    for (const Sample& chosen : sel.samples)
      if (chosen.id() == source) {
        sel.clips.push_back(std::move(c));
        break;
      }
  }
  return sel;
}

std::string caption(const Sample& s) {
  std::string label = s.label();
  return label.empty() ? s.id() : label + " · " + s.id();
}

// A note where a sample's picture would be.
void unreadable(Canvas& c, Box b, const std::string& title, const std::string& why) {
  c.text(b.x + 4, b.y + 18, title, TextStyle{.size = 16, .bold = true});
  c.rect(b.x + 4, b.y + 30, b.w - 8, b.h - 40, Color{250, 235, 235});
  c.text(b.x + 16, b.y + 56, ellipsize(why, 110), TextStyle{.size = 13, .color = Color{170, 0, 0}});
}

void draw_cell(Canvas& c, Box b, PlotKind kind, const Sample& s, const std::vector<Sample>& clips) {
  std::string title = caption(s);
  try {
    if (kind == PlotKind::kSpectrogram) {
      if (s.json.contains("features")) {
        Matrix m = read_feature_matrix(s);
        std::string config;
        if (auto f = s.json["features"].find("config"); f != s.json["features"].end())
          config = f->is_string() ? f->get<std::string>() : "";
        Heatmap h{.title = title,
                  .values = m.values.data(),
                  .frames = m.frames,
                  .bins = m.bins,
                  .y_title = "feature bin",
                  .unit = config.empty() ? "value" : ellipsize(config, 12)};
        draw_heatmap(c, b, h);
      } else {
        AudioClip clip = read_audio(s.media_path().string());
        Matrix m = log_mel_of(mono_samples(clip), clip.info.sample_rate);
        Heatmap h{.title = title,
                  .values = m.values.data(),
                  .frames = m.frames,
                  .bins = m.bins,
                  .seconds_per_frame = m.seconds_per_frame,
                  .y_title = "mel bin",
                  .unit = "dB",
                  .floor_below_max = 80};
        draw_heatmap(c, b, h);
      }
    } else if (kind == PlotKind::kWaveform) {
      AudioClip clip = read_audio(s.media_path().string());
      std::vector<Event> events = line_events(s);
      for (const Sample& clip_line : clips)
        if (clip_line.str("source") == s.id()) {
          Event e;
          e.start = clip_line.json.value("offset_ms", 0.0) / 1000;
          e.length = clip_line.json.value("length_ms", 0.0) / 1000;
          e.label = clip_line.label() == s.label() ? "" : clip_line.label();
          events.push_back(e);
        }
      draw_waveform(c, b, title, mono_samples(clip), clip.info.sample_rate, events);
    } else if (kind == PlotKind::kImu) {
      CsvTable t = read_csv(s.media_path().string());
      draw_traces(c, b, title, t, csv_rate(s));
    }
  } catch (const Error& e) {
    warn(e.path().empty() ? s.source : e.path(), e.path().empty() ? s.line : e.line(), e.what());
    unreadable(c, b, title, e.what());
  }
}

void draw(Canvas& c, const PlotOptions& o, const Selection& sel) {
  Box all{0, 0, double(c.width()), double(c.height())};
  switch (o.kind) {
    case PlotKind::kBalance: {
      BarChart chart;
      chart.title = "Samples per label and split";
      chart.y_title = "samples";
      chart.x_title = "label";
      std::vector<std::string> splits = sel.stats.split_order();
      for (const auto& [label, per] : sel.stats.counts)
        chart.categories.push_back(label.empty() ? "(no label)" : label);
      for (size_t i = 0; i < splits.size(); ++i) {
        chart.series.push_back(splits[i]);
        chart.colors.push_back(split_color(splits[i], i));
        std::vector<double> v;
        for (const auto& [label, per] : sel.stats.counts) {
          auto it = per.find(splits[i]);
          v.push_back(it == per.end() ? 0 : double(it->second));
        }
        chart.values.push_back(std::move(v));
      }
      draw_bars(c, Box{8, 8, all.w - 16, all.h - 16}, chart);
      break;
    }
    case PlotKind::kImages: {
      std::vector<SheetRow> rows;
      for (const Sample& s : sel.samples) {
        std::string label = s.label().empty() ? "(no label)" : s.label();
        if (rows.empty() || rows.back().label != label) rows.push_back(SheetRow{label, {}});
        try {
          rows.back().images.push_back(thumbnail(read_image(s.media_path().string()), 160));
        } catch (const Error& e) {
          warn(e.path().empty() ? s.source : e.path(), e.path().empty() ? s.line : e.line(),
               e.what());
          Image gray;
          gray.info = ImageInfo{1, 1, 3, 8};
          gray.pixels = std::string("\xdd\x99\x99", 3);
          rows.back().images.push_back(gray);
        }
      }
      draw_contact_sheet(c, Box{8, 8, all.w - 16, all.h - 16}, "Images per label", rows);
      break;
    }
    default: {
      size_t n = sel.samples.size();
      size_t cols = 1;
      if (o.per_label > 0) cols = size_t(o.per_label);
      cols = std::min(cols, n);
      size_t rows = (n + cols - 1) / cols;
      double cw = all.w / cols, ch = all.h / rows;
      for (size_t i = 0; i < n; ++i)
        draw_cell(c, Box{(i % cols) * cw + 4, (i / cols) * ch + 4, cw - 8, ch - 8}, o.kind,
                  sel.samples[i], sel.clips);
    }
  }
}

// Grids of several samples grow downwards so that each keeps a readable size.
int plot_height(const PlotOptions& o, const Selection& sel) {
  if (o.per_label <= 0 || o.kind == PlotKind::kBalance) return o.height;
  size_t n = sel.samples.size();
  if (o.kind == PlotKind::kImages) {
    std::map<std::string, int> labels;
    for (const Sample& s : sel.samples) ++labels[s.label()];
    return std::max<int>(o.height, int(labels.size()) * 150 + 50);
  }
  size_t rows = (n + o.per_label - 1) / o.per_label;
  return std::max<int>(o.height, int(rows) * 260);
}

}  // namespace

void check_plot_options(const PlotOptions& o) {
  std::string ext = lower_extension(o.output);
  if (ext != ".png" && ext != ".svg")
    throw usage_error("-o: '" + o.output + "' does not end in .png or .svg");
  if (o.width < 320 || o.width > 8000 || o.height < 200 || o.height > 8000)
    throw usage_error("--size: width 320-8000, height 200-8000 pixels");
  if (o.per_label < 0 || o.per_label > 50) throw usage_error("--per-label: 1 to 50");
}

std::string render_plot(const PlotOptions& o, bool svg) {
  Selection sel = select(o);
  int height = plot_height(o, sel);
  if (svg) {
    SvgCanvas c(o.width, height);
    draw(c, o, sel);
    return c.finish(true, std::string("tinyprep plot ") + enum_name(kPlotKindNames, o.kind));
  }
  RasterCanvas c(o.width, height);
  draw(c, o, sel);
  return c.png();
}

int run_plot(const PlotOptions& o) {
  check_plot_options(o);
  fs::path folder = fs::path(o.output).parent_path();
  std::error_code ec;
  if (!folder.empty() && !fs::is_directory(folder, ec))
    throw Error(folder.string(), 0, "no such folder (for -o)");
  std::string bytes = render_plot(o, lower_extension(o.output) == ".svg");
  Output out(o.output, o.force);
  out.write(bytes);
  out.commit();
  return 0;
}

}  // namespace tinyprep

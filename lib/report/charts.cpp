#include "report/charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report/font.h"

namespace tinyprep {
namespace {

constexpr int kTitleSize = 16, kTickSize = 12, kAxisTitleSize = 13;

std::string format_count(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

// The plotting area inside `box` and the mapping from data to pixels.
struct Frame {
  Box area;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  double px(double v) const { return area.x + (v - x0) / (x1 - x0) * area.w; }
  double py(double v) const { return area.y + area.h - (v - y0) / (y1 - y0) * area.h; }
};

void title(Canvas& c, Box box, const std::string& text) {
  if (!text.empty())
    c.text(box.x + 4, box.y + kTitleSize + 2, text, TextStyle{.size = kTitleSize, .bold = true});
}

// The y axis with grid lines and tick labels, on [y0, y1].
void y_axis(Canvas& c, const Frame& f, const std::string& y_title, bool grid = true) {
  std::vector<double> ticks = nice_ticks(f.y0, f.y1, std::max(2, int(f.area.h / 32)));
  double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  for (double t : ticks) {
    double y = std::round(f.py(t)) + 0.5;
    if (grid) c.line(f.area.x, y, f.area.x + f.area.w, y, kGrid);
    c.line(f.area.x - 5, y, f.area.x, y, kInk);
    c.text(f.area.x - 8, y + 4, tick_text(t, step),
           TextStyle{.size = kTickSize, .color = kInk, .anchor = Anchor::kEnd});
  }
  c.line(f.area.x - 0.5, f.area.y, f.area.x - 0.5, f.area.y + f.area.h, kInk);
  if (!y_title.empty())
    c.text(f.area.x - 46, f.area.y + f.area.h / 2, y_title,
           TextStyle{
               .size = kAxisTitleSize, .color = kInk, .anchor = Anchor::kMiddle, .vertical = true});
}

// The x axis as numbers on [x0, x1].
void x_axis(Canvas& c, const Frame& f, const std::string& x_title) {
  std::vector<double> ticks = nice_ticks(f.x0, f.x1, std::max(2, int(f.area.w / 80)));
  double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  double base = f.area.y + f.area.h;
  for (double t : ticks) {
    double x = std::round(f.px(t)) + 0.5;
    c.line(x, base, x, base + 5, kInk);
    c.text(x, base + 19, tick_text(t, step),
           TextStyle{.size = kTickSize, .color = kInk, .anchor = Anchor::kMiddle});
  }
  c.line(f.area.x, base + 0.5, f.area.x + f.area.w, base + 0.5, kInk);
  if (!x_title.empty())
    c.text(f.area.x + f.area.w / 2, base + 38, x_title,
           TextStyle{.size = kAxisTitleSize, .color = kInk, .anchor = Anchor::kMiddle});
}

// Coloured squares with names, right-aligned on the title line.
void legend(Canvas& c, Box box, const std::vector<std::string>& names,
            const std::vector<Color>& colors) {
  TextStyle s{.size = kTickSize, .color = kInk};
  double x = box.x + box.w - 8;
  for (size_t i = names.size(); i-- > 0;) {
    std::string name = ellipsize(names[i], 18);
    double w = Canvas::measure(name, s);
    x -= w;
    c.text(x, box.y + 18, name, s);
    x -= 16;
    c.rect(x, box.y + 8, 12, 12, colors[i % colors.size()]);
    x -= 12;
  }
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int max_ticks) {
  if (!(hi > lo)) return {lo};
  double raw = (hi - lo) / std::max(1, max_ticks);
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step)
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  return ticks;
}

std::string tick_text(double value, double step) {
  int decimals = step >= 1 ? 0 : std::min(6, int(std::ceil(-std::log10(step) - 1e-9)));
  char buf[48];
  if (std::abs(value) >= 1e6 && step >= 1)
    std::snprintf(buf, sizeof buf, "%.3g", value);
  else
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string s = buf;
  if (s == "-0") s = "0";
  return s;
}

std::string ellipsize(const std::string& text, size_t max_chars) {
  size_t count = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (count == max_chars) return text.substr(0, i) + "…";
    ++count;
  }
  return text;
}

void draw_bars(Canvas& c, Box box, const BarChart& chart) {
  title(c, box, chart.title);
  if (chart.series.size() > 1 || (chart.series.size() == 1 && !chart.series[0].empty()))
    legend(c, box, chart.series, chart.colors);
  size_t n = chart.categories.size();
  double top = 0;
  for (size_t k = 0; k < n; ++k) {
    double sum = 0;
    for (const auto& s : chart.values) sum += k < s.size() ? s[k] : 0;
    top = std::max(top, sum);
  }
  if (top <= 0) top = 1;
  // Room above the tallest bar for its total.
  std::vector<double> ticks = nice_ticks(0, top * 1.08, 6);
  double y1 = std::max(top * 1.08, ticks.back());
  // Category names: level when they fit under their bars, else upright.
  TextStyle name_style{.size = kTickSize, .color = kInk, .anchor = Anchor::kMiddle};
  double left = 64, right = 12;
  double slot = (box.w - left - right) / std::max<size_t>(1, n);
  double widest = 0;
  std::vector<std::string> names;
  for (const auto& name : chart.categories) {
    names.push_back(ellipsize(name, 16));
    widest = std::max(widest, Canvas::measure(names.back(), name_style));
  }
  bool upright = widest > slot - 4;
  double bottom = (upright ? std::min(widest, 130.0) + 14 : 26) + (chart.x_title.empty() ? 0 : 22);
  Frame f;
  f.area = Box{box.x + left, box.y + 32, box.w - left - right, box.h - 32 - bottom};
  f.y0 = 0;
  f.y1 = y1;
  y_axis(c, f, chart.y_title);
  slot = f.area.w / std::max<size_t>(1, n);
  double bar = std::max(1.0, std::min(slot * 0.72, 90.0));
  for (size_t k = 0; k < n; ++k) {
    double cx = f.area.x + slot * (k + 0.5);
    double base = 0;
    for (size_t s = 0; s < chart.values.size(); ++s) {
      double v = k < chart.values[s].size() ? chart.values[s][k] : 0;
      if (v <= 0) continue;
      std::string attributes = "data-category=\"" + xml_escape(chart.categories[k]) + "\"";
      if (s < chart.series.size())
        attributes += " data-series=\"" + xml_escape(chart.series[s]) + "\"";
      attributes += " data-value=\"" + svg_number(v) + "\"";
      c.rect(cx - bar / 2, f.py(base + v), bar, f.py(base) - f.py(base + v),
             chart.colors[s % chart.colors.size()], attributes);
      base += v;
    }
    if (base > 0 && bar >= 18)
      c.text(cx, f.py(base) - 4, format_count(base),
             TextStyle{.size = 11, .color = kMuted, .anchor = Anchor::kMiddle});
    double below = f.area.y + f.area.h;
    if (upright) {
      TextStyle s = name_style;
      s.anchor = Anchor::kEnd;
      s.vertical = true;
      c.text(cx + 4, below + 8, names[k], s);
    } else {
      c.text(cx, below + 18, names[k], name_style);
    }
  }
  c.line(f.area.x, f.area.y + f.area.h + 0.5, f.area.x + f.area.w, f.area.y + f.area.h + 0.5, kInk);
  if (!chart.x_title.empty())
    c.text(f.area.x + f.area.w / 2, box.y + box.h - 6, chart.x_title,
           TextStyle{.size = kAxisTitleSize, .color = kInk, .anchor = Anchor::kMiddle});
}

void draw_heatmap(Canvas& c, Box box, const Heatmap& map) {
  title(c, box, map.title);
  if (!map.values || map.frames == 0 || map.bins == 0) return;
  float hi = -INFINITY, lo = INFINITY;
  for (size_t i = 0; i < map.frames * map.bins; ++i)
    if (std::isfinite(map.values[i])) {
      hi = std::max(hi, map.values[i]);
      lo = std::min(lo, map.values[i]);
    }
  if (!std::isfinite(hi)) hi = lo = 0;
  if (map.floor_below_max > 0) lo = std::max<float>(lo, hi - map.floor_below_max);
  if (!(hi > lo)) hi = lo + 1;
  Image img;
  img.info = ImageInfo{int(map.frames), int(map.bins), 3, 8};
  img.pixels.resize(map.frames * map.bins * 3);
  for (size_t t = 0; t < map.frames; ++t)
    for (size_t b = 0; b < map.bins; ++b) {
      Color col = viridis((map.values[t * map.bins + b] - lo) / (hi - lo));
      size_t at = ((map.bins - 1 - b) * map.frames + t) * 3;
      img.pixels[at] = char(col.r);
      img.pixels[at + 1] = char(col.g);
      img.pixels[at + 2] = char(col.b);
    }
  Frame f;
  double bar_w = 84;
  f.area = Box{box.x + 64, box.y + 30, box.w - 64 - bar_w - 8, box.h - 30 - 48};
  f.x0 = 0;
  f.x1 = map.seconds_per_frame > 0 ? map.frames * map.seconds_per_frame : double(map.frames);
  f.y0 = 0;
  f.y1 = double(map.bins);
  c.picture(f.area.x, f.area.y, f.area.w, f.area.h, img);
  y_axis(c, f, map.y_title, /*grid=*/false);
  x_axis(c, f, map.seconds_per_frame > 0 ? "time (s)" : "frame");
  // Colour bar.
  Image ramp;
  ramp.info = ImageInfo{1, 64, 3, 8};
  for (int i = 63; i >= 0; --i) {
    Color col = viridis(i / 63.0);
    ramp.pixels += char(col.r);
    ramp.pixels += char(col.g);
    ramp.pixels += char(col.b);
  }
  Frame bar;
  bar.area = Box{f.area.x + f.area.w + 14, f.area.y, 14, f.area.h};
  bar.y0 = lo;
  bar.y1 = hi;
  c.picture(bar.area.x, bar.area.y, bar.area.w, bar.area.h, ramp);
  std::vector<double> ticks = nice_ticks(lo, hi, std::max(2, int(f.area.h / 40)));
  double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  for (double t : ticks) {
    double y = std::round(bar.py(t)) + 0.5;
    c.line(bar.area.x + bar.area.w, y, bar.area.x + bar.area.w + 4, y, kInk);
    c.text(bar.area.x + bar.area.w + 7, y + 4, tick_text(t, step),
           TextStyle{.size = kTickSize, .color = kInk});
  }
  if (!map.unit.empty())
    c.text(bar.area.x + bar.area.w / 2, bar.area.y - 6, map.unit,
           TextStyle{.size = kTickSize, .color = kInk, .anchor = Anchor::kMiddle});
}

void draw_waveform(Canvas& c, Box box, const std::string& title_text,
                   const std::vector<float>& samples, int sample_rate,
                   const std::vector<Event>& events) {
  title(c, box, title_text);
  Frame f;
  f.area = Box{box.x + 64, box.y + 30, box.w - 64 - 16, box.h - 30 - 48};
  double seconds = sample_rate > 0 ? double(samples.size()) / sample_rate : 0;
  f.x0 = 0;
  f.x1 = seconds > 0 ? seconds : 1;
  f.y0 = -1;
  f.y1 = 1;
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    double xa = std::max(f.area.x, f.px(e.start));
    double xb = std::min(f.area.x + f.area.w, f.px(e.start + e.length));
    if (xb <= xa) continue;
    Color shade = category_color(1);
    shade.a = 56;
    c.rect(xa, f.area.y, xb - xa, f.area.h, shade, "class=\"event\"");
    c.line(xa, f.area.y, xa, f.area.y + f.area.h, category_color(3), 1.5);
    if (!e.label.empty())
      c.text(xa + 3, f.area.y + 13, ellipsize(e.label, 20),
             TextStyle{.size = 11, .color = category_color(3)});
  }
  y_axis(c, f, "amplitude");
  x_axis(c, f, "time (s)");
  // The envelope: per pixel column, a segment from the lowest to the highest sample.
  int columns = std::max(1, int(f.area.w));
  std::vector<Point> pairs;
  if (!samples.empty()) {
    for (int col = 0; col < columns; ++col) {
      size_t a = size_t(double(col) / columns * samples.size());
      size_t b = std::max(a + 1, size_t(double(col + 1) / columns * samples.size()));
      b = std::min(b, samples.size());
      if (a >= b) continue;
      auto [mn, mx] = std::minmax_element(samples.begin() + a, samples.begin() + b);
      double x = f.area.x + col + 0.5;
      double ya = f.py(std::clamp<double>(*mx, -1, 1)), yb = f.py(std::clamp<double>(*mn, -1, 1));
      if (yb - ya < 1) {
        ya -= 0.5;
        yb += 0.5;
      }
      pairs.push_back({x, ya});
      pairs.push_back({x, yb});
    }
  }
  c.segments(pairs, category_color(0), 1);
}

void draw_traces(Canvas& c, Box box, const std::string& title_text, const CsvTable& table,
                 double rate) {
  title(c, box, title_text);
  size_t rows = table.rows(), cols = table.columns;
  std::vector<std::string> names;
  std::vector<Color> colors;
  for (size_t k = 0; k < cols; ++k) {
    names.push_back(k < table.header.size() ? table.header[k] : "column " + std::to_string(k + 1));
    colors.push_back(category_color(k));
  }
  legend(c, box, names, colors);
  float lo = INFINITY, hi = -INFINITY;
  for (float v : table.values) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (!std::isfinite(lo)) lo = hi = 0;
  if (!(hi > lo)) {
    hi += 1;
    lo -= 1;
  }
  double pad = (hi - lo) * 0.05;
  Frame f;
  f.area = Box{box.x + 64, box.y + 30, box.w - 64 - 16, box.h - 30 - 48};
  f.x0 = 0;
  f.x1 = std::max<double>(1, rate > 0   ? (rows > 1 ? (rows - 1) / rate : 1)
                             : rows > 1 ? rows - 1
                                        : 1);
  f.y0 = lo - pad;
  f.y1 = hi + pad;
  y_axis(c, f, "value");
  x_axis(c, f, rate > 0 ? "time (s)" : "row");
  for (size_t k = 0; k < cols; ++k) {
    std::vector<Point> pts;
    pts.reserve(rows);
    for (size_t r = 0; r < rows; ++r)
      pts.push_back({f.px(rate > 0 ? r / rate : double(r)), f.py(table.values[r * cols + k])});
    c.polyline(pts, colors[k], 1.5);
  }
}

void draw_contact_sheet(Canvas& c, Box box, const std::string& title_text,
                        const std::vector<SheetRow>& rows) {
  title(c, box, title_text);
  if (rows.empty()) return;
  size_t most = 1;
  for (const auto& r : rows) most = std::max(most, r.images.size());
  TextStyle name_style{.size = 14, .color = kInk, .anchor = Anchor::kEnd, .bold = true};
  double label_w = 0;
  for (const auto& r : rows)
    label_w = std::max(label_w, Canvas::measure(ellipsize(r.label, 16), name_style));
  label_w = std::min(label_w + 16, 180.0);
  double top = box.y + (title_text.empty() ? 4 : 30);
  double cell = std::min((box.w - label_w - 8) / most, (box.y + box.h - top) / rows.size());
  cell = std::max(8.0, cell);
  double gap = std::max(2.0, cell * 0.06);
  for (size_t i = 0; i < rows.size(); ++i) {
    double y = top + i * cell;
    c.text(box.x + label_w - 8, y + cell / 2 + 5, ellipsize(rows[i].label, 16), name_style);
    for (size_t k = 0; k < rows[i].images.size(); ++k) {
      const Image& img = rows[i].images[k];
      double side = cell - gap;
      double w = side, h = side;
      if (img.info.width > img.info.height)
        h = side * img.info.height / std::max(1, img.info.width);
      else
        w = side * img.info.width / std::max(1, img.info.height);
      double x = box.x + label_w + k * cell;
      c.rect(x, y, side, side, Color{240, 240, 240});
      c.picture(x + (side - w) / 2, y + (side - h) / 2, w, h, img);
    }
  }
}

Image thumbnail(const Image& image, int max_side) {
  const ImageInfo& in = image.info;
  int w = in.width, h = in.height, ch = in.channels;
  double scale = std::min(1.0, double(max_side) / std::max(1, std::max(w, h)));
  int ow = std::max(1, int(std::lround(w * scale))), oh = std::max(1, int(std::lround(h * scale)));
  int bytes = in.depth_bits == 16 ? 2 : 1;
  auto value = [&](int x, int y, int k) -> double {
    size_t at = ((size_t(y) * w + x) * ch + k) * bytes;
    if (bytes == 2) return (uint8_t(image.pixels[at]) | uint8_t(image.pixels[at + 1]) << 8) / 257.0;
    return uint8_t(image.pixels[at]);
  };
  Image out;
  out.info = ImageInfo{ow, oh, 3, 8};
  out.pixels.resize(size_t(ow) * oh * 3);
  for (int oy = 0; oy < oh; ++oy) {
    int ya = oy * h / oh, yb = std::max(ya + 1, (oy + 1) * h / oh);
    for (int ox = 0; ox < ow; ++ox) {
      int xa = ox * w / ow, xb = std::max(xa + 1, (ox + 1) * w / ow);
      double sum[3] = {0, 0, 0};
      int n = 0;
      for (int y = ya; y < yb; ++y)
        for (int x = xa; x < xb; ++x, ++n) {
          double a = ch == 4 || ch == 2 ? value(x, y, ch - 1) / 255.0 : 1.0;
          for (int k = 0; k < 3; ++k) {
            double v = value(x, y, ch >= 3 ? k : 0);
            sum[k] += v * a + 255 * (1 - a);
          }
        }
      for (int k = 0; k < 3; ++k)
        out.pixels[(size_t(oy) * ow + ox) * 3 + k] = char(std::lround(sum[k] / std::max(1, n)));
    }
  }
  return out;
}

}  // namespace tinyprep

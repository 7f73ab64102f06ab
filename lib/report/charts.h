#pragma once
// The charts of the report and of `tinyprep plot`, drawn on a Canvas (canvas.h): axes with
// ticks and titles, stacked bars, histograms, heat maps with a colour bar, waveforms with
// events, IMU traces, contact sheets.
#include <string>
#include <vector>

#include "image/image_file.h"
#include "imu/csv_file.h"
#include "report/canvas.h"

namespace tinyprep {

struct Box {
  double x = 0, y = 0, w = 0, h = 0;
};

/// About `max_ticks` round values (1, 2 or 5 times a power of ten) covering [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int max_ticks);
/// A tick value with as many decimals as `step` needs.
std::string tick_text(double value, double step);
/// `text` cut to `max_chars` code points, with "…" when cut.
std::string ellipsize(const std::string& text, size_t max_chars);

/// Stacked bars: one bar per category, one stacked part per series.
struct BarChart {
  std::string title, x_title, y_title;
  std::vector<std::string> categories;
  std::vector<std::string> series;          ///< legend names (none for one unnamed series)
  std::vector<Color> colors;                ///< per series
  std::vector<std::vector<double>> values;  ///< [series][category]
};
void draw_bars(Canvas& c, Box box, const BarChart& chart);

/// A matrix shown as colours (viridis): time along x, bins along y (bin 0 at the bottom).
struct Heatmap {
  std::string title;
  const float* values = nullptr;  ///< frames x bins, frame-major (as features store them)
  size_t frames = 0, bins = 0;
  double seconds_per_frame = 0;  ///< 0: the x axis counts frames
  std::string y_title = "mel bin";
  std::string unit;            ///< the colour bar's title ("dB")
  double floor_below_max = 0;  ///< > 0: colours span [max - this, max] (80 dB)
};
void draw_heatmap(Canvas& c, Box box, const Heatmap& map);

/// A marked span of a waveform (segment's clips).
struct Event {
  double start = 0, length = 0;  ///< seconds
  std::string label;
};
/// Mono samples in [-1, 1] against time; events as shaded spans.
void draw_waveform(Canvas& c, Box box, const std::string& title, const std::vector<float>& samples,
                   int sample_rate, const std::vector<Event>& events = {});

/// Each column of a numeric table as a line against time (rows / rate) or row number (rate 0).
void draw_traces(Canvas& c, Box box, const std::string& title, const CsvTable& table,
                 double rate = 0);

/// Rows of thumbnails, each row's label written on its left.
struct SheetRow {
  std::string label;
  std::vector<Image> images;  ///< 8-bit RGB or gray
};
void draw_contact_sheet(Canvas& c, Box box, const std::string& title,
                        const std::vector<SheetRow>& rows);

/// An image reduced (area average) to fit max_side x max_side, as 8-bit RGB; alpha over white,
/// 16-bit to 8, gray to RGB.
Image thumbnail(const Image& image, int max_side);

}  // namespace tinyprep

#pragma once
// One drawing interface, two backends: SvgCanvas writes SVG elements (inline in the HTML
// report, or a .svg file), RasterCanvas fills RGB pixels and encodes a PNG through the image
// plugin (image/image_file.h). Charts draw on a Canvas, so a plot's PNG and SVG come from the
// same code and agree in every coordinate. Both are deterministic: the same calls give the same
// bytes.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "image/image_file.h"

namespace tinyprep {

struct Color {
  uint8_t r = 0, g = 0, b = 0, a = 255;
  /// "#rrggbb".
  std::string hex() const;
};

/// Matplotlib's viridis at t in [0, 1] (perceptually uniform, colour-blind safe).
Color viridis(double t);
/// The i-th colour of Okabe and Ito's colour-blind-safe palette (cycling).
Color category_color(size_t i);
/// The colour of a split: train, validation, test (fixed), others from category_color.
Color split_color(const std::string& split, size_t index);

inline constexpr Color kInk{34, 34, 34};
inline constexpr Color kGrid{221, 221, 221};
inline constexpr Color kMuted{102, 102, 102};
inline constexpr Color kWhite{255, 255, 255};

enum class Anchor { kStart, kMiddle, kEnd };

struct TextStyle {
  int size = 14;  ///< pixels per em
  Color color = kInk;
  Anchor anchor = Anchor::kStart;
  bool bold = false;
  bool vertical =
      false;  ///< rotated to read upwards (a y axis title); (x, y) is the baseline start
};

struct Point {
  double x, y;
};

class Canvas {
 public:
  Canvas(int width, int height) : width_(width), height_(height) {}
  virtual ~Canvas() = default;
  int width() const { return width_; }
  int height() const { return height_; }

  /// A filled rectangle. `attributes` (SVG only) are written into the element as they are,
  /// e.g. `data-count="12"`.
  virtual void rect(double x, double y, double w, double h, Color fill,
                    std::string_view attributes = {}) = 0;
  virtual void line(double x1, double y1, double x2, double y2, Color color, double width = 1) = 0;
  virtual void polyline(const std::vector<Point>& points, Color color, double width = 1) = 0;
  /// Separate segments (pairs of points) in one colour: a waveform's envelope.
  virtual void segments(const std::vector<Point>& pairs, Color color, double width = 1) = 0;
  /// `text` (UTF-8) with its baseline at y.
  virtual void text(double x, double y, std::string_view text, const TextStyle& style) = 0;
  /// An 8-bit RGB picture scaled (nearest neighbour, as pixels) into the rectangle.
  virtual void picture(double x, double y, double w, double h, const Image& image) = 0;

  /// Width of `text` in pixels (the same for both backends).
  static double measure(std::string_view text, const TextStyle& style);

 protected:
  int width_, height_;
};

class SvgCanvas : public Canvas {
 public:
  SvgCanvas(int width, int height) : Canvas(width, height) {}
  void rect(double x, double y, double w, double h, Color fill,
            std::string_view attributes = {}) override;
  void line(double x1, double y1, double x2, double y2, Color color, double width = 1) override;
  void polyline(const std::vector<Point>& points, Color color, double width = 1) override;
  void segments(const std::vector<Point>& pairs, Color color, double width = 1) override;
  void text(double x, double y, std::string_view text, const TextStyle& style) override;
  void picture(double x, double y, double w, double h, const Image& image) override;
  /// The <svg> element; `standalone` adds the XML declaration a .svg file starts with.
  /// `label` becomes its aria-label.
  std::string finish(bool standalone, std::string_view label = {}) const;

 private:
  std::string body_;
};

class RasterCanvas : public Canvas {
 public:
  RasterCanvas(int width, int height, Color background = kWhite);
  void rect(double x, double y, double w, double h, Color fill,
            std::string_view attributes = {}) override;
  void line(double x1, double y1, double x2, double y2, Color color, double width = 1) override;
  void polyline(const std::vector<Point>& points, Color color, double width = 1) override;
  void segments(const std::vector<Point>& pairs, Color color, double width = 1) override;
  void text(double x, double y, std::string_view text, const TextStyle& style) override;
  void picture(double x, double y, double w, double h, const Image& image) override;
  const Image& image() const { return image_; }
  /// The PNG bytes (through the image plugin's encoder).
  std::string png() const;

 private:
  void blend(int x, int y, Color c, double coverage);
  Image image_;
};

/// Text escaped for HTML and XML (&, <, >, ").
std::string xml_escape(std::string_view text);
/// Base64 of `bytes` (RFC 4648, padded).
std::string base64(std::string_view bytes);
/// A number as SVG writes it: at most 2 decimals, no trailing zeros.
std::string svg_number(double v);

}  // namespace tinyprep

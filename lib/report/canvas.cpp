#include "report/canvas.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "report/font.h"

namespace tinyprep {

std::string Color::hex() const {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", r, g, b);
  return buf;
}

Color viridis(double t) {
  // Ten evenly spaced samples of matplotlib's viridis, interpolated linearly.
  static constexpr std::array<std::array<uint8_t, 3>, 10> kStops = {{{0x44, 0x01, 0x54},
                                                                     {0x48, 0x28, 0x78},
                                                                     {0x3e, 0x4a, 0x89},
                                                                     {0x31, 0x68, 0x8e},
                                                                     {0x26, 0x82, 0x8e},
                                                                     {0x1f, 0x9e, 0x89},
                                                                     {0x35, 0xb7, 0x79},
                                                                     {0x6d, 0xcd, 0x59},
                                                                     {0xb4, 0xde, 0x2c},
                                                                     {0xfd, 0xe7, 0x25}}};
  if (!(t > 0)) t = 0;  // NaN too
  if (t > 1) t = 1;
  double pos = t * (kStops.size() - 1);
  size_t i = std::min<size_t>(size_t(pos), kStops.size() - 2);
  double f = pos - double(i);
  auto mix = [&](int c) {
    return uint8_t(std::lround(kStops[i][c] + (kStops[i + 1][c] - kStops[i][c]) * f));
  };
  return Color{mix(0), mix(1), mix(2)};
}

Color category_color(size_t i) {
  // Okabe & Ito (2008), without black; the yellow last (weak on white).
  static constexpr Color kPalette[] = {{0x00, 0x72, 0xb2}, {0xe6, 0x9f, 0x00}, {0x00, 0x9e, 0x73},
                                       {0xd5, 0x5e, 0x00}, {0xcc, 0x79, 0xa7}, {0x56, 0xb4, 0xe9},
                                       {0xf0, 0xe4, 0x42}};
  return kPalette[i % std::size(kPalette)];
}

Color split_color(const std::string& split, size_t index) {
  if (split == "train") return category_color(0);
  if (split == "validation") return category_color(1);
  if (split == "test") return category_color(2);
  return category_color(3 + index);
}

double Canvas::measure(std::string_view text, const TextStyle& style) {
  return text_width(text, style.size, style.bold);
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        // Control characters are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t')
          out += "\xEF\xBF\xBD";
        else
          out += c;
    }
  }
  return out;
}

std::string base64(std::string_view bytes) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 |
                 uint8_t(bytes[i + 2]);
    out += kDigits[v >> 18];
    out += kDigits[(v >> 12) & 63];
    out += kDigits[(v >> 6) & 63];
    out += kDigits[v & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += kDigits[v >> 18];
    out += kDigits[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kDigits[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string svg_number(double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

// ---- SVG ------------------------------------------------------------------------------------

namespace {
std::string paint(const char* attribute, Color c) {
  std::string s = std::string(" ") + attribute + "=\"" + c.hex() + "\"";
  if (c.a != 255)
    s += std::string(" ") + attribute + "-opacity=\"" + svg_number(c.a / 255.0) + "\"";
  return s;
}
}  // namespace

void SvgCanvas::rect(double x, double y, double w, double h, Color fill,
                     std::string_view attributes) {
  body_ += "<rect x=\"" + svg_number(x) + "\" y=\"" + svg_number(y) + "\" width=\"" +
           svg_number(std::max(0.0, w)) + "\" height=\"" + svg_number(std::max(0.0, h)) + "\"" +
           paint("fill", fill);
  if (!attributes.empty()) (body_ += ' ') += attributes;
  body_ += "/>\n";
}

void SvgCanvas::line(double x1, double y1, double x2, double y2, Color color, double width) {
  body_ += "<line x1=\"" + svg_number(x1) + "\" y1=\"" + svg_number(y1) + "\" x2=\"" +
           svg_number(x2) + "\" y2=\"" + svg_number(y2) + "\"" + paint("stroke", color) +
           " stroke-width=\"" + svg_number(width) + "\"/>\n";
}

void SvgCanvas::polyline(const std::vector<Point>& points, Color color, double width) {
  if (points.empty()) return;
  body_ += "<polyline fill=\"none\"" + paint("stroke", color) + " stroke-width=\"" +
           svg_number(width) + "\" stroke-linejoin=\"round\" points=\"";
  for (size_t i = 0; i < points.size(); ++i) {
    if (i) body_ += ' ';
    body_ += svg_number(points[i].x) + "," + svg_number(points[i].y);
  }
  body_ += "\"/>\n";
}

void SvgCanvas::segments(const std::vector<Point>& pairs, Color color, double width) {
  if (pairs.size() < 2) return;
  body_ += "<path fill=\"none\"" + paint("stroke", color) + " stroke-width=\"" + svg_number(width) +
           "\" d=\"";
  for (size_t i = 0; i + 1 < pairs.size(); i += 2)
    body_ += "M" + svg_number(pairs[i].x) + " " + svg_number(pairs[i].y) + "L" +
             svg_number(pairs[i + 1].x) + " " + svg_number(pairs[i + 1].y);
  body_ += "\"/>\n";
}

void SvgCanvas::text(double x, double y, std::string_view text, const TextStyle& style) {
  body_ += "<text x=\"" + svg_number(x) + "\" y=\"" + svg_number(y) + "\" font-size=\"" +
           std::to_string(style.size) + "\"" + paint("fill", style.color);
  if (style.anchor != Anchor::kStart)
    body_ += style.anchor == Anchor::kMiddle ? " text-anchor=\"middle\"" : " text-anchor=\"end\"";
  if (style.bold) body_ += " font-weight=\"bold\"";
  if (style.vertical)
    body_ += " transform=\"rotate(-90 " + svg_number(x) + " " + svg_number(y) + ")\"";
  body_ += ">" + xml_escape(text) + "</text>\n";
}

void SvgCanvas::picture(double x, double y, double w, double h, const Image& image) {
  body_ += "<image x=\"" + svg_number(x) + "\" y=\"" + svg_number(y) + "\" width=\"" +
           svg_number(w) + "\" height=\"" + svg_number(h) +
           "\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" "
           "href=\"data:image/png;base64," +
           base64(encode_image(image, ".png", "picture")) + "\"/>\n";
}

std::string SvgCanvas::finish(bool standalone, std::string_view label) const {
  std::string out;
  if (standalone) out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += standalone ? "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" : "<svg width=\"";
  out += std::to_string(width_) + "\" height=\"" + std::to_string(height_) + "\" viewBox=\"0 0 " +
         std::to_string(width_) + " " + std::to_string(height_) + "\" font-family=\"" +
         kSvgFontFamily + "\" role=\"img\"";
  if (!label.empty()) out += " aria-label=\"" + xml_escape(label) + "\"";
  out += ">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  out += body_;
  out += "</svg>\n";
  return out;
}

// ---- raster ---------------------------------------------------------------------------------

RasterCanvas::RasterCanvas(int width, int height, Color background) : Canvas(width, height) {
  image_.info = ImageInfo{width, height, 3, 8};
  image_.pixels.resize(size_t(width) * height * 3);
  for (size_t i = 0; i < size_t(width) * height; ++i) {
    image_.pixels[3 * i] = char(background.r);
    image_.pixels[3 * i + 1] = char(background.g);
    image_.pixels[3 * i + 2] = char(background.b);
  }
}

void RasterCanvas::blend(int x, int y, Color c, double coverage) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_ || coverage <= 0) return;
  double a = std::min(1.0, coverage) * c.a / 255.0;
  auto* p = reinterpret_cast<uint8_t*>(&image_.pixels[(size_t(y) * width_ + x) * 3]);
  p[0] = uint8_t(std::lround(p[0] + (c.r - p[0]) * a));
  p[1] = uint8_t(std::lround(p[1] + (c.g - p[1]) * a));
  p[2] = uint8_t(std::lround(p[2] + (c.b - p[2]) * a));
}

void RasterCanvas::rect(double x, double y, double w, double h, Color fill, std::string_view) {
  if (w <= 0 || h <= 0) return;
  double x1 = x + w, y1 = y + h;
  int xa = std::max(0, int(std::floor(x))), xb = std::min(width_, int(std::ceil(x1)));
  int ya = std::max(0, int(std::floor(y))), yb = std::min(height_, int(std::ceil(y1)));
  for (int py = ya; py < yb; ++py) {
    double cy = std::min<double>(py + 1, y1) - std::max<double>(py, y);
    for (int px = xa; px < xb; ++px) {
      double cx = std::min<double>(px + 1, x1) - std::max<double>(px, x);
      blend(px, py, fill, cx * cy);
    }
  }
}

void RasterCanvas::line(double x1, double y1, double x2, double y2, Color color, double width) {
  if (x1 == x2 || y1 == y2) {  // axis-aligned: an exact rectangle
    double h = width / 2;
    if (y1 == y2)
      rect(std::min(x1, x2), y1 - h, std::abs(x2 - x1), width, color);
    else
      rect(x1 - h, std::min(y1, y2), width, std::abs(y2 - y1), color);
    return;
  }
  double r = width / 2 + 1;
  int xa = std::max(0, int(std::floor(std::min(x1, x2) - r)));
  int xb = std::min(width_ - 1, int(std::ceil(std::max(x1, x2) + r)));
  int ya = std::max(0, int(std::floor(std::min(y1, y2) - r)));
  int yb = std::min(height_ - 1, int(std::ceil(std::max(y1, y2) + r)));
  double dx = x2 - x1, dy = y2 - y1, len2 = dx * dx + dy * dy;
  for (int py = ya; py <= yb; ++py)
    for (int px = xa; px <= xb; ++px) {
      double cx = px + 0.5, cy = py + 0.5;
      double t = std::clamp(((cx - x1) * dx + (cy - y1) * dy) / len2, 0.0, 1.0);
      double ex = x1 + t * dx - cx, ey = y1 + t * dy - cy;
      double d = std::sqrt(ex * ex + ey * ey);
      blend(px, py, color, std::clamp(width / 2 + 0.5 - d, 0.0, 1.0));
    }
}

void RasterCanvas::polyline(const std::vector<Point>& points, Color color, double width) {
  for (size_t i = 0; i + 1 < points.size(); ++i)
    line(points[i].x, points[i].y, points[i + 1].x, points[i + 1].y, color, width);
}

void RasterCanvas::segments(const std::vector<Point>& pairs, Color color, double width) {
  for (size_t i = 0; i + 1 < pairs.size(); i += 2)
    line(pairs[i].x, pairs[i].y, pairs[i + 1].x, pairs[i + 1].y, color, width);
}

void RasterCanvas::text(double x, double y, std::string_view text, const TextStyle& style) {
  TextMask m = render_text(text, style.size, style.bold);
  double w = text_width(text, style.size, style.bold);
  double shift = style.anchor == Anchor::kStart ? 0 : style.anchor == Anchor::kMiddle ? w / 2 : w;
  int ox = int(std::lround(x)), oy = int(std::lround(y));
  int s = int(std::lround(shift));
  for (int my = 0; my < m.height; ++my)
    for (int mx = 0; mx < m.width; ++mx) {
      uint8_t a = m.alpha[size_t(my) * m.width + mx];
      if (!a) continue;
      if (style.vertical)  // rotated -90 degrees about (x, y): reads upwards
        blend(ox + (my - m.ascent), oy - (mx - s), style.color, a / 255.0);
      else
        blend(ox + mx - s, oy + (my - m.ascent), style.color, a / 255.0);
    }
}

void RasterCanvas::picture(double x, double y, double w, double h, const Image& image) {
  const ImageInfo& in = image.info;
  if (in.width <= 0 || in.height <= 0 || w <= 0 || h <= 0) return;
  int xa = std::max(0, int(std::lround(x))), xb = std::min(width_, int(std::lround(x + w)));
  int ya = std::max(0, int(std::lround(y))), yb = std::min(height_, int(std::lround(y + h)));
  for (int py = ya; py < yb; ++py) {
    int sy = std::clamp(int((py + 0.5 - y) / h * in.height), 0, in.height - 1);
    for (int px = xa; px < xb; ++px) {
      int sx = std::clamp(int((px + 0.5 - x) / w * in.width), 0, in.width - 1);
      const char* src = &image.pixels[(size_t(sy) * in.width + sx) * in.channels];
      char* dst = &image_.pixels[(size_t(py) * width_ + px) * 3];
      if (in.channels >= 3) {
        dst[0] = src[0];
        dst[1] = src[1];
        dst[2] = src[2];
      } else {
        dst[0] = dst[1] = dst[2] = src[0];
      }
    }
  }
}

std::string RasterCanvas::png() const {
  return encode_image(image_, ".png", "plot");
}

}  // namespace tinyprep

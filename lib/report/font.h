#pragma once
// Text for raster pictures: UTF-8 strings drawn into an alpha mask with FreeType (opened with
// dlopen on first use, core/plugin.h) from the Debian fonts DejaVu Sans (Latin, Greek,
// Cyrillic...) and Abyssinica SIL (Ethiopic), falling back glyph by glyph. A character no font
// has, or every character when FreeType or the fonts are missing, is drawn as an empty box.
// The SVG backend measures text with the same metrics, so both lay out alike.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tinyprep {

/// Text drawn as coverage values (0-255), `ascent` rows above the baseline.
struct TextMask {
  int width = 0, height = 0, ascent = 0;
  std::vector<uint8_t> alpha;  ///< height x width
};

/// Unicode code points of UTF-8 text; bytes that are not UTF-8 become U+FFFD.
std::vector<char32_t> utf8_code_points(std::string_view text);

/// Width in pixels of `text` at `pixel_size` (a font's em in pixels).
double text_width(std::string_view text, int pixel_size, bool bold = false);

/// Draws `text` at `pixel_size`.
TextMask render_text(std::string_view text, int pixel_size, bool bold = false);

/// The font families the SVG backend names (the same fonts, for a browser to find).
inline constexpr const char* kSvgFontFamily = "'DejaVu Sans', 'Abyssinica SIL', sans-serif";

}  // namespace tinyprep

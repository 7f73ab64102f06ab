#include "report/font.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "core/error.h"
#include "core/plugin.h"

namespace tinyprep {
namespace {

struct FreeType : Library {
  FreeType() : Library("libfreetype.so.6", "text in PNG plots", "install libfreetype6") {}
  TINYPREP_LIBRARY_FUNCTION(init, FT_Init_FreeType);
  TINYPREP_LIBRARY_FUNCTION(new_face, FT_New_Face);
  TINYPREP_LIBRARY_FUNCTION(set_pixel_sizes, FT_Set_Pixel_Sizes);
  TINYPREP_LIBRARY_FUNCTION(char_index, FT_Get_Char_Index);
  TINYPREP_LIBRARY_FUNCTION(load_glyph, FT_Load_Glyph);
};

// Regular and bold faces, in fallback order. Debian's fonts-dejavu-core and
// fonts-sil-abyssinica (scripts/install-deps).
constexpr const char* kRegular[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/abyssinica/AbyssinicaSIL-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf",
};
constexpr const char* kBold[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/abyssinica/AbyssinicaSIL-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf",
};

struct Glyph {
  int left = 0, top = 0, width = 0, height = 0;
  double advance = 0;
  std::vector<uint8_t> alpha;
  bool box = false;  // no font has it: an empty box
};

class Fonts {
 public:
  static Fonts& get() {
    static Fonts fonts;
    return fonts;
  }

  // The glyph of `cp` at `size`; cached.
  const Glyph& glyph(char32_t cp, int size, bool bold) {
    auto key = std::make_tuple(cp, size, bold);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    return cache_.emplace(key, make(cp, size, bold)).first->second;
  }

  std::mutex mutex;

 private:
  Fonts() {
    try {
      ft_ = std::make_unique<FreeType>();
      if (ft_->init(&library_) != 0) ft_.reset();
    } catch (const Error&) {
      ft_.reset();  // no FreeType: boxes
    }
    if (!ft_) return;
    auto open = [&](const auto& paths, std::vector<FT_Face>& faces) {
      for (const char* path : paths) {
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) continue;
        FT_Face face = nullptr;
        if (ft_->new_face(library_, path, 0, &face) == 0) faces.push_back(face);
      }
    };
    open(kRegular, regular_);
    open(kBold, bold_);
  }

  Glyph make(char32_t cp, int size, bool bold) {
    Glyph g;
    if (cp == U' ') {
      g.advance = size * 0.318;
      if (!ft_ || (bold ? bold_ : regular_).empty()) return g;
    }
    for (FT_Face face : bold ? bold_ : regular_) {
      FT_UInt index = ft_->char_index(face, cp);
      if (index == 0) continue;
      if (ft_->set_pixel_sizes(face, 0, size) != 0) continue;
      if (ft_->load_glyph(face, index, FT_LOAD_RENDER | FT_LOAD_TARGET_LIGHT) != 0) continue;
      FT_GlyphSlot slot = face->glyph;
      const FT_Bitmap& b = slot->bitmap;
      if (b.pixel_mode != FT_PIXEL_MODE_GRAY) continue;
      g.left = slot->bitmap_left;
      g.top = slot->bitmap_top;
      g.width = static_cast<int>(b.width);
      g.height = static_cast<int>(b.rows);
      g.advance = slot->advance.x / 64.0;
      g.alpha.resize(size_t(g.width) * g.height);
      for (int y = 0; y < g.height; ++y)
        std::copy_n(b.buffer + ptrdiff_t(y) * b.pitch, g.width, g.alpha.begin() + y * g.width);
      return g;
    }
    // No font has it: a box (a "tofu"), as browsers draw one.
    g.box = true;
    g.advance = std::round(size * 0.6);
    g.left = 1;
    g.width = std::max(3, int(g.advance) - 2);
    g.height = std::max(4, int(std::round(size * 0.72)));
    g.top = g.height;
    g.alpha.assign(size_t(g.width) * g.height, 0);
    for (int y = 0; y < g.height; ++y)
      for (int x = 0; x < g.width; ++x)
        if (x == 0 || y == 0 || x == g.width - 1 || y == g.height - 1)
          g.alpha[size_t(y) * g.width + x] = 255;
    return g;
  }

  std::unique_ptr<FreeType> ft_;
  FT_Library library_ = nullptr;
  std::vector<FT_Face> regular_, bold_;
  std::map<std::tuple<char32_t, int, bool>, Glyph> cache_;
};

}  // namespace

std::vector<char32_t> utf8_code_points(std::string_view text) {
  std::vector<char32_t> out;
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = text[i];
    int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (n < 0 || i + n >= text.size() + (n == 0)) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = n == 0 ? c : c & (0x3F >> n);
    bool ok = true;
    for (int k = 1; k <= n; ++k) {
      unsigned char d = text[i + k];
      if ((d >> 6) != 2) ok = false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += n + 1;
  }
  return out;
}

double text_width(std::string_view text, int pixel_size, bool bold) {
  Fonts& f = Fonts::get();
  std::lock_guard lock(f.mutex);
  double w = 0;
  for (char32_t cp : utf8_code_points(text)) w += std::round(f.glyph(cp, pixel_size, bold).advance);
  return w;
}

TextMask render_text(std::string_view text, int pixel_size, bool bold) {
  Fonts& f = Fonts::get();
  std::lock_guard lock(f.mutex);
  std::vector<char32_t> cps = utf8_code_points(text);
  int ascent = int(std::ceil(pixel_size * 0.95)), descent = int(std::ceil(pixel_size * 0.3));
  double width = 0;
  for (char32_t cp : cps) {
    const Glyph& g = f.glyph(cp, pixel_size, bold);
    ascent = std::max(ascent, g.top);
    descent = std::max(descent, g.height - g.top);
    width += std::round(g.advance);
  }
  TextMask m;
  m.width = int(width) + 2;
  m.height = ascent + descent;
  m.ascent = ascent;
  m.alpha.assign(size_t(m.width) * m.height, 0);
  double pen = 0;
  for (char32_t cp : cps) {
    const Glyph& g = f.glyph(cp, pixel_size, bold);
    int ox = int(pen) + g.left, oy = ascent - g.top;
    for (int y = 0; y < g.height; ++y) {
      int ty = oy + y;
      if (ty < 0 || ty >= m.height) continue;
      for (int x = 0; x < g.width; ++x) {
        int tx = ox + x;
        if (tx < 0 || tx >= m.width) continue;
        uint8_t& a = m.alpha[size_t(ty) * m.width + tx];
        a = std::max(a, g.alpha[size_t(y) * g.width + x]);
      }
    }
    pen += std::round(g.advance);
  }
  return m;
}

}  // namespace tinyprep

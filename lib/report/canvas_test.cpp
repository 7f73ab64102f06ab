#include "report/canvas.h"

#include <catch2/catch.hpp>

#include "report/charts.h"
#include "report/font.h"

using namespace tinyprep;

TEST_CASE("base64 pads as RFC 4648 does") {
  CHECK(base64("") == "");
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foo") == "Zm9v");
  CHECK(base64("foobar") == "Zm9vYmFy");
}

TEST_CASE("UTF-8 text becomes code points; broken bytes U+FFFD") {
  CHECK(utf8_code_points("não") == std::vector<char32_t>{U'n', U'ã', U'o'});
  CHECK(utf8_code_points("ሰላም") == std::vector<char32_t>{0x1230, 0x120B, 0x121D});
  CHECK(utf8_code_points("a\xff") == std::vector<char32_t>{U'a', 0xFFFD});
  CHECK(utf8_code_points("\xe1\x88") == std::vector<char32_t>{0xFFFD, 0xFFFD});
}

TEST_CASE("ticks are round and cover the range") {
  CHECK(nice_ticks(0, 12, 6) == std::vector<double>{0, 2, 4, 6, 8, 10, 12});
  CHECK(nice_ticks(0, 1, 5) == std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1});
  CHECK(tick_text(0.25, 0.05) == "0.25");
  CHECK(tick_text(-60, 10) == "-60");
  CHECK(ellipsize("abcdef", 3) == "abc…");
  CHECK(ellipsize("não", 3) == "não");
}

TEST_CASE("viridis runs from dark purple to yellow") {
  CHECK(viridis(0).hex() == "#440154");
  CHECK(viridis(1).hex() == "#fde725");
  CHECK(viridis(-1).hex() == "#440154");
}

TEST_CASE("a rectangle lands on the same pixels in both backends") {
  SvgCanvas svg(40, 30);
  RasterCanvas raster(40, 30);
  for (Canvas* c : {static_cast<Canvas*>(&svg), static_cast<Canvas*>(&raster)})
    c->rect(10, 5, 20, 10, Color{0, 114, 178}, "data-value=\"3\"");
  std::string doc = svg.finish(false);
  CHECK(doc.find("<rect x=\"10\" y=\"5\" width=\"20\" height=\"10\" fill=\"#0072b2\" "
                 "data-value=\"3\"/>") != std::string::npos);
  CHECK(doc.find("http") == std::string::npos);  // inline SVG needs no namespace
  CHECK(svg.finish(true).find("xmlns=\"http://www.w3.org/2000/svg\"") != std::string::npos);
  const std::string& px = raster.image().pixels;
  auto at = [&](int x, int y) { return uint8_t(px[(size_t(y) * 40 + x) * 3 + 2]); };
  CHECK(at(10, 5) == 178);
  CHECK(at(29, 14) == 178);
  CHECK(at(9, 5) == 255);
  CHECK(at(30, 14) == 255);
  CHECK(at(10, 15) == 255);
}

TEST_CASE("text is drawn, UTF-8 included, and escaped in SVG") {
  RasterCanvas c(200, 40);
  c.text(4, 28, "ሰላም não", TextStyle{.size = 18});
  long dark = 0;
  for (char v : c.image().pixels) dark += uint8_t(v) < 128;
  CHECK(dark > 50);
  CHECK(text_width("ሰላም", 18) > 20);
  SvgCanvas s(100, 20);
  s.text(0, 10, "a<b & \"c\"", TextStyle{});
  CHECK(s.finish(false).find(">a&lt;b &amp; &quot;c&quot;</text>") != std::string::npos);
}

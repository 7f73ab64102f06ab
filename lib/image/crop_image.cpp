#include "image/crop_image.h"

#include <cmath>
#include <cstdint>

#include "core/error.h"

namespace tinyprep {

int exif_orientation(std::string_view b) {
  auto u8 = [&](size_t at) { return static_cast<unsigned>(static_cast<unsigned char>(b[at])); };
  if (b.size() < 4 || u8(0) != 0xFF || u8(1) != 0xD8) return 1;
  size_t at = 2;
  while (at + 4 <= b.size() && u8(at) == 0xFF) {
    unsigned marker = u8(at + 1);
    if (marker == 0xDA || marker == 0xD9) break;  // image data: no EXIF before it
    size_t length = u8(at + 2) << 8 | u8(at + 3);
    if (length < 2 || at + 2 + length > b.size()) break;
    std::string_view seg = b.substr(at + 4, length - 2);
    if (marker == 0xE1 && seg.size() >= 14 && seg.substr(0, 6) == std::string_view("Exif\0\0", 6)) {
      std::string_view t = seg.substr(6);
      const bool le = t.substr(0, 2) == "II";
      if (!le && t.substr(0, 2) != "MM") return 1;
      auto num = [&](size_t p, int n) -> uint32_t {
        uint32_t v = 0;
        for (int i = 0; i < n; ++i) {
          uint32_t c = static_cast<unsigned char>(t[p + i]);
          v |= le ? c << (8 * i) : c << (8 * (n - 1 - i));
        }
        return v;
      };
      uint32_t ifd = num(4, 4);
      if (ifd + 2 > t.size()) return 1;
      uint32_t count = num(ifd, 2);
      for (uint32_t i = 0; i < count; ++i) {
        size_t e = ifd + 2 + 12 * size_t(i);
        if (e + 12 > t.size()) return 1;
        if (num(e, 2) == 0x0112) {
          uint32_t v = num(e + 8, 2);
          return v >= 1 && v <= 8 ? static_cast<int>(v) : 1;
        }
      }
      return 1;
    }
    at += 2 + length;
  }
  return 1;
}

bool jpeg_size(std::string_view b, int& width, int& height) {
  auto u8 = [&](size_t at) { return static_cast<unsigned>(static_cast<unsigned char>(b[at])); };
  if (b.size() < 4 || u8(0) != 0xFF || u8(1) != 0xD8) return false;
  size_t at = 2;
  while (at + 4 <= b.size()) {
    if (u8(at) != 0xFF) return false;
    const unsigned marker = u8(at + 1);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9) return false;  // image data before any frame header
    const size_t length = u8(at + 2) << 8 | u8(at + 3);
    if (length < 2 || at + 2 + length > b.size()) return false;
    // SOF0..SOF15 but DHT (C4), JPG (C8) and DAC (CC): length, precision, height, width.
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      if (length < 7) return false;
      height = static_cast<int>(u8(at + 5) << 8 | u8(at + 6));
      width = static_cast<int>(u8(at + 7) << 8 | u8(at + 8));
      return width > 0 && height > 0;
    }
    at += 2 + length;
  }
  return false;
}

namespace {

void check_frame_size(std::string_view bytes, int width, int height, size_t bytes_per_pixel,
                      const std::string& name) {
  if (width <= 0 || height <= 0)
    throw Error(name, 0, "a raw frame needs its size in the line's image.width and image.height");
  size_t want = size_t(width) * size_t(height) * bytes_per_pixel;
  if (bytes.size() != want)
    throw Error(name, 0,
                "a " + std::to_string(width) + "x" + std::to_string(height) + " frame is " +
                    std::to_string(want) + " bytes, the file has " + std::to_string(bytes.size()));
}

}  // namespace

namespace {

// Widens n RGB565 values, pixel(i) each, to 8-bit RGB by repeating each channel's top bits
// (0x1f -> 0xff, 0x00 -> 0x00).
template <typename Pixel>
Image widen_rgb565(int width, int height, Pixel pixel) {
  Image out{ImageInfo{width, height, 3, 8}, {}};
  const size_t n = size_t(width) * height;
  out.pixels.resize(n * 3);
  auto* px = reinterpret_cast<unsigned char*>(out.pixels.data());
  for (size_t i = 0; i < n; ++i) {
    const unsigned v = pixel(i);
    const unsigned r = v >> 11, g = (v >> 5) & 0x3f, b = v & 0x1f;
    px[3 * i + 0] = static_cast<unsigned char>(r << 3 | r >> 2);
    px[3 * i + 1] = static_cast<unsigned char>(g << 2 | g >> 4);
    px[3 * i + 2] = static_cast<unsigned char>(b << 3 | b >> 2);
  }
  return out;
}

}  // namespace

Image rgb565_to_image(std::string_view bytes, int width, int height, const std::string& name) {
  check_frame_size(bytes, width, height, 2, name);
  auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  return widen_rgb565(width, height,
                      [in](size_t i) { return unsigned(in[2 * i]) << 8 | in[2 * i + 1]; });
}

Image rgb565_to_image(std::span<const uint16_t> pixels, int width, int height) {
  return widen_rgb565(width, height, [pixels](size_t i) { return unsigned(pixels[i]); });
}

Image gray8_to_image(std::string_view bytes, int width, int height, const std::string& name) {
  check_frame_size(bytes, width, height, 1, name);
  return Image{ImageInfo{width, height, 1, 8}, std::string(bytes)};
}

}  // namespace tinyprep

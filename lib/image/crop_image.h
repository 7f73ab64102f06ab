#pragma once
// Crop and resize one image to a fixed size (`tinyprep crop`). The geometry is decided here,
// as OpenCV-Python code does it, so a user's own script and tinyprep agree; the pixel work is
// done by OpenCV in libtinyprep_opencv.so (image_codec.h), loaded on first use.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "image/image_file.h"

namespace tinyprep {

/// How the image is brought to the target size (Edge Impulse's names).
enum class CropMode {
  kSquash,       ///< resize to W x H, ignoring the aspect ratio
  kFitShortest,  ///< scale so the shorter side fits, centre-crop the rest
  kFitLongest,   ///< scale so the longer side fits, pad with black (letterbox)
};

struct CropSpec {
  int width = 0, height = 0;
  CropMode mode = CropMode::kFitShortest;
  bool gray = false;  ///< 1 channel (ITU-R 601 weights, as OpenCV's BGR2GRAY), else RGB
};

/// A rectangle in pixels.
struct PixelRect {
  int x = 0, y = 0, width = 0, height = 0;
};

/// Where the resize lands: the image is resized to scaled_width x scaled_height, then the
/// target's (0, 0) is at (offset_x, offset_y) of it (fit-shortest: offsets >= 0, a crop;
/// fit-longest: offsets <= 0, black padding). As OpenCV-Python code computes it: s = W / w
/// (max or min of the two ratios), n = round(w * s) with Python's round (half to even), a crop
/// from (n - W) // 2, a pad of (W - n) // 2 before the image (floor division).
struct ResizePlan {
  int scaled_width = 0, scaled_height = 0;
  int offset_x = 0, offset_y = 0;
  bool area = true;  ///< INTER_AREA when neither side grows, else INTER_LINEAR
};
/// Inline: the opencv plugin computes it after rotation and box, and a plugin calls back into
/// the binary only for lib/core (a test executable may lack the rest of lib/image).
inline ResizePlan plan_resize(int width, int height, const CropSpec& spec) {
  ResizePlan p;
  const int W = spec.width, H = spec.height;
  if (spec.mode == CropMode::kSquash) {
    p.scaled_width = W;
    p.scaled_height = H;
  } else {
    const double sx = static_cast<double>(W) / width, sy = static_cast<double>(H) / height;
    const double s = spec.mode == CropMode::kFitShortest ? std::max(sx, sy) : std::min(sx, sy);
    // std::nearbyint in the default rounding mode rounds half to even, as Python's round().
    p.scaled_width = std::max(1, static_cast<int>(std::nearbyint(width * s)));
    p.scaled_height = std::max(1, static_cast<int>(std::nearbyint(height * s)));
    auto floor_half = [](int n) { return n >= 0 ? n / 2 : -((-n + 1) / 2); };  // Python's //
    if (spec.mode == CropMode::kFitShortest) {  // img[(n - H) // 2 :][:, (n - W) // 2 :]
      p.offset_x = floor_half(p.scaled_width - W);
      p.offset_y = floor_half(p.scaled_height - H);
    } else {  // out[(H - n) // 2 :][:, (W - n) // 2 :] = resized
      p.offset_x = -floor_half(W - p.scaled_width);
      p.offset_y = -floor_half(H - p.scaled_height);
    }
  }
  p.area = p.scaled_width <= width && p.scaled_height <= height;
  return p;
}

/// What the plugin does to one decoded image, in this order: EXIF orientation, 16 -> 8 bits
/// (x / 257, rounded), alpha composited onto black, the box, colour, resize per `plan`.
struct CropRequest {
  CropSpec spec;
  int orientation = 1;           ///< EXIF orientation 1..8
  std::optional<PixelRect> box;  ///< in the oriented image, inside it
  /// When the pixels were decoded at reduced scale (decode_for_crop): the oriented size of the
  /// whole image, which the resize plan is made for; 0 when the pixels are the whole image.
  int full_width = 0, full_height = 0;
};

/// The EXIF orientation (1..8) of a JPEG's bytes; 1 when it has none.
int exif_orientation(std::string_view bytes);

/// Size after the EXIF orientation (5..8 swap width and height).
inline void oriented_size(int orientation, int& width, int& height) {
  if (orientation >= 5 && orientation <= 8) std::swap(width, height);
}

/// The width and height in a JPEG's frame header (SOFn); false when `bytes` is not a JPEG or
/// has no frame header before its image data.
bool jpeg_size(std::string_view bytes, int& width, int& height);

/// The scale (1, 2, 4 or 8) at which libjpeg may decode a width x height image (oriented) for
/// `spec`: the largest whose decoded size, ceil(width / f) x ceil(height / f), is still at
/// least twice the size the plan resizes to and at least 64 pixels, in both directions. The
/// area resize of such a reduced decode stays within the mean absolute difference of 2 levels
/// that issue 13 allows (measured: 0.3 to 1.6 levels on the test photos at half scale; at 1/4
/// scale, 1.25x the target, it was up to 2.9). The 64 keeps the last, partial block of a side
/// whose length f does not divide from weighing much (a 10000x10 image stays whole).
inline int jpeg_reduction(int width, int height, const CropSpec& spec) {
  const ResizePlan p = plan_resize(width, height, spec);
  int best = 1;
  for (int f : {2, 4, 8}) {
    const int w = (width + f - 1) / f, h = (height + f - 1) / f;
    if (w >= 2 * p.scaled_width && h >= 2 * p.scaled_height && w >= 64 && h >= 64) best = f;
  }
  return best;
}

/// An image file's bytes decoded for crop_image, setting request.orientation from the EXIF
/// tag. Unless `whole` (a box is to be cut: boxes are in whole-image pixels), a JPEG whose
/// jpeg_reduction is more than 1 is decoded at that scale by libjpeg's DCT scaling (OpenCV's
/// IMREAD_REDUCED_*; gray straight from the luma when spec.gray), and request.full_width and
/// full_height get its whole oriented size. Throws Error naming `name`.
Image decode_for_crop(std::string_view bytes, bool whole, CropRequest& request,
                      const std::string& name);

/// Decoded pixels (image_file.h) cropped and resized: 8-bit, gray or RGB, spec's size.
/// Throws Error naming `name`.
Image crop_image(const Image& image, const CropRequest& request, const std::string& name);

/// The raw frames of an OV767x camera: big-endian RGB565, widened to 8-bit RGB by repeating
/// each channel's top bits (as `capture serial --mode ov767x-*` stores them); throws Error
/// naming `name` when `bytes` is not width * height pixels.
Image rgb565_to_image(std::string_view bytes, int width, int height, const std::string& name);
/// The same from pixel values (as a serial frame parser holds them): width * height of them.
Image rgb565_to_image(std::span<const uint16_t> pixels, int width, int height);

/// A raw 8-bit grayscale frame; throws Error naming `name` when the size does not match.
Image gray8_to_image(std::string_view bytes, int width, int height, const std::string& name);

}  // namespace tinyprep

#pragma once
// Still images (PNG, JPEG, BMP incl. palettised, PGM/PPM, TIFF, WebP), decoded by OpenCV's
// imgcodecs in the plugin libtinyprep_opencv.so (image_codec.h), loaded on first use.
#include <string>
#include <string_view>

namespace tinyprep {

struct ImageInfo {
  int width = 0;
  int height = 0;
  int channels = 0;  ///< 1 gray, 3 colour, 4 with alpha
  int depth_bits = 8;
};

/// Decoded pixels, row-major height x width x channels, RGB(A) order (as PIL and
/// tf.io.decode_image give them), 8 or 16 bits per value (16-bit little-endian).
struct Image {
  ImageInfo info;
  std::string pixels;
};

/// Decodes the image and returns its size; throws Error naming the file when it is missing or
/// not a decodable image.
ImageInfo probe_image(const std::string& path);

/// Decodes the image's pixels; throws Error naming the file.
Image read_image(const std::string& path);

/// Decodes an image file's bytes; throws Error naming `name`.
Image decode_image(std::string_view bytes, const std::string& name);

/// Encodes pixels as ".png" or ".jpg" (quality 95); throws Error naming `name`.
std::string encode_image(const Image& image, const std::string& ext, const std::string& name);

/// True for extensions OpenCV decodes (.png .jpg .jpeg .bmp .pgm .ppm .pnm .tif .tiff .webp).
bool is_image_extension(const std::string& ext);

}  // namespace tinyprep

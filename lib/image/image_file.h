#pragma once
// Still images through OpenCV's imgcodecs (PNG, JPEG, BMP incl. palettised, PGM/PPM, ...).
#include <string>

namespace tinyprep {

struct ImageInfo {
  int width = 0;
  int height = 0;
  int channels = 0;  ///< 1 gray, 3 colour, 4 with alpha
  int depth_bits = 8;
};

/// Decodes the image and returns its size; throws Error naming the file when it is missing or
/// not a decodable image.
ImageInfo probe_image(const std::string& path);

/// True for extensions OpenCV decodes (.png .jpg .jpeg .bmp .pgm .ppm .pnm .tif .tiff .webp).
bool is_image_extension(const std::string& ext);

}  // namespace tinyprep

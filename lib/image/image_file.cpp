#include "image/image_file.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "core/io.h"
#include "core/plugin.h"
#include "image/augment_image.h"
#include "image/crop_image.h"
#include "image/image_codec.h"

#ifndef TINYPREP_OPENCV_PLUGIN_BUILD_PATH
#define TINYPREP_OPENCV_PLUGIN_BUILD_PATH ""
#endif

namespace tinyprep {
namespace {

template <class F>
F codec(const char* symbol) {
  return reinterpret_cast<F>(plugin_symbol("libtinyprep_opencv.so", "TINYPREP_OPENCV_PLUGIN",
                                           TINYPREP_OPENCV_PLUGIN_BUILD_PATH, symbol,
                                           "image support"));
}

std::string read_image_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(path, 0, "no such file");
  return read_file(path);  // our own read gives a real I/O error message
}

}  // namespace

ImageInfo probe_image(const std::string& path) {
  static auto probe = codec<ImageProbe>(kImageProbeSymbol);
  return probe(read_image_file(path), path);
}

Image read_image(const std::string& path) {
  static auto decode = codec<ImageDecode>(kImageDecodeSymbol);
  return decode(read_image_file(path), path);
}

Image decode_image(std::string_view bytes, const std::string& name) {
  static auto decode = codec<ImageDecode>(kImageDecodeSymbol);
  return decode(bytes, name);
}

std::string encode_image(const Image& image, const std::string& ext, const std::string& name) {
  static auto encode = codec<ImageEncode>(kImageEncodeSymbol);
  return encode(image, ext, name);
}

Image decode_for_crop(std::string_view bytes, bool whole, CropRequest& request,
                      const std::string& name) {
  request.orientation = exif_orientation(bytes);
  int width = 0, height = 0;
  if (whole || !jpeg_size(bytes, width, height)) return decode_image(bytes, name);
  oriented_size(request.orientation, width, height);
  const int factor = jpeg_reduction(width, height, request.spec);
  if (factor == 1) return decode_image(bytes, name);
  static auto decode = codec<ImageDecodeReduced>(kImageDecodeReducedSymbol);
  Image image = decode(bytes, factor, request.spec.gray, name);
  request.full_width = width;
  request.full_height = height;
  return image;
}

Image crop_image(const Image& image, const CropRequest& request, const std::string& name) {
  static auto crop = codec<ImageCrop>(kImageCropSymbol);
  return crop(image, request, name);
}

Image augment_image(const Image& image, const ImageAugmentRequest& request,
                    const std::string& name) {
  static auto augment = codec<ImageAugment>(kImageAugmentSymbol);
  return augment(image, request, name);
}

bool is_image_extension(const std::string& ext) {
  std::string e = ext;
  std::transform(e.begin(), e.end(), e.begin(), ::tolower);
  for (const char* known :
       {".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm", ".pnm", ".pbm", ".tif", ".tiff", ".webp"})
    if (e == known) return true;
  return false;
}

}  // namespace tinyprep

#pragma once
// A media file as an array, for exports of samples that have no features.
#include <string>
#include <vector>

namespace tinyprep {

struct MediaArray {
  std::string dtype;  ///< numpy name: "float32", "uint8" or "uint16"
  std::vector<size_t> shape;
  std::string data;  ///< little-endian, C order (or the encoded image file)
};

/// Audio as float32 in [-1, 1], shape (frames,) or (frames, channels); CSV as float32 (rows,
/// columns); images as their pixels (height, width, channels), uint8 or uint16, RGB(A) order,
/// or, with `image_encoding` "png" or "jpeg", the encoded file (the original bytes when it
/// already is one). Throws Error naming the file.
MediaArray load_media_array(const std::string& path, const std::string& image_encoding = "");

}  // namespace tinyprep

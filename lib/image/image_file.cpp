#include "image/image_file.h"

#include <algorithm>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "core/io.h"

namespace tinyprep {

ImageInfo probe_image(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(path, 0, "no such file");
  // imread would also work, but decoding from our own read gives a real I/O error message.
  std::string bytes = read_file(path);
  cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1, bytes.data());
  cv::Mat image;
  try {
    image = cv::imdecode(raw, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    throw Error(path, 0, "not a readable image (" + std::string(e.what()) + ")");
  }
  if (image.empty()) throw Error(path, 0, "not a readable image");
  ImageInfo info;
  info.width = image.cols;
  info.height = image.rows;
  info.channels = image.channels();
  info.depth_bits = image.depth() == CV_16U ? 16 : 8;
  return info;
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

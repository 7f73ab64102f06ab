#include "image/image_file.h"

#include <algorithm>
#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/io.h"
#include "image/opencv_plugin.h"

namespace tinyprep {
namespace {

// OpenCV decodes to BGR(A); everyone else (PIL, TensorFlow, the manifest) speaks RGB(A).
cv::Mat decode_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(path, 0, "no such file");
  std::string bytes = read_file(path);  // our own read gives a real I/O error message
  cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8UC1, bytes.data());
  cv::Mat image;
  std::string why;
  if (bytes.empty() || !opencv_plugin().decode(encoded, image, why))
    throw Error(path, 0, "not a readable image" + (why.empty() ? "" : " (" + why + ")"));
  return image;
}

ImageInfo info_of(const cv::Mat& m) {
  return ImageInfo{m.cols, m.rows, m.channels(), m.depth() == CV_16U ? 16 : 8};
}

}  // namespace

ImageInfo probe_image(const std::string& path) {
  return info_of(decode_file(path));
}

Image read_image(const std::string& path) {
  cv::Mat m = decode_file(path);
  if (m.depth() != CV_8U && m.depth() != CV_16U)
    throw Error(path, 0, "unsupported pixel depth (8 or 16 bits only)");
  if (m.channels() == 3) cv::cvtColor(m, m, cv::COLOR_BGR2RGB);
  if (m.channels() == 4) cv::cvtColor(m, m, cv::COLOR_BGRA2RGBA);
  if (!m.isContinuous()) m = m.clone();
  Image image{info_of(m), {}};
  image.pixels.assign(reinterpret_cast<const char*>(m.data), m.total() * m.elemSize());
  return image;
}

std::string encode_image(const Image& image, const std::string& ext, const std::string& name) {
  const ImageInfo& i = image.info;
  int type = CV_MAKETYPE(i.depth_bits == 16 ? CV_16U : CV_8U, i.channels);
  cv::Mat m(i.height, i.width, type, const_cast<char*>(image.pixels.data()));
  cv::Mat bgr;
  if (i.channels == 3)
    cv::cvtColor(m, bgr, cv::COLOR_RGB2BGR);
  else if (i.channels == 4)
    cv::cvtColor(m, bgr, cv::COLOR_RGBA2BGRA);
  else
    bgr = m;
  std::vector<uchar> out;
  std::string why;
  std::vector<int> params;
  const int kJpegQuality = 1;  // cv::IMWRITE_JPEG_QUALITY, from imgcodecs (in the plugin)
  if (ext == ".jpg" || ext == ".jpeg") params = {kJpegQuality, 95};
  if (!opencv_plugin().encode(ext, bgr, params, out, why)) throw Error(name, 0, why);
  return std::string(out.begin(), out.end());
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

// libtinyprep_opencv.so: still images decoded and encoded by OpenCV's imgcodecs (see
// image/image_codec.h for the entry points and core/plugin.h for why this is a plugin).
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "image/image_codec.h"

namespace tinyprep {
namespace {

ImageInfo info_of(const cv::Mat& m) {
  return ImageInfo{m.cols, m.rows, m.channels(), m.depth() == CV_16U ? 16 : 8};
}

cv::Mat decode(std::string_view bytes, const std::string& name) {
  static const bool quiet = [] {  // errors are ours
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    return true;
  }();
  (void)quiet;
  cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
  cv::Mat image;
  std::string why;
  try {
    if (!bytes.empty()) image = cv::imdecode(encoded, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    why = e.what();
  }
  if (image.empty())
    throw Error(name, 0, "not a readable image" + (why.empty() ? "" : " (" + why + ")"));
  return image;
}

}  // namespace
}  // namespace tinyprep

using namespace tinyprep;

extern "C" ImageInfo tinyprep_image_probe_v1(std::string_view bytes, const std::string& name) {
  return info_of(decode(bytes, name));
}

// OpenCV decodes to BGR(A); everyone else (PIL, TensorFlow, the manifest) speaks RGB(A).
extern "C" Image tinyprep_image_decode_v1(std::string_view bytes, const std::string& name) {
  cv::Mat m = decode(bytes, name);
  if (m.depth() != CV_8U && m.depth() != CV_16U)
    throw Error(name, 0, "unsupported pixel depth (8 or 16 bits only)");
  if (m.channels() == 3) cv::cvtColor(m, m, cv::COLOR_BGR2RGB);
  if (m.channels() == 4) cv::cvtColor(m, m, cv::COLOR_BGRA2RGBA);
  if (!m.isContinuous()) m = m.clone();
  Image image{info_of(m), {}};
  image.pixels.assign(reinterpret_cast<const char*>(m.data), m.total() * m.elemSize());
  return image;
}

extern "C" std::string tinyprep_image_encode_v1(const Image& image, const std::string& ext,
                                                const std::string& name) {
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
  std::vector<int> params;
  if (ext == ".jpg" || ext == ".jpeg") params = {cv::IMWRITE_JPEG_QUALITY, 95};
  std::vector<uchar> out;
  try {
    if (!cv::imencode(ext, bgr, out, params)) throw Error(name, 0, "cannot encode as " + ext);
  } catch (const cv::Exception& e) {
    throw Error(name, 0, std::string("cannot encode as ") + ext + ": " + e.what());
  }
  return std::string(out.begin(), out.end());
}

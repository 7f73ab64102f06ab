// libtinyprep_opencv.so: still images decoded and encoded by OpenCV's imgcodecs (see
// image/image_codec.h for the entry points and core/plugin.h for why this is a plugin).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>

#include "core/error.h"
#include "image/augment_image.h"
#include "image/crop_image.h"
#include "image/image_codec.h"

namespace tinyprep {
namespace {

ImageInfo info_of(const cv::Mat& m) {
  return ImageInfo{m.cols, m.rows, m.channels(), m.depth() == CV_16U ? 16 : 8};
}

// A PNG without the ancillary chunks that do not change the pixels OpenCV returns (every
// chunk whose type starts with a lower-case letter, except tRNS, which gives the alpha
// channel). OpenCV hands libpng no warning handler, so a chunk libpng finds fault with (an
// "iCCP: known incorrect sRGB profile", common in images saved by old Photoshops) would
// print "libpng warning: ..." on our stderr. OpenCV ignores colour profiles, text and time
// stamps, so nothing is lost. A PNG cut short (its chunks run past the end, or it has no IEND)
// is refused here, before libpng would print "libpng error: ..." about it.
std::optional<std::string> without_ancillary_png_chunks(std::string_view bytes,
                                                        const std::string& name) {
  static constexpr std::string_view kSignature("\x89PNG\r\n\x1a\n", 8);
  if (!bytes.starts_with(kSignature)) return std::nullopt;
  auto u32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  std::string out;
  bool dropped = false;
  size_t at = kSignature.size();
  const Error cut_short(name, 0, "not a readable image (a PNG cut short)");
  bool ended = false;
  while (!ended) {
    if (bytes.size() - at < 12) throw cut_short;
    uint64_t length = u32(at);
    if (length > bytes.size() - at - 12) throw cut_short;
    std::string_view type = bytes.substr(at + 4, 4);
    size_t end = at + 12 + static_cast<size_t>(length);
    bool ancillary = type[0] >= 'a' && type[0] <= 'z';
    if (ancillary && type != "tRNS") {
      if (!dropped) out.assign(bytes.substr(0, at));
      dropped = true;
    } else if (dropped) {
      out.append(bytes.substr(at, end - at));
    }
    at = end;
    ended = type == "IEND";
  }
  if (!dropped) return std::nullopt;
  return out;
}

cv::Mat decode(std::string_view bytes, const std::string& name, int flags = cv::IMREAD_UNCHANGED) {
  static const bool quiet = [] {  // errors are ours
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    return true;
  }();
  (void)quiet;
  std::optional<std::string> stripped = without_ancillary_png_chunks(bytes, name);
  if (stripped) bytes = *stripped;
  cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
  cv::Mat image;
  std::string why;
  try {
    if (!bytes.empty()) image = cv::imdecode(encoded, flags);
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

// libjpeg's DCT scaling (see decode_for_crop in image/crop_image.h); our own EXIF turn follows.
extern "C" Image tinyprep_image_decode_reduced_v1(std::string_view bytes, int factor, bool gray,
                                                  const std::string& name) {
  int flags = 0;
  switch (factor) {
    case 2:
      flags = gray ? cv::IMREAD_REDUCED_GRAYSCALE_2 : cv::IMREAD_REDUCED_COLOR_2;
      break;
    case 4:
      flags = gray ? cv::IMREAD_REDUCED_GRAYSCALE_4 : cv::IMREAD_REDUCED_COLOR_4;
      break;
    case 8:
      flags = gray ? cv::IMREAD_REDUCED_GRAYSCALE_8 : cv::IMREAD_REDUCED_COLOR_8;
      break;
    default:
      throw Error(name, 0, "cannot decode at 1/" + std::to_string(factor) + " scale");
  }
  cv::Mat m = decode(bytes, name, flags | cv::IMREAD_IGNORE_ORIENTATION);
  if (m.channels() == 3) cv::cvtColor(m, m, cv::COLOR_BGR2RGB);
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

// crop: see CropRequest (image/crop_image.h) for the order of the steps.
namespace {

Image crop(const Image& image, const CropRequest& r, const std::string& name) {
  const ImageInfo& i = image.info;
  if (i.channels < 1 || i.channels > 4 || i.channels == 2)
    throw Error(name, 0, "unsupported image: " + std::to_string(i.channels) + " channels");
  cv::Mat m(i.height, i.width, CV_MAKETYPE(i.depth_bits == 16 ? CV_16U : CV_8U, i.channels),
            const_cast<char*>(image.pixels.data()));
  // Never in place: m may still be the caller's pixels, which are const.
  auto flip = [&m](int code) {
    cv::Mat f;
    cv::flip(m, f, code);
    m = f;
  };
  auto transpose = [&m] {
    cv::Mat t;
    cv::transpose(m, t);
    m = t;
  };
  switch (r.orientation) {  // as OpenCV's imread applies it
    case 2:
      flip(1);
      break;
    case 3:
      flip(-1);
      break;
    case 4:
      flip(0);
      break;
    case 5:
      transpose();
      break;
    case 6:
      transpose();
      flip(1);
      break;
    case 7:
      transpose();
      flip(-1);
      break;
    case 8:
      transpose();
      flip(0);
      break;
    default:
      break;
  }
  if (m.depth() == CV_16U) m.convertTo(m, CV_8U, 1.0 / 257);
  if (m.channels() == 4) {  // onto black: c * a / 255, rounded
    cv::Mat rgb(m.rows, m.cols, CV_8UC3);
    for (int y = 0; y < m.rows; ++y) {
      const uchar* in = m.ptr<uchar>(y);
      uchar* out = rgb.ptr<uchar>(y);
      for (int x = 0; x < m.cols; ++x, in += 4, out += 3)
        for (int c = 0; c < 3; ++c) out[c] = static_cast<uchar>((in[c] * in[3] + 127) / 255);
    }
    m = rgb;
  }
  if (r.box) m = m(cv::Rect(r.box->x, r.box->y, r.box->width, r.box->height));
  if (r.spec.gray && m.channels() == 3) cv::cvtColor(m, m, cv::COLOR_RGB2GRAY);
  // Decoded reduced: planned for the whole image, the reduced one resized to the plan's size.
  const bool reduced = r.full_width > 0 && r.full_height > 0 && !r.box;
  const ResizePlan p = reduced ? plan_resize(r.full_width, r.full_height, r.spec)
                               : plan_resize(m.cols, m.rows, r.spec);
  cv::Mat scaled;
  if (p.scaled_width == m.cols && p.scaled_height == m.rows)
    scaled = m;
  else
    cv::resize(m, scaled, cv::Size(p.scaled_width, p.scaled_height), 0, 0,
               p.area || reduced ? cv::INTER_AREA : cv::INTER_LINEAR);
  const int W = r.spec.width, H = r.spec.height;
  cv::Mat out;
  // Cut when the resized image covers the target; else pad (fit-longest: a side 1 pixel short
  // has (W - n) // 2 = 0 pixels before it and 1 after).
  if (scaled.cols >= W && scaled.rows >= H) {
    out = scaled(cv::Rect(p.offset_x, p.offset_y, W, H));
  } else {
    out = cv::Mat::zeros(H, W, scaled.type());
    scaled.copyTo(out(cv::Rect(-p.offset_x, -p.offset_y, scaled.cols, scaled.rows)));
  }
  if (!r.spec.gray && out.channels() == 1) cv::cvtColor(out, out, cv::COLOR_GRAY2RGB);
  if (!out.isContinuous()) out = out.clone();
  Image result{info_of(out), {}};
  result.pixels.assign(reinterpret_cast<const char*>(out.data), out.total() * out.elemSize());
  return result;
}

// augment: see ImageAugmentRequest (image/augment_image.h) for the order of the steps.
Image augment(const Image& image, const ImageAugmentRequest& r, const std::string& name) {
  const ImageInfo& i = image.info;
  if (i.channels < 1 || i.channels > 4 || i.channels == 2)
    throw Error(name, 0, "unsupported image: " + std::to_string(i.channels) + " channels");
  cv::Mat m(i.height, i.width, CV_MAKETYPE(i.depth_bits == 16 ? CV_16U : CV_8U, i.channels),
            const_cast<char*>(image.pixels.data()));
  if (m.depth() == CV_16U) m.convertTo(m, CV_8U, 1.0 / 257);
  const cv::Size size(m.cols, m.rows);
  if (r.crop) {
    cv::Mat part = m(cv::Rect(r.crop->x, r.crop->y, r.crop->width, r.crop->height));
    cv::Mat back;
    cv::resize(part, back, size, 0, 0, cv::INTER_LINEAR);
    m = back;
  }
  if (r.rotate_degrees != 0) {
    cv::Point2f centre(static_cast<float>((m.cols - 1) / 2.0),
                       static_cast<float>((m.rows - 1) / 2.0));
    cv::Mat turn = cv::getRotationMatrix2D(centre, r.rotate_degrees, 1.0);
    cv::Mat rotated;
    cv::warpAffine(m, rotated, turn, size, cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                   cv::Scalar::all(0));
    m = rotated;
  }
  if (r.flip_horizontal || r.flip_vertical) {  // not in place: m may be the caller's pixels
    cv::Mat flipped;
    cv::flip(m, flipped, r.flip_horizontal && r.flip_vertical ? -1 : r.flip_horizontal ? 1 : 0);
    m = flipped;
  }
  if (!m.isContinuous() || m.data == reinterpret_cast<const uchar*>(image.pixels.data()))
    m = m.clone();
  if (r.brightness != 0 || r.contrast != 1) {
    const int colours = std::min(m.channels(), 3), step = m.channels();
    const size_t n = size_t(m.cols) * m.rows;
    uchar* px = m.data;
    for (int c = 0; c < colours; ++c) {
      double sum = 0;
      for (size_t k = 0; k < n; ++k) sum += px[k * step + c];
      const double mean = n ? sum / double(n) : 0;
      for (size_t k = 0; k < n; ++k) {
        const double v = (px[k * step + c] - mean) * r.contrast + mean + 255 * r.brightness;
        px[k * step + c] = static_cast<uchar>(std::clamp(std::nearbyint(v), 0.0, 255.0));
      }
    }
  }
  Image result{info_of(m), {}};
  result.pixels.assign(reinterpret_cast<const char*>(m.data), m.total() * m.elemSize());
  return result;
}

}  // namespace

// An OpenCV failure (a bad size, memory) names the image, and fails it alone.
extern "C" Image tinyprep_image_crop_v2(const Image& image, const CropRequest& r,
                                        const std::string& name) {
  try {
    return crop(image, r, name);
  } catch (const cv::Exception& e) {
    throw Error(name, 0, std::string("cannot crop it: ") + e.what());
  }
}

extern "C" Image tinyprep_image_augment_v1(const Image& image, const ImageAugmentRequest& r,
                                           const std::string& name) {
  try {
    return augment(image, r, name);
  } catch (const cv::Exception& e) {
    throw Error(name, 0, std::string("cannot augment it: ") + e.what());
  }
}

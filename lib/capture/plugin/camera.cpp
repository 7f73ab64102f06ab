// libtinyprep_camera.so: capture camera, frames from OpenCV's VideoCapture (a webcam, a video
// file, an image sequence, a stream URL), optionally cropped, resized and made grayscale, saved
// as PNG through the binary's SampleSink (see core/plugin.h for why this is a plugin).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <optional>
#include <thread>

#include "capture/capture.h"
#include "capture/sample_sink.h"
#include "core/error.h"
#include "core/parse.h"
#include "core/signals.h"
#include "image/image_file.h"

#ifndef _WIN32
#include <unistd.h>
#endif

namespace tinyprep {
namespace {

bool is_index(const std::string& s) {
  if (s.empty() || s.size() > 3) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool is_live(const std::string& device) {
  return is_index(device) || device.rfind("/dev/video", 0) == 0;
}

std::string no_camera_hint(const std::string& device) {
#ifdef __linux__
  std::string path = is_index(device) ? "/dev/video" + device : device;
  if (::access(path.c_str(), F_OK) != 0) return "no such camera (ls /dev/video* lists them)";
  if (::access(path.c_str(), R_OK | W_OK) != 0)
    return "no permission to use " + path +
           ": add yourself to the 'video' group (sudo usermod -aG video $USER) and log in again";
  return "cannot open it (is another program using the camera?)";
#elif defined(__APPLE__)
  (void)device;
  return "no such camera, or no permission: allow camera access for your terminal in "
         "System Settings > Privacy & Security > Camera";
#else
  (void)device;
  return "no such camera, or another program is using it, or camera access is off in "
         "Settings > Privacy > Camera";
#endif
}

struct Crop {
  int width = 0, height = 0, x = -1, y = -1;  // x, y -1: centred
};

Crop parse_crop(const std::string& text) {
  Crop c;
  int used = 0;
  if (std::sscanf(text.c_str(), "%dx%d+%d+%d%n", &c.width, &c.height, &c.x, &c.y, &used) == 4 &&
      used == static_cast<int>(text.size()) && c.x >= 0 && c.y >= 0 && c.width > 0 && c.height > 0)
    return c;
  c = Crop{};
  parse_size(text, "--crop (WxH or WxH+X+Y)", &c.width, &c.height);
  return c;
}

// A camera, video file, image sequence or stream (OpenCV's VideoCapture).
class VideoSource {
 public:
  // Opens camera `index` (>= 0) or `device`; false when it cannot, with OpenCV's reason (if
  // any) in `why`.
  bool open(const std::string& device, int index, std::string& why) {
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);  // errors are ours
    try {
      if (index >= 0)
        cap_.open(index, cv::CAP_ANY);
      else
        cap_.open(device, cv::CAP_ANY);
    } catch (const cv::Exception& e) {
      why = e.what();
    }
    return cap_.isOpened();
  }
  // Asks for MJPG (before the size: some drivers take the size only after the format).
  void request_mjpg() {
    cap_.set(cv::CAP_PROP_FOURCC, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'));
  }
  void request_size(int width, int height) {
    cap_.set(cv::CAP_PROP_FRAME_WIDTH, width);
    cap_.set(cv::CAP_PROP_FRAME_HEIGHT, height);
  }
  // The next frame, BGR or gray; false at the end or when the device is gone.
  bool read(cv::Mat& frame) {
    try {
      return cap_.read(frame) && !frame.empty();
    } catch (const cv::Exception&) {
      return false;
    }
  }
  // Takes a frame and drops it (keeps a camera's buffer fresh).
  bool grab() { return cap_.grab(); }

 private:
  cv::VideoCapture cap_;
};

// An image sequence (frame_%03d.png) read file by file with our own decoder. OpenCV's
// VideoCapture hands such a pattern to FFmpeg's image2 demuxer, which keeps the first file's
// size: a later photo of another size came out as garbage (the previous photo's pixels
// showing through, a narrow photo tiled across the frame) with exit 0.
class ImageSequence {
 public:
  // The pattern when `device` is one with a single %d conversion (%d, %03d, %3d), else none.
  static std::optional<ImageSequence> from_pattern(const std::string& device) {
    size_t at = device.find('%');
    if (at == std::string::npos || device.find("://") != std::string::npos) return std::nullopt;
    size_t end = at + 1;
    while (end < device.size() && device[end] >= '0' && device[end] <= '9') ++end;
    if (end >= device.size() || device[end] != 'd' || end - at > 4 ||
        device.find('%', end) != std::string::npos)
      return std::nullopt;
    ImageSequence seq;
    seq.pattern_ = device;
    // The first frame is the first that exists among 0..4 (as FFmpeg's image2 looks).
    for (seq.next_ = 0; seq.next_ < 5; ++seq.next_) {
      std::error_code ec;
      if (std::filesystem::exists(seq.name(seq.next_), ec)) return seq;
    }
    seq.next_ = -1;
    return seq;
  }
  bool empty() const { return next_ < 0; }
  // The next file as a BGR(A) or gray Mat of its own size; false after the last one. A file
  // that cannot be decoded is an error naming it.
  bool read(cv::Mat& frame) {
    if (next_ < 0) return false;
    std::string file = name(next_);
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return false;
    ++next_;
    Image image = read_image(file);
    const ImageInfo& i = image.info;
    cv::Mat m(i.height, i.width, CV_MAKETYPE(i.depth_bits == 16 ? CV_16U : CV_8U, i.channels),
              image.pixels.data());
    if (i.channels == 3)
      cv::cvtColor(m, frame, cv::COLOR_RGB2BGR);
    else if (i.channels == 4)
      cv::cvtColor(m, frame, cv::COLOR_RGBA2BGRA);
    else
      frame = m.clone();
    return true;
  }

 private:
  std::string name(long k) const {
    char buf[4096];
    std::snprintf(buf, sizeof buf, pattern_.c_str(), static_cast<int>(k));
    return buf;
  }
  std::string pattern_;
  long next_ = -1;
};

// A frame in the sink's terms: RGB or gray, 8-bit.
Image to_image(const cv::Mat& bgr_or_gray) {
  cv::Mat m = bgr_or_gray;
  if (m.channels() == 3) cv::cvtColor(m, m, cv::COLOR_BGR2RGB);
  if (!m.isContinuous()) m = m.clone();
  Image image{ImageInfo{m.cols, m.rows, m.channels(), 8}, {}};
  image.pixels.assign(reinterpret_cast<const char*>(m.data), m.total() * m.elemSize());
  return image;
}

// One frame as the dataset stores it: 8-bit, gray or BGR, cropped and resized as asked.
cv::Mat prepare(const cv::Mat& frame, const CameraOptions& o, const Crop* crop, int rw, int rh) {
  cv::Mat img = frame;
  if (img.depth() != CV_8U) img.convertTo(img, CV_8U, img.depth() == CV_16U ? 1.0 / 256 : 1.0);
  if (img.channels() == 4) cv::cvtColor(img, img, cv::COLOR_BGRA2BGR);
  if (crop) {
    int x = crop->x >= 0 ? crop->x : (img.cols - crop->width) / 2;
    int y = crop->y >= 0 ? crop->y : (img.rows - crop->height) / 2;
    if (x < 0 || y < 0 || x + crop->width > img.cols || y + crop->height > img.rows)
      throw usage_error("--crop " + o.crop + " does not fit in the " + std::to_string(img.cols) +
                        "x" + std::to_string(img.rows) + " frame");
    img = img(cv::Rect(x, y, crop->width, crop->height));
  }
  if (rw > 0) cv::resize(img, img, cv::Size(rw, rh), 0, 0, cv::INTER_AREA);
  if (o.grayscale && img.channels() == 3) cv::cvtColor(img, img, cv::COLOR_BGR2GRAY);
  return img.isContinuous() ? img : img.clone();
}

}  // namespace
}  // namespace tinyprep

using namespace tinyprep;

extern "C" int tinyprep_camera_capture_v1(const CaptureTarget& target, const CameraOptions& o) {
  int want_w = 0, want_h = 0, rw = 0, rh = 0;
  if (!o.size.empty()) parse_size(o.size, "--size", &want_w, &want_h);
  if (!o.resize.empty()) parse_size(o.resize, "--resize", &rw, &rh);
  Crop crop;
  if (!o.crop.empty()) crop = parse_crop(o.crop);
  const bool live = is_live(o.device);
  const bool url = o.device.find("://") != std::string::npos;
  const int warmup = o.warmup >= 0 ? o.warmup : live ? 10 : 0;
  const double interval = o.interval_s >= 0 ? o.interval_s : live ? 1.0 : 0.0;

  VideoSource cap;
  std::optional<ImageSequence> sequence;
  if (!live) sequence = ImageSequence::from_pattern(o.device);
  std::string why;
  bool opened;
  if (sequence) {
    if (sequence->empty())
      throw Error(o.device, 0, "no such image sequence (no frame numbered 0 to 4)");
    opened = true;
  } else if (is_index(o.device)) {
    opened = cap.open(o.device, std::stoi(o.device), why);
  } else {
    std::error_code ec;
    if (!live && !url && o.device.find('%') == std::string::npos &&
        !std::filesystem::exists(o.device, ec))
      throw Error(o.device, 0, "no such file");
    opened = cap.open(o.device, -1, why);
  }
  const std::string where = is_index(o.device) ? "camera " + o.device : o.device;
  if (!opened)
    throw Error(where, 0,
                live  ? no_camera_hint(o.device)
                : url ? "cannot open the stream"
                      : "cannot read it as a video or an image sequence (frame_%03d.png)");
  if (live) {
    // Many USB cameras give large sizes at a useful rate only as MJPG, and some drivers
    // take the size only after the format.
    cap.request_mjpg();
    if (want_w > 0) cap.request_size(want_w, want_h);
  }
  cv::Mat frame;
  auto read = [&] { return sequence ? sequence->read(frame) : cap.read(frame); };
  for (int i = 0; i < warmup; ++i)  // auto exposure and white balance settle
    if (!read()) throw Error(where, 0, "the camera gives no frames");

  SampleSink sink(SinkOptions{target.dataset, target.label, target.group, "camera:" + o.device,
                              "image", target.count});
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  CaptureResult result;
  bool first = true;
  for (;;) {
    if (auto why = stop_now(sink.full(), elapsed(), target.duration_s)) {
      result.reason = *why;
      break;
    }
    if (!read() || frame.empty()) {
      result.reason = StopReason::kEnded;
      result.end = live ? StreamEnd::kVanished : StreamEnd::kEndOfInput;
      break;
    }
    if (first && want_w > 0 && (frame.cols != want_w || frame.rows != want_h))
      sink.warn("the camera gives " + std::to_string(frame.cols) + "x" +
                std::to_string(frame.rows) + " frames, not the " + o.size + " asked for");
    first = false;
    sink.write_image(to_image(prepare(frame, o, o.crop.empty() ? nullptr : &crop, rw, rh)));
    if (interval <= 0 || sink.full()) continue;
    // Wait, but keep taking frames from a camera so the next one is fresh, not buffered.
    const double until = elapsed() + interval;
    while (elapsed() < until && !interrupted()) {
      if (live)
        cap.grab();
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  return finish_capture(result, sink);
}

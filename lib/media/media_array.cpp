#include "media/media_array.h"

#include <algorithm>
#include <filesystem>

#include "audio/audio_file.h"
#include "core/error.h"
#include "core/io.h"
#include "image/image_file.h"
#include "imu/csv_file.h"
#include "media/media.h"

namespace tinyprep {
namespace {

MediaArray image_array(const std::string& path, const std::string& encoding) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  bool same = (encoding == "png" && ext == ".png") ||
              (encoding == "jpeg" && (ext == ".jpg" || ext == ".jpeg"));
  MediaArray a;
  if (same) {  // the file as it is: no decoding, no loss
    ImageInfo info = probe_image(path);
    a.shape = {static_cast<size_t>(info.height), static_cast<size_t>(info.width),
               static_cast<size_t>(info.channels)};
    a.dtype = "uint8";
    a.data = read_file(path);
    return a;
  }
  Image image = read_image(path);
  a.shape = {static_cast<size_t>(image.info.height), static_cast<size_t>(image.info.width),
             static_cast<size_t>(image.info.channels)};
  if (encoding.empty()) {
    a.dtype = image.info.depth_bits == 16 ? "uint16" : "uint8";
    a.data = std::move(image.pixels);
  } else {
    a.dtype = "uint8";
    a.data = encode_image(image, encoding == "png" ? ".png" : ".jpg", path);
  }
  return a;
}

}  // namespace

MediaArray load_media_array(const std::string& path, const std::string& image_encoding) {
  MediaArray a;
  switch (media_kind(path)) {
    case MediaKind::kAudio: {
      AudioClip clip = read_audio(path);
      a.dtype = "float32";
      a.shape = {static_cast<size_t>(clip.info.frames)};
      if (clip.info.channels > 1) a.shape.push_back(static_cast<size_t>(clip.info.channels));
      a.data.assign(reinterpret_cast<const char*>(clip.samples.data()),
                    clip.samples.size() * sizeof(float));
      return a;
    }
    case MediaKind::kCsv: {
      CsvTable t = read_csv(path);
      a.dtype = "float32";
      a.shape = {t.rows(), t.columns};
      a.data.assign(reinterpret_cast<const char*>(t.values.data()),
                    t.values.size() * sizeof(float));
      return a;
    }
    case MediaKind::kImage:
      return image_array(path, image_encoding);
    default:
      throw Error(path, 0, "not audio, an image or CSV");
  }
}

}  // namespace tinyprep

#include "media/media.h"

#include <algorithm>
#include <cmath>

#include "audio/audio_file.h"
#include "core/enum_names.h"
#include "core/error.h"
#include "image/image_file.h"
#include "imu/csv_file.h"

namespace tinyprep {

MediaKind media_kind(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  if (is_audio_extension(ext)) return MediaKind::kAudio;
  if (is_image_extension(ext)) return MediaKind::kImage;
  if (ext == ".csv") return MediaKind::kCsv;
  return MediaKind::kUnknown;
}

const char* media_field(MediaKind kind) {
  static constexpr EnumName<MediaKind> kFields[] = {
      {MediaKind::kAudio, "audio"}, {MediaKind::kImage, "image"}, {MediaKind::kCsv, "csv"}};
  return enum_name(kFields, kind);
}

Json audio_facts(const AudioInfo& a) {
  double duration = std::round(a.duration() * 1e6) / 1e6;
  return Json{{"sample_rate", a.sample_rate},
              {"channels", a.channels},
              {"frames", a.frames},
              {"duration", duration},
              {"format", a.format}};
}

Json probe_media(const std::string& path, MediaKind kind) {
  switch (kind) {
    case MediaKind::kAudio:
      return audio_facts(probe_audio(path));
    case MediaKind::kImage: {
      ImageInfo i = probe_image(path);
      return Json{{"width", i.width}, {"height", i.height}, {"channels", i.channels}};
    }
    case MediaKind::kCsv: {
      CsvTable t = read_csv(path);
      Json j{{"rows", t.rows()}, {"columns", t.columns}};
      if (!t.header.empty()) j["header"] = t.header;
      return j;
    }
    default:
      throw Error(path, 0, "unknown media type (expected audio, image or .csv)");
  }
}

}  // namespace tinyprep

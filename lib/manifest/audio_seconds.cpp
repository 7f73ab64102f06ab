#include "manifest/audio_seconds.h"

namespace tinyprep {

std::optional<double> audio_seconds(const Json& line) {
  auto a = line.find("audio");
  if (a == line.end() || !a->is_object()) return std::nullopt;
  if (auto d = a->find("duration"); d != a->end() && d->is_number()) return d->get<double>();
  auto frames = a->find("frames"), rate = a->find("sample_rate");
  if (frames != a->end() && frames->is_number() && rate != a->end() && rate->is_number() &&
      rate->get<double>() > 0)
    return frames->get<double>() / rate->get<double>();
  return 0.0;
}

}  // namespace tinyprep

#include "report/sample_data.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "array/npy.h"
#include "array/npy_rows.h"
#include "audio/spectral.h"
#include "core/error.h"

namespace tinyprep {

std::vector<float> mono_samples(const AudioClip& clip) {
  int ch = std::max(1, clip.info.channels);
  std::vector<float> out(clip.samples.size() / ch);
  for (size_t i = 0; i < out.size(); ++i) {
    float sum = 0;
    for (int k = 0; k < ch; ++k) sum += clip.samples[i * ch + k];
    out[i] = sum / ch;
  }
  return out;
}

Matrix log_mel_of(const std::vector<float>& mono, int sample_rate) {
  Matrix m;
  if (sample_rate <= 0 || mono.empty()) return m;
  SpectralConfig config = default_spectral_config(SpectralKind::kLogMel, sample_rate);
  int win = std::max(16, int(std::lround(sample_rate * 0.025)));
  int n_fft = 1;
  while (n_fft < win) n_fft *= 2;
  config.n_fft = n_fft;
  config.win_length = win;
  config.hop_length = std::max(1, int(std::lround(sample_rate * 0.010)));
  config.n_mels = std::min(sample_rate <= 8000 ? 40 : 64, n_fft / 2 + 1);
  config.ref_max = true;
  config.top_db = 80.0;
  SpectralExtractor extractor(resolve_spectral_config(config));
  extractor.compute(mono.data(), mono.size(), m.values);
  m.bins = extractor.bins();
  m.frames = m.bins ? m.values.size() / m.bins : 0;
  m.seconds_per_frame = double(config.hop_length) / sample_rate;
  return m;
}

Matrix read_feature_matrix(const Sample& sample) {
  const Json& f = sample.json.at("features");
  if (!f.is_object() || !f.contains("path") || !f["path"].is_string())
    sample.fail("features: no path");
  const std::string path = sample.resolve(f["path"].get<std::string>()).string();
  // Packed layout: only the sample's row of its part is read, not the whole part.
  NpyArray a;
  if (auto row = f.find("row"); row != f.end()) {
    if (!row->is_number_unsigned()) sample.fail("features: 'row' must be a non-negative integer");
    a = read_npy_row(path, row->get<size_t>());
  } else {
    a = read_npy(path);
  }
  std::vector<size_t> shape = a.shape;
  const size_t offset = 0;
  while (shape.size() > 2 && shape.back() == 1) shape.pop_back();
  if (shape.size() > 2)
    sample.fail("features: cannot show an array of shape " + shape_text(a.shape));
  Matrix m;
  m.frames = shape.size() == 2 ? shape[0] : 1;
  m.bins = shape.empty() ? 1 : shape.back();
  size_t n = m.frames * m.bins;
  m.values.resize(n);
  const char* p = a.data.data() + offset * dtype_size(a.dtype);
  for (size_t i = 0; i < n; ++i) {
    const char* e = p + i * dtype_size(a.dtype);
    float v = 0;
    switch (a.dtype) {
      case DType::kFloat32:
        std::memcpy(&v, e, 4);
        break;
      case DType::kInt8:
        v = float(int8_t(*e));
        break;
      case DType::kUInt8:
        v = float(uint8_t(*e));
        break;
      case DType::kInt16: {
        int16_t x;
        std::memcpy(&x, e, 2);
        v = x;
        break;
      }
      case DType::kUInt16: {
        uint16_t x;
        std::memcpy(&x, e, 2);
        v = x;
        break;
      }
      case DType::kInt32: {
        int32_t x;
        std::memcpy(&x, e, 4);
        v = float(x);
        break;
      }
      case DType::kInt64: {
        int64_t x;
        std::memcpy(&x, e, 8);
        v = float(x);
        break;
      }
    }
    m.values[i] = v;
  }
  return m;
}

double csv_rate(const Sample& sample) {
  const Json& j = sample.json;
  if (auto c = j.find("csv"); c != j.end() && c->is_object())
    if (auto r = c->find("rate"); r != c->end() && r->is_number()) return r->get<double>();
  if (auto r = j.find("imu_rate"); r != j.end() && r->is_number()) return r->get<double>();
  return 0;
}

std::vector<Event> line_events(const Sample& sample) {
  std::vector<Event> out;
  auto it = sample.json.find("events");
  if (it == sample.json.end() || !it->is_array()) return out;
  for (const Json& e : *it) {
    if (!e.is_object()) continue;
    Event ev;
    ev.start = e.value("offset_ms", 0.0) / 1000;
    ev.length = e.value("length_ms", 0.0) / 1000;
    if (auto l = e.find("label"); l != e.end() && l->is_string()) ev.label = l->get<std::string>();
    out.push_back(ev);
  }
  return out;
}

}  // namespace tinyprep

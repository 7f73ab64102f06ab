#include "features/imu_features.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <numbers>
#include <set>

#include "core/error.h"
#include "core/parse.h"
#include "manifest/manifest.h"

namespace tinyprep {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(sep, start);
    std::string part = text.substr(start, end == std::string::npos ? end : end - start);
    const size_t a = part.find_first_not_of(" \t"), b = part.find_last_not_of(" \t");
    parts.push_back(a == std::string::npos ? "" : part.substr(a, b - a + 1));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

// The column names of a table: its header, else c1..cN (as capture names unnamed columns).
std::vector<std::string> column_names(const CsvTable& t) {
  if (!t.header.empty()) return t.header;
  std::vector<std::string> names;
  for (size_t i = 0; i < t.columns; ++i) names.push_back("c" + std::to_string(i + 1));
  return names;
}

// Tiny variance relative to the mean (scipy.stats' own test): skewness and kurtosis are 0.
bool negligible_variance(double m2, double mean) {
  const double eps = 1e-14 * mean;
  return m2 <= eps * eps;
}

}  // namespace

ImuAxisKind imu_axis_kind(std::string_view name) {
  std::string s;
  for (char c : name)
    if (c != '_' && c != '-' && c != ' ')
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s.size() < 2) return ImuAxisKind::kUnknown;
  const char last = s.back();
  if (last != 'x' && last != 'y' && last != 'z') return ImuAxisKind::kUnknown;
  s.pop_back();
  for (const char* p : {"a", "acc", "accel", "accelerometer"})
    if (s == p) return ImuAxisKind::kAccelerometer;
  for (const char* p : {"g", "gyr", "gyro", "gyroscope"})
    if (s == p) return ImuAxisKind::kGyroscope;
  return ImuAxisKind::kUnknown;
}

std::optional<ImuRange> imu_axis_range(const ImuConfig& c, const std::string& axis) {
  if (auto i = c.ranges.find(axis); i != c.ranges.end()) return i->second;
  if (auto i = c.dataset_ranges.find(axis); i != c.dataset_ranges.end()) return i->second;
  switch (imu_axis_kind(axis)) {
    case ImuAxisKind::kAccelerometer:
      return ImuRange{-kAccelRangeG, kAccelRangeG};
    case ImuAxisKind::kGyroscope:
      return ImuRange{-kGyroRangeDps, kGyroRangeDps};
    case ImuAxisKind::kUnknown:
      break;
  }
  return std::nullopt;
}

std::map<std::string, ImuRange> parse_imu_ranges(const std::string& text,
                                                 const std::string& option) {
  std::map<std::string, ImuRange> ranges;
  for (const std::string& item : split(text, ',')) {
    // AXIS:LO:HI; LO may be negative, so split at the last two colons.
    const size_t c2 = item.rfind(':');
    const size_t c1 =
        c2 == std::string::npos || c2 == 0 ? std::string::npos : item.rfind(':', c2 - 1);
    if (c1 == std::string::npos || c1 == 0)
      throw usage_error(option + ": '" + item + "' is not AXIS:LO:HI (aX:-4:4)");
    const std::string axis = item.substr(0, c1);
    ImuRange r{parse_number<double>(item.substr(c1 + 1, c2 - c1 - 1), option + " " + axis),
               parse_number<double>(item.substr(c2 + 1), option + " " + axis)};
    if (!(r.lo < r.hi))
      throw usage_error(option + " " + axis + ": the low end must be below the high end");
    if (!ranges.emplace(axis, r).second)
      throw usage_error(option + ": " + axis + " is given twice");
  }
  return ranges;
}

std::vector<std::string> parse_imu_axes(const std::string& text, const std::string& option) {
  std::vector<std::string> axes = split(text, ',');
  std::set<std::string> seen;
  for (const std::string& a : axes) {
    if (a.empty()) throw usage_error(option + ": an empty column name in '" + text + "'");
    if (!seen.insert(a).second) throw usage_error(option + ": " + a + " is named twice");
  }
  return axes;
}

std::map<std::string, ImuRange> dataset_imu_ranges(const std::string& name) {
  std::map<std::string, ImuRange> ranges;
  if (name == "-") return ranges;
  std::optional<std::filesystem::path> dir = manifest_dataset_dir(name);
  if (!dir) return ranges;
  const std::string file = (*dir / "dataset.json").string();
  Json d = read_json_file(file);
  auto format = d.find("format");
  if (format == d.end() || !format->is_object()) return ranges;
  auto field = format->find("imu_ranges");
  if (field == format->end()) return ranges;
  if (!field->is_object())
    throw Error(file, 0, "format.imu_ranges must be an object {\"aX\": [-4, 4], ...}");
  for (const auto& [axis, v] : field->items()) {
    if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number() ||
        !(v[0].get<double>() < v[1].get<double>()))
      throw Error(file, 0,
                  "format.imu_ranges." + axis + " must be [low, high] with low below high");
    ranges[axis] = {v[0].get<double>(), v[1].get<double>()};
  }
  return ranges;
}

std::vector<double> resample_linear(const std::vector<double>& x, size_t columns, double from,
                                    double to) {
  const size_t n = columns ? x.size() / columns : 0;
  if (n == 0) return {};
  const size_t m = std::max<size_t>(1, static_cast<size_t>(std::llround(double(n) * to / from)));
  std::vector<double> y(m * columns);
  for (size_t j = 0; j < m; ++j) {
    const double p = double(j) * from / to;  // position in recorded rows
    double* out = &y[j * columns];
    if (p >= double(n - 1)) {
      std::memcpy(out, &x[(n - 1) * columns], columns * sizeof(double));
      continue;
    }
    const auto i = static_cast<size_t>(p);
    const double f = p - double(i);
    const double* a = &x[i * columns];
    const double* b = a + columns;
    for (size_t k = 0; k < columns; ++k) out[k] = a[k] + (b[k] - a[k]) * f;
  }
  return y;
}

namespace {

// Per axis: mean, RMS, skewness, kurtosis, then `bins` band powers of the mean-removed signal.
void spectral_features(const std::vector<double>& w, size_t rows, size_t axes, int bins,
                       std::vector<float>& out) {
  const size_t half = rows / 2;  // bins 1..half (DC is zero after removing the mean)
  std::vector<double> cosines(rows), sines(rows);
  for (size_t i = 0; i < rows; ++i) {
    const double angle = 2 * std::numbers::pi * double(i) / double(rows);
    cosines[i] = std::cos(angle);
    sines[i] = std::sin(angle);
  }
  // Band of each FFT bin k: e_b <= k < e_(b+1), e_b = half^(b / bins); the last bin in the
  // last band.
  std::vector<int> band(half + 1, bins - 1);
  for (size_t k = 1; k < half; ++k)
    for (int b = 0; b < bins; ++b)
      if (double(k) < std::pow(double(half), double(b + 1) / bins)) {
        band[k] = b;
        break;
      }
  std::vector<double> d(rows);
  for (size_t a = 0; a < axes; ++a) {
    double sum = 0, sum_sq = 0;
    for (size_t i = 0; i < rows; ++i) {
      const double v = w[i * axes + a];
      sum += v;
      sum_sq += v * v;
    }
    const double mean = sum / double(rows);
    double m2 = 0, m3 = 0, m4 = 0;
    for (size_t i = 0; i < rows; ++i) {
      d[i] = w[i * axes + a] - mean;
      const double d2 = d[i] * d[i];
      m2 += d2;
      m3 += d2 * d[i];
      m4 += d2 * d2;
    }
    m2 /= double(rows);
    m3 /= double(rows);
    m4 /= double(rows);
    const bool flat = negligible_variance(m2, mean);
    out.push_back(static_cast<float>(mean));
    out.push_back(static_cast<float>(std::sqrt(sum_sq / double(rows))));
    out.push_back(static_cast<float>(flat ? 0.0 : m3 / std::pow(m2, 1.5)));
    out.push_back(static_cast<float>(flat ? 0.0 : m4 / (m2 * m2) - 3.0));
    std::vector<double> power(bins, 0.0);
    for (size_t k = 1; k <= half; ++k) {
      double re = 0, im = 0;
      for (size_t i = 0; i < rows; ++i) {
        const size_t t = (k * i) % rows;
        re += d[i] * cosines[t];
        im -= d[i] * sines[t];
      }
      const double one_sided = (2 * k == rows) ? 1.0 : 2.0;
      power[band[k]] += one_sided * (re * re + im * im) / (double(rows) * double(rows));
    }
    for (double p : power) out.push_back(static_cast<float>(p));
  }
}

}  // namespace

FeatureArray compute_imu_features(const FeatureConfig& config, const CsvTable& table, double rate,
                                  const std::string& name, ImuReport* report) {
  const ImuConfig& c = config.imu;
  const std::vector<std::string> names = column_names(table);
  auto columns_text = [&] {
    return table.header.empty()
               ? "c1..c" + std::to_string(table.columns) + " (the file has no header line)"
               : join(names);
  };
  // The axes, in order.
  std::vector<std::string> axes = c.axes.empty() ? names : c.axes;
  std::vector<size_t> index;
  for (const std::string& axis : axes) {
    auto it = std::find(names.begin(), names.end(), axis);
    if (it == names.end())
      throw Error(name, 0, "--axes " + axis + ": no such column; its columns are " + columns_text(),
                  ExitCode::kUsage);
    index.push_back(static_cast<size_t>(it - names.begin()));
  }
  const size_t n = table.rows();
  if (n == 0) throw Error(name, 0, "no rows");
  const size_t k = axes.size();
  std::vector<double> w(n * k);
  for (size_t r = 0; r < n; ++r)
    for (size_t a = 0; a < k; ++a) w[r * k + a] = table.values[r * table.columns + index[a]];

  ImuReport rep;
  rep.source_rows = n;
  rep.source_rate = rate;
  if (config.sample_rate > 0 && rate != config.sample_rate) {
    if (rate <= 0)
      throw Error(name, 0,
                  "the line has no csv.rate, so it cannot be resampled to --rate " +
                      std::to_string(config.sample_rate) +
                      " (segment --rate HZ writes it; or leave --rate out)");
    w = resample_linear(w, k, rate, config.sample_rate);
    rep.resampled = true;
  }
  rep.fitted_from = w.size() / k;
  const size_t rows = c.rows > 0 ? size_t(c.rows) : rep.fitted_from;
  w.resize(rows * k, 0.0);  // zeros appended, or the first `rows` kept
  if (report) *report = rep;

  FeatureArray out;
  if (config.preset == "imu-spectral") {
    std::vector<float> v;
    spectral_features(w, rows, k, c.bins, v);
    out.dtype = DType::kFloat32;
    out.shape = {v.size()};
    out.data.assign(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
    return out;
  }

  // imu: scale each axis.
  std::vector<float> y(rows * k);
  for (size_t a = 0; a < k; ++a) {
    double offset = 0, divisor = 1;
    if (c.normalize == ImuNormalize::kRange) {
      std::optional<ImuRange> r = imu_axis_range(c, axes[a]);
      if (!r)
        throw Error(name, 0,
                    "column " + axes[a] +
                        " has no known sensor range (not an accelerometer or gyroscope name): "
                        "give it with --range " +
                        axes[a] + ":LO:HI, pick columns with --axes (its columns are " +
                        columns_text() + "), or --normalize zscore",
                    ExitCode::kUsage);
      offset = r->lo;
      divisor = r->hi - r->lo;
    } else if (c.normalize == ImuNormalize::kZscore) {
      double sum = 0;
      for (size_t i = 0; i < rows; ++i) sum += w[i * k + a];
      const double mean = sum / double(rows);
      double m2 = 0;
      for (size_t i = 0; i < rows; ++i) m2 += (w[i * k + a] - mean) * (w[i * k + a] - mean);
      const double sd = std::sqrt(m2 / double(rows));
      offset = mean;
      divisor = sd > 0 ? sd : 0;
    }
    for (size_t i = 0; i < rows; ++i)
      y[i * k + a] = divisor > 0 ? static_cast<float>((w[i * k + a] - offset) / divisor) : 0.0f;
  }
  out.shape = {rows, k};
  if (config.format == FrontendFormat::kInt8) {
    out.dtype = DType::kInt8;
    out.data.resize(y.size());
    for (size_t i = 0; i < y.size(); ++i) {
      const double q = std::round(double(y[i]) / c.scale) + c.zero_point;
      out.data[i] = static_cast<char>(static_cast<int8_t>(std::clamp(q, -128.0, 127.0)));
    }
  } else {
    out.dtype = DType::kFloat32;
    out.data.assign(reinterpret_cast<const char*>(y.data()), y.size() * sizeof(float));
  }
  return out;
}

}  // namespace tinyprep

#pragma once
// The parameters of the IMU presets (`--preset imu`, `imu-spectral`), part of FeatureConfig.
// The computation is in features/imu_features.h; the rules are written in docs/features.md.
#include <climits>
#include <map>
#include <string>
#include <vector>

#include "core/enum_names.h"

namespace tinyprep {

/// How `--preset imu` scales each axis.
enum class ImuNormalize {
  kRange,   ///< (x - lo) / (hi - lo): the sensor range to [0, 1], as the gesture tutorials do
  kZscore,  ///< (x - mean) / std over the window
  kNone,    ///< the values as recorded
};
inline constexpr EnumName<ImuNormalize> kImuNormalizeNames[] = {{ImuNormalize::kRange, "range"},
                                                                {ImuNormalize::kZscore, "zscore"},
                                                                {ImuNormalize::kNone, "none"}};

/// A sensor range [lo, hi] of one axis.
struct ImuRange {
  double lo = 0, hi = 0;
  bool operator==(const ImuRange&) const = default;
};

/// The default ranges by axis kind: the LSM9DS1 as the Nano 33 BLE Sense sketches set it up.
inline constexpr double kAccelRangeG = 4;      // +-4 g
inline constexpr double kGyroRangeDps = 2000;  // +-2000 deg/s

/// What an axis measures, told by its name (see imu_axis_kind()).
enum class ImuAxisKind { kUnknown, kAccelerometer, kGyroscope };

struct ImuConfig {
  int rows = 0;                   ///< pad/trim to this many rows (0: keep each length)
  std::vector<std::string> axes;  ///< columns used, in this order (empty: all)
  ImuNormalize normalize = ImuNormalize::kRange;
  std::map<std::string, ImuRange> ranges;          ///< --range
  std::map<std::string, ImuRange> dataset_ranges;  ///< dataset.json's format.imu_ranges
  double scale = 0;                                ///< int8: the input scale (0: not given)
  int zero_point = INT_MIN;  ///< int8: the input zero point (INT_MIN: not given)
  int bins = 8;              ///< imu-spectral: log-spaced FFT bands
};

}  // namespace tinyprep

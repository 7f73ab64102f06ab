#pragma once
// The IMU presets of `tinyprep features` on numeric CSV tables (imu/csv_file.h):
//   imu           the window itself, rows x axes, time-major, scaled per axis (float32 or int8);
//   imu-spectral  per axis mean, RMS, skewness, kurtosis and log-spaced FFT band powers, flat.
// Both first pick the axes, resample linearly to the config's rate and pad/trim to its rows.
// docs/features.md writes every rule down; the tests check them against NumPy.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "features/feature_config.h"
#include "imu/csv_file.h"

namespace tinyprep {

/// What an axis measures, by its name: case and '_'/'-' ignored, a, acc, accel or accelerometer
/// followed by x, y or z is an accelerometer axis (aX, accX, acc_x); g, gyr, gyro or gyroscope
/// followed by x, y or z a gyroscope axis (gX, gyroY, gyro_z). Anything else is unknown.
ImuAxisKind imu_axis_kind(std::string_view name);

/// The range of an axis: --range, else dataset.json's, else the default of its kind
/// (+-kAccelRangeG, +-kGyroRangeDps); nullopt when it has none.
std::optional<ImuRange> imu_axis_range(const ImuConfig& config, const std::string& axis);

/// Parses --range's "aX:-4:4,gX:-2000:2000"; throws usage_error naming `option`.
std::map<std::string, ImuRange> parse_imu_ranges(const std::string& text,
                                                 const std::string& option);

/// Parses --axes's "aX,aY,aZ"; throws usage_error on an empty or repeated name.
std::vector<std::string> parse_imu_axes(const std::string& text, const std::string& option);

/// dataset.json's `format.imu_ranges` ({"aX": [-4, 4], ...}) for the dataset the manifest
/// `name` belongs to; empty when it belongs to none or gives none. Throws Error naming
/// dataset.json when the field is malformed.
std::map<std::string, ImuRange> dataset_imu_ranges(const std::string& name);

/// Linear interpolation of `n` rows of `columns` values (row-major) recorded at `from` Hz onto
/// the grid of `to` Hz: round(n * to / from) rows (at least one); row j is at j / to seconds,
/// its value numpy.interp's between the two recorded rows around it, the last row's past it.
std::vector<double> resample_linear(const std::vector<double>& x, size_t columns, double from,
                                    double to);

/// What conditioning did to one table.
struct ImuReport {
  size_t source_rows = 0;
  double source_rate = 0;  ///< 0: not known (no csv.rate)
  size_t fitted_from = 0;  ///< rows after resampling, before padding or trimming
  bool resampled = false;
};

/// The features of one CSV table recorded at `rate` Hz (0: unknown) under a resolved imu or
/// imu-spectral config. `name` names the file in errors: a column of --axes it lacks, or an
/// axis without a range, are usage errors (ExitCode::kUsage) listing its columns.
FeatureArray compute_imu_features(const FeatureConfig& config, const CsvTable& table, double rate,
                                  const std::string& name, ImuReport* report = nullptr);

}  // namespace tinyprep

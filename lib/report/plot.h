#pragma once
// `tinyprep plot KIND`: one picture of a manifest for slides and papers, as PNG or SVG from the
// same drawing code (canvas.h).
#include <string>

#include "core/enum_names.h"

namespace tinyprep {

enum class PlotKind { kSpectrogram, kWaveform, kImages, kBalance, kImu };
inline constexpr EnumName<PlotKind> kPlotKindNames[] = {{PlotKind::kSpectrogram, "spectrogram"},
                                                        {PlotKind::kWaveform, "waveform"},
                                                        {PlotKind::kImages, "images"},
                                                        {PlotKind::kBalance, "balance"},
                                                        {PlotKind::kImu, "imu"}};

struct PlotOptions {
  PlotKind kind = PlotKind::kBalance;
  std::string input = "-";
  std::string output;  ///< .png or .svg
  std::string id;      ///< the sample to draw (spectrogram, waveform, imu); "" = the first
  int per_label = 0;   ///< > 0: that many samples of each label (images: 0 means 6)
  int width = 1280, height = 720;
  bool force = false;
};

/// Checks the options; throws usage_error (an output that is not .png/.svg, sizes).
void check_plot_options(const PlotOptions& options);

/// The picture's bytes: SVG text when `svg`, else PNG.
std::string render_plot(const PlotOptions& options, bool svg);

/// Renders and writes options.output atomically; returns the exit code.
int run_plot(const PlotOptions& options);

}  // namespace tinyprep

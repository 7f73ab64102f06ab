#pragma once
// What the report and the plots read of one sample: its audio as mono samples and a log-mel
// picture, its image, its CSV table, its feature matrix, and the clips segment cut from it.
#include <string>
#include <vector>

#include "audio/audio_file.h"
#include "manifest/manifest.h"
#include "report/charts.h"

namespace tinyprep {

/// The channels of a clip averaged into one.
std::vector<float> mono_samples(const AudioClip& clip);

/// A matrix of frames x bins, frame-major.
struct Matrix {
  std::vector<float> values;
  size_t frames = 0, bins = 0;
  double seconds_per_frame = 0;  ///< 0 when unknown
};

/// The log-mel spectrogram (dB, 80 dB below the clip's maximum) of mono audio: 25 ms windows
/// every 10 ms (a power-of-two FFT), 64 mel bands (40 at 8 kHz or less).
Matrix log_mel_of(const std::vector<float>& mono, int sample_rate);

/// The sample's `features` array as a float matrix (a 1-D array is one frame; trailing axes
/// of size 1 dropped; a `row` picks one of a packed part). Throws Error naming the line.
Matrix read_feature_matrix(const Sample& sample);

/// The CSV rows per second a line records (csv.rate, imu_rate), or 0.
double csv_rate(const Sample& sample);

/// The events a line carries: an `events` array of {offset_ms, length_ms, label}.
std::vector<Event> line_events(const Sample& sample);

}  // namespace tinyprep

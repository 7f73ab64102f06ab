// The float32 presets against a reference computed here from the published definitions, in
// double precision: a plain DFT of every frame, scipy's periodic Hann, librosa 0.10's
// stft framing (center: n_fft/2 zeros each side), the Slaney (Auditory Toolbox) and HTK mel
// formulas, librosa.filters.mel's triangle construction and Slaney area normalisation,
// power_to_db and the orthonormal DCT-II.
//
// Tolerance: every value within 1e-4 relative of the reference, |got - want| <= 1e-4 * |want|.
// The exception is the linear spectrogram (|STFT|^power, not dB): bins far below their frame's
// peak carry the float32 FFT's rounding error, which scales with the frame's energy, not with
// the bin (about 1e-4 relative at -60 dB, more below). It is compared as |got - want| <= 1e-4 *
// max(|want|, floor) with the floor 50 dB under the frame's peak (1e-5 x peak power, 10^-2.5 x
// peak magnitude). The log-mel, MFCC and MFE values (where those bins end up after mel
// summation, top_db and the dB floor) meet 1e-4 relative everywhere. MFCCs cross zero, so
// their scale is the frame's largest coefficient.
#include "audio/spectral.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "audio/audio_file.h"
#include "core/error.h"

namespace tinyprep {
namespace {

using Matrix = std::vector<std::vector<double>>;  // frames x bins

constexpr double kTolerance = 1e-4;

// ---- the reference ----

Matrix ref_stft_power(const std::vector<float>& y, int n_fft, int win, int hop, bool center,
                      double power, int rate_unused = 0) {
  (void)rate_unused;
  std::vector<double> window(n_fft, 0.0);
  const int lpad = (n_fft - win) / 2;
  for (int i = 0; i < win; ++i)
    window[lpad + i] = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / win);
  std::vector<double> padded;
  const int pad = center ? n_fft / 2 : 0;
  padded.assign(y.size() + 2 * pad, 0.0);
  for (size_t i = 0; i < y.size(); ++i) padded[pad + i] = y[i];
  Matrix out;
  for (size_t start = 0; start + n_fft <= padded.size(); start += hop) {
    std::vector<double> row(n_fft / 2 + 1);
    for (int k = 0; k <= n_fft / 2; ++k) {
      std::complex<double> sum = 0;
      for (int j = 0; j < n_fft; ++j) {
        const double a = -2 * std::numbers::pi * static_cast<double>((long(j) * k) % n_fft) / n_fft;
        sum += window[j] * padded[start + j] * std::complex<double>(std::cos(a), std::sin(a));
      }
      row[k] = std::pow(std::abs(sum), power);
    }
    out.push_back(row);
  }
  return out;
}

double ref_hz_to_mel(double f, bool htk) {
  if (htk) return 2595 * std::log10(1 + f / 700);
  // Slaney: 3 mels per 200 Hz up to 1 kHz, then log-spaced with 27 steps per factor 6.4.
  if (f < 1000) return 3 * f / 200;
  return 15 + 27 * std::log(f / 1000) / std::log(6.4);
}

double ref_mel_to_hz(double m, bool htk) {
  if (htk) return 700 * (std::pow(10, m / 2595) - 1);
  if (m < 15) return 200 * m / 3;
  return 1000 * std::exp((m - 15) * std::log(6.4) / 27);
}

Matrix ref_mel_matrix(int rate, int n_fft, int n_mels, double fmin, double fmax, bool htk,
                      bool slaney_norm) {
  std::vector<double> pts(n_mels + 2);
  const double lo = ref_hz_to_mel(fmin, htk), hi = ref_hz_to_mel(fmax, htk);
  for (int i = 0; i < n_mels + 2; ++i)
    pts[i] = ref_mel_to_hz(lo + (hi - lo) * i / (n_mels + 1), htk);
  Matrix w(n_mels, std::vector<double>(n_fft / 2 + 1, 0.0));
  for (int m = 0; m < n_mels; ++m)
    for (int k = 0; k <= n_fft / 2; ++k) {
      const double f = double(k) * rate / n_fft;
      const double rise = (f - pts[m]) / (pts[m + 1] - pts[m]);
      const double fall = (pts[m + 2] - f) / (pts[m + 2] - pts[m + 1]);
      w[m][k] =
          std::max(0.0, std::min(rise, fall)) * (slaney_norm ? 2 / (pts[m + 2] - pts[m]) : 1.0);
    }
  return w;
}

Matrix ref_apply_mel(const Matrix& power, const Matrix& mel) {
  Matrix out(power.size(), std::vector<double>(mel.size(), 0.0));
  for (size_t t = 0; t < power.size(); ++t)
    for (size_t m = 0; m < mel.size(); ++m)
      for (size_t k = 0; k < mel[m].size(); ++k) out[t][m] += mel[m][k] * power[t][k];
  return out;
}

Matrix ref_power_to_db(Matrix s, double ref, bool ref_max, double amin, double top_db) {
  if (ref_max) {
    ref = 0;
    for (auto& r : s)
      for (double v : r) ref = std::max(ref, v);
  }
  double top = -1e300;
  for (auto& r : s)
    for (double& v : r) {
      v = 10 * std::log10(std::max(amin, v)) - 10 * std::log10(std::max(amin, ref));
      top = std::max(top, v);
    }
  if (top_db >= 0)
    for (auto& r : s)
      for (double& v : r) v = std::max(v, top - top_db);
  return s;
}

Matrix ref_dct(const Matrix& s, int n_out) {
  Matrix out(s.size(), std::vector<double>(n_out));
  for (size_t t = 0; t < s.size(); ++t) {
    const size_t n = s[t].size();
    for (int k = 0; k < n_out; ++k) {
      double sum = 0;
      for (size_t i = 0; i < n; ++i)
        sum += s[t][i] * std::cos(std::numbers::pi * k * (2 * i + 1) / (2.0 * n));
      out[t][k] = sum * std::sqrt((k == 0 ? 1.0 : 2.0) / n);
    }
  }
  return out;
}

// ---- comparison ----

// Largest |got - want| / max(|want|, floor); `floor_of_frame` > 0 sets floor to that fraction of
// each frame's peak (energies), 0 compares every value relatively (dB values, MFCC).
double worst_error(const std::vector<float>& got, const Matrix& want, double floor_of_frame) {
  REQUIRE(!want.empty());
  const size_t bins = want[0].size();
  REQUIRE(got.size() == want.size() * bins);
  double worst = 0;
  for (size_t t = 0; t < want.size(); ++t) {
    double peak = 0;
    for (double v : want[t]) peak = std::max(peak, std::abs(v));
    for (size_t k = 0; k < bins; ++k) {
      const double w = want[t][k];
      const double scale = std::max({std::abs(w), floor_of_frame * peak, 1e-30});
      worst = std::max(worst, std::abs(got[t * bins + k] - w) / scale);
    }
  }
  return worst;
}

std::vector<float> load(const std::string& name) {
  AudioClip clip = read_audio(std::string(TINYPREP_TEST_DATA) + "/" + name);
  REQUIRE(clip.info.channels == 1);
  return clip.samples;
}

std::vector<float> tones(int rate, size_t n) {
  std::vector<float> y(n);
  for (size_t i = 0; i < n; ++i) {
    const double t = double(i) / rate;
    y[i] = static_cast<float>(0.5 * std::sin(2 * std::numbers::pi * 440 * t) +
                              0.25 * std::sin(2 * std::numbers::pi * 3000 * t + 1.0));
  }
  return y;
}

SpectralConfig config(SpectralKind kind, int rate, int n_fft, int win, int hop, bool center) {
  SpectralConfig c = default_spectral_config(kind, rate);
  c.n_fft = n_fft;
  c.win_length = win;
  c.hop_length = hop;
  c.center = center;
  return resolve_spectral_config(c);
}

std::vector<float> run(const SpectralConfig& c, const std::vector<float>& y) {
  SpectralExtractor e(c);
  std::vector<float> out;
  e.compute(y.data(), y.size(), out);
  REQUIRE(out.size() == e.frames_for(y.size()) * e.bins());
  return out;
}

}  // namespace

TEST_CASE("mel scales follow Slaney's and HTK's formulas", "[spectral]") {
  for (double f : {0.0, 100.0, 999.0, 1000.0, 1001.0, 4000.0, 7999.0, 11025.0}) {
    for (bool htk : {false, true}) {
      MelScale s = htk ? MelScale::kHtk : MelScale::kSlaney;
      CHECK(hz_to_mel(f, s) == Approx(ref_hz_to_mel(f, htk)).epsilon(1e-12).margin(1e-12));
      CHECK(mel_to_hz(hz_to_mel(f, s), s) == Approx(f).epsilon(1e-12).margin(1e-9));
    }
  }
  CHECK(hz_to_mel(1000, MelScale::kSlaney) == Approx(15.0));
  CHECK(hz_to_mel(1000, MelScale::kHtk) == Approx(999.985).epsilon(1e-6));
}

TEST_CASE("mel filterbank is librosa.filters.mel", "[spectral]") {
  for (bool htk : {false, true})
    for (bool norm : {false, true}) {
      auto fb = mel_filterbank(16000, 512, 40, 20, 7600, htk ? MelScale::kHtk : MelScale::kSlaney,
                               norm ? MelNorm::kSlaney : MelNorm::kNone);
      Matrix want = ref_mel_matrix(16000, 512, 40, 20, 7600, htk, norm);
      double worst = 0, peak = 0;
      for (size_t m = 0; m < 40; ++m)
        for (size_t k = 0; k < 257; ++k) {
          peak = std::max(peak, want[m][k]);
          worst = std::max(worst, std::abs(fb[m * 257 + k] - want[m][k]));
        }
      INFO("htk " << htk << " slaney norm " << norm);
      CHECK(worst <= 1e-7 * peak);  // librosa stores the triangles in float32
    }
}

TEST_CASE("spectrogram equals |DFT|^power of Hann-windowed frames", "[spectral]") {
  std::vector<float> y = load("kws_tflm/yes_1000ms.wav");
  for (bool center : {true, false})
    for (double power : {2.0, 1.0}) {
      SpectralConfig c = config(SpectralKind::kSpectrogram, 16000, 512, 400, 160, center);
      c.power = power;
      Matrix want = ref_stft_power(y, 512, 400, 160, center, power);
      std::vector<float> got = run(c, y);
      // Floor at -50 dB of the frame's peak: 1e-5 of its power, 10^-2.5 of its magnitude.
      double worst = worst_error(got, want, std::pow(1e-5, power / 2));
      INFO("center " << center << " power " << power << ": worst relative error " << worst);
      CHECK(worst <= kTolerance);
    }
}

TEST_CASE("logmel equals power_to_db of the mel spectrogram", "[spectral]") {
  struct Case {
    const char* name;
    std::vector<float> y;
    int rate, n_fft, win, hop;
    bool center;
    int n_mels;
    bool htk, norm;
  };
  std::vector<Case> cases = {
      // The benchmark's configuration.
      {"yes 512/480/320 no center", load("kws_tflm/yes_1000ms.wav"), 16000, 512, 480, 320, false,
       40, false, true},
      // librosa's defaults.
      {"no 2048 defaults", load("kws_tflm/no_1000ms.wav"), 16000, 2048, 0, 0, true, 128, false,
       true},
      {"fsdd 8 kHz htk", load("fsdd/3_jackson_0.wav"), 8000, 256, 200, 80, true, 32, true, false},
      {"tones", tones(16000, 16000), 16000, 512, 480, 160, true, 64, false, true},
  };
  for (const Case& k : cases) {
    SpectralConfig c = default_spectral_config(SpectralKind::kLogMel, k.rate);
    c.n_fft = k.n_fft;
    c.win_length = k.win;
    c.hop_length = k.hop;
    c.center = k.center;
    c.n_mels = k.n_mels;
    c.mel_scale = k.htk ? MelScale::kHtk : MelScale::kSlaney;
    c.mel_norm = k.norm ? MelNorm::kSlaney : MelNorm::kNone;
    c = resolve_spectral_config(c);
    Matrix mel = ref_mel_matrix(k.rate, k.n_fft, k.n_mels, 0, k.rate / 2.0, k.htk, k.norm);
    Matrix power = ref_stft_power(k.y, c.n_fft, c.win_length, c.hop_length, k.center, 2.0);
    Matrix want = ref_power_to_db(ref_apply_mel(power, mel), 1.0, false, 1e-10, 80);
    double worst = worst_error(run(c, k.y), want, 0);
    INFO(k.name << ": worst relative error " << worst);
    CHECK(worst <= kTolerance);
  }
}

TEST_CASE("logmel options: ref max, amin, no top_db, magnitude, pre-emphasis", "[spectral]") {
  std::vector<float> y = load("fsdd/7_george_2.wav");
  SpectralConfig c = default_spectral_config(SpectralKind::kLogMel, 8000);
  c.n_fft = 256;
  c.hop_length = 64;
  c.n_mels = 40;
  c.ref_max = true;
  c.amin = 1e-6;
  c.top_db.reset();
  c.power = 1.0;
  c.pre_emphasis = 0.97;
  c = resolve_spectral_config(c);
  // librosa.effects.preemphasis: y[n] - 0.97 y[n-1], the first sample from the filter state
  // zi = 2 y[0] - y[1] (so y'[0] = y[0] + zi).
  std::vector<float> e(y.size());
  e[0] = y[0] + (2 * y[0] - y[1]);
  for (size_t i = 1; i < y.size(); ++i) e[i] = y[i] - 0.97f * y[i - 1];
  Matrix mel = ref_mel_matrix(8000, 256, 40, 0, 4000, false, true);
  Matrix want = ref_power_to_db(ref_apply_mel(ref_stft_power(e, 256, 256, 64, true, 1.0), mel), 0,
                                true, 1e-6, -1);
  double worst = worst_error(run(c, y), want, 0);
  INFO("worst relative error " << worst);
  CHECK(worst <= kTolerance);
}

TEST_CASE("mfcc is the orthonormal DCT-II of the log-mel", "[spectral]") {
  std::vector<float> y = load("kws_tflm/yes_1000ms.wav");
  SpectralConfig c = default_spectral_config(SpectralKind::kMfcc, 16000);
  c.n_fft = 512;
  c.win_length = 480;
  c.hop_length = 320;
  c.center = false;
  c.n_mels = 40;
  c.n_mfcc = 13;
  c = resolve_spectral_config(c);
  Matrix mel = ref_mel_matrix(16000, 512, 40, 0, 8000, false, true);
  Matrix db = ref_power_to_db(ref_apply_mel(ref_stft_power(y, 512, 480, 320, false, 2.0), mel), 1.0,
                              false, 1e-10, 80);
  Matrix want = ref_dct(db, 13);
  std::vector<float> got = run(c, y);
  // MFCCs cross zero, so relative error means little near 0: compare against the frame's
  // largest coefficient (c0) as the scale.
  double worst = worst_error(got, want, 1.0);
  INFO("worst error relative to the frame's largest coefficient " << worst);
  CHECK(worst <= kTolerance);
  CHECK(got.size() == 49 * 13);
}

TEST_CASE("frame counts follow librosa (center) and plain framing (no center)", "[spectral]") {
  SpectralExtractor centered(config(SpectralKind::kLogMel, 16000, 512, 480, 320, true));
  SpectralExtractor plain(config(SpectralKind::kLogMel, 16000, 512, 480, 320, false));
  CHECK(centered.frames_for(16000) == 51);  // 1 + 16000 // 320
  CHECK(plain.frames_for(16000) == 49);     // 1 + (16000 - 512) // 320
  CHECK(plain.frames_for(511) == 0);
  CHECK(plain.frames_for(512) == 1);
  CHECK(centered.frames_for(0) == 1);
  SpectralExtractor mfe(
      resolve_spectral_config(default_spectral_config(SpectralKind::kMfe, 16000)));
  CHECK(mfe.frames_for(16000) == 99);  // Edge Impulse's 99 x 40 per second
  CHECK(mfe.bins() == 40);
}

TEST_CASE("mfe follows Edge Impulse's recipe", "[spectral]") {
  std::vector<float> y = load("kws_tflm/yes_1000ms.wav");
  SpectralConfig c = resolve_spectral_config(default_spectral_config(SpectralKind::kMfe, 16000));
  std::vector<float> got = run(c, y);
  // Reference: speechpy pre-emphasis (np.roll), 320-sample rectangular frames cropped to the
  // 256-point FFT, power / 256, triangles between mel points rounded down to bins, 10 log10,
  // (x + 52) / 64 clipped to [0, 1], quantised to 1/256.
  const size_t n = y.size();
  std::vector<double> e(n);
  for (size_t i = 0; i < n; ++i) e[i] = y[i] - 0.98 * y[(i + n - 1) % n];
  std::vector<int> edge(42);
  const double hi = 1127 * std::log(1 + 8000 / 700.0);
  for (int i = 0; i < 42; ++i)
    edge[i] = static_cast<int>(std::floor(257 * 700 * (std::exp(hi * i / 41 / 1127) - 1) / 16000));
  size_t mismatches = 0, total = 0;
  for (size_t t = 0; t < 99; ++t) {
    std::vector<double> power(129);
    for (int k = 0; k <= 128; ++k) {
      std::complex<double> sum = 0;
      for (int j = 0; j < 256; ++j)
        sum += e[t * 160 + j] * std::polar(1.0, -2 * std::numbers::pi * ((j * k) % 256) / 256);
      power[k] = std::norm(sum) / 256;
    }
    for (int b = 0; b < 40; ++b) {
      double energy = 0;
      for (int k = edge[b]; k <= edge[b + 2]; ++k) {
        double w = 0;
        if (k > edge[b] && k <= edge[b + 1]) w = double(k - edge[b]) / (edge[b + 1] - edge[b]);
        if (k >= edge[b + 1] && k < edge[b + 2])
          w = double(edge[b + 2] - k) / (edge[b + 2] - edge[b + 1]);
        energy += w * power[k];
      }
      double v = std::clamp((10 * std::log10(std::max(energy, 1e-30)) + 52) / 64, 0.0, 1.0);
      const double want = std::min(255.0, std::nearbyint(v * 256)) / 256;
      ++total;
      // A value within float rounding of a quantisation step may land on either side.
      if (got[t * 40 + b] != static_cast<float>(want)) {
        ++mismatches;
        CHECK(std::abs(got[t * 40 + b] - want) <= 1.0 / 256 + 1e-9);
      }
    }
  }
  INFO(mismatches << " of " << total << " values one step apart");
  CHECK(mismatches * 1000 <= total);
}

TEST_CASE("nonsense options are usage errors", "[spectral]") {
  auto bad = [](auto change) {
    SpectralConfig c = default_spectral_config(SpectralKind::kLogMel, 16000);
    change(c);
    try {
      resolve_spectral_config(c);
    } catch (const Error& e) {
      return e.code() == ExitCode::kUsage;
    }
    return false;
  };
  CHECK(bad([](SpectralConfig& c) { c.n_fft = 512, c.n_mels = 258; }));
  CHECK(!bad([](SpectralConfig& c) { c.n_fft = 512, c.n_mels = 257; }));
  CHECK(bad([](SpectralConfig& c) { c.fmax = 8001; }));
  CHECK(bad([](SpectralConfig& c) { c.fmin = 4000, c.fmax = 3000; }));
  CHECK(bad([](SpectralConfig& c) { c.n_fft = 512, c.win_length = 513; }));
  CHECK(bad([](SpectralConfig& c) { c.hop_length = -1; }));
  CHECK(bad([](SpectralConfig& c) { c.power = 0; }));
  CHECK(bad([](SpectralConfig& c) { c.amin = 0; }));
  CHECK(bad([](SpectralConfig& c) { c.top_db = -1.0; }));
  CHECK(bad([](SpectralConfig& c) { c.kind = SpectralKind::kMfcc, c.n_mfcc = 200; }));
}

TEST_CASE("compute is deterministic and independent of what ran before", "[spectral]") {
  std::vector<float> a = load("kws_tflm/yes_1000ms.wav"), b = tones(16000, 16000);
  SpectralConfig c = config(SpectralKind::kLogMel, 16000, 512, 480, 320, false);
  std::vector<float> first = run(c, a);
  run(c, b);
  CHECK(run(c, a) == first);
}

}  // namespace tinyprep

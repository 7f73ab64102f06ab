// Compute-only throughput of the float presets on one core (no files, no process start-up):
// one-second 16 kHz clips through SpectralExtractor. Build by hand from the repo root, e.g.
//   g++ -O2 -std=c++20 -Ilib bench/spectral_bench.cpp lib/audio/spectral.cpp \
//       lib/audio/real_fft.cpp lib/core/error.cpp -o /tmp/spectral_bench
//   taskset -c 0 /tmp/spectral_bench [seconds]
// Reports clips per second of this thread's CPU time and of wall time, for the benchmark's
// log-mel (n_fft 512, win 480, hop 320, 40 mels, no centering), MFCC on top of it, and librosa's
// default log-mel (n_fft 2048, hop 512, 128 mels, centred).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <vector>

#include "audio/spectral.h"

namespace {

double cpu_now() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void run(const char* name, tinyprep::SpectralConfig c, const std::vector<float>& clip,
         double seconds) {
  c = tinyprep::resolve_spectral_config(c);
  tinyprep::SpectralExtractor e(c);
  std::vector<float> out;
  for (int i = 0; i < 100; ++i) e.compute(clip.data(), clip.size(), out);  // warm up
  long done = 0;
  const double cpu_start = cpu_now();
  const auto start = std::chrono::steady_clock::now();
  double wall = 0;
  while (wall < seconds) {
    for (int i = 0; i < 100; ++i) e.compute(clip.data(), clip.size(), out);
    done += 100;
    wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  const double cpu = cpu_now() - cpu_start;
  std::printf("%-34s %6.1f us/clip  %8.0f clips/s (CPU time)  %8.0f clips/s (wall)  %zux%zu\n",
              name, cpu / done * 1e6, done / cpu, done / wall, e.frames_for(clip.size()), e.bins());
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tinyprep;
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  std::mt19937 rng(1);
  std::normal_distribution<float> noise(0, 0.05f);
  std::vector<float> clip(16000);
  for (size_t i = 0; i < clip.size(); ++i) clip[i] = 0.3f * std::sin(i * 0.07f) + noise(rng);

  SpectralConfig bench = default_spectral_config(SpectralKind::kLogMel, 16000);
  bench.n_fft = 512;
  bench.win_length = 480;
  bench.hop_length = 320;
  bench.n_mels = 40;
  bench.center = false;
  run("logmel 512/480/320, 40 mels", bench, clip, seconds);
  SpectralConfig mfcc = bench;
  mfcc.kind = SpectralKind::kMfcc;
  mfcc.n_mfcc = 13;
  run("mfcc 13 of the same", mfcc, clip, seconds);
  run("logmel librosa defaults", default_spectral_config(SpectralKind::kLogMel, 16000), clip,
      seconds);
  run("mfe (Edge Impulse defaults)", default_spectral_config(SpectralKind::kMfe, 16000), clip,
      seconds);
}

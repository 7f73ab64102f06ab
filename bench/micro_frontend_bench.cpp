// Throughput of the micro frontend on one core: one-second 16 kHz clips (49 frames each).
// Build by hand (Release flags), e.g. from the repo root:
//   g++ -O3 -DNDEBUG -std=c++20 -Ilib bench/micro_frontend_bench.cpp lib/audio/micro_frontend.cpp \
//       lib/audio/micro_frontend_tables.cpp lib/audio/fixed_fft.cpp lib/audio/fixed_fft_avx2.cpp \
//       lib/core/error.cpp -o /tmp/mfb
//   /tmp/mfb [seconds] [portable]     ("portable": without the AVX2 kernels)
// Reports clips per second of this thread's CPU time (what one core does, also on a busy
// machine) and of wall time.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "audio/micro_frontend.h"

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  // A few synthetic clips: speech-like tones in noise at different levels, and silence.
  std::mt19937 rng(42);
  std::vector<std::vector<int16_t>> clips;
  for (double level : {30.0, 300.0, 3000.0, 20000.0}) {
    std::normal_distribution<double> noise(0, level / 10);
    std::vector<int16_t> clip(16000);
    for (int i = 0; i < 16000; ++i) {
      const double v = level * std::sin(i * 0.07 + 3 * std::sin(i * 0.001)) + noise(rng);
      clip[i] = int16_t(std::max(-32768.0, std::min(32767.0, v)));
    }
    clips.push_back(clip);
  }
  clips.emplace_back(16000, 0);

  tinyprep::MicroFrontend frontend{tinyprep::FrontendConfig{}};
  const bool portable = argc > 2 && std::string(argv[2]) == "portable";
  std::printf("AVX2 kernels: %s\n", frontend.use_avx2(!portable) ? "yes" : "no");
  std::vector<uint16_t> out;
  uint64_t checksum = 0;
  long done = 0;
  auto cpu_now = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
  };
  const double cpu_start = cpu_now();
  const auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (int rep = 0; rep < 100; ++rep) {
      const auto& clip = clips[done % clips.size()];
      frontend.compute(clip.data(), clip.size(), out);
      checksum += out[done % out.size()];
      ++done;
    }
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  const double cpu = cpu_now() - cpu_start;
  std::printf(
      "%ld clips: %.0f clips/s per core (CPU time %.2f s, %.2f us/frame); wall %.2f s, "
      "%.0f clips/s (checksum %llu)\n",
      done, done / cpu, cpu, cpu / done / 49 * 1e6, elapsed, done / elapsed,
      (unsigned long long)checksum);
}

// The micro frontend's two AVX2 kernels against their portable code (issue 11, item 5): the
// 512-point fixed-point FFT (fixed_fft_avx2.cpp) on its own stage, FixedRealFft::power, and the
// per-channel tail (micro_frontend_avx2.cpp: square root, noise reduction, PCAN, log) through
// the whole frontend. Built twice by bench/second_impls.sh: normally, and with
// micro_frontend.cpp compiled with -DTINYPREP_NO_AVX2 (AVX2 FFT, portable tail), since the
// tail has no switch of its own.
//
//   avx2_paths [--rounds N] [--once] fft|frontend CLIPS.list
//
// Input: the 16 kHz PCM16 clips listed (the first 200), cut into the frontend's 30 ms frames
// every 20 ms. fft: each frame Hann-windowed, scaled to full range and split into even/odd
// samples as the frontend does, then power() of bins 0..256, AVX2 against portable in one
// process, alternating order per round, thread CPU time, medians. frontend: compute() of every
// clip with the kernels the build and the argument allow ("avx2" or "portable"), one figure per
// run; the script interleaves runs of the two builds.
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "audio/fixed_fft.h"
#include "audio/micro_frontend.h"
#include "audio/wav_pcm.h"

using namespace tinyprep;

namespace {

double cpu_now() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The int16 samples of a PCM16 WAV (first channel).
std::vector<int16_t> read_pcm16(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  AudioInfo info;
  std::string_view data;
  if (!parse_wav_pcm16(bytes, info, data)) {
    std::fprintf(stderr, "%s: not a plain PCM16 WAV\n", path.c_str());
    std::exit(1);
  }
  std::vector<int16_t> s(data.size() / 2 / info.channels);
  for (size_t i = 0; i < s.size(); ++i) std::memcpy(&s[i], data.data() + 2 * i * info.channels, 2);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 15;
  bool once = false;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rounds" && i + 1 < argc)
      rounds = std::atoi(argv[++i]);
    else if (a == "--once")
      once = true, rounds = 1;
    else
      args.push_back(a);
  }
  if (args.size() < 2) {
    std::fprintf(
        stderr,
        "usage: avx2_paths [--rounds N] [--once] fft|frontend CLIPS.list [avx2|portable]\n");
    return 2;
  }
  std::vector<std::vector<int16_t>> clips;
  {
    std::ifstream list(args[1]);
    for (std::string name; std::getline(list, name) && clips.size() < 200;)
      if (!name.empty()) clips.push_back(read_pcm16(name));
  }
  if (args[0] == "fft") {
    // Frames as the frontend makes them: 480 samples every 320, Hann window, shifted left until
    // the largest magnitude uses the int16 range, zero-padded to 512, split even/odd.
    std::vector<std::vector<int16_t>> even, odd;
    for (const auto& c : clips)
      for (size_t at = 0; at + 480 <= c.size(); at += 320) {
        std::vector<int32_t> w(512, 0);
        int32_t peak = 1;
        for (int i = 0; i < 480; ++i) {
          const double hann = 0.5 - 0.5 * std::cos(2 * M_PI * (i + 0.5) / 480);
          w[i] = static_cast<int32_t>(std::lround(c[at + i] * hann));
          peak = std::max(peak, std::abs(w[i]));
        }
        int shift = 0;
        while ((peak << (shift + 1)) < 32768) ++shift;
        std::vector<int16_t> e(256), o(256);
        for (int i = 0; i < 256; ++i) {
          e[i] = static_cast<int16_t>(w[2 * i] * (1 << shift));
          o[i] = static_cast<int16_t>(w[2 * i + 1] * (1 << shift));
        }
        even.push_back(e);
        odd.push_back(o);
      }
    FixedRealFft vec(512), port(512);
    if (!vec.use_avx2(true)) std::printf("no AVX2 on this CPU\n");
    port.use_avx2(false);
    std::vector<uint32_t> ev(257), ep(257);
    uint64_t sum_v = 0, sum_p = 0;
    auto run = [&](FixedRealFft& f, std::vector<uint32_t>& energy, uint64_t& sum) {
      for (size_t i = 0; i < even.size(); ++i) {
        f.power(even[i].data(), odd[i].data(), 0, 257, energy.data());
        sum += energy[i % 257];
      }
    };
    if (!once) run(vec, ev, sum_v), run(port, ep, sum_p);
    std::vector<double> tv, tp, ratio;
    for (int r = 0; r < rounds; ++r) {
      double a = 0, b = 0;
      for (int k = 0; k < 2; ++k) {
        const bool avx2_now = (k == 0) == (r % 2 == 0);
        const double start = cpu_now();
        if (avx2_now)
          run(vec, ev, sum_v);
        else
          run(port, ep, sum_p);
        (avx2_now ? a : b) = cpu_now() - start;
      }
      tv.push_back(a);
      tp.push_back(b);
      ratio.push_back(b / a);
    }
    if (sum_v != sum_p) {
      std::printf("the AVX2 and portable FFTs disagree\n");
      return 1;
    }
    std::printf("FixedRealFft::power, 512 points, %zu frames (%d rounds, thread CPU, medians)\n",
                even.size(), rounds);
    std::printf("  AVX2      %8.3f us/frame\n  portable  %8.3f us/frame  x%.2f of AVX2\n",
                median(tv) / even.size() * 1e6, median(tp) / even.size() * 1e6, median(ratio));
    return 0;
  }
  if (args[0] == "frontend") {
    const bool want_avx2 = !(args.size() > 2 && args[2] == "portable");
    MicroFrontend frontend{FrontendConfig{}};
    const bool on = frontend.use_avx2(want_avx2);
    std::vector<uint16_t> out;
    uint64_t sum = 0;
    auto run = [&] {
      for (const auto& c : clips) {
        frontend.compute(c.data(), c.size(), out);
        for (uint16_t v : out) sum += v;
      }
    };
    if (!once) run();
    std::vector<double> t;
    for (int r = 0; r < rounds; ++r) {
      const double start = cpu_now();
      run();
      t.push_back(cpu_now() - start);
    }
    std::printf("frontend %s: %.3f us/clip (checksum %llu)\n", on ? "avx2-kernels" : "portable",
                median(t) / clips.size() * 1e6, static_cast<unsigned long long>(sum));
    return 0;
  }
  return 2;
}

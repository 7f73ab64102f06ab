#pragma once
// Internal to micro_frontend.cpp: the per-channel steps after the filterbank (square root,
// noise reduction, PCAN, log) for 8 channels at a time in AVX2, with the integer results of the
// scalar code in micro_frontend.cpp.
#include <cstdint>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(TINYPREP_NO_AVX2)
#define TINYPREP_HAVE_FRONTEND_AVX2 1
#else
#define TINYPREP_HAVE_FRONTEND_AVX2 0
#endif

#if TINYPREP_HAVE_FRONTEND_AVX2
namespace tinyprep::frontend_avx2 {

/// Most channels the AVX2 tail takes (more go the scalar way).
constexpr int kMaxLanes = 256;

/// Everything the per-channel steps need; arrays hold a multiple of 8 channels.
struct TailTables {
  int lanes = 0;                        ///< channels rounded up to a multiple of 8
  const uint32_t* smoothing = nullptr;  ///< per channel, Q14
  uint32_t min_signal_remaining = 0;    ///< Q14
  int smoothing_bits = 0;
  bool noise_reduction = true, pcan = true, log_scale = true;
  int snr_shift = 0;
  const int32_t* gain_lut = nullptr;  ///< the 125 PCAN LUT values, sign-extended
  int log_correction_bits = 0;
  int scale_shift = 0;
  const uint32_t* log_pairs = nullptr;  ///< 129 entries: lut[i] | lut[i + 1] << 16
};

/// True when the CPU runs AVX2.
bool available();

/// The per-channel steps for t.lanes channels: sqrt(work) >> shift, then noise reduction
/// (updating estimate), PCAN and log into out. Returns false, touching nothing, when a work
/// value is >= 2^52 (beyond the exact double square root); the caller then does it in scalar.
bool tail(const TailTables& t, const uint64_t* work, int shift, uint32_t* estimate, uint16_t* out);

}  // namespace tinyprep::frontend_avx2
#endif

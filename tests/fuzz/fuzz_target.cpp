// One libFuzzer target: TINYPREP_FUZZ_CHECK names the check of checks.h it runs (CMakeLists.txt
// builds this file once per target). A divergence aborts with its message, which libFuzzer
// reports as a crash and saves as crash-<sha1>.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "checks.h"
#include "core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    tinyprep::fuzz::TINYPREP_FUZZ_CHECK(
        std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const tinyprep::fuzz::Divergence& e) {
    std::fprintf(stderr, "DIVERGENCE: %s\n", e.what());
    std::abort();
  }
  return 0;
}

#pragma once
// Per-sample work on a pool of threads, with results handed back in input order.
#include <functional>

namespace tinyprep {

/// Number of threads `-j 0` means: all cores.
unsigned default_jobs();

/// Runs work(i) for i in [0, n) on `jobs` threads and calls emit(i) on the calling thread in
/// order 0, 1, 2, ... as soon as work(i) is done. An exception from work or emit stops the
/// run and is rethrown (the first one, in index order).
void parallel_ordered(long n, unsigned jobs, const std::function<void(long)>& work,
                      const std::function<void(long)>& emit);

}  // namespace tinyprep

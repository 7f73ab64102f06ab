#include "core/parallel.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace tinyprep {

unsigned default_jobs() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

void parallel_ordered(long n, unsigned jobs, const std::function<void(long)>& work,
                      const std::function<void(long)>& emit) {
  if (jobs == 0) jobs = default_jobs();
  if (jobs == 1 || n <= 1) {
    for (long i = 0; i < n; ++i) {
      work(i);
      emit(i);
    }
    return;
  }
  std::vector<std::exception_ptr> errors(n);
  std::vector<char> done(n, 0);
  std::atomic<long> next{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable cv;
  // Workers may run at most `window` items ahead of the emitter, bounding memory.
  const long window = static_cast<long>(jobs) * 4;
  long emitted = 0;

  auto worker = [&] {
    for (;;) {
      long i = next++;
      if (i >= n || stop) return;
      {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return i < emitted + window || stop; });
        if (stop) return;
      }
      try {
        work(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
      {
        std::lock_guard lock(mutex);
        done[i] = 1;
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(worker);
  std::exception_ptr failure;
  for (long i = 0; i < n; ++i) {
    {
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return done[i] != 0; });
    }
    try {
      if (errors[i]) std::rethrow_exception(errors[i]);
      emit(i);
    } catch (...) {
      failure = std::current_exception();
    }
    {
      std::lock_guard lock(mutex);
      emitted = i + 1;
      if (failure) stop = true;
    }
    cv.notify_all();
    if (failure) break;
  }
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace tinyprep

#pragma once
// A bounded pipeline of jobs whose results are taken in the order the jobs were submitted:
// export's compression (TFRecord GZIP members, HDF5 chunks) runs on several threads while the
// file is written in order, with memory bounded by the jobs in flight.
#include <algorithm>
#include <deque>
#include <future>
#include <thread>
#include <utility>

namespace tinyprep {

template <typename Result>
class OrderedJobs {
 public:
  /// `threads` 0 = all cores. With more than one, jobs run on std::async threads; with one,
  /// each job runs on the caller's thread as it is submitted (-j 1 means one core), so one
  /// job's buffers can serve the next.
  explicit OrderedJobs(unsigned threads)
      : threads_(threads ? threads : std::max(1u, std::thread::hardware_concurrency())),
        policy_(threads_ > 1 ? std::launch::async : std::launch::deferred),
        limit_(threads_ > 1 ? 2 * threads_ : 0) {}

  unsigned threads() const { return threads_; }
  bool empty() const { return jobs_.empty(); }

  /// Starts `job` (a callable returning Result); while more jobs than the limit are in flight,
  /// hands the oldest result to `done`.
  template <typename Job, typename Done>
  void submit(Job&& job, Done&& done) {
    jobs_.push_back(std::async(policy_, std::forward<Job>(job)));
    while (jobs_.size() > limit_) done(take_oldest());
  }

  /// Hands every result left to `done`, in order.
  template <typename Done>
  void drain(Done&& done) {
    while (!jobs_.empty()) done(take_oldest());
  }

 private:
  Result take_oldest() {
    Result r = jobs_.front().get();  // rethrows the job's exception
    jobs_.pop_front();
    return r;
  }

  unsigned threads_;
  std::launch policy_;
  size_t limit_;
  std::deque<std::future<Result>> jobs_;
};

}  // namespace tinyprep

//===- ThreadPool.h - The CPU device's worker threads -----------*- C++ -*-===//
//
// A fixed set of worker threads serving a mutex-guarded queue of parallel
// loops. Any number of threads may call parallelFor at once (models sharing
// a device run concurrently); each caller works on its own loop too, so a
// loop always completes even when every worker is busy elsewhere.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_RUNTIME_THREADPOOL_H
#define DLC_RUNTIME_THREADPOOL_H

#include "dlc/runtime.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace dlc::rt {

class ThreadPool {
public:
  /// A pool running loops on `threads` threads: the caller plus
  /// `threads - 1` workers. Returns DLC_ERROR_DEVICE (with the last error
  /// set) when a worker cannot be started; `out` is then left empty.
  static dlc_status create(int32_t threads, std::unique_ptr<ThreadPool> &out);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int32_t threads() const { return numThreads; }

  /// Runs body over [0, n) in chunks; serial when n < 2, when the pool has
  /// one thread, or when called from inside a loop body on any pool.
  void parallelFor(int64_t n, dlc_parallel_body body, void *data);

  /// Serial fallback shared with dlc_parallel_for(NULL, ...).
  static void runSerial(int64_t n, dlc_parallel_body body, void *data);

private:
  struct Job {
    dlc_parallel_body body;
    void *data;
    int64_t n;
    int64_t numChunks;
    std::atomic<int64_t> next{0}; // next chunk to claim
    int64_t finished = 0;         // chunks done; guarded by mutex
    int32_t users = 0;            // workers holding the job; guarded by mutex
    bool queued = false;          // guarded by mutex
  };

  explicit ThreadPool(int32_t threads) : numThreads(threads) {}
  void workerLoop();
  /// Claims and runs chunks of `job` until none is left; returns how many.
  static int64_t runChunks(Job &job);
  /// Takes `job` off the queue; the mutex must be held.
  void dequeueLocked(Job &job);

  int32_t numThreads;
  std::mutex mutex;
  std::condition_variable workAvailable; // workers wait here
  std::condition_variable jobDone;       // callers wait here
  std::vector<Job *> queue;
  bool stopping = false;
  std::vector<std::thread> workers;
};

} // namespace dlc::rt

#endif // DLC_RUNTIME_THREADPOOL_H

//===- ThreadPool.cpp - The CPU device's worker threads ------------------===//

#include "ThreadPool.h"
#include "Internal.h"

#include <algorithm>
#include <new>

using namespace dlc::rt;

namespace {
/// True while this thread runs a loop body: nested loops then run serially
/// (no deadlock on a saturated pool, no oversubscription).
thread_local bool insideLoopBody = false;

/// Chunks per thread: some slack for uneven chunk costs.
constexpr int64_t chunksPerThread = 4;

/// Chunk i of k over [0, n): balanced, covers every index exactly once, and
/// never overflows (i * (n / k) <= n).
void chunkBounds(int64_t n, int64_t k, int64_t i, int64_t &begin,
                 int64_t &end) {
  int64_t base = n / k, rem = n % k;
  begin = i * base + std::min(i, rem);
  end = begin + base + (i < rem ? 1 : 0);
}
} // namespace

dlc_status ThreadPool::create(int32_t threads,
                              std::unique_ptr<ThreadPool> &out) {
  std::unique_ptr<ThreadPool> pool(new (std::nothrow) ThreadPool(threads));
  if (!pool)
    return fail(DLC_ERROR_OUT_OF_MEMORY, "cannot allocate the thread pool");
  try {
    pool->workers.reserve(threads > 1 ? size_t(threads - 1) : 0);
    for (int32_t i = 1; i < threads; ++i)
      pool->workers.emplace_back([p = pool.get()] { p->workerLoop(); });
  } catch (...) {
    int32_t started = int32_t(pool->workers.size());
    pool.reset(); // joins the workers that did start
    return fail(DLC_ERROR_DEVICE,
                "cannot start the CPU device's worker threads (%d of %d "
                "started)",
                started, threads - 1);
  }
  out = std::move(pool);
  return DLC_OK;
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  workAvailable.notify_all();
  for (std::thread &t : workers)
    t.join();
}

void ThreadPool::runSerial(int64_t n, dlc_parallel_body body, void *data) {
  if (n <= 0 || !body)
    return;
  bool outer = insideLoopBody;
  insideLoopBody = true;
  body(data, 0, n);
  insideLoopBody = outer;
}

int64_t ThreadPool::runChunks(Job &job) {
  bool outer = insideLoopBody;
  insideLoopBody = true;
  int64_t done = 0;
  for (;;) {
    int64_t i = job.next.fetch_add(1, std::memory_order_relaxed);
    if (i >= job.numChunks)
      break;
    int64_t begin, end;
    chunkBounds(job.n, job.numChunks, i, begin, end);
    job.body(job.data, begin, end);
    ++done;
  }
  insideLoopBody = outer;
  return done;
}

void ThreadPool::dequeueLocked(Job &job) {
  if (!job.queued)
    return;
  queue.erase(std::find(queue.begin(), queue.end(), &job));
  job.queued = false;
}

void ThreadPool::workerLoop() {
  std::unique_lock<std::mutex> lock(mutex);
  for (;;) {
    workAvailable.wait(lock, [&] { return stopping || !queue.empty(); });
    if (stopping)
      return;
    Job &job = *queue.front();
    ++job.users;
    lock.unlock();
    int64_t done = runChunks(job);
    lock.lock();
    job.finished += done;
    --job.users;
    // Every chunk is claimed: nobody else needs to find this job.
    dequeueLocked(job);
    if (job.users == 0 && job.finished == job.numChunks)
      jobDone.notify_all();
  }
}

void ThreadPool::parallelFor(int64_t n, dlc_parallel_body body, void *data) {
  if (n <= 0 || !body)
    return;
  if (n == 1 || numThreads <= 1 || insideLoopBody)
    return runSerial(n, body, data);

  Job job;
  job.body = body;
  job.data = data;
  job.n = n;
  job.numChunks = std::min<int64_t>(n, int64_t(numThreads) * chunksPerThread);
  {
    std::lock_guard<std::mutex> lock(mutex);
    // Reserved at most once per concurrent caller; a failure only costs
    // parallelism.
    bool pushed = false;
    try {
      queue.push_back(&job);
      pushed = true;
    } catch (...) {
    }
    job.queued = pushed;
  }
  if (job.queued)
    workAvailable.notify_all();

  int64_t done = runChunks(job);

  std::unique_lock<std::mutex> lock(mutex);
  job.finished += done;
  dequeueLocked(job);
  // After this no worker holds `job`, which lives on this stack frame.
  jobDone.wait(lock, [&] {
    return job.users == 0 && job.finished == job.numChunks;
  });
}

//===- Device.cpp - Device specs, the CPU backend, dlc_parallel_for ------===//

#include "Internal.h"
#include "ThreadPool.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <thread>

using namespace dlc::rt;

namespace {

/// What the entry receives as `ctx` on the CPU. The tag lets
/// dlc_parallel_for fall back to a serial loop on a foreign pointer instead
/// of crashing.
struct CpuExecCtx {
  static constexpr uint64_t expectedTag = 0x646c632d63707531ull; // "dlc-cpu1"
  uint64_t tag = expectedTag;
  ThreadPool *pool;
};

class CpuBackend final : public DeviceBackend {
public:
  explicit CpuBackend(std::unique_ptr<ThreadPool> pool)
      : pool(std::move(pool)) {}
  dlc_device_kind kind() const override { return DLC_DEVICE_CPU; }
  int32_t threads() const override { return pool->threads(); }
  void *allocate(uint64_t bytes) override { return alignedAlloc(bytes); }
  void release(void *p) override { alignedFree(p); }
  int32_t launch(dlc_entry_fn entry, void *const *buffers, void *arena,
                 const void *weights) override {
    CpuExecCtx ctx;
    ctx.pool = pool.get();
    return entry(buffers, arena, weights, &ctx);
  }

private:
  std::unique_ptr<ThreadPool> pool;
};

constexpr int32_t maxCpuThreads = 1024;

/// Parses "" or ":N" after a device name; N must be decimal digits.
/// Returns -1 for no suffix, -2 for a malformed one, else N (capped).
int64_t parseIndex(const char *suffix) {
  if (*suffix == '\0')
    return -1;
  if (*suffix != ':' || suffix[1] == '\0')
    return -2;
  int64_t value = 0;
  for (const char *c = suffix + 1; *c; ++c) {
    if (*c < '0' || *c > '9')
      return -2;
    value = value * 10 + (*c - '0');
    if (value > (int64_t(1) << 40))
      value = int64_t(1) << 40; // keep going to reject trailing junk
  }
  return value;
}

bool hasPrefix(const char *s, const char *prefix, const char **rest) {
  size_t n = std::strlen(prefix);
  if (std::strncmp(s, prefix, n) != 0)
    return false;
  *rest = s + n;
  return true;
}

dlc_status createCpu(const char *spec, int64_t index, dlc_device **out) {
  int32_t threads;
  if (index == -1) {
    unsigned hw = std::thread::hardware_concurrency();
    threads = hw == 0 ? 1 : int32_t(std::min<unsigned>(hw, maxCpuThreads));
  } else if (index < 1 || index > maxCpuThreads) {
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "device spec '%s': the CPU thread count must be between 1 "
                "and %d",
                spec, maxCpuThreads);
  } else {
    threads = int32_t(index);
  }
  std::unique_ptr<ThreadPool> pool;
  if (dlc_status s = ThreadPool::create(threads, pool))
    return s;
  std::unique_ptr<dlc_device> device(new (std::nothrow) dlc_device);
  if (!device)
    return fail(DLC_ERROR_OUT_OF_MEMORY, "cannot allocate the device");
  device->backend.reset(new (std::nothrow) CpuBackend(std::move(pool)));
  if (!device->backend)
    return fail(DLC_ERROR_OUT_OF_MEMORY, "cannot allocate the device");
  *out = device.release();
  return DLC_OK;
}

} // namespace

void dlc::rt::retainDevice(dlc_device *d) {
  d->refs.fetch_add(1, std::memory_order_relaxed);
}

void dlc::rt::releaseDevice(dlc_device *d) {
  if (d->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
    delete d;
}

extern "C" {

dlc_status dlc_device_create(const char *spec, dlc_device **out) {
  if (!out)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "dlc_device_create: the output pointer is NULL");
  *out = nullptr;
  if (!spec)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "dlc_device_create: the device spec is NULL");
  const char *rest;
  int64_t index;
  if (hasPrefix(spec, "cpu", &rest) && (index = parseIndex(rest)) != -2) {
    try {
      return createCpu(spec, index, out);
    } catch (...) {
      return fail(DLC_ERROR_INTERNAL, "device '%s': unexpected failure",
                  spec);
    }
  }
  if (hasPrefix(spec, "cuda", &rest) && parseIndex(rest) != -2)
    return fail(DLC_ERROR_UNSUPPORTED,
                "device '%s': the CUDA device is not built yet", spec);
  if (hasPrefix(spec, "hip", &rest) && parseIndex(rest) != -2)
    return fail(DLC_ERROR_UNSUPPORTED,
                "device '%s': the HIP device is not built yet", spec);
  return fail(DLC_ERROR_INVALID_ARGUMENT,
              "unknown device spec '%s' (expected cpu, cpu:N, cuda, cuda:N, "
              "hip or hip:N)",
              spec);
}

void dlc_device_destroy(dlc_device *d) {
  if (d)
    releaseDevice(d);
}

int32_t dlc_device_threads(const dlc_device *d) {
  return d ? d->backend->threads() : 0;
}

void dlc_parallel_for(void *ctx, int64_t n, dlc_parallel_body body,
                      void *data) {
  auto *cpu = static_cast<CpuExecCtx *>(ctx);
  if (cpu && cpu->tag == CpuExecCtx::expectedTag)
    cpu->pool->parallelFor(n, body, data);
  else
    ThreadPool::runSerial(n, body, data);
}

} // extern "C"

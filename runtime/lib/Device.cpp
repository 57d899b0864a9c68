//===- Device.cpp - Device specs, the CPU backend, dlc_parallel_for, -----===//
//===- dlc_gpu_launch and helpers shared by the GPU backends -------------===//

#include "Internal.h"
#include "ThreadPool.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
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
  const char *name() const override { return "cpu"; }
  int32_t threads() const override { return pool->threads(); }
  bool deviceMemory() const override { return false; }

  dlc_status loadModel(const dlc_model_info *info,
                       std::unique_ptr<ModelState> &out) override {
    out.reset(new (std::nothrow) ModelState(info));
    if (!out)
      return fail(DLC_ERROR_OUT_OF_MEMORY, "cannot allocate the model");
    return DLC_OK;
  }
  dlc_status allocate(ModelState &model, uint64_t bytes, const char *what,
                      void **out) override {
    *out = alignedAlloc(bytes);
    if (!*out)
      return fail(DLC_ERROR_OUT_OF_MEMORY, "model '%s': cannot allocate %s",
                  modelName(model.info), what);
    return DLC_OK;
  }
  void release(void *p) override { alignedFree(p); }
  // Host memory: the model never copies, but the operations are simple.
  dlc_status upload(ModelState &, void *dst, const void *src, uint64_t bytes,
                    const char *) override {
    std::memcpy(dst, src, size_t(bytes));
    return DLC_OK;
  }
  dlc_status download(ModelState &, void *dst, const void *src,
                      uint64_t bytes, const char *) override {
    std::memcpy(dst, src, size_t(bytes));
    return DLC_OK;
  }
  dlc_status synchronize(ModelState &) override { return DLC_OK; }
  dlc_status launch(ModelState &model, void *const *buffers, void *arena,
                    const void *weights) override {
    CpuExecCtx ctx;
    ctx.pool = pool.get();
    EmuCheckLog log;
    int32_t code;
    {
      ScopedEmuCheckLog scope(&log);
      code = model.info->entry(buffers, arena, weights, &ctx);
    }
    if (code != 0)
      return entryFailed(model.info, code);
    if (int64_t races = log.races.load())
      return fail(DLC_ERROR_RACE,
                  "model '%s': gpu-emu race check: %s (%lld racing "
                  "access(es) in %lld launch(es))",
                  modelName(model.info), log.first, (long long)races,
                  (long long)log.launches.load());
    return DLC_OK;
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

/// The parts of a GPU spec after the kind's name: "[:N][,nograph]".
struct GpuSpec {
  int64_t ordinal = 0;
  bool graphs = true;
};

enum class SpecResult { Ok, Malformed, Reported };

/// Malformed: the part before the first ',' is not "" or ":N" (reported by
/// the caller as an unknown spec). Reported: an unknown option, with the
/// last error set.
SpecResult parseGpuSpec(const char *spec, const char *rest, GpuSpec &out) {
  char index[32];
  const char *comma = std::strchr(rest, ',');
  size_t indexLen = comma ? size_t(comma - rest) : std::strlen(rest);
  if (indexLen >= sizeof(index))
    return SpecResult::Malformed;
  std::memcpy(index, rest, indexLen);
  index[indexLen] = '\0';
  int64_t ordinal = parseIndex(index);
  if (ordinal == -2)
    return SpecResult::Malformed;
  out.ordinal = ordinal < 0 ? 0 : ordinal;
  while (comma) {
    const char *option = comma + 1;
    comma = std::strchr(option, ',');
    size_t len = comma ? size_t(comma - option) : std::strlen(option);
    if (len == 7 && std::strncmp(option, "nograph", 7) == 0) {
      out.graphs = false;
      continue;
    }
    fail(DLC_ERROR_INVALID_ARGUMENT,
         "device spec '%s': unknown option '%.*s' (the only option is "
         "nograph)",
         spec, int(len), option);
    return SpecResult::Reported;
  }
  return SpecResult::Ok;
}

dlc_status createGpu(const char *spec, dlc_device_kind kind,
                     const GpuSpec &gpu, dlc_device **out) {
  std::unique_ptr<DeviceBackend> backend;
  dlc_status s = kind == DLC_DEVICE_CUDA
                     ? createCudaBackend(spec, gpu.ordinal, gpu.graphs, backend)
                     : createHipBackend(spec, gpu.ordinal, backend);
  if (s != DLC_OK)
    return s;
  std::unique_ptr<dlc_device> device(new (std::nothrow) dlc_device);
  if (!device)
    return fail(DLC_ERROR_OUT_OF_MEMORY, "cannot allocate the device");
  device->backend = std::move(backend);
  *out = device.release();
  return DLC_OK;
}

/// The GPU context of the entry running on this thread, if any.
thread_local GpuExecCtx *activeGpuCtx = nullptr;

} // namespace

void dlc::rt::retainDevice(dlc_device *d) {
  d->refs.fetch_add(1, std::memory_order_relaxed);
}

void dlc::rt::releaseDevice(dlc_device *d) {
  if (d->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
    delete d;
}

// ---- Helpers shared by the GPU backends -----------------------------------

void *dlc::rt::openLibrary(const char *envOverride, const char *const *names,
                           const char **tried, char *why, size_t whySize) {
  const char *override = envOverride ? std::getenv(envOverride) : nullptr;
  const char *single[] = {override, nullptr};
  if (override && *override)
    names = single;
  *tried = names[0];
  why[0] = '\0';
  for (const char *const *name = names; *name; ++name) {
    void *lib = dlopen(*name, RTLD_NOW | RTLD_LOCAL);
    if (lib) {
      *tried = *name;
      return lib;
    }
    const char *error = dlerror();
    if (name == names)
      std::snprintf(why, whySize, "%s", error ? error : "unknown error");
  }
  return nullptr;
}

void dlc::rt::closeLibrary(void *lib) { dlclose(lib); }

void *dlc::rt::lookupSymbol(void *lib, const char *name) {
  return dlsym(lib, name);
}

void GpuLauncher::record(dlc_status status, const char *fmt, ...) {
  if (error != DLC_OK)
    return;
  error = status;
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(message, sizeof(message), fmt, args);
  va_end(args);
}

dlc_status GpuLauncher::report() const {
  return error == DLC_OK ? DLC_OK : fail(error, "%s", message);
}

const char *GpuLauncher::kernelName(int32_t kernel) const {
  if (kernel < 0 || kernel >= info->num_kernels || !info->kernel_names ||
      !info->kernel_names[kernel])
    return "?";
  return info->kernel_names[kernel];
}

GpuExecCtx::Scope::Scope(GpuExecCtx *ctx) : previous(activeGpuCtx) {
  activeGpuCtx = ctx;
}

GpuExecCtx::Scope::~Scope() { activeGpuCtx = previous; }

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
  try {
    if (hasPrefix(spec, "cpu", &rest) && (index = parseIndex(rest)) != -2)
      return createCpu(spec, index, out);
    dlc_device_kind kind = DLC_DEVICE_CPU;
    if (hasPrefix(spec, "cuda", &rest))
      kind = DLC_DEVICE_CUDA;
    else if (hasPrefix(spec, "hip", &rest))
      kind = DLC_DEVICE_HIP;
    GpuSpec gpu;
    SpecResult parsed = kind == DLC_DEVICE_CPU
                            ? SpecResult::Malformed
                            : parseGpuSpec(spec, rest, gpu);
    if (parsed == SpecResult::Reported)
      return DLC_ERROR_INVALID_ARGUMENT;
    if (parsed == SpecResult::Ok)
      return createGpu(spec, kind, gpu, out);
  } catch (...) {
    return fail(DLC_ERROR_INTERNAL, "device '%s': unexpected failure", spec);
  }
  return fail(DLC_ERROR_INVALID_ARGUMENT,
              "unknown device spec '%s' (expected cpu, cpu:N, cuda, cuda:N, "
              "hip or hip:N; a GPU spec may end in ,nograph)",
              spec);
}

void dlc_device_destroy(dlc_device *d) {
  if (d)
    releaseDevice(d);
}

int32_t dlc_device_threads(const dlc_device *d) {
  return d ? d->backend->threads() : 0;
}

}

dlc_status dlc::rt::DeviceBackend::launchOnStream(ModelState &model, void *,
                                                  void *const *, void *,
                                                  const void *) {
  return fail(DLC_ERROR_UNSUPPORTED,
              "model '%s' on device '%s': no device-resident runs",
              modelName(model.info), name());
}

extern "C" {

int32_t dlc_device_kind_of(const dlc_device *d) {
  return d ? int32_t(d->backend->kind()) : 0;
}

void dlc_parallel_for(void *ctx, int64_t n, dlc_parallel_body body,
                      void *data) {
  auto *cpu = static_cast<CpuExecCtx *>(ctx);
  if (cpu && cpu->tag == CpuExecCtx::expectedTag)
    cpu->pool->parallelFor(n, body, data);
  else
    ThreadPool::runSerial(n, body, data);
}

void dlc_gpu_launch(void *ctx, int32_t kernel, uint32_t gx, uint32_t gy,
                    uint32_t gz, uint32_t bx, uint32_t by, uint32_t bz,
                    uint32_t shared_bytes, void **params) {
  auto *gpu = static_cast<GpuExecCtx *>(ctx);
  if (!gpu || gpu->tag != GpuExecCtx::expectedTag || !gpu->launcher) {
    // Not a context this runtime handed out: fail the run in progress on
    // this thread, if any; there is nothing to launch on otherwise.
    if (activeGpuCtx && activeGpuCtx->launcher)
      activeGpuCtx->launcher->record(
          DLC_ERROR_INTERNAL,
          "model '%s': dlc_gpu_launch of kernel %d got a context that is "
          "not the one the entry received (device '%s')",
          modelName(activeGpuCtx->launcher->info), int(kernel),
          activeGpuCtx->launcher->device);
    else
      fail(DLC_ERROR_INVALID_ARGUMENT,
           "dlc_gpu_launch: ctx is not a GPU execution context");
    return;
  }
  GpuLauncher &launcher = *gpu->launcher;
  if (launcher.failed())
    return; // a launch of this run failed already: skip the rest
  if (kernel < 0 || kernel >= launcher.info->num_kernels) {
    launcher.record(DLC_ERROR_INTERNAL,
                    "model '%s': dlc_gpu_launch of kernel %d, but the model "
                    "has %d kernel(s) (device '%s')",
                    modelName(launcher.info), int(kernel),
                    int(launcher.info->num_kernels), launcher.device);
    return;
  }
  const uint32_t grid[3] = {gx, gy, gz};
  const uint32_t block[3] = {bx, by, bz};
  launcher.enqueue(kernel, grid, block, shared_bytes, params);
}

} // extern "C"

//===- HipDevice.cpp - The HIP backend (runtime API through dlopen) ------===//
//
// Runs GPU models on an AMD GPU through the HIP runtime. As for CUDA, the
// runtime neither includes HIP headers nor links libamdhip64: the library is
// dlopen()ed at the first "hip" device creation (libamdhip64.so, .so.6,
// .so.5, or the path in the environment variable DLC_HIP_RUNTIME) and the
// entry points it needs are declared below.
//
// HIP keeps a current device per thread: every call runs with the model's
// GPU made current and the caller's current device restored afterwards.
// Each model has its own non-blocking stream and module. The module is the
// first of the model's HSACO images that the GPU accepts (the runtime does
// not read the GPU's gfx name, whose property struct changes between ROCm
// releases). There are no graphs: every run launches the kernels directly.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

using namespace dlc::rt;

namespace {

// ---- The subset of the HIP runtime API that is used -----------------------

using hipError_t = int;
using hipStream_t = struct ihipStream_t *;
using hipModule_t = struct ihipModule_t *;
using hipFunction_t = struct ihipModuleSymbol_t *;
using hipDevice_t = int;

constexpr hipError_t hipSuccess = 0;
constexpr hipError_t hipErrorOutOfMemory = 2;
constexpr hipError_t hipErrorNoDevice = 100;
constexpr unsigned hipStreamNonBlocking = 0x1;

struct HipRuntime {
  hipError_t (*hipInit)(unsigned flags);
  const char *(*hipGetErrorName)(hipError_t error);
  hipError_t (*hipGetDeviceCount)(int *count);
  hipError_t (*hipGetDevice)(int *device);
  hipError_t (*hipSetDevice)(int device);
  hipError_t (*hipStreamCreateWithFlags)(hipStream_t *stream, unsigned flags);
  hipError_t (*hipStreamDestroy)(hipStream_t stream);
  hipError_t (*hipStreamSynchronize)(hipStream_t stream);
  hipError_t (*hipMalloc)(void **ptr, size_t bytes);
  hipError_t (*hipFree)(void *ptr);
  hipError_t (*hipMemcpyHtoDAsync)(void *dst, void *src, size_t bytes,
                                   hipStream_t stream);
  hipError_t (*hipMemcpyDtoHAsync)(void *dst, void *src, size_t bytes,
                                   hipStream_t stream);
  hipError_t (*hipModuleLoadData)(hipModule_t *module, const void *image);
  hipError_t (*hipModuleUnload)(hipModule_t module);
  hipError_t (*hipModuleGetFunction)(hipFunction_t *function,
                                     hipModule_t module, const char *name);
  hipError_t (*hipModuleLaunchKernel)(hipFunction_t f, unsigned gx,
                                      unsigned gy, unsigned gz, unsigned bx,
                                      unsigned by, unsigned bz,
                                      unsigned sharedBytes, hipStream_t stream,
                                      void **params, void **extra);
  // Optional, for messages.
  hipError_t (*hipDeviceGet)(hipDevice_t *device, int ordinal);
  hipError_t (*hipDeviceGetName)(char *name, int len, hipDevice_t device);
};

std::mutex runtimeMutex;
HipRuntime runtime;
bool runtimeLoaded = false; // guarded by runtimeMutex; never reset

/// Loads and resolves the HIP runtime on first use. A failure is not
/// remembered: a later creation tries again.
dlc_status loadRuntime(const char *spec, const HipRuntime **out) {
  std::lock_guard<std::mutex> lock(runtimeMutex);
  if (runtimeLoaded) {
    *out = &runtime;
    return DLC_OK;
  }
  static const char *const names[] = {"libamdhip64.so", "libamdhip64.so.6",
                                      "libamdhip64.so.5", nullptr};
  const char *tried;
  char why[512];
  void *lib = openLibrary("DLC_HIP_RUNTIME", names, &tried, why, sizeof(why));
  if (!lib)
    return fail(DLC_ERROR_DEVICE,
                "device '%s': no HIP runtime: %s cannot be loaded (%s)", spec,
                tried, why);
  HipRuntime h{};
  const char *missing = nullptr;
  auto need = [&](const char *name, auto &fn) {
    if (!loadSymbol(lib, name, fn) && !missing)
      missing = name;
  };
  need("hipInit", h.hipInit);
  need("hipGetErrorName", h.hipGetErrorName);
  need("hipGetDeviceCount", h.hipGetDeviceCount);
  need("hipGetDevice", h.hipGetDevice);
  need("hipSetDevice", h.hipSetDevice);
  need("hipStreamCreateWithFlags", h.hipStreamCreateWithFlags);
  need("hipStreamDestroy", h.hipStreamDestroy);
  need("hipStreamSynchronize", h.hipStreamSynchronize);
  need("hipMalloc", h.hipMalloc);
  need("hipFree", h.hipFree);
  need("hipMemcpyHtoDAsync", h.hipMemcpyHtoDAsync);
  need("hipMemcpyDtoHAsync", h.hipMemcpyDtoHAsync);
  need("hipModuleLoadData", h.hipModuleLoadData);
  need("hipModuleUnload", h.hipModuleUnload);
  need("hipModuleGetFunction", h.hipModuleGetFunction);
  need("hipModuleLaunchKernel", h.hipModuleLaunchKernel);
  if (missing) {
    closeLibrary(lib);
    return fail(DLC_ERROR_DEVICE,
                "device '%s': the HIP runtime %s has no %s (the runtime is "
                "too old or not HIP)",
                spec, tried, missing);
  }
  if (!loadSymbol(lib, "hipDeviceGet", h.hipDeviceGet) ||
      !loadSymbol(lib, "hipDeviceGetName", h.hipDeviceGetName)) {
    h.hipDeviceGet = nullptr;
    h.hipDeviceGetName = nullptr;
  }
  runtime = h;
  runtimeLoaded = true;
  *out = &runtime;
  return DLC_OK;
}

/// "hipErrorNoDevice", or "HIP error 123".
struct ErrorName {
  char text[64];
};

ErrorName errorName(const HipRuntime &h, hipError_t r) {
  ErrorName name;
  const char *s = h.hipGetErrorName(r);
  if (s && *s)
    std::snprintf(name.text, sizeof(name.text), "%s", s);
  else
    std::snprintf(name.text, sizeof(name.text), "HIP error %d", int(r));
  return name;
}

/// Makes `device` this thread's current HIP device for the scope,
/// restoring the previous one.
class DeviceScope {
public:
  DeviceScope(const HipRuntime &h, int device) : h(h) {
    if (h.hipGetDevice(&previous) != hipSuccess)
      previous = -1;
    result = previous == device ? hipSuccess : h.hipSetDevice(device);
  }
  ~DeviceScope() {
    if (result == hipSuccess && previous >= 0)
      h.hipSetDevice(previous);
  }
  DeviceScope(const DeviceScope &) = delete;
  DeviceScope &operator=(const DeviceScope &) = delete;

  const HipRuntime &h;
  int previous = -1;
  hipError_t result;
};

class HipBackend;

class HipLauncher final : public GpuLauncher {
public:
  HipLauncher(const dlc_model_info *info, const HipBackend &backend);
  void enqueue(int32_t kernel, const uint32_t grid[3], const uint32_t block[3],
               uint32_t sharedBytes, void **params) override;

  const HipRuntime &h;
  hipStream_t stream = nullptr;
  std::vector<hipFunction_t> kernels;
};

class HipModel final : public ModelState {
public:
  HipModel(const dlc_model_info *info, const HipBackend &backend);
  ~HipModel() override;

  const HipBackend &backend;
  HipLauncher launcher;
  hipModule_t module = nullptr;
};

class HipBackend final : public DeviceBackend {
public:
  HipBackend(const HipRuntime &h, int ordinal, const char *gpuName)
      : h(h), ordinal(ordinal) {
    std::snprintf(deviceName, sizeof(deviceName), "hip:%d", ordinal);
    std::snprintf(this->gpuName, sizeof(this->gpuName), "%s", gpuName);
  }

  dlc_device_kind kind() const override { return DLC_DEVICE_HIP; }
  const char *name() const override { return deviceName; }
  int32_t threads() const override { return 1; }
  bool deviceMemory() const override { return true; }

  dlc_status loadModel(const dlc_model_info *info,
                       std::unique_ptr<ModelState> &out) override;
  dlc_status allocate(ModelState &model, uint64_t bytes, const char *what,
                      void **out) override;
  void release(void *p) override;
  dlc_status upload(ModelState &model, void *dst, const void *src,
                    uint64_t bytes, const char *what) override;
  dlc_status download(ModelState &model, void *dst, const void *src,
                      uint64_t bytes, const char *what) override;
  dlc_status synchronize(ModelState &model) override;
  dlc_status launch(ModelState &model, void *const *buffers, void *arena,
                    const void *weights) override;
  dlc_status launchOnStream(ModelState &model, void *stream,
                            void *const *buffers, void *arena,
                            const void *weights) override;

  /// "model 'M' on device 'hip:0': CALL failed with hipErrorX (DETAIL)".
  dlc_status driverFail(dlc_status status, const dlc_model_info *info,
                        const char *call, hipError_t r, const char *detail,
                        ...) const DLC_PRINTF(6, 7);

  const HipRuntime &h;
  const int ordinal;
  char deviceName[32];
  char gpuName[128]; ///< "AMD Instinct MI300X", or ""

private:
  dlc_status loadImage(HipModel &model);
};

dlc_status HipBackend::driverFail(dlc_status status,
                                  const dlc_model_info *info, const char *call,
                                  hipError_t r, const char *detail,
                                  ...) const {
  char text[lastErrorSize];
  size_t len = 0;
  if (info)
    appendf(text, sizeof(text), &len, "model '%s' on ", modelName(info));
  appendf(text, sizeof(text), &len, "device '%s': %s failed with %s",
          deviceName, call, errorName(h, r).text);
  if (detail) {
    appendf(text, sizeof(text), &len, " (");
    va_list args;
    va_start(args, detail);
    if (len < sizeof(text)) {
      int written = std::vsnprintf(text + len, sizeof(text) - len, detail, args);
      if (written > 0)
        len = std::min(sizeof(text) - 1, len + size_t(written));
    }
    va_end(args);
    appendf(text, sizeof(text), &len, ")");
  }
  return fail(status, "%s", text);
}

HipLauncher::HipLauncher(const dlc_model_info *info, const HipBackend &backend)
    : GpuLauncher(info, backend.deviceName), h(backend.h) {}

void HipLauncher::enqueue(int32_t kernel, const uint32_t grid[3],
                          const uint32_t block[3], uint32_t sharedBytes,
                          void **params) {
  hipError_t r = h.hipModuleLaunchKernel(
      kernels[size_t(kernel)], grid[0], grid[1], grid[2], block[0], block[1],
      block[2], sharedBytes, stream, params, nullptr);
  if (r != hipSuccess)
    record(DLC_ERROR_DEVICE,
           "model '%s' on device '%s': hipModuleLaunchKernel failed with %s "
           "(kernel '%s', grid %ux%ux%u, block %ux%ux%u, %u bytes of shared "
           "memory)",
           modelName(info), device, errorName(h, r).text, kernelName(kernel),
           grid[0], grid[1], grid[2], block[0], block[1], block[2],
           sharedBytes);
}

HipModel::HipModel(const dlc_model_info *info, const HipBackend &backend)
    : ModelState(info), backend(backend), launcher(info, backend) {}

HipModel::~HipModel() {
  const HipRuntime &h = backend.h;
  DeviceScope scope(h, backend.ordinal);
  if (module)
    h.hipModuleUnload(module);
  if (launcher.stream)
    h.hipStreamDestroy(launcher.stream);
}

dlc_status HipBackend::loadModel(const dlc_model_info *info,
                                 std::unique_ptr<ModelState> &out) {
  std::unique_ptr<HipModel> model(new (std::nothrow) HipModel(info, *this));
  if (!model)
    return fail(DLC_ERROR_OUT_OF_MEMORY, "cannot allocate the model");
  DeviceScope scope(h, ordinal);
  if (scope.result != hipSuccess)
    return driverFail(DLC_ERROR_DEVICE, info, "hipSetDevice", scope.result,
                      nullptr);
  if (hipError_t r = h.hipStreamCreateWithFlags(&model->launcher.stream,
                                                hipStreamNonBlocking))
    return driverFail(DLC_ERROR_DEVICE, info, "hipStreamCreateWithFlags", r,
                      nullptr);
  if (dlc_status s = loadImage(*model))
    return s;
  model->launcher.kernels.resize(size_t(info->num_kernels));
  for (int32_t k = 0; k < info->num_kernels; ++k)
    if (hipError_t r = h.hipModuleGetFunction(
            &model->launcher.kernels[size_t(k)], model->module,
            info->kernel_names[k]))
      return driverFail(DLC_ERROR_DEVICE, info, "hipModuleGetFunction", r,
                        "kernel '%s'", info->kernel_names[k]);
  out = std::move(model);
  return DLC_OK;
}

/// Loads the first HSACO image the GPU accepts.
dlc_status HipBackend::loadImage(HipModel &model) {
  const dlc_model_info *info = model.info;
  char text[lastErrorSize];
  size_t len = 0;
  appendf(text, sizeof(text), &len, "model '%s': no kernel image for device "
          "'%s'", modelName(info), deviceName);
  if (gpuName[0])
    appendf(text, sizeof(text), &len, " (%s)", gpuName);
  bool anyHsaco = false;
  for (int32_t i = 0; i < info->num_images; ++i) {
    const dlc_gpu_image &image = info->images[i];
    if (image.format != DLC_IMAGE_HSACO)
      continue;
    hipError_t r = h.hipModuleLoadData(&model.module, image.data);
    if (r == hipSuccess)
      return DLC_OK;
    model.module = nullptr;
    appendf(text, sizeof(text), &len, "%s HSACO %s: hipModuleLoadData failed "
            "with %s", anyHsaco ? ";" : ":", image.arch, errorName(h, r).text);
    anyHsaco = true;
  }
  if (!anyHsaco) {
    appendf(text, sizeof(text), &len, ": the model carries");
    for (int32_t i = 0; i < info->num_images; ++i) {
      int32_t format = info->images[i].format;
      appendf(text, sizeof(text), &len, "%s %s %s", i ? "," : "",
              format == DLC_IMAGE_CUBIN ? "cubin"
              : format == DLC_IMAGE_PTX ? "PTX"
                                        : "HSACO",
              info->images[i].arch);
    }
    appendf(text, sizeof(text), &len, " and no HSACO");
  }
  return fail(DLC_ERROR_UNSUPPORTED, "%s", text);
}

dlc_status HipBackend::allocate(ModelState &model, uint64_t bytes,
                                const char *what, void **out) {
  *out = nullptr;
  DeviceScope scope(h, ordinal);
  hipError_t r = scope.result;
  const char *call = "hipSetDevice";
  if (r == hipSuccess) {
    r = h.hipMalloc(out, size_t(bytes));
    call = "hipMalloc";
  }
  if (r != hipSuccess) {
    *out = nullptr;
    return fail(r == hipErrorOutOfMemory ? DLC_ERROR_OUT_OF_MEMORY
                                         : DLC_ERROR_DEVICE,
                "model '%s': cannot allocate %s on device '%s': %s failed "
                "with %s",
                modelName(model.info), what, deviceName, call,
                errorName(h, r).text);
  }
  return DLC_OK;
}

void HipBackend::release(void *p) {
  if (!p)
    return;
  DeviceScope scope(h, ordinal);
  h.hipFree(p);
}

dlc_status HipBackend::upload(ModelState &model, void *dst, const void *src,
                              uint64_t bytes, const char *what) {
  DeviceScope scope(h, ordinal);
  if (scope.result != hipSuccess)
    return driverFail(DLC_ERROR_DEVICE, model.info, "hipSetDevice",
                      scope.result, nullptr);
  auto &m = static_cast<HipModel &>(model);
  if (hipError_t r = h.hipMemcpyHtoDAsync(dst, const_cast<void *>(src),
                                          size_t(bytes), m.launcher.stream))
    return driverFail(DLC_ERROR_DEVICE, model.info, "hipMemcpyHtoDAsync", r,
                      "copying %s, %" PRIu64 " bytes, to the device", what,
                      bytes);
  return DLC_OK;
}

dlc_status HipBackend::download(ModelState &model, void *dst, const void *src,
                                uint64_t bytes, const char *what) {
  DeviceScope scope(h, ordinal);
  if (scope.result != hipSuccess)
    return driverFail(DLC_ERROR_DEVICE, model.info, "hipSetDevice",
                      scope.result, nullptr);
  auto &m = static_cast<HipModel &>(model);
  if (hipError_t r = h.hipMemcpyDtoHAsync(dst, const_cast<void *>(src),
                                          size_t(bytes), m.launcher.stream))
    return driverFail(DLC_ERROR_DEVICE, model.info, "hipMemcpyDtoHAsync", r,
                      "copying %s, %" PRIu64 " bytes, from the device", what,
                      bytes);
  return DLC_OK;
}

dlc_status HipBackend::synchronize(ModelState &model) {
  DeviceScope scope(h, ordinal);
  if (scope.result != hipSuccess)
    return driverFail(DLC_ERROR_DEVICE, model.info, "hipSetDevice",
                      scope.result, nullptr);
  auto &m = static_cast<HipModel &>(model);
  if (hipError_t r = h.hipStreamSynchronize(m.launcher.stream))
    return driverFail(DLC_ERROR_DEVICE, model.info, "hipStreamSynchronize", r,
                      nullptr);
  return DLC_OK;
}

dlc_status HipBackend::launch(ModelState &model, void *const *buffers,
                              void *arena, const void *weights) {
  auto &m = static_cast<HipModel &>(model);
  DeviceScope scope(h, ordinal);
  if (scope.result != hipSuccess)
    return driverFail(DLC_ERROR_DEVICE, model.info, "hipSetDevice",
                      scope.result, nullptr);
  m.launcher.reset();
  GpuExecCtx exec;
  exec.launcher = &m.launcher;
  int32_t code;
  {
    GpuExecCtx::Scope active(&exec);
    code = m.info->entry(buffers, arena, weights, &exec);
  }
  if (m.launcher.failed())
    return m.launcher.report();
  return code == 0 ? DLC_OK : entryFailed(m.info, code);
}

dlc_status HipBackend::launchOnStream(ModelState &model, void *stream,
                                      void *const *buffers, void *arena,
                                      const void *weights) {
  auto &m = static_cast<HipModel &>(model);
  hipStream_t own = m.launcher.stream;
  if (stream && stream != own) {
    DeviceScope scope(h, ordinal);
    if (scope.result != hipSuccess)
      return driverFail(DLC_ERROR_DEVICE, model.info, "hipSetDevice",
                        scope.result, nullptr);
    // The model's own stream (the weights' upload, an earlier run) first.
    if (hipError_t r = h.hipStreamSynchronize(own))
      return driverFail(DLC_ERROR_DEVICE, model.info, "hipStreamSynchronize",
                        r, "the model's stream, before a run on the caller's");
    m.launcher.stream = static_cast<hipStream_t>(stream);
  }
  dlc_status s = launch(model, buffers, arena, weights);
  m.launcher.stream = own;
  return s;
}

} // namespace

dlc_status dlc::rt::createHipBackend(const char *spec, int64_t ordinal,
                                     std::unique_ptr<DeviceBackend> &out) {
  const HipRuntime *h;
  if (dlc_status s = loadRuntime(spec, &h))
    return s;
  if (hipError_t r = h->hipInit(0))
    return fail(DLC_ERROR_DEVICE, "device '%s': hipInit failed with %s%s", spec,
                errorName(*h, r).text,
                r == hipErrorNoDevice ? " (the runtime finds no AMD GPU)" : "");
  int count = 0;
  if (hipError_t r = h->hipGetDeviceCount(&count))
    return fail(DLC_ERROR_DEVICE,
                "device '%s': hipGetDeviceCount failed with %s%s", spec,
                errorName(*h, r).text,
                r == hipErrorNoDevice ? " (the runtime finds no AMD GPU)" : "");
  if (ordinal >= count)
    return fail(DLC_ERROR_DEVICE,
                "device '%s': there is no HIP GPU %" PRId64
                " (the runtime finds %d)",
                spec, ordinal, count);
  char gpuName[128] = "";
  hipDevice_t dev;
  if (h->hipDeviceGet && h->hipDeviceGet(&dev, int(ordinal)) == hipSuccess &&
      h->hipDeviceGetName(gpuName, int(sizeof(gpuName)), dev) != hipSuccess)
    gpuName[0] = '\0';
  gpuName[sizeof(gpuName) - 1] = '\0';
  out.reset(new (std::nothrow) HipBackend(*h, int(ordinal), gpuName));
  if (!out)
    return fail(DLC_ERROR_OUT_OF_MEMORY, "cannot allocate the device");
  return DLC_OK;
}

//===- CudaDevice.cpp - The CUDA backend (driver API through dlopen) -----===//
//
// Runs GPU models on an NVIDIA GPU through the CUDA driver API. The runtime
// neither includes cuda.h nor links libcuda: the driver is dlopen()ed at the
// first "cuda" device creation (libcuda.so.1, or the path in the environment
// variable DLC_CUDA_DRIVER) and the few types and entry points it needs are
// declared below. A process without the driver gets a clear error instead of
// a failure to start.
//
// Each device holds the GPU's primary context, pushed around every driver
// call so that any thread may use the device and the application's own
// current context is left alone. Each model has its own non-blocking stream,
// module and kernel handles. Unless the device spec says ",nograph", the
// first run of a model captures the entry's kernel launches into a CUDA
// graph (the input and output copies stay outside it: the model's device
// buffers never change), and later runs replay that graph.
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

// ---- The subset of the driver API that is used (as in cuda.h) -------------

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUstream = struct CUstream_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUgraph = struct CUgraph_st *;
using CUgraphExec = struct CUgraphExec_st *;

constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_OUT_OF_MEMORY = 2;
constexpr CUresult CUDA_ERROR_NO_DEVICE = 100;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
constexpr unsigned CU_STREAM_NON_BLOCKING = 0x1;
constexpr int CU_STREAM_CAPTURE_MODE_THREAD_LOCAL = 1;

/// The driver's entry points, resolved once per process.
struct CudaDriver {
  CUresult (*cuInit)(unsigned flags);
  CUresult (*cuGetErrorName)(CUresult error, const char **name);
  CUresult (*cuDeviceGetCount)(int *count);
  CUresult (*cuDeviceGet)(CUdevice *device, int ordinal);
  CUresult (*cuDeviceGetAttribute)(int *value, int attribute, CUdevice dev);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *ctx, CUdevice dev);
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice dev);
  CUresult (*cuCtxPushCurrent)(CUcontext ctx);
  CUresult (*cuCtxPopCurrent)(CUcontext *ctx);
  CUresult (*cuStreamCreate)(CUstream *stream, unsigned flags);
  CUresult (*cuStreamDestroy)(CUstream stream);
  CUresult (*cuStreamSynchronize)(CUstream stream);
  CUresult (*cuMemAlloc)(CUdeviceptr *ptr, size_t bytes);
  CUresult (*cuMemFree)(CUdeviceptr ptr);
  CUresult (*cuMemcpyHtoDAsync)(CUdeviceptr dst, const void *src,
                                size_t bytes, CUstream stream);
  CUresult (*cuMemcpyDtoHAsync)(void *dst, CUdeviceptr src, size_t bytes,
                                CUstream stream);
  CUresult (*cuModuleLoadData)(CUmodule *module, const void *image);
  CUresult (*cuModuleUnload)(CUmodule module);
  CUresult (*cuModuleGetFunction)(CUfunction *function, CUmodule module,
                                  const char *name);
  CUresult (*cuLaunchKernel)(CUfunction f, unsigned gx, unsigned gy,
                             unsigned gz, unsigned bx, unsigned by,
                             unsigned bz, unsigned sharedBytes,
                             CUstream stream, void **params, void **extra);
  // Graphs (optional: without them every run launches directly).
  CUresult (*cuStreamBeginCapture)(CUstream stream, int mode);
  CUresult (*cuStreamEndCapture)(CUstream stream, CUgraph *graph);
  CUresult (*cuGraphInstantiateWithFlags)(CUgraphExec *exec, CUgraph graph,
                                          unsigned long long flags);
  CUresult (*cuGraphLaunch)(CUgraphExec exec, CUstream stream);
  CUresult (*cuGraphDestroy)(CUgraph graph);
  CUresult (*cuGraphExecDestroy)(CUgraphExec exec);
  bool hasGraphs;
};

std::mutex driverMutex;
CudaDriver driver;
bool driverLoaded = false; // guarded by driverMutex; never reset

/// Loads and resolves the driver on first use. A failure is not
/// remembered: a later creation tries again.
dlc_status loadDriver(const char *spec, const CudaDriver **out) {
  std::lock_guard<std::mutex> lock(driverMutex);
  if (driverLoaded) {
    *out = &driver;
    return DLC_OK;
  }
  static const char *const names[] = {"libcuda.so.1", nullptr};
  const char *tried;
  char why[512];
  void *lib = openLibrary("DLC_CUDA_DRIVER", names, &tried, why, sizeof(why));
  if (!lib)
    return fail(DLC_ERROR_DEVICE,
                "device '%s': no CUDA driver: %s cannot be loaded (%s)", spec,
                tried, why);
  CudaDriver d{};
  const char *missing = nullptr;
  auto need = [&](const char *name, auto &fn) {
    if (!loadSymbol(lib, name, fn) && !missing)
      missing = name;
  };
  need("cuInit", d.cuInit);
  need("cuGetErrorName", d.cuGetErrorName);
  need("cuDeviceGetCount", d.cuDeviceGetCount);
  need("cuDeviceGet", d.cuDeviceGet);
  need("cuDeviceGetAttribute", d.cuDeviceGetAttribute);
  need("cuDevicePrimaryCtxRetain", d.cuDevicePrimaryCtxRetain);
  need("cuDevicePrimaryCtxRelease_v2", d.cuDevicePrimaryCtxRelease);
  need("cuCtxPushCurrent_v2", d.cuCtxPushCurrent);
  need("cuCtxPopCurrent_v2", d.cuCtxPopCurrent);
  need("cuStreamCreate", d.cuStreamCreate);
  need("cuStreamDestroy_v2", d.cuStreamDestroy);
  need("cuStreamSynchronize", d.cuStreamSynchronize);
  need("cuMemAlloc_v2", d.cuMemAlloc);
  need("cuMemFree_v2", d.cuMemFree);
  need("cuMemcpyHtoDAsync_v2", d.cuMemcpyHtoDAsync);
  need("cuMemcpyDtoHAsync_v2", d.cuMemcpyDtoHAsync);
  need("cuModuleLoadData", d.cuModuleLoadData);
  need("cuModuleUnload", d.cuModuleUnload);
  need("cuModuleGetFunction", d.cuModuleGetFunction);
  need("cuLaunchKernel", d.cuLaunchKernel);
  if (missing) {
    closeLibrary(lib);
    return fail(DLC_ERROR_DEVICE,
                "device '%s': the CUDA driver %s has no %s (the driver is "
                "too old or not a CUDA driver)",
                spec, tried, missing);
  }
  d.hasGraphs =
      loadSymbol(lib, "cuStreamBeginCapture_v2", d.cuStreamBeginCapture) &&
      loadSymbol(lib, "cuStreamEndCapture", d.cuStreamEndCapture) &&
      loadSymbol(lib, "cuGraphInstantiateWithFlags",
                 d.cuGraphInstantiateWithFlags) &&
      loadSymbol(lib, "cuGraphLaunch", d.cuGraphLaunch) &&
      loadSymbol(lib, "cuGraphDestroy", d.cuGraphDestroy) &&
      loadSymbol(lib, "cuGraphExecDestroy", d.cuGraphExecDestroy);
  // The library stays loaded for the life of the process.
  driver = d;
  driverLoaded = true;
  *out = &driver;
  return DLC_OK;
}

/// "CUDA_ERROR_NO_DEVICE", or "CUDA error 123" for a code the driver does
/// not name.
struct ErrorName {
  char text[64];
};

ErrorName errorName(const CudaDriver &d, CUresult r) {
  ErrorName name;
  const char *s = nullptr;
  if (d.cuGetErrorName(r, &s) == CUDA_SUCCESS && s)
    std::snprintf(name.text, sizeof(name.text), "%s", s);
  else
    std::snprintf(name.text, sizeof(name.text), "CUDA error %d", int(r));
  return name;
}

/// Makes a context current on this thread for the scope, restoring the
/// previous one.
class CtxScope {
public:
  CtxScope(const CudaDriver &d, CUcontext ctx)
      : d(d), result(d.cuCtxPushCurrent(ctx)) {}
  ~CtxScope() {
    if (result == CUDA_SUCCESS) {
      CUcontext popped;
      d.cuCtxPopCurrent(&popped);
    }
  }
  CtxScope(const CtxScope &) = delete;
  CtxScope &operator=(const CtxScope &) = delete;

  const CudaDriver &d;
  const CUresult result;
};

/// "sm_90", "sm_90a", "compute_90" -> 90; -1 when not of that form.
int parseSmArch(const char *arch) {
  const char *p;
  if (std::strncmp(arch, "sm_", 3) == 0)
    p = arch + 3;
  else if (std::strncmp(arch, "compute_", 8) == 0)
    p = arch + 8;
  else
    return -1;
  int value = 0, digits = 0;
  for (; *p >= '0' && *p <= '9'; ++p, ++digits) {
    if (digits == 4)
      return -1;
    value = value * 10 + (*p - '0');
  }
  if (digits < 2)
    return -1;
  for (; *p; ++p)
    if (*p < 'a' || *p > 'z')
      return -1;
  return value;
}

const char *formatName(int32_t format) {
  switch (format) {
  case DLC_IMAGE_CUBIN:
    return "cubin";
  case DLC_IMAGE_PTX:
    return "PTX";
  case DLC_IMAGE_HSACO:
    return "HSACO";
  default:
    return "unknown";
  }
}

class CudaBackend;

/// The kernel launcher of one model: cuLaunchKernel on its stream.
class CudaLauncher final : public GpuLauncher {
public:
  CudaLauncher(const dlc_model_info *info, const CudaBackend &backend);
  void enqueue(int32_t kernel, const uint32_t grid[3], const uint32_t block[3],
               uint32_t sharedBytes, void **params) override;

  const CudaDriver &d;
  CUstream stream = nullptr;
  std::vector<CUfunction> kernels;
};

/// How the next run of a model executes its entry.
enum class GraphMode {
  Capture, ///< call the entry while capturing its launches into a graph
  Replay,  ///< launch the captured graph; the entry is not called
  Direct   ///< call the entry, launching each kernel (",nograph", no graph
           ///< support, or capture failed once)
};

/// One model on a CUDA device.
class CudaModel final : public ModelState {
public:
  CudaModel(const dlc_model_info *info, const CudaBackend &backend,
            bool graphs);
  ~CudaModel() override;

  const CudaBackend &backend;
  CudaLauncher launcher;
  CUmodule module = nullptr;
  GraphMode mode;
  CUgraph graph = nullptr;
  CUgraphExec exec = nullptr;
};

class CudaBackend final : public DeviceBackend {
public:
  CudaBackend(const CudaDriver &d, CUdevice dev, CUcontext ctx,
              int64_t ordinal, int arch, bool graphs)
      : d(d), dev(dev), ctx(ctx), arch(arch), graphs(graphs) {
    std::snprintf(deviceName, sizeof(deviceName), "cuda:%" PRId64, ordinal);
  }
  ~CudaBackend() override { d.cuDevicePrimaryCtxRelease(dev); }

  dlc_device_kind kind() const override { return DLC_DEVICE_CUDA; }
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

  /// DLC_ERROR_DEVICE (or `status`) "model 'M' on device 'cuda:0': CALL
  /// failed with CUDA_ERROR_X (DETAIL)"; `info` and `detail` may be null.
  dlc_status driverFail(dlc_status status, const dlc_model_info *info,
                        const char *call, CUresult r, const char *detail,
                        ...) const DLC_PRINTF(6, 7);

  const CudaDriver &d;
  const CUdevice dev;
  const CUcontext ctx;
  const int arch; ///< compute capability as in sm_XY: 90 for 9.0
  const bool graphs;
  char deviceName[32];

private:
  dlc_status loadImage(CudaModel &model);
  /// Calls the entry, each kernel launched as it comes.
  dlc_status runDirect(CudaModel &model, void *const *buffers, void *arena,
                       const void *weights);
  /// The first run with graphs on: capture, instantiate, launch.
  dlc_status runCapture(CudaModel &model, void *const *buffers, void *arena,
                        const void *weights);
};

dlc_status CudaBackend::driverFail(dlc_status status,
                                   const dlc_model_info *info,
                                   const char *call, CUresult r,
                                   const char *detail, ...) const {
  char text[lastErrorSize];
  size_t len = 0;
  if (info)
    appendf(text, sizeof(text), &len, "model '%s' on ", modelName(info));
  appendf(text, sizeof(text), &len, "device '%s': %s failed with %s",
          deviceName, call, errorName(d, r).text);
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

CudaLauncher::CudaLauncher(const dlc_model_info *info,
                           const CudaBackend &backend)
    : GpuLauncher(info, backend.deviceName), d(backend.d) {}

void CudaLauncher::enqueue(int32_t kernel, const uint32_t grid[3],
                           const uint32_t block[3], uint32_t sharedBytes,
                           void **params) {
  CUresult r = d.cuLaunchKernel(kernels[size_t(kernel)], grid[0], grid[1],
                                grid[2], block[0], block[1], block[2],
                                sharedBytes, stream, params, nullptr);
  if (r != CUDA_SUCCESS)
    record(DLC_ERROR_DEVICE,
           "model '%s' on device '%s': cuLaunchKernel failed with %s "
           "(kernel '%s', grid %ux%ux%u, block %ux%ux%u, %u bytes of shared "
           "memory)",
           modelName(info), device, errorName(d, r).text, kernelName(kernel),
           grid[0], grid[1], grid[2], block[0], block[1], block[2],
           sharedBytes);
}

CudaModel::CudaModel(const dlc_model_info *info, const CudaBackend &backend,
                     bool graphs)
    : ModelState(info), backend(backend), launcher(info, backend),
      mode(graphs ? GraphMode::Capture : GraphMode::Direct) {}

CudaModel::~CudaModel() {
  const CudaDriver &d = backend.d;
  CtxScope scope(d, backend.ctx);
  if (exec)
    d.cuGraphExecDestroy(exec);
  if (graph)
    d.cuGraphDestroy(graph);
  if (module)
    d.cuModuleUnload(module);
  if (launcher.stream)
    d.cuStreamDestroy(launcher.stream);
}

dlc_status CudaBackend::loadModel(const dlc_model_info *info,
                                  std::unique_ptr<ModelState> &out) {
  std::unique_ptr<CudaModel> model(
      new (std::nothrow) CudaModel(info, *this, graphs));
  if (!model)
    return fail(DLC_ERROR_OUT_OF_MEMORY, "cannot allocate the model");
  CtxScope scope(d, ctx);
  if (scope.result != CUDA_SUCCESS)
    return driverFail(DLC_ERROR_DEVICE, info, "cuCtxPushCurrent",
                      scope.result, nullptr);
  if (CUresult r =
          d.cuStreamCreate(&model->launcher.stream, CU_STREAM_NON_BLOCKING))
    return driverFail(DLC_ERROR_DEVICE, info, "cuStreamCreate", r, nullptr);
  if (dlc_status s = loadImage(*model))
    return s;
  model->launcher.kernels.resize(size_t(info->num_kernels));
  for (int32_t k = 0; k < info->num_kernels; ++k)
    if (CUresult r = d.cuModuleGetFunction(&model->launcher.kernels[size_t(k)],
                                           model->module,
                                           info->kernel_names[k]))
      return driverFail(DLC_ERROR_DEVICE, info, "cuModuleGetFunction", r,
                        "kernel '%s'", info->kernel_names[k]);
  out = std::move(model);
  return DLC_OK;
}

/// Picks the image: the cubin for exactly this GPU's sm_XY, else the PTX
/// with the highest arch not above it (the driver JIT-compiles it). When a
/// candidate fails to load the next one is tried.
dlc_status CudaBackend::loadImage(CudaModel &model) {
  const dlc_model_info *info = model.info;
  std::vector<int32_t> candidates;
  for (int32_t i = 0; i < info->num_images; ++i)
    if (info->images[i].format == DLC_IMAGE_CUBIN &&
        parseSmArch(info->images[i].arch) == arch)
      candidates.push_back(i);
  size_t cubins = candidates.size();
  for (int32_t i = 0; i < info->num_images; ++i) {
    int ptxArch = parseSmArch(info->images[i].arch);
    if (info->images[i].format == DLC_IMAGE_PTX && ptxArch >= 0 &&
        ptxArch <= arch)
      candidates.push_back(i);
  }
  std::stable_sort(candidates.begin() + std::ptrdiff_t(cubins),
                   candidates.end(), [&](int32_t a, int32_t b) {
                     return parseSmArch(info->images[a].arch) >
                            parseSmArch(info->images[b].arch);
                   });
  if (candidates.empty()) {
    char text[lastErrorSize];
    size_t len = 0;
    appendf(text, sizeof(text), &len,
            "model '%s': no kernel image for device '%s' (sm_%d): the model "
            "carries",
            modelName(info), deviceName, arch);
    for (int32_t i = 0; i < info->num_images; ++i)
      appendf(text, sizeof(text), &len, "%s %s %s", i ? "," : "",
              formatName(info->images[i].format), info->images[i].arch);
    appendf(text, sizeof(text), &len,
            "; it needs a cubin for sm_%d or PTX for sm_%d or lower", arch,
            arch);
    return fail(DLC_ERROR_UNSUPPORTED, "%s", text);
  }
  CUresult firstError = CUDA_SUCCESS;
  int32_t firstImage = -1;
  for (int32_t i : candidates) {
    CUresult r = d.cuModuleLoadData(&model.module, info->images[i].data);
    if (r == CUDA_SUCCESS)
      return DLC_OK;
    model.module = nullptr;
    if (firstImage < 0) {
      firstError = r;
      firstImage = i;
    }
  }
  return driverFail(DLC_ERROR_DEVICE, info, "cuModuleLoadData", firstError,
                    "%s %s image%s", formatName(info->images[firstImage].format),
                    info->images[firstImage].arch,
                    candidates.size() > 1 ? ", and every other candidate" : "");
}

dlc_status CudaBackend::allocate(ModelState &model, uint64_t bytes,
                                 const char *what, void **out) {
  *out = nullptr;
  CtxScope scope(d, ctx);
  CUresult r = scope.result;
  const char *call = "cuCtxPushCurrent";
  CUdeviceptr p = 0;
  if (r == CUDA_SUCCESS) {
    r = d.cuMemAlloc(&p, size_t(bytes));
    call = "cuMemAlloc";
  }
  if (r != CUDA_SUCCESS)
    return fail(r == CUDA_ERROR_OUT_OF_MEMORY ? DLC_ERROR_OUT_OF_MEMORY
                                               : DLC_ERROR_DEVICE,
                "model '%s': cannot allocate %s on device '%s': %s failed "
                "with %s",
                modelName(model.info), what, deviceName, call,
                errorName(d, r).text);
  *out = reinterpret_cast<void *>(uintptr_t(p));
  return DLC_OK;
}

void CudaBackend::release(void *p) {
  if (!p)
    return;
  CtxScope scope(d, ctx);
  d.cuMemFree(CUdeviceptr(reinterpret_cast<uintptr_t>(p)));
}

dlc_status CudaBackend::upload(ModelState &model, void *dst, const void *src,
                               uint64_t bytes, const char *what) {
  CtxScope scope(d, ctx);
  if (scope.result != CUDA_SUCCESS)
    return driverFail(DLC_ERROR_DEVICE, model.info, "cuCtxPushCurrent",
                      scope.result, nullptr);
  auto &m = static_cast<CudaModel &>(model);
  if (CUresult r = d.cuMemcpyHtoDAsync(
          CUdeviceptr(reinterpret_cast<uintptr_t>(dst)), src, size_t(bytes),
          m.launcher.stream))
    return driverFail(DLC_ERROR_DEVICE, model.info, "cuMemcpyHtoDAsync", r,
                      "copying %s, %" PRIu64 " bytes, to the device", what,
                      bytes);
  return DLC_OK;
}

dlc_status CudaBackend::download(ModelState &model, void *dst,
                                 const void *src, uint64_t bytes,
                                 const char *what) {
  CtxScope scope(d, ctx);
  if (scope.result != CUDA_SUCCESS)
    return driverFail(DLC_ERROR_DEVICE, model.info, "cuCtxPushCurrent",
                      scope.result, nullptr);
  auto &m = static_cast<CudaModel &>(model);
  if (CUresult r = d.cuMemcpyDtoHAsync(
          dst, CUdeviceptr(reinterpret_cast<uintptr_t>(src)), size_t(bytes),
          m.launcher.stream))
    return driverFail(DLC_ERROR_DEVICE, model.info, "cuMemcpyDtoHAsync", r,
                      "copying %s, %" PRIu64 " bytes, from the device", what,
                      bytes);
  return DLC_OK;
}

dlc_status CudaBackend::synchronize(ModelState &model) {
  CtxScope scope(d, ctx);
  if (scope.result != CUDA_SUCCESS)
    return driverFail(DLC_ERROR_DEVICE, model.info, "cuCtxPushCurrent",
                      scope.result, nullptr);
  auto &m = static_cast<CudaModel &>(model);
  if (CUresult r = d.cuStreamSynchronize(m.launcher.stream))
    return driverFail(DLC_ERROR_DEVICE, model.info, "cuStreamSynchronize", r,
                      nullptr);
  return DLC_OK;
}

dlc_status CudaBackend::launch(ModelState &model, void *const *buffers,
                               void *arena, const void *weights) {
  auto &m = static_cast<CudaModel &>(model);
  CtxScope scope(d, ctx);
  if (scope.result != CUDA_SUCCESS)
    return driverFail(DLC_ERROR_DEVICE, model.info, "cuCtxPushCurrent",
                      scope.result, nullptr);
  switch (m.mode) {
  case GraphMode::Replay:
    if (CUresult r = d.cuGraphLaunch(m.exec, m.launcher.stream))
      return driverFail(DLC_ERROR_DEVICE, model.info, "cuGraphLaunch", r,
                        "replaying the captured kernel launches");
    return DLC_OK;
  case GraphMode::Capture:
    return runCapture(m, buffers, arena, weights);
  case GraphMode::Direct:
    break;
  }
  return runDirect(m, buffers, arena, weights);
}

dlc_status CudaBackend::launchOnStream(ModelState &model, void *stream,
                                       void *const *buffers, void *arena,
                                       const void *weights) {
  auto &m = static_cast<CudaModel &>(model);
  CtxScope scope(d, ctx);
  if (scope.result != CUDA_SUCCESS)
    return driverFail(DLC_ERROR_DEVICE, model.info, "cuCtxPushCurrent",
                      scope.result, nullptr);
  CUstream own = m.launcher.stream;
  if (stream && stream != own) {
    // What the model's own stream still has to do (the weights' upload at
    // create, an earlier run) happens before the caller's kernels.
    if (CUresult r = d.cuStreamSynchronize(own))
      return driverFail(DLC_ERROR_DEVICE, model.info, "cuStreamSynchronize",
                        r, "the model's stream, before a run on the caller's");
    m.launcher.stream = static_cast<CUstream>(stream);
  }
  dlc_status s = runDirect(m, buffers, arena, weights);
  m.launcher.stream = own;
  return s;
}

dlc_status CudaBackend::runDirect(CudaModel &m, void *const *buffers,
                                  void *arena, const void *weights) {
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

dlc_status CudaBackend::runCapture(CudaModel &m, void *const *buffers,
                                   void *arena, const void *weights) {
  CUstream stream = m.launcher.stream;
  // Thread-local mode: other threads (other models on this device) may
  // keep allocating while this one captures.
  if (d.cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL) !=
      CUDA_SUCCESS) {
    m.mode = GraphMode::Direct;
    return runDirect(m, buffers, arena, weights);
  }
  m.launcher.reset();
  GpuExecCtx exec;
  exec.launcher = &m.launcher;
  int32_t code;
  {
    GpuExecCtx::Scope active(&exec);
    code = m.info->entry(buffers, arena, weights, &exec);
  }
  CUgraph graph = nullptr;
  CUresult r = d.cuStreamEndCapture(stream, &graph);
  if (code != 0) {
    // Nothing ran; the next run captures again. As for direct launches, a
    // launch failure comes first.
    if (graph)
      d.cuGraphDestroy(graph);
    return m.launcher.failed() ? m.launcher.report()
                               : entryFailed(m.info, code);
  }
  CUgraphExec graphExec = nullptr;
  if (r == CUDA_SUCCESS && graph && !m.launcher.failed()) {
    r = d.cuGraphInstantiateWithFlags(&graphExec, graph, 0);
    if (r == CUDA_SUCCESS) {
      r = d.cuGraphLaunch(graphExec, stream);
      if (r == CUDA_SUCCESS) {
        m.graph = graph;
        m.exec = graphExec;
        m.mode = GraphMode::Replay;
        return DLC_OK;
      }
      d.cuGraphExecDestroy(graphExec);
    }
  }
  if (graph)
    d.cuGraphDestroy(graph);
  // The launches did not run. Run them directly; if that works the failure
  // was the capture's, so graphs stay off for this model. If it fails too,
  // the error (a launch failure, say) is reported and the next run tries
  // capturing again.
  dlc_status s = runDirect(m, buffers, arena, weights);
  if (s == DLC_OK)
    m.mode = GraphMode::Direct;
  return s;
}

} // namespace

dlc_status dlc::rt::createCudaBackend(const char *spec, int64_t ordinal,
                                      bool graphs,
                                      std::unique_ptr<DeviceBackend> &out) {
  const CudaDriver *d;
  if (dlc_status s = loadDriver(spec, &d))
    return s;
  if (CUresult r = d->cuInit(0))
    return fail(DLC_ERROR_DEVICE, "device '%s': cuInit failed with %s%s", spec,
                errorName(*d, r).text,
                r == CUDA_ERROR_NO_DEVICE ? " (the driver finds no CUDA GPU)"
                                          : "");
  int count = 0;
  if (CUresult r = d->cuDeviceGetCount(&count))
    return fail(DLC_ERROR_DEVICE, "device '%s': cuDeviceGetCount failed with %s",
                spec, errorName(*d, r).text);
  if (ordinal >= count)
    return fail(DLC_ERROR_DEVICE,
                "device '%s': there is no CUDA GPU %" PRId64
                " (the driver finds %d)",
                spec, ordinal, count);
  CUdevice dev;
  if (CUresult r = d->cuDeviceGet(&dev, int(ordinal)))
    return fail(DLC_ERROR_DEVICE, "device '%s': cuDeviceGet failed with %s",
                spec, errorName(*d, r).text);
  int major = 0, minor = 0;
  CUresult r = d->cuDeviceGetAttribute(
      &major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
  if (r == CUDA_SUCCESS)
    r = d->cuDeviceGetAttribute(
        &minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
  if (r != CUDA_SUCCESS)
    return fail(DLC_ERROR_DEVICE,
                "device '%s': cuDeviceGetAttribute (compute capability) "
                "failed with %s",
                spec, errorName(*d, r).text);
  CUcontext ctx;
  if (CUresult r = d->cuDevicePrimaryCtxRetain(&ctx, dev))
    return fail(DLC_ERROR_DEVICE,
                "device '%s': cuDevicePrimaryCtxRetain failed with %s", spec,
                errorName(*d, r).text);
  out.reset(new (std::nothrow) CudaBackend(*d, dev, ctx, ordinal,
                                           major * 10 + minor,
                                           graphs && d->hasGraphs));
  if (!out) {
    d->cuDevicePrimaryCtxRelease(dev);
    return fail(DLC_ERROR_OUT_OF_MEMORY, "cannot allocate the device");
  }
  return DLC_OK;
}

//===- Internal.h - Shared declarations of the dlc runtime ------*- C++ -*-===//
//
// Not installed. The runtime is C++17 behind the C ABI of dlc/runtime.h: no
// exception leaves an API function and nothing here depends on LLVM, CUDA or
// HIP headers (the GPU backends load their driver with dlopen at run time).
//
//===----------------------------------------------------------------------===//
#ifndef DLC_RUNTIME_INTERNAL_H
#define DLC_RUNTIME_INTERNAL_H

#include "dlc/runtime.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#if defined(__GNUC__) || defined(__clang__)
#define DLC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define DLC_PRINTF(fmt, args)
#endif

namespace dlc::rt {

/// Records a printf-style message as this thread's last error and returns
/// `status`, so that failures read `return fail(DLC_ERROR_..., "...", ...);`.
dlc_status fail(dlc_status status, const char *fmt, ...) DLC_PRINTF(2, 3);

/// Capacity of the thread-local last error message (truncated beyond).
constexpr size_t lastErrorSize = 1024;

/// Saves this thread's last error and puts it back when destroyed: clean-up
/// after a failure (which may fail itself) keeps the first message.
class KeepLastError {
public:
  KeepLastError();
  ~KeepLastError();
  KeepLastError(const KeepLastError &) = delete;
  KeepLastError &operator=(const KeepLastError &) = delete;

private:
  char saved[lastErrorSize];
};

/// 64-byte aligned allocation for arenas and weights; nullptr on failure
/// (including a size that overflows when rounded up). Free with alignedFree.
void *alignedAlloc(uint64_t bytes);
void alignedFree(void *p);

/// Lower-case device name for messages ("cpu", "cuda", "hip").
const char *deviceKindName(int32_t kind);
/// The descriptor's name, or "<unnamed>".
const char *modelName(const dlc_model_info *info);
/// DLC_ERROR_INTERNAL "model entry failed with code N (model 'NAME')".
dlc_status entryFailed(const dlc_model_info *info, int32_t code);

/// The races the gpu-emu checking mode found during one CPU run
/// (EmuCheck.cpp): the first race's report and the counts.
struct EmuCheckLog {
  std::atomic<int64_t> races{0};
  std::atomic<int64_t> launches{0};
  std::atomic<bool> hasFirst{false};
  char first[lastErrorSize] = "";
};

/// The log of the CPU entry running on this thread (nullptr outside one);
/// set by the CPU backend around the entry.
EmuCheckLog *activeEmuCheckLog();
class ScopedEmuCheckLog {
public:
  explicit ScopedEmuCheckLog(EmuCheckLog *log);
  ~ScopedEmuCheckLog();
  ScopedEmuCheckLog(const ScopedEmuCheckLog &) = delete;
  ScopedEmuCheckLog &operator=(const ScopedEmuCheckLog &) = delete;

private:
  EmuCheckLog *saved;
};

/// What a backend keeps for one model. The base holds the descriptor (the
/// CPU needs nothing more); GPU backends derive from it to keep the model's
/// stream, loaded module, kernel handles and captured graph. Destroyed
/// after the model's memory has been released.
class ModelState {
public:
  explicit ModelState(const dlc_model_info *info) : info(info) {}
  virtual ~ModelState() = default;
  ModelState(const ModelState &) = delete;
  ModelState &operator=(const ModelState &) = delete;

  const dlc_model_info *const info;
};

/// What the runtime needs from one kind of device. A backend owns its
/// execution resources (the CPU's thread pool; a GPU's context) and is
/// shared by every model created on the device, possibly running on
/// several threads at once: every method is thread-safe, and methods that
/// take a ModelState are called for one model at a time.
///
/// A model's life on a backend (Model.cpp):
///  - create: loadModel; then allocate its weights (filled through upload,
///    or directly for host memory), its arena, and on a device-memory
///    backend one buffer per input and output;
///  - run (host memory): launch with the caller's pointers;
///  - run (device memory): upload each input, launch with the model's
///    device buffers, download each output, synchronize;
///  - destroy: release each allocation, then delete the ModelState.
///
/// Every method returning dlc_status leaves a message for dlc_last_error on
/// failure, naming the model, the device and (GPU) the driver call and its
/// error code.
class DeviceBackend {
public:
  virtual ~DeviceBackend() = default;
  virtual dlc_device_kind kind() const = 0;
  /// "cpu", "cuda:0", "hip:1", for messages.
  virtual const char *name() const = 0;
  /// Threads a model runs on, the caller included (1 for a GPU).
  virtual int32_t threads() const = 0;
  /// False: the entry gets host pointers (the caller's tensors directly).
  /// True: every pointer the entry gets is device memory; the model keeps
  /// device buffers for its inputs and outputs and copies through
  /// upload/download.
  virtual bool deviceMemory() const = 0;

  /// Prepares `info` to run on this device (GPU: creates the model's
  /// stream, picks and loads its kernel image, looks up every kernel).
  /// The descriptor has been validated already.
  virtual dlc_status loadModel(const dlc_model_info *info,
                               std::unique_ptr<ModelState> &out) = 0;

  /// Allocates `bytes` (> 0) of memory the entry may use, at least 64-byte
  /// aligned. `what` completes "cannot allocate ..." in the message, e.g.
  /// "its 1024-byte arena". Device memory on a GPU.
  virtual dlc_status allocate(ModelState &model, uint64_t bytes,
                              const char *what, void **out) = 0;
  /// Frees what allocate returned; nullptr is fine. Never fails.
  virtual void release(void *p) = 0;

  /// Device-memory backends: enqueue a copy of `bytes` (> 0) host ->
  /// device (upload) or device -> host (download) on the model's stream.
  /// The host memory must stay valid until synchronize. `what` names the
  /// data in messages ("input 'X'", "weights").
  virtual dlc_status upload(ModelState &model, void *dst, const void *src,
                            uint64_t bytes, const char *what) = 0;
  virtual dlc_status download(ModelState &model, void *dst, const void *src,
                              uint64_t bytes, const char *what) = 0;
  /// Waits for everything enqueued for the model.
  virtual dlc_status synchronize(ModelState &model) = 0;

  /// Calls (or, for a CUDA graph, replays) the entry with this backend's
  /// execution context: the one dlc_parallel_for takes on the CPU, the one
  /// dlc_gpu_launch takes on a GPU. Returns the first kernel launch failure,
  /// else entryFailed for a non-zero entry code, else DLC_OK. On a GPU the
  /// kernels may still be running when it returns.
  virtual dlc_status launch(ModelState &model, void *const *buffers,
                            void *arena, const void *weights) = 0;

  /// dlc_model_run_device (device-memory backends): calls the entry with
  /// the caller's device buffers, each kernel launched directly on
  /// `stream` (nullptr: the model's own stream; never a graph, whose
  /// pointers are fixed), without waiting for the kernels. The default
  /// fails with DLC_ERROR_UNSUPPORTED.
  virtual dlc_status launchOnStream(ModelState &model, void *stream,
                                    void *const *buffers, void *arena,
                                    const void *weights);
};

/// A GPU model's kernel launcher, shared by the CUDA and HIP backends.
/// dlc_gpu_launch (Device.cpp) checks the context, the kernel index and
/// whether a launch of this run failed already, then calls enqueue. The
/// first failure is recorded with its message; the backend reports it at
/// the end of the run.
class GpuLauncher {
public:
  GpuLauncher(const dlc_model_info *info, const char *device)
      : info(info), device(device) {}
  virtual ~GpuLauncher() = default;
  GpuLauncher(const GpuLauncher &) = delete;
  GpuLauncher &operator=(const GpuLauncher &) = delete;

  /// Enqueues kernel `kernel` (a valid index) on the model's stream;
  /// records the failure on error.
  virtual void enqueue(int32_t kernel, const uint32_t grid[3],
                       const uint32_t block[3], uint32_t sharedBytes,
                       void **params) = 0;

  /// Clears the recorded failure before a run.
  void reset() { error = DLC_OK; }
  /// Records a failure unless one is recorded already.
  void record(dlc_status status, const char *fmt, ...) DLC_PRINTF(3, 4);
  bool failed() const { return error != DLC_OK; }
  /// Makes the recorded failure this thread's last error; returns it.
  dlc_status report() const;

  const dlc_model_info *const info;
  const char *const device; ///< "cuda:0"
  /// "kernel 'NAME'" material: the kernel's name, or "?".
  const char *kernelName(int32_t kernel) const;

private:
  dlc_status error = DLC_OK;
  char message[768] = "";
};

/// What a GPU entry receives as `ctx`. The tag lets dlc_gpu_launch (and
/// dlc_parallel_for) detect a foreign pointer. While it is live on a thread
/// (GpuExecCtx::Scope), a dlc_gpu_launch with a foreign ctx on that thread
/// is recorded as this run's failure.
struct GpuExecCtx {
  static constexpr uint64_t expectedTag = 0x646c632d67707531ull; // "dlc-gpu1"
  uint64_t tag = expectedTag;
  GpuLauncher *launcher = nullptr;

  /// Marks `ctx` as the running GPU context of this thread.
  class Scope {
  public:
    explicit Scope(GpuExecCtx *ctx);
    ~Scope();
    Scope(const Scope &) = delete;
    Scope &operator=(const Scope &) = delete;

  private:
    GpuExecCtx *previous;
  };
};

/// Backend factories for dlc_device_create. `spec` is the spec as given,
/// for messages; `ordinal` the GPU number; `graphs` whether CUDA graphs may
/// be used. They load the driver on first use and fail with
/// DLC_ERROR_DEVICE when it or the GPU is missing.
dlc_status createCudaBackend(const char *spec, int64_t ordinal, bool graphs,
                             std::unique_ptr<DeviceBackend> &out);
dlc_status createHipBackend(const char *spec, int64_t ordinal,
                            std::unique_ptr<DeviceBackend> &out);

/// Helpers shared by the GPU backends (Device.cpp).
///
/// dlopen()s the first of `names` (a null-terminated list) that loads; the
/// environment variable `envOverride`, when set and not empty, replaces the
/// list. `name` is set to the library loaded, or on failure (nullptr) to
/// the first name tried, with `why` its dlerror text.
void *openLibrary(const char *envOverride, const char *const *names,
                  const char **name, char *why, size_t whySize);
/// dlclose.
void closeLibrary(void *lib);
/// dlsym; nullptr when the symbol is missing.
void *lookupSymbol(void *lib, const char *name);
/// lookupSymbol into a typed function pointer; false when it is missing.
template <typename Fn> bool loadSymbol(void *lib, const char *name, Fn &fn) {
  void *sym = lookupSymbol(lib, name);
  fn = reinterpret_cast<Fn>(sym);
  return sym != nullptr;
}
/// Appends "fmt..." to buf (of size n, at offset *len), truncating safely.
void appendf(char *buf, size_t n, size_t *len, const char *fmt, ...)
    DLC_PRINTF(4, 5);

} // namespace dlc::rt

/// The opaque device: a reference-counted backend. dlc_device_create holds
/// one reference and each model one more, so the device outlives its models.
struct dlc_device {
  std::atomic<int64_t> refs{1};
  std::unique_ptr<dlc::rt::DeviceBackend> backend;
};

namespace dlc::rt {
void retainDevice(dlc_device *d);
void releaseDevice(dlc_device *d);
} // namespace dlc::rt

#endif // DLC_RUNTIME_INTERNAL_H

//===- Internal.h - Shared declarations of the dlc runtime ------*- C++ -*-===//
//
// Not installed. The runtime is C++17 behind the C ABI of dlc/runtime.h: no
// exception leaves an API function and nothing here depends on LLVM.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_RUNTIME_INTERNAL_H
#define DLC_RUNTIME_INTERNAL_H

#include "dlc/runtime.h"

#include <atomic>
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

/// 64-byte aligned allocation for arenas and weights; nullptr on failure
/// (including a size that overflows when rounded up). Free with alignedFree.
void *alignedAlloc(uint64_t bytes);
void alignedFree(void *p);

/// What the runtime needs from one kind of device. A backend owns its
/// execution resources (the CPU's thread pool; later a GPU context and
/// stream). Models hold device memory through allocate/release and run
/// through launch, which supplies the dlc_exec_ctx the entry passes to
/// dlc_parallel_for.
class DeviceBackend {
public:
  virtual ~DeviceBackend() = default;
  virtual dlc_device_kind kind() const = 0;
  /// Threads a model runs on, the caller included.
  virtual int32_t threads() const = 0;
  /// Memory the entry may use as its arena or weights, 64-byte aligned.
  /// Returns nullptr on failure. The CPU backend's memory is host memory;
  /// a GPU backend will stage weights through host memory.
  virtual void *allocate(uint64_t bytes) = 0;
  virtual void release(void *p) = 0;
  /// Calls the entry on this device; returns the entry's code.
  virtual int32_t launch(dlc_entry_fn entry, void *const *buffers, void *arena,
                         const void *weights) = 0;
};

/// Lower-case device name for messages ("cpu", "cuda", "hip").
const char *deviceKindName(int32_t kind);

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

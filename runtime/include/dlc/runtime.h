/*===- dlc/runtime.h - The dlc C runtime ------------------------------------===
 *
 * The runtime that an application links with a model compiled by dlc. A
 * compiled model is a static library (or object) exporting one constant
 * `dlc_model_info NAME_info` plus a generated header NAME.h with typed
 * helpers; this header is the fixed ABI between the two.
 *
 * Typical use:
 *
 *   dlc_device *dev;  dlc_model *m;
 *   if (dlc_device_create("cpu", &dev) != DLC_OK ||
 *       dlc_model_create(&mymodel_info, dev, NULL, &m) != DLC_OK)
 *     fprintf(stderr, "%s\n", dlc_last_error());
 *   ... dlc_model_run(m, inputs, 1, outputs, 1) ...
 *   dlc_model_destroy(m);  dlc_device_destroy(dev);
 *
 * Thread safety:
 *  - dlc_device: may be shared by any number of models, which may run
 *    concurrently on different threads; its thread pool accepts work from
 *    several threads at once. Each model keeps its device alive, so a device
 *    may be destroyed before the models created on it.
 *  - dlc_model: owns its scratch arena, so one model runs on one thread at a
 *    time. A second concurrent dlc_model_run/dlc_model_run_raw on the same
 *    model is detected and fails with DLC_ERROR_INVALID_ARGUMENT ("model is
 *    already running on another thread"); nothing is corrupted. Create one
 *    model per thread to run the same network in parallel.
 *  - dlc_model_destroy must not race with a run of the same model.
 *  - dlc_last_error is per thread.
 *  - All other functions are thread-safe.
 *
 * No function aborts or lets a C++ exception escape; failures return a
 * dlc_status and leave a message for dlc_last_error().
 *===------------------------------------------------------------------------===*/
#ifndef DLC_RUNTIME_H
#define DLC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DLC_ABI_VERSION 2

typedef enum dlc_status {
  DLC_OK = 0,
  DLC_ERROR_INVALID_ARGUMENT = 1, /* bad pointer, count, tensor, spec, ABI */
  DLC_ERROR_OUT_OF_MEMORY = 2,    /* an allocation failed */
  DLC_ERROR_UNSUPPORTED = 3,      /* device not built, newer ABI version */
  DLC_ERROR_IO = 4,               /* weights file missing, short or unreadable */
  DLC_ERROR_DEVICE = 5,           /* the device failed (e.g. thread start) */
  DLC_ERROR_INTERNAL = 6,         /* the model entry returned non-zero */
  DLC_ERROR_RACE = 7              /* gpu-emu checking mode found a race */
} dlc_status;

/* Element types use the ONNX TensorProto numbering. The float8 types are
   one byte each; the 4-bit and 2-bit types (INT4, UINT4, FLOAT4E2M1, INT2,
   UINT2) are not packed in the buffers: one element a byte, its bits in
   the low bits of the byte (the other bits are ignored on input and zero or
   a sign extension on output). */
typedef enum dlc_dtype {
  DLC_FLOAT32 = 1,
  DLC_UINT8 = 2,
  DLC_INT8 = 3,
  DLC_UINT16 = 4,
  DLC_INT16 = 5,
  DLC_INT32 = 6,
  DLC_INT64 = 7,
  DLC_BOOL = 9,
  DLC_FLOAT16 = 10,
  DLC_FLOAT64 = 11,
  DLC_UINT32 = 12,
  DLC_UINT64 = 13,
  DLC_BFLOAT16 = 16,
  DLC_FLOAT8E4M3FN = 17,
  DLC_FLOAT8E4M3FNUZ = 18,
  DLC_FLOAT8E5M2 = 19,
  DLC_FLOAT8E5M2FNUZ = 20,
  DLC_UINT4 = 21,
  DLC_INT4 = 22,
  DLC_FLOAT4E2M1 = 23,
  DLC_FLOAT8E8M0 = 24,
  DLC_UINT2 = 25,
  DLC_INT2 = 26
} dlc_dtype;

typedef enum dlc_device_kind {
  DLC_DEVICE_CPU = 1,
  DLC_DEVICE_CUDA = 2,
  DLC_DEVICE_HIP = 3
} dlc_device_kind;

/* One input or output of a compiled model: a dense row-major tensor. */
typedef struct dlc_tensor_info {
  const char *name;
  int32_t dtype; /* dlc_dtype */
  int32_t rank;
  const int64_t *shape; /* rank entries */
} dlc_tensor_info;

/* Entry point of a compiled model: `buffers` holds the input pointers then
   the output pointers (row-major, dense, element type per info); `arena` is
   scratch of info->arena_bytes bytes (64-byte aligned, may be NULL when
   arena_bytes is 0); `weights` is the weights blob or NULL; `ctx` is an
   opaque execution context to pass to dlc_parallel_for (CPU models) or
   dlc_gpu_launch (GPU models). For a GPU model every pointer is device
   memory and the entry only enqueues kernels. Returns 0 on success. */
typedef int32_t (*dlc_entry_fn)(void *const *buffers, void *arena,
                                const void *weights, void *ctx);

/* Formats of the kernel images a GPU model carries. */
typedef enum dlc_image_format {
  DLC_IMAGE_CUBIN = 1, /* NVIDIA cubin (ELF) for exactly `arch` (sm_XY) */
  DLC_IMAGE_PTX = 2,   /* PTX text, NUL-terminated; JIT-compiled by the
                          driver on any GPU at least `arch` */
  DLC_IMAGE_HSACO = 3  /* AMDGPU code object (ELF) for exactly `arch`
                          (gfxNNN) */
} dlc_image_format;

/* One kernel image: a whole GPU module holding every kernel of the model. */
typedef struct dlc_gpu_image {
  int32_t format;   /* dlc_image_format */
  const char *arch; /* "sm_90", "gfx942" */
  const void *data;
  uint64_t size; /* bytes (for PTX including the terminating NUL) */
} dlc_gpu_image;

/* The descriptor a compiled model exports (NAME_info). */
typedef struct dlc_model_info {
  uint32_t abi_version; /* DLC_ABI_VERSION the model was compiled for */
  int32_t device_kind;  /* dlc_device_kind */
  const char *name;
  int32_t num_inputs;
  int32_t num_outputs;
  const dlc_tensor_info *inputs;
  const dlc_tensor_info *outputs;
  uint64_t arena_bytes;
  uint64_t weight_bytes;
  const char *weights_file; /* NULL when weights are embedded; else the file
                               name written next to the library */
  dlc_entry_fn entry;
  /* Since ABI version 2. GPU models: the weights blob embedded in the
     library (weight_bytes bytes), copied to the device at create; NULL when
     weights_file is set. CPU models: NULL (embedded weights live in the
     code). */
  const void *weights_data;
  /* GPU models: the kernel images (the runtime picks the cubin/HSACO for
     the device's architecture, else the PTX with the highest arch not above
     the device's) and the kernel names, indexed by dlc_gpu_launch's
     `kernel`. CPU models: 0 and NULL. */
  int32_t num_images;
  const dlc_gpu_image *images;
  int32_t num_kernels;
  const char *const *kernel_names;
} dlc_model_info;

/* A tensor handed to dlc_model_run. `bytes` must be exactly the dense size
   of the shape (elements * dlc_dtype_size(dtype)). */
typedef struct dlc_tensor {
  int32_t dtype; /* dlc_dtype */
  int32_t rank;
  const int64_t *shape;
  void *data;
  uint64_t bytes;
} dlc_tensor;

typedef struct dlc_device dlc_device; /* opaque */
typedef struct dlc_model dlc_model;   /* opaque */

/* "ok", "invalid argument", ...; "unknown status" for other values. */
const char *dlc_status_string(dlc_status s);
/* Thread-local message of the last failed call on this thread; "" if none.
   Valid until the next failing runtime call on the same thread. */
const char *dlc_last_error(void);
/* Bytes per element; 0 for an unknown dtype. */
size_t dlc_dtype_size(int32_t dtype);
/* "float32", "uint8", ...; "unknown" for an unknown dtype. */
const char *dlc_dtype_name(int32_t dtype);

/* Creates a device from a spec:
     "cpu"     CPU, one thread per hardware thread;
     "cpu:N"   CPU with N threads (1 <= N <= 1024; the caller counts as one);
     "cuda", "cuda:N"  CUDA GPU number N (default 0), driver loaded with
               dlopen("libcuda.so.1") at first use (the environment
               variable DLC_CUDA_DRIVER, when set, names the library
               instead);
     "hip", "hip:N"    AMD GPU through libamdhip64.so, likewise
               (DLC_HIP_RUNTIME);
   a missing driver or GPU is DLC_ERROR_DEVICE with a message saying so
   ("no CUDA driver: libcuda.so.1 cannot be loaded (...)"); driver errors
   are DLC_ERROR_DEVICE naming the call and the driver's error
   (CUDA_ERROR_..., hipError...). A ",nograph" suffix ("cuda:0,nograph")
   turns off CUDA graph capture and replay of the launch sequence (on by
   default for cuda; accepted and meaningless for hip). Anything else is
   DLC_ERROR_INVALID_ARGUMENT. */
dlc_status dlc_device_create(const char *spec, dlc_device **out);
/* NULL is fine. Models created on the device keep it alive until they are
   destroyed. */
void dlc_device_destroy(dlc_device *d);
/* Threads the device runs a model on (including the caller); 0 for NULL. */
int32_t dlc_device_threads(const dlc_device *d);
/* The dlc_device_kind of a device (what a library compiled for several
   device kinds dispatches on); 0 for NULL. */
int32_t dlc_device_kind_of(const dlc_device *d);

/* Creates a runnable instance of a compiled model on a device.
   weights_dir: folder holding info->weights_file (NULL or "" = current
   dir); ignored when weights are embedded. Checks abi_version (newer or
   older -> DLC_ERROR_UNSUPPORTED), the device kind and the descriptor
   (DLC_ERROR_INVALID_ARGUMENT), loads the weights file and checks its size
   equals weight_bytes (DLC_ERROR_IO), and allocates the arena
   (DLC_ERROR_OUT_OF_MEMORY). GPU models also: pick and load the kernel
   image (DLC_ERROR_UNSUPPORTED, listing the architectures, when none suits
   the GPU), look up every kernel, copy the weights to the device and
   allocate a device buffer per input and output; driver failures are
   DLC_ERROR_DEVICE. `info` must outlive the model. */
dlc_status dlc_model_create(const dlc_model_info *info, dlc_device *dev,
                            const char *weights_dir, dlc_model **out);
const dlc_model_info *dlc_model_get_info(const dlc_model *m);
/* Runs the model once. Validates everything: counts, null pointers, dtype,
   rank, each dimension and the byte sizes, with messages that name the
   tensor, e.g. "input 'X': dimension 1 is 5, the model expects 3". Never
   aborts. Not re-entrant per model (see thread safety above). GPU models:
   copies the inputs to the device, runs the entry (or replays its CUDA
   graph), copies the outputs back and waits; on failure the outputs may be
   partly written, and nothing touches the caller's memory after return. */
dlc_status dlc_model_run(dlc_model *m, const dlc_tensor *inputs,
                         int32_t num_inputs, dlc_tensor *outputs,
                         int32_t num_outputs);
/* For the generated typed NAME_run: raw pointers in info order, shapes and
   types as compiled; checks only for NULL pointers. */
dlc_status dlc_model_run_raw(dlc_model *m, const void *const *inputs,
                             void *const *outputs);
/* NULL is fine. */
/* Runs a GPU model on device-resident tensors, on the caller's stream:
   `inputs` and `outputs` are device pointers of the model's device (dense,
   row-major, the descriptor's types and shapes; not validated beyond
   NULL), `stream` a CUstream / hipStream_t of that device (NULL: the
   model's own stream). No host copies and no allocation: the kernels are
   enqueued on `stream` and the call returns without waiting; synchronize
   the stream before reading the outputs. Runs of one model share its
   arena, so order them (one stream, or events); a second call while one
   is still enqueueing on another thread fails as dlc_model_run does. CPU
   models: DLC_ERROR_UNSUPPORTED. */
dlc_status dlc_model_run_device(dlc_model *m, void *stream,
                                const void *const *inputs,
                                void *const *outputs);
void dlc_model_destroy(dlc_model *m);

/* Called by generated code: runs body(data, begin, end) over [0, n) split
   into chunks across the device's thread pool; every index is covered
   exactly once. The calling thread participates; nested calls (from inside
   a body) run serially; ctx NULL => serial; n <= 0 => nothing. Returns when
   every chunk has finished. */
typedef void (*dlc_parallel_body)(void *data, int64_t begin, int64_t end);
void dlc_parallel_for(void *ctx, int64_t n, dlc_parallel_body body,
                      void *data);

/* Called by generated GPU host code: enqueues kernel number `kernel` (an
   index into info->kernel_names) on the model's stream with a grid of
   gx*gy*gz blocks of bx*by*bz threads and `shared_bytes` of dynamic shared
   memory. params[i] points to the value of the kernel's i-th argument (the
   CUDA/HIP kernelParams convention). A failure is recorded in ctx: later
   launches of the same run are skipped and the run returns the first error,
   naming the driver's error and the kernel. */
void dlc_gpu_launch(void *ctx, int32_t kernel, uint32_t gx, uint32_t gy,
                    uint32_t gz, uint32_t bx, uint32_t by, uint32_t bz,
                    uint32_t shared_bytes, void **params);

/* gpu-emu checking mode (dlc --target=gpu-emu --emu-check=races): called
   by the emulated kernels, never by applications. A launch handle lives
   from dlc_emu_launch_begin to dlc_emu_launch_end (on the thread that runs
   the entry), a block handle from dlc_emu_block_begin to dlc_emu_block_end
   (on one worker thread). `thread` is the linear thread id in the block;
   `addr` and `base` are the accessed element's address and the start of
   the accessed memref; `site` is "kernel\x1fbuffer\x1fnode\x1fop". Races are
   reported at dlc_emu_launch_end: inside dlc_model_run the run then fails
   with DLC_ERROR_RACE and the first race as its message; without a run
   (the entry called directly) the report goes to stderr. A handle that
   could not be allocated is NULL and every call with it does nothing. */
enum {
  DLC_EMU_CHECK_RACES = 1,  /* flags: record accesses, report races */
  DLC_EMU_ORDER_REVERSE = 2, /* threads of a phase last to first */
  DLC_EMU_ORDER_SHUFFLE = 4  /* a seeded permutation per phase and block */
};
void *dlc_emu_launch_begin(const char *kernel, int64_t bx, int64_t by,
                           int64_t bz, int64_t flags, int64_t seed);
void dlc_emu_launch_end(void *launch);
void *dlc_emu_block_begin(void *launch, int64_t x, int64_t y, int64_t z);
void dlc_emu_block_end(void *block);
/* Before each loop over the threads: the next phase's order. */
void dlc_emu_phase_order(void *block);
/* The thread that runs at `position` of the current phase. */
int64_t dlc_emu_thread_at(void *block, int64_t position);
/* A gpu.barrier: the accesses before it no longer race with those after. */
void dlc_emu_barrier(void *block);
void dlc_emu_access(void *block, int64_t thread, uintptr_t addr,
                    uintptr_t base, int64_t elem_bytes, int64_t count,
                    int64_t is_write, const char *site);
/* nvgpu.device_async_copy of dst_count elements (src_count read, the rest
   zero): pending until the thread's dlc_emu_async_wait completes its
   group, which copies. */
void dlc_emu_async_copy(void *block, int64_t thread, uintptr_t dst,
                        uintptr_t dst_base, uintptr_t src, uintptr_t src_base,
                        int64_t elem_bytes, int64_t dst_count,
                        int64_t src_count, const char *dst_site,
                        const char *src_site);
void dlc_emu_async_commit(void *block, int64_t thread);
/* Completes the thread's committed groups but the newest `keep`. */
void dlc_emu_async_wait(void *block, int64_t thread, int64_t keep);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DLC_RUNTIME_H */

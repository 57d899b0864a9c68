/* A stand-in for libamdhip64.so, built as a shared library by
   gpu-hip-mock.test and loaded by the runtime through DLC_HIP_RUNTIME. Like
   mock_cuda.c it works over host memory: two GPUs (both gfx942), memory is
   malloc'ed, copies are memcpy, a module is an image starting with "MOCK"
   that names gfx942 (other "MOCK" images are code objects for another GPU),
   and the kernels are C functions. It keeps HIP's per-thread current device
   and checks that each stream is used on its own device.

   Test hooks (found with dlsym):
     int mock_hip_count(const char *what)   counters, see count_names, and
                                            "current_device" of this thread
     void mock_hip_fail(const char *call, int code)
                                            make `call` return `code` until
                                            cleared with 0 ("" clears all)
     const char *mock_hip_last_image(void)  the last image loaded
   Environment: MOCK_HIP_NO_DEVICE=1 makes hipInit fail with
   hipErrorNoDevice. Single-threaded use only. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int hipError_t;
typedef struct ihipStream_t *hipStream_t;
typedef struct ihipModule_t *hipModule_t;
typedef struct ihipModuleSymbol_t *hipFunction_t;
typedef int hipDevice_t;

enum {
  hipSuccess = 0,
  hipErrorInvalidValue = 1,
  hipErrorOutOfMemory = 2,
  hipErrorNotInitialized = 3,
  hipErrorNoDevice = 100,
  hipErrorInvalidDevice = 101,
  hipErrorInvalidImage = 200,
  hipErrorNoBinaryForGpu = 209,
  hipErrorInvalidHandle = 400,
  hipErrorNotFound = 500,
  hipErrorLaunchFailure = 719
};

#define NUM_DEVICES 2

static const struct {
  int code;
  const char *name;
} error_names[] = {
    {hipSuccess, "hipSuccess"},
    {hipErrorInvalidValue, "hipErrorInvalidValue"},
    {hipErrorOutOfMemory, "hipErrorOutOfMemory"},
    {hipErrorNotInitialized, "hipErrorNotInitialized"},
    {hipErrorNoDevice, "hipErrorNoDevice"},
    {hipErrorInvalidDevice, "hipErrorInvalidDevice"},
    {hipErrorInvalidImage, "hipErrorInvalidImage"},
    {hipErrorNoBinaryForGpu, "hipErrorNoBinaryForGpu"},
    {hipErrorInvalidHandle, "hipErrorInvalidHandle"},
    {hipErrorNotFound, "hipErrorNotFound"},
    {hipErrorLaunchFailure, "hipErrorLaunchFailure"},
};

/* ---- Test hooks ---------------------------------------------------------- */

enum {
  C_LAUNCHES, C_MODULE_LOADS, C_HTOD, C_DTOH, C_ALLOCS_LIVE, C_STREAMS_LIVE,
  C_MODULES_LIVE, C_WRONG_DEVICE, C_COUNT
};
static const char *const count_names[C_COUNT] = {
    "launches",    "module_loads", "htod",         "dtoh",
    "allocs_live", "streams_live", "modules_live", "wrong_device"};
static long counts[C_COUNT];
static _Thread_local int current_device; /* HIP's default: device 0 */
static char last_image[64];

static struct {
  char call[64];
  int code;
} failures[4];

int mock_hip_count(const char *what) {
  int i;
  if (strcmp(what, "current_device") == 0)
    return current_device;
  for (i = 0; i < C_COUNT; ++i)
    if (strcmp(what, count_names[i]) == 0)
      return (int)counts[i];
  return -1;
}

void mock_hip_fail(const char *call, int code) {
  int i, free_slot = -1;
  if (!call || !*call) {
    memset(failures, 0, sizeof failures);
    return;
  }
  for (i = 0; i < 4; ++i) {
    if (strcmp(failures[i].call, call) == 0) {
      failures[i].code = code;
      return;
    }
    if (failures[i].code == 0 && free_slot < 0)
      free_slot = i;
  }
  if (free_slot >= 0) {
    strncpy(failures[free_slot].call, call, sizeof failures[0].call - 1);
    failures[free_slot].code = code;
  }
}

const char *mock_hip_last_image(void) { return last_image; }

static int injected(const char *call) {
  int i;
  for (i = 0; i < 4; ++i)
    if (failures[i].code && strcmp(failures[i].call, call) == 0)
      return failures[i].code;
  return 0;
}

#define INJECT(call)                                                           \
  do {                                                                         \
    int injected_ = injected(call);                                            \
    if (injected_)                                                             \
      return injected_;                                                        \
  } while (0)

static int initialized;
#define NEED_INIT()                                                            \
  do {                                                                         \
    if (!initialized)                                                          \
      return hipErrorNotInitialized;                                           \
  } while (0)

/* ---- Kernels (as in mock_cuda.c) ----------------------------------------- */

typedef void (*thread_fn)(void *const *args, unsigned i);

#define ARG(type, n) (*(type *)args[n])

static void scale_thread(void *const *args, unsigned i) {
  if ((int)i < ARG(int32_t, 2))
    ARG(float *, 1)[i] = ARG(const float *, 0)[i] * 2.0f;
}

static void add_thread(void *const *args, unsigned i) {
  if ((int)i < ARG(int32_t, 3))
    ARG(float *, 2)[i] = ARG(const float *, 0)[i] + ARG(const float *, 1)[i];
}

struct ihipModuleSymbol_t {
  const char *name;
  thread_fn body;
};

static struct ihipModuleSymbol_t kernels[] = {{"scale", scale_thread},
                                              {"add", add_thread}};
#define NUM_KERNELS (int)(sizeof kernels / sizeof kernels[0])

struct ihipStream_t {
  int device;
};

struct ihipModule_t {
  int magic;
};

/* ---- Entry points -------------------------------------------------------- */

const char *hipGetErrorName(hipError_t error) {
  size_t i;
  for (i = 0; i < sizeof error_names / sizeof error_names[0]; ++i)
    if (error_names[i].code == error)
      return error_names[i].name;
  return "hipErrorUnknown";
}

hipError_t hipInit(unsigned flags) {
  const char *no_device = getenv("MOCK_HIP_NO_DEVICE");
  if (flags != 0)
    return hipErrorInvalidValue;
  if (no_device && *no_device && strcmp(no_device, "0") != 0)
    return hipErrorNoDevice;
  initialized = 1;
  return hipSuccess;
}

hipError_t hipGetDeviceCount(int *count) {
  NEED_INIT();
  *count = NUM_DEVICES;
  return hipSuccess;
}

hipError_t hipGetDevice(int *device) {
  NEED_INIT();
  *device = current_device;
  return hipSuccess;
}

hipError_t hipSetDevice(int device) {
  NEED_INIT();
  if (device < 0 || device >= NUM_DEVICES)
    return hipErrorInvalidDevice;
  current_device = device;
  return hipSuccess;
}

hipError_t hipDeviceGet(hipDevice_t *device, int ordinal) {
  NEED_INIT();
  if (ordinal < 0 || ordinal >= NUM_DEVICES)
    return hipErrorInvalidDevice;
  *device = ordinal;
  return hipSuccess;
}

hipError_t hipDeviceGetName(char *name, int len, hipDevice_t device) {
  NEED_INIT();
  if (device < 0 || device >= NUM_DEVICES || len <= 0)
    return hipErrorInvalidValue;
  snprintf(name, (size_t)len, "Mock GPU %d (gfx942)", device);
  return hipSuccess;
}

/* A stream used on another device than its own is counted. */
static void check_device(hipStream_t stream) {
  if (stream->device != current_device)
    ++counts[C_WRONG_DEVICE];
}

hipError_t hipStreamCreateWithFlags(hipStream_t *stream, unsigned flags) {
  NEED_INIT();
  if (flags > 1)
    return hipErrorInvalidValue;
  *stream = (hipStream_t)calloc(1, sizeof(struct ihipStream_t));
  if (!*stream)
    return hipErrorOutOfMemory;
  (*stream)->device = current_device;
  ++counts[C_STREAMS_LIVE];
  return hipSuccess;
}

hipError_t hipStreamDestroy(hipStream_t stream) {
  NEED_INIT();
  if (!stream)
    return hipErrorInvalidHandle;
  check_device(stream);
  free(stream);
  --counts[C_STREAMS_LIVE];
  return hipSuccess;
}

hipError_t hipStreamSynchronize(hipStream_t stream) {
  NEED_INIT();
  if (!stream)
    return hipErrorInvalidHandle;
  check_device(stream);
  INJECT("hipStreamSynchronize");
  return hipSuccess;
}

hipError_t hipMalloc(void **ptr, size_t bytes) {
  NEED_INIT();
  if (!ptr)
    return hipErrorInvalidValue;
  INJECT("hipMalloc");
  *ptr = bytes ? aligned_alloc(256, (bytes + 255) / 256 * 256) : NULL;
  if (bytes && !*ptr)
    return hipErrorOutOfMemory;
  if (*ptr) {
    memset(*ptr, 0xA5, bytes);
    ++counts[C_ALLOCS_LIVE];
  }
  return hipSuccess;
}

hipError_t hipFree(void *ptr) {
  NEED_INIT();
  if (ptr) {
    free(ptr);
    --counts[C_ALLOCS_LIVE];
  }
  return hipSuccess;
}

hipError_t hipMemcpyHtoDAsync(void *dst, void *src, size_t bytes,
                              hipStream_t stream) {
  NEED_INIT();
  if (!stream || !dst || !src)
    return hipErrorInvalidValue;
  check_device(stream);
  INJECT("hipMemcpyHtoDAsync");
  memcpy(dst, src, bytes);
  ++counts[C_HTOD];
  return hipSuccess;
}

hipError_t hipMemcpyDtoHAsync(void *dst, void *src, size_t bytes,
                              hipStream_t stream) {
  NEED_INIT();
  if (!stream || !dst || !src)
    return hipErrorInvalidValue;
  check_device(stream);
  INJECT("hipMemcpyDtoHAsync");
  memcpy(dst, src, bytes);
  ++counts[C_DTOH];
  return hipSuccess;
}

hipError_t hipModuleLoadData(hipModule_t *module, const void *image) {
  NEED_INIT();
  if (!image)
    return hipErrorInvalidValue;
  INJECT("hipModuleLoadData");
  if (memcmp(image, "MOCK", 4) != 0)
    return hipErrorInvalidImage;
  if (!strstr((const char *)image, "gfx942"))
    return hipErrorNoBinaryForGpu;
  *module = (hipModule_t)calloc(1, sizeof(struct ihipModule_t));
  if (!*module)
    return hipErrorOutOfMemory;
  (*module)->magic = 0x686970;
  strncpy(last_image, (const char *)image, sizeof last_image - 1);
  ++counts[C_MODULE_LOADS];
  ++counts[C_MODULES_LIVE];
  return hipSuccess;
}

hipError_t hipModuleUnload(hipModule_t module) {
  NEED_INIT();
  if (!module || module->magic != 0x686970)
    return hipErrorInvalidHandle;
  module->magic = 0;
  free(module);
  --counts[C_MODULES_LIVE];
  return hipSuccess;
}

hipError_t hipModuleGetFunction(hipFunction_t *function, hipModule_t module,
                                const char *name) {
  int i;
  NEED_INIT();
  if (!module || module->magic != 0x686970 || !name)
    return hipErrorInvalidHandle;
  for (i = 0; i < NUM_KERNELS; ++i)
    if (strcmp(kernels[i].name, name) == 0) {
      *function = &kernels[i];
      return hipSuccess;
    }
  return hipErrorNotFound;
}

hipError_t hipModuleLaunchKernel(hipFunction_t f, unsigned gx, unsigned gy,
                                 unsigned gz, unsigned bx, unsigned by,
                                 unsigned bz, unsigned shared_bytes,
                                 hipStream_t stream, void **params,
                                 void **extra) {
  unsigned x, y, z, tx, ty, tz;
  int i, known = 0;
  NEED_INIT();
  for (i = 0; i < NUM_KERNELS; ++i)
    known |= f == &kernels[i];
  if (!known || !stream)
    return hipErrorInvalidHandle;
  check_device(stream);
  INJECT("hipModuleLaunchKernel");
  if (!params || extra || gx * gy * gz == 0 || bx * by * bz == 0 ||
      bx * by * bz > 1024 || shared_bytes > 64 * 1024)
    return hipErrorInvalidValue;
  for (z = 0; z < gz; ++z)
    for (y = 0; y < gy; ++y)
      for (x = 0; x < gx; ++x)
        for (tz = 0; tz < bz; ++tz)
          for (ty = 0; ty < by; ++ty)
            for (tx = 0; tx < bx; ++tx)
              f->body(params, x * bx + tx);
  ++counts[C_LAUNCHES];
  return hipSuccess;
}

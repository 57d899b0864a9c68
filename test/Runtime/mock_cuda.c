/* A stand-in for libcuda.so.1, built as a shared library by gpu.test and
   loaded by the runtime through DLC_CUDA_DRIVER. It implements the driver
   entry points the runtime uses over host memory: "device" memory is
   malloc'ed, copies are memcpy, a module is any image starting with "MOCK",
   and the kernels it knows are C functions looping over the grid's threads.
   Stream capture records launches and cuGraphLaunch replays them. It checks
   what a real driver would reject (no current context, calls before cuInit,
   copies into a capturing stream) and counts what happened.

   Test hooks (found with dlsym):
     int mock_cuda_count(const char *what)    counters, see count_names
     void mock_cuda_fail(const char *call, int code)
                                              make `call` (the symbol name)
                                              return `code` until cleared
                                              with 0 (or "" to clear all)
     void mock_cuda_set_cc(int cc)            compute capability, 90 = 9.0
     const char *mock_cuda_last_image(void)   the last image loaded
     void *mock_cuda_last_stream(void)        the stream of the last launch
   Environment: MOCK_CUDA_NO_DEVICE=1 makes cuInit fail with
   CUDA_ERROR_NO_DEVICE. Single-threaded use only. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st *CUcontext;
typedef struct CUstream_st *CUstream;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUgraph_st *CUgraph;
typedef struct CUgraph_st *CUgraphExec; /* the same representation */

enum {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_INVALID_VALUE = 1,
  CUDA_ERROR_OUT_OF_MEMORY = 2,
  CUDA_ERROR_NOT_INITIALIZED = 3,
  CUDA_ERROR_NO_DEVICE = 100,
  CUDA_ERROR_INVALID_DEVICE = 101,
  CUDA_ERROR_INVALID_IMAGE = 200,
  CUDA_ERROR_INVALID_CONTEXT = 201,
  CUDA_ERROR_INVALID_HANDLE = 400,
  CUDA_ERROR_ILLEGAL_STATE = 401,
  CUDA_ERROR_NOT_FOUND = 500,
  CUDA_ERROR_ILLEGAL_ADDRESS = 700,
  CUDA_ERROR_LAUNCH_FAILED = 719,
  CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED = 900,
  CUDA_ERROR_STREAM_CAPTURE_INVALIDATED = 901
};

static const struct {
  int code;
  const char *name;
} error_names[] = {
    {CUDA_SUCCESS, "CUDA_SUCCESS"},
    {CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE"},
    {CUDA_ERROR_OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY"},
    {CUDA_ERROR_NOT_INITIALIZED, "CUDA_ERROR_NOT_INITIALIZED"},
    {CUDA_ERROR_NO_DEVICE, "CUDA_ERROR_NO_DEVICE"},
    {CUDA_ERROR_INVALID_DEVICE, "CUDA_ERROR_INVALID_DEVICE"},
    {CUDA_ERROR_INVALID_IMAGE, "CUDA_ERROR_INVALID_IMAGE"},
    {CUDA_ERROR_INVALID_CONTEXT, "CUDA_ERROR_INVALID_CONTEXT"},
    {CUDA_ERROR_INVALID_HANDLE, "CUDA_ERROR_INVALID_HANDLE"},
    {CUDA_ERROR_ILLEGAL_STATE, "CUDA_ERROR_ILLEGAL_STATE"},
    {CUDA_ERROR_NOT_FOUND, "CUDA_ERROR_NOT_FOUND"},
    {CUDA_ERROR_ILLEGAL_ADDRESS, "CUDA_ERROR_ILLEGAL_ADDRESS"},
    {CUDA_ERROR_LAUNCH_FAILED, "CUDA_ERROR_LAUNCH_FAILED"},
    {CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED,
     "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED"},
    {CUDA_ERROR_STREAM_CAPTURE_INVALIDATED,
     "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED"},
};

/* ---- Test hooks ---------------------------------------------------------- */

enum {
  C_LAUNCH_CALLS,     /* cuLaunchKernel calls, failed ones included */
  C_DIRECT_LAUNCHES,  /* kernels run by cuLaunchKernel outside a capture */
  C_KERNEL_RUNS,      /* kernels run, direct or replayed */
  C_CAPTURES,         /* successful cuStreamBeginCapture */
  C_GRAPH_LAUNCHES,   /* successful cuGraphLaunch */
  C_MODULE_LOADS,     /* successful cuModuleLoadData */
  C_HTOD, C_DTOH,     /* copies */
  C_ALLOCS_LIVE, C_STREAMS_LIVE, C_MODULES_LIVE, C_GRAPHS_LIVE,
  C_EXECS_LIVE, C_CTX_RETAINED,
  C_COUNT
};
static const char *const count_names[C_COUNT] = {
    "launch_calls", "direct_launches", "kernel_runs",   "captures",
    "graph_launches", "module_loads",  "htod",          "dtoh",
    "allocs_live",  "streams_live",    "modules_live",  "graphs_live",
    "execs_live",   "ctx_retained"};
static long counts[C_COUNT];
static _Thread_local int ctx_depth; /* pushes minus pops on this thread */

/* Injected failures: up to 4 calls at once. */
static struct {
  char call[64];
  int code;
} failures[4];
static int cc = 90;
static char last_image[64];
static void *last_stream;

int mock_cuda_count(const char *what) {
  int i;
  if (strcmp(what, "ctx_depth") == 0)
    return ctx_depth;
  for (i = 0; i < C_COUNT; ++i)
    if (strcmp(what, count_names[i]) == 0)
      return (int)counts[i];
  return -1;
}

/* Makes `call` fail with `code` (0: succeed again); "" clears all. */
void mock_cuda_fail(const char *call, int code) {
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

static int injected(const char *call) {
  int i;
  for (i = 0; i < 4; ++i)
    if (failures[i].code && strcmp(failures[i].call, call) == 0)
      return failures[i].code;
  return 0;
}

void mock_cuda_set_cc(int value) { cc = value; }

const char *mock_cuda_last_image(void) { return last_image; }
void *mock_cuda_last_stream(void) { return last_stream; }

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
      return CUDA_ERROR_NOT_INITIALIZED;                                       \
  } while (0)
#define NEED_CTX()                                                             \
  do {                                                                         \
    NEED_INIT();                                                               \
    if (ctx_depth <= 0)                                                        \
      return CUDA_ERROR_INVALID_CONTEXT;                                       \
  } while (0)

/* ---- Kernels ------------------------------------------------------------- */

typedef struct dim3 {
  unsigned x, y, z;
} dim3;

/* Calls body(args, i) for i = blockIdx.x * blockDim.x + threadIdx.x of
   every thread of the grid. */
typedef void (*thread_fn)(void *const *args, unsigned i);

static void run_grid(thread_fn body, void *const *args, dim3 grid,
                     dim3 block) {
  unsigned bx, by, bz, tx, ty, tz;
  for (bz = 0; bz < grid.z; ++bz)
    for (by = 0; by < grid.y; ++by)
      for (bx = 0; bx < grid.x; ++bx)
        for (tz = 0; tz < block.z; ++tz)
          for (ty = 0; ty < block.y; ++ty)
            for (tx = 0; tx < block.x; ++tx)
              body(args, bx * block.x + tx);
}

#define ARG(type, n) (*(type *)args[n])

/* scale(const float *in, float *out, int n): out[i] = in[i] * 2 */
static void scale_thread(void *const *args, unsigned i) {
  if ((int)i < ARG(int32_t, 2))
    ARG(float *, 1)[i] = ARG(const float *, 0)[i] * 2.0f;
}

/* add(const float *a, const float *b, float *out, int n): out = a + b */
static void add_thread(void *const *args, unsigned i) {
  if ((int)i < ARG(int32_t, 3))
    ARG(float *, 2)[i] = ARG(const float *, 0)[i] + ARG(const float *, 1)[i];
}

struct CUfunc_st {
  const char *name;
  thread_fn body;
  int num_params;
  size_t param_size[4];
};

static struct CUfunc_st kernels[] = {
    {"scale", scale_thread, 3, {8, 8, 4, 0}},
    {"add", add_thread, 4, {8, 8, 8, 4}},
};
#define NUM_KERNELS (int)(sizeof kernels / sizeof kernels[0])

/* A launch with its argument values copied, as stream capture keeps it. */
typedef struct launch {
  CUfunction f;
  dim3 grid, block;
  unsigned char values[4][8];
} launch;

static void run_launch(const launch *l) {
  void *args[4];
  int i;
  for (i = 0; i < l->f->num_params; ++i)
    args[i] = (void *)l->values[i];
  run_grid(l->f->body, args, l->grid, l->block);
  ++counts[C_KERNEL_RUNS];
}

/* ---- Contexts, devices, streams, graphs ---------------------------------- */

struct CUctx_st {
  int retained;
};
static struct CUctx_st primary;

struct CUgraph_st {
  int num_launches;
  launch *launches;
};

struct CUstream_st {
  int capturing;
  int invalidated;
  CUgraph graph; /* while capturing */
};

struct CUmod_st {
  int magic;
};

CUresult cuGetErrorName(CUresult error, const char **name) {
  size_t i;
  for (i = 0; i < sizeof error_names / sizeof error_names[0]; ++i)
    if (error_names[i].code == error) {
      *name = error_names[i].name;
      return CUDA_SUCCESS;
    }
  *name = NULL;
  return CUDA_ERROR_INVALID_VALUE;
}

CUresult cuInit(unsigned flags) {
  const char *no_device = getenv("MOCK_CUDA_NO_DEVICE");
  if (flags != 0)
    return CUDA_ERROR_INVALID_VALUE;
  if (no_device && *no_device && strcmp(no_device, "0") != 0)
    return CUDA_ERROR_NO_DEVICE;
  INJECT("cuInit");
  initialized = 1;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetCount(int *count) {
  NEED_INIT();
  *count = 1;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice *device, int ordinal) {
  NEED_INIT();
  if (ordinal != 0)
    return CUDA_ERROR_INVALID_DEVICE;
  *device = 0;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int *value, int attribute, CUdevice dev) {
  NEED_INIT();
  if (dev != 0)
    return CUDA_ERROR_INVALID_DEVICE;
  if (attribute == 75) /* CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR */
    *value = cc / 10;
  else if (attribute == 76) /* ..._MINOR */
    *value = cc % 10;
  else
    return CUDA_ERROR_INVALID_VALUE;
  return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext *ctx, CUdevice dev) {
  NEED_INIT();
  if (dev != 0)
    return CUDA_ERROR_INVALID_DEVICE;
  INJECT("cuDevicePrimaryCtxRetain");
  ++primary.retained;
  ++counts[C_CTX_RETAINED];
  *ctx = &primary;
  return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev) {
  NEED_INIT();
  if (dev != 0)
    return CUDA_ERROR_INVALID_DEVICE;
  if (primary.retained <= 0)
    return CUDA_ERROR_INVALID_CONTEXT;
  --primary.retained;
  --counts[C_CTX_RETAINED];
  return CUDA_SUCCESS;
}

CUresult cuCtxPushCurrent_v2(CUcontext ctx) {
  NEED_INIT();
  if (ctx != &primary || primary.retained <= 0)
    return CUDA_ERROR_INVALID_CONTEXT;
  ++ctx_depth;
  return CUDA_SUCCESS;
}

CUresult cuCtxPopCurrent_v2(CUcontext *ctx) {
  NEED_INIT();
  if (ctx_depth <= 0)
    return CUDA_ERROR_INVALID_CONTEXT;
  --ctx_depth;
  if (ctx)
    *ctx = &primary;
  return CUDA_SUCCESS;
}

CUresult cuStreamCreate(CUstream *stream, unsigned flags) {
  NEED_CTX();
  if (flags > 1)
    return CUDA_ERROR_INVALID_VALUE;
  *stream = (CUstream)calloc(1, sizeof(struct CUstream_st));
  if (!*stream)
    return CUDA_ERROR_OUT_OF_MEMORY;
  ++counts[C_STREAMS_LIVE];
  return CUDA_SUCCESS;
}

CUresult cuStreamDestroy_v2(CUstream stream) {
  NEED_CTX();
  if (!stream || stream->capturing)
    return CUDA_ERROR_INVALID_HANDLE;
  free(stream);
  --counts[C_STREAMS_LIVE];
  return CUDA_SUCCESS;
}

CUresult cuStreamSynchronize(CUstream stream) {
  NEED_CTX();
  if (!stream)
    return CUDA_ERROR_INVALID_HANDLE;
  if (stream->capturing)
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  INJECT("cuStreamSynchronize");
  return CUDA_SUCCESS;
}

/* ---- Memory -------------------------------------------------------------- */

CUresult cuMemAlloc_v2(CUdeviceptr *ptr, size_t bytes) {
  void *p;
  NEED_CTX();
  if (bytes == 0)
    return CUDA_ERROR_INVALID_VALUE;
  INJECT("cuMemAlloc_v2");
  p = aligned_alloc(256, (bytes + 255) / 256 * 256);
  if (!p)
    return CUDA_ERROR_OUT_OF_MEMORY;
  /* Device memory starts out as garbage. */
  memset(p, 0xA5, bytes);
  ++counts[C_ALLOCS_LIVE];
  *ptr = (CUdeviceptr)(uintptr_t)p;
  return CUDA_SUCCESS;
}

CUresult cuMemFree_v2(CUdeviceptr ptr) {
  NEED_CTX();
  if (!ptr)
    return CUDA_ERROR_INVALID_VALUE;
  free((void *)(uintptr_t)ptr);
  --counts[C_ALLOCS_LIVE];
  return CUDA_SUCCESS;
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t bytes,
                              CUstream stream) {
  NEED_CTX();
  if (!stream || !dst || !src)
    return CUDA_ERROR_INVALID_VALUE;
  /* The runtime keeps copies out of captured graphs. */
  if (stream->capturing)
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  INJECT("cuMemcpyHtoDAsync_v2");
  memcpy((void *)(uintptr_t)dst, src, bytes);
  ++counts[C_HTOD];
  return CUDA_SUCCESS;
}

CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t bytes,
                              CUstream stream) {
  NEED_CTX();
  if (!stream || !dst || !src)
    return CUDA_ERROR_INVALID_VALUE;
  if (stream->capturing)
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  INJECT("cuMemcpyDtoHAsync_v2");
  memcpy(dst, (const void *)(uintptr_t)src, bytes);
  ++counts[C_DTOH];
  return CUDA_SUCCESS;
}

/* ---- Modules and launches ------------------------------------------------ */

CUresult cuModuleLoadData(CUmodule *module, const void *image) {
  NEED_CTX();
  if (!image)
    return CUDA_ERROR_INVALID_VALUE;
  INJECT("cuModuleLoadData");
  if (memcmp(image, "MOCK", 4) != 0)
    return CUDA_ERROR_INVALID_IMAGE;
  *module = (CUmodule)calloc(1, sizeof(struct CUmod_st));
  if (!*module)
    return CUDA_ERROR_OUT_OF_MEMORY;
  (*module)->magic = 0x6d6f6b;
  strncpy(last_image, (const char *)image, sizeof last_image - 1);
  ++counts[C_MODULE_LOADS];
  ++counts[C_MODULES_LIVE];
  return CUDA_SUCCESS;
}

CUresult cuModuleUnload(CUmodule module) {
  NEED_CTX();
  if (!module || module->magic != 0x6d6f6b)
    return CUDA_ERROR_INVALID_HANDLE;
  module->magic = 0;
  free(module);
  --counts[C_MODULES_LIVE];
  return CUDA_SUCCESS;
}

CUresult cuModuleGetFunction(CUfunction *function, CUmodule module,
                             const char *name) {
  int i;
  NEED_CTX();
  if (!module || module->magic != 0x6d6f6b || !name)
    return CUDA_ERROR_INVALID_HANDLE;
  for (i = 0; i < NUM_KERNELS; ++i)
    if (strcmp(kernels[i].name, name) == 0) {
      *function = &kernels[i];
      return CUDA_SUCCESS;
    }
  return CUDA_ERROR_NOT_FOUND;
}

static int valid_function(CUfunction f) {
  int i;
  for (i = 0; i < NUM_KERNELS; ++i)
    if (f == &kernels[i])
      return 1;
  return 0;
}

CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz,
                        unsigned shared_bytes, CUstream stream, void **params,
                        void **extra) {
  launch l;
  int i;
  NEED_CTX();
  ++counts[C_LAUNCH_CALLS];
  if (!valid_function(f) || !stream)
    return CUDA_ERROR_INVALID_HANDLE;
  if (injected("cuLaunchKernel")) {
    if (stream->capturing)
      stream->invalidated = 1;
    return injected("cuLaunchKernel");
  }
  if (!params || extra || gx * gy * gz == 0 || bx * by * bz == 0 ||
      bx * by * bz > 1024 || shared_bytes > 48 * 1024)
    return CUDA_ERROR_INVALID_VALUE;
  last_stream = stream;
  l.f = f;
  l.grid.x = gx, l.grid.y = gy, l.grid.z = gz;
  l.block.x = bx, l.block.y = by, l.block.z = bz;
  memset(l.values, 0, sizeof l.values);
  for (i = 0; i < f->num_params; ++i)
    memcpy(l.values[i], params[i], f->param_size[i]);
  if (stream->capturing) {
    CUgraph g = stream->graph;
    launch *grown = (launch *)realloc(
        g->launches, sizeof(launch) * (size_t)(g->num_launches + 1));
    if (!grown)
      return CUDA_ERROR_OUT_OF_MEMORY;
    g->launches = grown;
    g->launches[g->num_launches++] = l;
    return CUDA_SUCCESS;
  }
  run_launch(&l);
  ++counts[C_DIRECT_LAUNCHES];
  return CUDA_SUCCESS;
}

/* ---- Stream capture and graphs ------------------------------------------- */

static void free_graph(CUgraph g) {
  if (g) {
    free(g->launches);
    free(g);
  }
}

CUresult cuStreamBeginCapture_v2(CUstream stream, int mode) {
  NEED_CTX();
  if (!stream)
    return CUDA_ERROR_INVALID_HANDLE;
  if (stream->capturing)
    return CUDA_ERROR_ILLEGAL_STATE;
  if (mode < 0 || mode > 2)
    return CUDA_ERROR_INVALID_VALUE;
  INJECT("cuStreamBeginCapture_v2");
  stream->graph = (CUgraph)calloc(1, sizeof(struct CUgraph_st));
  if (!stream->graph)
    return CUDA_ERROR_OUT_OF_MEMORY;
  stream->capturing = 1;
  stream->invalidated = 0;
  ++counts[C_CAPTURES];
  return CUDA_SUCCESS;
}

CUresult cuStreamEndCapture(CUstream stream, CUgraph *graph) {
  NEED_CTX();
  if (!stream || !stream->capturing)
    return CUDA_ERROR_ILLEGAL_STATE;
  stream->capturing = 0;
  *graph = NULL;
  if (stream->invalidated) {
    free_graph(stream->graph);
    stream->graph = NULL;
    return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
  }
  *graph = stream->graph;
  stream->graph = NULL;
  ++counts[C_GRAPHS_LIVE];
  return CUDA_SUCCESS;
}

CUresult cuGraphInstantiateWithFlags(CUgraphExec *exec, CUgraph graph,
                                     unsigned long long flags) {
  CUgraphExec e;
  NEED_CTX();
  if (!graph || flags != 0)
    return CUDA_ERROR_INVALID_VALUE;
  INJECT("cuGraphInstantiateWithFlags");
  e = (CUgraphExec)calloc(1, sizeof(struct CUgraph_st));
  if (!e)
    return CUDA_ERROR_OUT_OF_MEMORY;
  if (graph->num_launches > 0) {
    e->launches = (launch *)malloc(sizeof(launch) * (size_t)graph->num_launches);
    if (!e->launches) {
      free(e);
      return CUDA_ERROR_OUT_OF_MEMORY;
    }
    memcpy(e->launches, graph->launches,
           sizeof(launch) * (size_t)graph->num_launches);
  }
  e->num_launches = graph->num_launches;
  *exec = e;
  ++counts[C_EXECS_LIVE];
  return CUDA_SUCCESS;
}

CUresult cuGraphLaunch(CUgraphExec exec, CUstream stream) {
  int i;
  NEED_CTX();
  if (!exec || !stream || stream->capturing)
    return CUDA_ERROR_INVALID_VALUE;
  INJECT("cuGraphLaunch");
  for (i = 0; i < exec->num_launches; ++i)
    run_launch(&exec->launches[i]);
  ++counts[C_GRAPH_LAUNCHES];
  return CUDA_SUCCESS;
}

CUresult cuGraphDestroy(CUgraph graph) {
  NEED_CTX();
  if (!graph)
    return CUDA_ERROR_INVALID_VALUE;
  free_graph(graph);
  --counts[C_GRAPHS_LIVE];
  return CUDA_SUCCESS;
}

CUresult cuGraphExecDestroy(CUgraphExec exec) {
  NEED_CTX();
  if (!exec)
    return CUDA_ERROR_INVALID_VALUE;
  free_graph(exec);
  --counts[C_EXECS_LIVE];
  return CUDA_SUCCESS;
}

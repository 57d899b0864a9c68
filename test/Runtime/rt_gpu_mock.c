/* The CUDA backend against a mock driver (mock_cuda.c, loaded through
   DLC_CUDA_DRIVER): device creation and its errors, a hand-written CUDA
   model (Y = X * 2 + W through two kernels and the arena) with embedded and
   external weights, graph capture and replay, ",nograph", image choice,
   descriptor validation, driver failures at every step with messages naming
   the call, the driver's error and the kernel, and no leaked driver object.
   Usage: dlc-rt-gpu-mock DIR (a scratch folder for weights files). */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "rt_test.h"

#include <dlfcn.h>

static const int64_t shape23[] = {2, 3};
static const int64_t shape33[] = {3, 3};
static const dlc_tensor_info g_in[] = {{"X", DLC_FLOAT32, 2, shape23}};
static const dlc_tensor_info g_out[] = {{"Y", DLC_FLOAT32, 2, shape23}};
static const float g_weights[6] = {0.5f, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f};

static const char cubin90[] = "MOCK cubin sm_90";
static const char cubin80[] = "MOCK cubin sm_80";
static const char cubin86[] = "MOCK cubin sm_86";
static const char ptx70[] = "MOCK ptx sm_70";
static const char ptx80[] = "MOCK ptx sm_80";
static const char ptx100[] = "MOCK ptx sm_100";
static const char junk[] = "JUNK";
static const char unterminated[4] = {'M', 'O', 'C', 'K'};
static const char hsaco[] = "MOCK hsaco";

static const dlc_gpu_image images_90[] = {
    {DLC_IMAGE_CUBIN, "sm_90", cubin90, sizeof cubin90}};
static const char *const kernel_names[] = {"scale", "add"};

/* What the entry does: 0 = the model, else a failure to test. */
enum { ENTRY_OK, ENTRY_CODE, ENTRY_BAD_INDEX, ENTRY_FOREIGN_CTX };
static int entry_mode = ENTRY_OK;
static int entry_calls = 0;

/* Y = X * 2 + W: scale(X -> arena), add(arena, W -> Y). Every pointer is
   device memory; the entry only enqueues. */
static int32_t gpu_entry(void *const *buffers, void *arena,
                         const void *weights, void *ctx) {
  void *x = buffers[0], *y = buffers[1];
  const void *w = weights;
  int32_t n = 6;
  void *scale_args[3];
  void *add_args[4];
  /* Readable memory that is not a context (as large as one). */
  uint64_t foreign[4] = {1, 2, 3, 4};
  ++entry_calls;
  scale_args[0] = &x;
  scale_args[1] = &arena;
  scale_args[2] = &n;
  add_args[0] = &arena;
  add_args[1] = &w;
  add_args[2] = &y;
  add_args[3] = &n;
  if (entry_mode == ENTRY_FOREIGN_CTX)
    ctx = foreign;
  dlc_gpu_launch(ctx, 0, 2, 1, 1, 4, 1, 1, 0, scale_args);
  dlc_gpu_launch(ctx, entry_mode == ENTRY_BAD_INDEX ? 7 : 1, 1, 1, 1, 8, 1, 1,
                 0, add_args);
  return entry_mode == ENTRY_CODE ? 5 : 0;
}

static dlc_model_info gpu_info(void) {
  dlc_model_info info = {DLC_ABI_VERSION, DLC_DEVICE_CUDA, "gpu", 1, 1, g_in,
                         g_out, 6 * sizeof(float), sizeof g_weights, NULL,
                         gpu_entry, g_weights, 1, images_90, 2,
                         kernel_names};
  return info;
}

static int32_t cpu_entry(void *const *buffers, void *arena,
                         const void *weights, void *ctx) {
  (void)buffers, (void)arena, (void)weights, (void)ctx;
  return 0;
}

/* ---- The mock's hooks ---------------------------------------------------- */

static int (*mock_count)(const char *);
static void (*mock_fail)(const char *, int);
static void (*mock_set_cc)(int);
static const char *(*mock_last_image)(void);
static void *(*mock_last_stream)(void);
/* The driver calls an application makes to run on device memory. */
static int (*cu_ctx_retain)(void **, int);
static int (*cu_ctx_push)(void *);
static int (*cu_ctx_pop)(void **);
static int (*cu_ctx_release)(int);
static int (*cu_stream_create)(void **, unsigned);
static int (*cu_stream_destroy)(void *);
static int (*cu_mem_alloc)(uint64_t *, size_t);
static int (*cu_mem_free)(uint64_t);

static int load_hook(void *lib, const char *name, void *fn, size_t size) {
  void *sym = dlsym(lib, name);
  if (!sym)
    return 0;
  memcpy(fn, &sym, size); /* object to function pointer, as POSIX allows */
  return 1;
}

static int load_mock(void) {
  const char *path = getenv("DLC_CUDA_DRIVER");
  void *lib = path ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
  return lib && load_hook(lib, "mock_cuda_count", &mock_count, sizeof mock_count) &&
         load_hook(lib, "mock_cuda_fail", &mock_fail, sizeof mock_fail) &&
         load_hook(lib, "mock_cuda_set_cc", &mock_set_cc, sizeof mock_set_cc) &&
         load_hook(lib, "mock_cuda_last_image", &mock_last_image,
                   sizeof mock_last_image) &&
         load_hook(lib, "mock_cuda_last_stream", &mock_last_stream,
                   sizeof mock_last_stream) &&
         load_hook(lib, "cuDevicePrimaryCtxRetain", &cu_ctx_retain,
                   sizeof cu_ctx_retain) &&
         load_hook(lib, "cuCtxPushCurrent_v2", &cu_ctx_push,
                   sizeof cu_ctx_push) &&
         load_hook(lib, "cuCtxPopCurrent_v2", &cu_ctx_pop, sizeof cu_ctx_pop) &&
         load_hook(lib, "cuDevicePrimaryCtxRelease_v2", &cu_ctx_release,
                   sizeof cu_ctx_release) &&
         load_hook(lib, "cuStreamCreate", &cu_stream_create,
                   sizeof cu_stream_create) &&
         load_hook(lib, "cuStreamDestroy_v2", &cu_stream_destroy,
                   sizeof cu_stream_destroy) &&
         load_hook(lib, "cuMemAlloc_v2", &cu_mem_alloc, sizeof cu_mem_alloc) &&
         load_hook(lib, "cuMemFree_v2", &cu_mem_free, sizeof cu_mem_free);
}

/* ---- Helpers ------------------------------------------------------------- */

static float x[6], y[6];

/* Runs m on X = seed + i and checks Y = X * 2 + W. */
static dlc_status run(dlc_model *m, float seed, int *correct) {
  dlc_tensor in = {DLC_FLOAT32, 2, shape23, x, sizeof x};
  dlc_tensor out = {DLC_FLOAT32, 2, shape23, y, sizeof y};
  dlc_status s;
  int i;
  for (i = 0; i < 6; ++i) {
    x[i] = seed + (float)i;
    y[i] = -1.0f;
  }
  s = dlc_model_run(m, &in, 1, &out, 1);
  *correct = 1;
  for (i = 0; i < 6; ++i)
    if (y[i] != x[i] * 2.0f + g_weights[i])
      *correct = 0;
  return s;
}

static int untouched(void) {
  int i;
  for (i = 0; i < 6; ++i)
    if (y[i] != -1.0f)
      return 0;
  return 1;
}

static int write_file(const char *dir, const char *name, const void *data,
                      size_t bytes) {
  char path[4096];
  FILE *f;
  size_t written;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "wb");
  if (!f)
    return 0;
  written = bytes ? fwrite(data, 1, bytes, f) : 0;
  return fclose(f) == 0 && written == bytes;
}

/* Creates a model from `info` on `dev`, prints the status and destroys it;
   returns the status. */
static dlc_status try_create(const char *label, const dlc_model_info *info,
                             dlc_device *dev, const char *dir) {
  dlc_model *m = (dlc_model *)&m;
  dlc_status s = dlc_model_create(info, dev, dir, &m);
  printf("%s: %s: %s\n", label, dlc_status_string(s),
         s == DLC_OK ? "" : dlc_last_error());
  if (s != DLC_OK)
    CHECK(m == NULL);
  dlc_model_destroy(m);
  return s;
}

/* Nothing the runtime got from the driver is left, except what the live
   devices hold (`contexts` primary context retains). */
static int no_leaks(int contexts) {
  return mock_count("allocs_live") == 0 && mock_count("streams_live") == 0 &&
         mock_count("modules_live") == 0 && mock_count("graphs_live") == 0 &&
         mock_count("execs_live") == 0 &&
         mock_count("ctx_retained") == contexts &&
         mock_count("ctx_depth") == 0;
}

int main(int argc, char **argv) {
  const char *dir;
  dlc_device *dev = NULL, *nograph = NULL, *bad = NULL;
  dlc_model *m = NULL, *m2 = NULL;
  dlc_model_info info = gpu_info(), variant;
  dlc_gpu_image images[4];
  const char *names[2];
  int ok, calls, launches, graphs, captures;

  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  dir = argv[1];
  if (!load_mock()) {
    printf("FAILED: cannot load the mock driver's hooks from DLC_CUDA_DRIVER\n");
    return 1;
  }

  /* ---- Devices ---------------------------------------------------------- */
  // CHECK: cuda: ok
  EXPECT_STATUS("cuda", DLC_OK, dlc_device_create("cuda", &dev));
  CHECK(dlc_device_threads(dev) == 1);
  // CHECK: cuda:0,nograph: ok
  EXPECT_STATUS("cuda:0,nograph", DLC_OK, dlc_device_create("cuda:0,nograph", &nograph));
  CHECK(mock_count("ctx_retained") == 2 && mock_count("ctx_depth") == 0);
  // CHECK: cuda:1: device error: device 'cuda:1': there is no CUDA GPU 1 (the driver finds 1)
  EXPECT_STATUS("cuda:1", DLC_ERROR_DEVICE, dlc_device_create("cuda:1", &bad));
  // CHECK: cuda:0,bogus: invalid argument: device spec 'cuda:0,bogus': unknown option 'bogus' (the only option is nograph)
  EXPECT_STATUS("cuda:0,bogus", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cuda:0,bogus", &bad));
  setenv("MOCK_CUDA_NO_DEVICE", "1", 1);
  // CHECK: no device: device error: device 'cuda': cuInit failed with CUDA_ERROR_NO_DEVICE (the driver finds no CUDA GPU)
  EXPECT_STATUS("no device", DLC_ERROR_DEVICE, dlc_device_create("cuda", &bad));
  unsetenv("MOCK_CUDA_NO_DEVICE");
  mock_fail("cuDevicePrimaryCtxRetain", 2);
  // CHECK: no context: device error: device 'cuda:0': cuDevicePrimaryCtxRetain failed with CUDA_ERROR_OUT_OF_MEMORY
  EXPECT_STATUS("no context", DLC_ERROR_DEVICE, dlc_device_create("cuda:0", &bad));
  mock_fail("", 0);
  CHECK(bad == NULL);
  CHECK(no_leaks(2));

  /* ---- A model with embedded weights: captured once, then replayed ------ */
  EXPECT_OK(dlc_model_create(&info, dev, NULL, &m));
  CHECK(strcmp(mock_last_image(), "MOCK cubin sm_90") == 0);
  // CHECK: run 1: ok
  EXPECT_STATUS("run 1", DLC_OK, run(m, 1.0f, &ok));
  CHECK(ok);
  // CHECK: run 2: ok
  EXPECT_STATUS("run 2", DLC_OK, run(m, 10.0f, &ok));
  CHECK(ok);
  // CHECK: run 3: ok
  EXPECT_STATUS("run 3", DLC_OK, run(m, -3.5f, &ok));
  CHECK(ok);
  /* The entry ran once, under capture; all three runs launched the graph. */
  CHECK(entry_calls == 1);
  CHECK(mock_count("captures") == 1);
  CHECK(mock_count("graph_launches") == 3);
  CHECK(mock_count("direct_launches") == 0);
  CHECK(mock_count("kernel_runs") == 6);
  CHECK(mock_count("htod") == 1 + 3 && mock_count("dtoh") == 3);
  {
    const void *raw_in[1];
    void *raw_out[1];
    int i;
    for (i = 0; i < 6; ++i) {
      x[i] = 100.0f + (float)i;
      y[i] = 0.0f;
    }
    raw_in[0] = x;
    raw_out[0] = y;
    // CHECK: raw run: ok
    EXPECT_STATUS("raw run", DLC_OK, dlc_model_run_raw(m, raw_in, raw_out));
    CHECK(y[0] == 200.5f && y[5] == 215.0f);
  }
  CHECK(mock_count("graph_launches") == 4 && entry_calls == 1);
  /* Device-resident tensors on the application's stream: the entry runs
     with the caller's pointers, each kernel launched on that stream, no
     copies; then the model's own stream (NULL); graph replay still works
     afterwards. */
  {
    void *ctx = NULL, *stream = NULL, *back = NULL;
    uint64_t dx = 0, dy = 0;
    int htod = mock_count("htod"), dtoh = mock_count("dtoh");
    int direct = mock_count("direct_launches"), i, good = 1;
    const void *dev_in[1];
    void *dev_out[1];
    CHECK(cu_ctx_retain(&ctx, 0) == 0 && cu_ctx_push(ctx) == 0);
    CHECK(cu_stream_create(&stream, 1) == 0);
    CHECK(cu_mem_alloc(&dx, sizeof x) == 0 && cu_mem_alloc(&dy, sizeof y) == 0);
    CHECK(cu_ctx_pop(&back) == 0);
    for (i = 0; i < 6; ++i)
      ((float *)(uintptr_t)dx)[i] = 7.0f + (float)i;
    dev_in[0] = (const void *)(uintptr_t)dx;
    dev_out[0] = (void *)(uintptr_t)dy;
    // CHECK: device run: ok
    EXPECT_STATUS("device run", DLC_OK,
                  dlc_model_run_device(m, stream, dev_in, dev_out));
    for (i = 0; i < 6; ++i)
      if (((float *)(uintptr_t)dy)[i] != (7.0f + (float)i) * 2.0f + g_weights[i])
        good = 0;
    CHECK(good);
    CHECK(mock_last_stream() == stream);
    CHECK(mock_count("htod") == htod && mock_count("dtoh") == dtoh);
    CHECK(mock_count("direct_launches") == direct + 2 && entry_calls == 2);
    // CHECK: device run, own stream: ok
    EXPECT_STATUS("device run, own stream", DLC_OK,
                  dlc_model_run_device(m, NULL, dev_in, dev_out));
    CHECK(mock_last_stream() != stream && entry_calls == 3);
    // An offset into a device buffer that the kernels' 16-byte accesses
    // cannot take.
    dev_in[0] = (const void *)(uintptr_t)(dx + 4);
    // CHECK: device run, misaligned: invalid argument: model '{{.*}}': dlc_model_run_device: input 0 is not 16-byte aligned
    EXPECT_STATUS("device run, misaligned", DLC_ERROR_INVALID_ARGUMENT,
                  dlc_model_run_device(m, stream, dev_in, dev_out));
    CHECK(entry_calls == 3);
    dev_in[0] = (const void *)(uintptr_t)dx;
    dev_out[0] = NULL;
    // CHECK: device run, no output: invalid argument: output 'Y': data is NULL
    EXPECT_STATUS("device run, no output", DLC_ERROR_INVALID_ARGUMENT,
                  dlc_model_run_device(m, stream, dev_in, dev_out));
    CHECK(cu_ctx_push(ctx) == 0);
    CHECK(cu_mem_free(dx) == 0 && cu_mem_free(dy) == 0);
    CHECK(cu_stream_destroy(stream) == 0);
    CHECK(cu_ctx_pop(&back) == 0 && cu_ctx_release(0) == 0);
    // CHECK: run after device runs: ok
    EXPECT_STATUS("run after device runs", DLC_OK, run(m, 4.0f, &ok));
    CHECK(ok && mock_count("graph_launches") == 5 && entry_calls == 3);
  }
  {
    dlc_tensor in = {DLC_FLOAT32, 2, shape33, x, sizeof x};
    dlc_tensor out = {DLC_FLOAT32, 2, shape23, y, sizeof y};
    // CHECK: bad shape: invalid argument: input 'X': dimension 0 is 3, the model expects 2
    EXPECT_STATUS("bad shape", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, &in, 1, &out, 1));
  }
  /* The device handle may go first: the model keeps it. */
  dlc_device_destroy(dev);
  dev = NULL;
  CHECK(mock_count("ctx_retained") == 2);
  // CHECK: run after device destroy: ok
  EXPECT_STATUS("run after device destroy", DLC_OK, run(m, 2.0f, &ok));
  CHECK(ok);
  dlc_model_destroy(m);
  m = NULL;
  CHECK(no_leaks(1));
  EXPECT_OK(dlc_device_create("cuda:0", &dev));

  /* ---- ",nograph": the entry launches every kernel on every run --------- */
  entry_calls = 0;
  graphs = mock_count("graph_launches");
  captures = mock_count("captures");
  launches = mock_count("direct_launches");
  EXPECT_OK(dlc_model_create(&info, nograph, NULL, &m));
  // CHECK: nograph run 1: ok
  EXPECT_STATUS("nograph run 1", DLC_OK, run(m, 1.0f, &ok));
  CHECK(ok);
  // CHECK: nograph run 2: ok
  EXPECT_STATUS("nograph run 2", DLC_OK, run(m, 7.0f, &ok));
  CHECK(ok);
  CHECK(entry_calls == 2);
  CHECK(mock_count("direct_launches") == launches + 4);
  CHECK(mock_count("graph_launches") == graphs && mock_count("captures") == captures);
  dlc_model_destroy(m);
  m = NULL;

  /* ---- External weights: read through host staging, then copied -------- */
  CHECK(write_file(dir, "gpu.weights", g_weights, sizeof g_weights));
  CHECK(write_file(dir, "short.weights", g_weights, 8));
  variant = info;
  variant.weights_data = NULL;
  variant.weights_file = "gpu.weights";
  EXPECT_OK(dlc_model_create(&variant, dev, dir, &m));
  // CHECK: file weights run: ok
  EXPECT_STATUS("file weights run", DLC_OK, run(m, 4.0f, &ok));
  CHECK(ok);
  dlc_model_destroy(m);
  m = NULL;
  variant.weights_file = "missing.weights";
  // CHECK: missing weights: i/o error: model 'gpu': cannot open weights file '{{.*}}/missing.weights': No such file or directory
  try_create("missing weights", &variant, dev, dir);
  variant.weights_file = "short.weights";
  // CHECK: short weights: i/o error: model 'gpu': weights file '{{.*}}/short.weights' is 8 bytes, the model expects 24
  try_create("short weights", &variant, dev, dir);
  CHECK(no_leaks(2));

  /* ---- Image choice ----------------------------------------------------- */
  /* The exact cubin beats PTX. */
  images[0].format = DLC_IMAGE_PTX; images[0].arch = "sm_80"; images[0].data = ptx80; images[0].size = sizeof ptx80;
  images[1].format = DLC_IMAGE_CUBIN; images[1].arch = "sm_90"; images[1].data = cubin90; images[1].size = sizeof cubin90;
  variant = info;
  variant.images = images;
  variant.num_images = 2;
  try_create("cubin over ptx", &variant, dev, NULL);
  // CHECK: chose MOCK cubin sm_90
  printf("chose %s\n", mock_last_image());
  /* No cubin for 9.0: the highest PTX not above it. */
  images[0].format = DLC_IMAGE_PTX; images[0].arch = "sm_70"; images[0].data = ptx70; images[0].size = sizeof ptx70;
  images[1].format = DLC_IMAGE_PTX; images[1].arch = "sm_80"; images[1].data = ptx80; images[1].size = sizeof ptx80;
  images[2].format = DLC_IMAGE_PTX; images[2].arch = "sm_100"; images[2].data = ptx100; images[2].size = sizeof ptx100;
  images[3].format = DLC_IMAGE_CUBIN; images[3].arch = "sm_86"; images[3].data = cubin86; images[3].size = sizeof cubin86;
  variant.num_images = 4;
  try_create("highest ptx", &variant, dev, NULL);
  // CHECK: chose MOCK ptx sm_80
  printf("chose %s\n", mock_last_image());
  /* A cubin is for exactly its architecture. */
  mock_set_cc(86);
  EXPECT_OK(dlc_device_create("cuda", &bad));
  images[0].format = DLC_IMAGE_CUBIN; images[0].arch = "sm_80"; images[0].data = cubin80; images[0].size = sizeof cubin80;
  images[1].format = DLC_IMAGE_PTX; images[1].arch = "compute_80"; images[1].data = ptx80; images[1].size = sizeof ptx80;
  variant.num_images = 2;
  try_create("cubin for another gpu", &variant, bad, NULL);
  // CHECK: chose MOCK ptx sm_80
  printf("chose %s\n", mock_last_image());
  dlc_device_destroy(bad);
  bad = NULL;
  mock_set_cc(90);
  /* An image the driver rejects: the next candidate is tried. */
  images[0].format = DLC_IMAGE_CUBIN; images[0].arch = "sm_90"; images[0].data = junk; images[0].size = sizeof junk;
  images[1].format = DLC_IMAGE_PTX; images[1].arch = "sm_80"; images[1].data = ptx80; images[1].size = sizeof ptx80;
  try_create("rejected cubin", &variant, dev, NULL);
  // CHECK: chose MOCK ptx sm_80
  printf("chose %s\n", mock_last_image());
  variant.num_images = 1;
  // CHECK: rejected image: device error: model 'gpu' on device 'cuda:0': cuModuleLoadData failed with CUDA_ERROR_INVALID_IMAGE (cubin sm_90 image)
  CHECK(try_create("rejected image", &variant, dev, NULL) == DLC_ERROR_DEVICE);
  /* Nothing for this GPU. */
  images[0].format = DLC_IMAGE_CUBIN; images[0].arch = "sm_80"; images[0].data = cubin80; images[0].size = sizeof cubin80;
  // CHECK: only sm_80: unsupported: model 'gpu': no kernel image for device 'cuda:0' (sm_90): the model carries cubin sm_80; it needs a cubin for sm_90 or PTX for sm_90 or lower
  CHECK(try_create("only sm_80", &variant, dev, NULL) == DLC_ERROR_UNSUPPORTED);
  images[1].format = DLC_IMAGE_PTX; images[1].arch = "sm_100"; images[1].data = ptx100; images[1].size = sizeof ptx100;
  images[2].format = DLC_IMAGE_HSACO; images[2].arch = "gfx942"; images[2].data = hsaco; images[2].size = sizeof hsaco;
  variant.num_images = 3;
  // CHECK: newer ptx: unsupported: model 'gpu': no kernel image for device 'cuda:0' (sm_90): the model carries cubin sm_80, PTX sm_100, HSACO gfx942; it needs a cubin for sm_90 or PTX for sm_90 or lower
  CHECK(try_create("newer ptx", &variant, dev, NULL) == DLC_ERROR_UNSUPPORTED);
  CHECK(no_leaks(2));

  /* ---- Kernels ---------------------------------------------------------- */
  variant = info;
  names[0] = "scale";
  names[1] = "nope";
  variant.kernel_names = names;
  // CHECK: bad kernel: device error: model 'gpu' on device 'cuda:0': cuModuleGetFunction failed with CUDA_ERROR_NOT_FOUND (kernel 'nope')
  CHECK(try_create("bad kernel", &variant, dev, NULL) == DLC_ERROR_DEVICE);
  CHECK(no_leaks(2));

  /* ---- Descriptor validation ------------------------------------------- */
  variant = info;
  variant.num_images = 0;
  // CHECK: no images: invalid argument: model 'gpu': a cuda model needs at least one kernel image in its descriptor
  try_create("no images", &variant, dev, NULL);
  variant = info;
  variant.images = NULL;
  // CHECK: null images: invalid argument: model 'gpu': a cuda model needs at least one kernel image in its descriptor
  try_create("null images", &variant, dev, NULL);
  variant = info;
  images[0] = images_90[0];
  images[0].format = 9;
  variant.images = images;
  // CHECK: bad format: invalid argument: model 'gpu': kernel image 0 has unknown format 9
  try_create("bad format", &variant, dev, NULL);
  images[0] = images_90[0];
  images[0].arch = NULL;
  // CHECK: no arch: invalid argument: model 'gpu': kernel image 0 has no architecture or no data
  try_create("no arch", &variant, dev, NULL);
  images[0] = images_90[0];
  images[0].size = 0;
  // CHECK: empty image: invalid argument: model 'gpu': kernel image 0 has no architecture or no data
  try_create("empty image", &variant, dev, NULL);
  images[0].format = DLC_IMAGE_PTX; images[0].arch = "sm_80"; images[0].data = unterminated; images[0].size = sizeof unterminated;
  // CHECK: unterminated ptx: invalid argument: model 'gpu': PTX image 0 (sm_80) is not NUL-terminated
  try_create("unterminated ptx", &variant, dev, NULL);
  variant = info;
  variant.num_kernels = -1;
  // CHECK: negative kernels: invalid argument: model 'gpu': invalid kernel list in the descriptor
  try_create("negative kernels", &variant, dev, NULL);
  variant.num_kernels = 2;
  variant.kernel_names = NULL;
  // CHECK: null kernel names: invalid argument: model 'gpu': invalid kernel list in the descriptor
  try_create("null kernel names", &variant, dev, NULL);
  names[0] = "scale";
  names[1] = NULL;
  variant.kernel_names = names;
  // CHECK: null kernel name: invalid argument: model 'gpu': kernel 1 has no name
  try_create("null kernel name", &variant, dev, NULL);
  variant = info;
  variant.weights_data = NULL;
  // CHECK: no weights: invalid argument: model 'gpu': the descriptor has 24 bytes of weights but neither a weights file nor embedded weights
  try_create("no weights", &variant, dev, NULL);
  variant = info;
  variant.weights_file = "gpu.weights";
  // CHECK: both weights: invalid argument: model 'gpu': the descriptor has both a weights file and embedded weights
  try_create("both weights", &variant, dev, dir);
  variant = info;
  variant.device_kind = DLC_DEVICE_CPU;
  variant.entry = cpu_entry;
  // CHECK: cpu model: invalid argument: model 'gpu' was compiled for the cpu device, not cuda
  try_create("cpu model", &variant, dev, NULL);
  variant = info;
  variant.device_kind = DLC_DEVICE_HIP;
  // CHECK: hip model: invalid argument: model 'gpu' was compiled for the hip device, not cuda
  try_create("hip model", &variant, dev, NULL);
  {
    dlc_device *cpu = NULL;
    EXPECT_OK(dlc_device_create("cpu:1", &cpu));
    // CHECK: on cpu: invalid argument: model 'gpu' was compiled for the cuda device, not cpu
    try_create("on cpu", &info, cpu, NULL);
    /* A CPU model ignores the GPU fields. */
    variant = info;
    variant.device_kind = DLC_DEVICE_CPU;
    variant.entry = cpu_entry;
    variant.weights_data = NULL;
    variant.weight_bytes = 0;
    // CHECK: cpu model with images: ok
    try_create("cpu model with images", &variant, cpu, NULL);
    dlc_device_destroy(cpu);
  }
  CHECK(no_leaks(2));

  /* ---- Failures during runs --------------------------------------------- */
  /* A launch fails: the run reports it with the kernel; the second launch
     is skipped; the output is untouched. */
  EXPECT_OK(dlc_model_create(&info, dev, NULL, &m));
  calls = mock_count("launch_calls");
  mock_fail("cuLaunchKernel", 719);
  // CHECK: launch fails: device error: model 'gpu' on device 'cuda:0': cuLaunchKernel failed with CUDA_ERROR_LAUNCH_FAILED (kernel 'scale', grid 2x1x1, block 4x1x1, 0 bytes of shared memory)
  EXPECT_STATUS("launch fails", DLC_ERROR_DEVICE, run(m, 1.0f, &ok));
  CHECK(untouched());
  /* Once under capture, once directly; never the second kernel. */
  CHECK(mock_count("launch_calls") == calls + 2);
  mock_fail("", 0);
  /* That was not the capture's fault: the next run captures a graph. */
  captures = mock_count("captures");
  graphs = mock_count("graph_launches");
  // CHECK: after launch failure: ok
  EXPECT_STATUS("after launch failure", DLC_OK, run(m, 1.0f, &ok));
  CHECK(ok);
  CHECK(mock_count("captures") == captures + 1 && mock_count("graph_launches") == graphs + 1);
  /* A replay fails. */
  mock_fail("cuGraphLaunch", 719);
  // CHECK: replay fails: device error: model 'gpu' on device 'cuda:0': cuGraphLaunch failed with CUDA_ERROR_LAUNCH_FAILED (replaying the captured kernel launches)
  EXPECT_STATUS("replay fails", DLC_ERROR_DEVICE, run(m, 1.0f, &ok));
  CHECK(untouched());
  mock_fail("", 0);
  mock_fail("cuMemcpyHtoDAsync_v2", 1);
  // CHECK: input copy fails: device error: model 'gpu' on device 'cuda:0': cuMemcpyHtoDAsync failed with CUDA_ERROR_INVALID_VALUE (copying input 'X', 24 bytes, to the device)
  EXPECT_STATUS("input copy fails", DLC_ERROR_DEVICE, run(m, 1.0f, &ok));
  mock_fail("", 0);
  mock_fail("cuMemcpyDtoHAsync_v2", 1);
  // CHECK: output copy fails: device error: model 'gpu' on device 'cuda:0': cuMemcpyDtoHAsync failed with CUDA_ERROR_INVALID_VALUE (copying output 'Y', 24 bytes, from the device)
  EXPECT_STATUS("output copy fails", DLC_ERROR_DEVICE, run(m, 1.0f, &ok));
  mock_fail("", 0);
  mock_fail("cuStreamSynchronize", 700);
  // CHECK: sync fails: device error: model 'gpu' on device 'cuda:0': cuStreamSynchronize failed with CUDA_ERROR_ILLEGAL_ADDRESS
  EXPECT_STATUS("sync fails", DLC_ERROR_DEVICE, run(m, 1.0f, &ok));
  /* A failed copy is reported even when the clean-up synchronize fails
     too. */
  mock_fail("cuMemcpyDtoHAsync_v2", 1);
  // CHECK: copy and sync fail: device error: model 'gpu' on device 'cuda:0': cuMemcpyDtoHAsync failed with CUDA_ERROR_INVALID_VALUE (copying output 'Y', 24 bytes, from the device)
  EXPECT_STATUS("copy and sync fail", DLC_ERROR_DEVICE, run(m, 1.0f, &ok));
  mock_fail("", 0);
  // CHECK: recovered: ok
  EXPECT_STATUS("recovered", DLC_OK, run(m, 3.0f, &ok));
  CHECK(ok);
  dlc_model_destroy(m);
  m = NULL;

  /* Capture unsupported: the run launches directly, and so do later runs. */
  EXPECT_OK(dlc_model_create(&info, dev, NULL, &m));
  mock_fail("cuStreamBeginCapture_v2", 900);
  entry_calls = 0;
  captures = mock_count("captures");
  graphs = mock_count("graph_launches");
  // CHECK: no capture: ok
  EXPECT_STATUS("no capture", DLC_OK, run(m, 5.0f, &ok));
  CHECK(ok);
  mock_fail("", 0);
  // CHECK: no capture again: ok
  EXPECT_STATUS("no capture again", DLC_OK, run(m, 6.0f, &ok));
  CHECK(ok);
  CHECK(entry_calls == 2);
  CHECK(mock_count("captures") == captures && mock_count("graph_launches") == graphs);
  dlc_model_destroy(m);
  m = NULL;

  /* Instantiation fails: that run goes direct (the entry runs twice), and
     graphs stay off for the model. */
  EXPECT_OK(dlc_model_create(&info, dev, NULL, &m));
  mock_fail("cuGraphInstantiateWithFlags", 1);
  entry_calls = 0;
  // CHECK: no instantiation: ok
  EXPECT_STATUS("no instantiation", DLC_OK, run(m, 5.0f, &ok));
  CHECK(ok);
  CHECK(entry_calls == 2);
  mock_fail("", 0);
  captures = mock_count("captures");
  // CHECK: no instantiation again: ok
  EXPECT_STATUS("no instantiation again", DLC_OK, run(m, 6.0f, &ok));
  CHECK(ok);
  CHECK(entry_calls == 3 && mock_count("captures") == captures);
  dlc_model_destroy(m);
  m = NULL;

  /* The entry itself fails, under capture and directly. */
  EXPECT_OK(dlc_model_create(&info, dev, NULL, &m));
  EXPECT_OK(dlc_model_create(&info, nograph, NULL, &m2));
  entry_mode = ENTRY_CODE;
  // CHECK: entry code: internal error: model entry failed with code 5 (model 'gpu')
  EXPECT_STATUS("entry code", DLC_ERROR_INTERNAL, run(m, 1.0f, &ok));
  // CHECK: entry code nograph: internal error: model entry failed with code 5 (model 'gpu')
  EXPECT_STATUS("entry code nograph", DLC_ERROR_INTERNAL, run(m2, 1.0f, &ok));
  entry_mode = ENTRY_BAD_INDEX;
  // CHECK: bad index: internal error: model 'gpu': dlc_gpu_launch of kernel 7, but the model has 2 kernel(s) (device 'cuda:0')
  EXPECT_STATUS("bad index", DLC_ERROR_INTERNAL, run(m, 1.0f, &ok));
  // CHECK: bad index nograph: internal error: model 'gpu': dlc_gpu_launch of kernel 7, but the model has 2 kernel(s) (device 'cuda:0')
  EXPECT_STATUS("bad index nograph", DLC_ERROR_INTERNAL, run(m2, 1.0f, &ok));
  entry_mode = ENTRY_FOREIGN_CTX;
  // CHECK: foreign ctx: internal error: model 'gpu': dlc_gpu_launch of kernel 0 got a context that is not the one the entry received (device 'cuda:0')
  EXPECT_STATUS("foreign ctx", DLC_ERROR_INTERNAL, run(m2, 1.0f, &ok));
  entry_mode = ENTRY_OK;
  /* Outside any run, a bad context is harmless. */
  dlc_gpu_launch(NULL, 0, 1, 1, 1, 1, 1, 1, 0, NULL);
  // CHECK: after entry failures: ok
  EXPECT_STATUS("after entry failures", DLC_OK, run(m, 1.0f, &ok));
  CHECK(ok);
  // CHECK: after entry failures nograph: ok
  EXPECT_STATUS("after entry failures nograph", DLC_OK, run(m2, 1.0f, &ok));
  CHECK(ok);
  dlc_model_destroy(m);
  dlc_model_destroy(m2);
  m = m2 = NULL;

  /* ---- Allocation failures ---------------------------------------------- */
  mock_fail("cuMemAlloc_v2", 2);
  // CHECK: no memory: out of memory: model 'gpu': cannot allocate 24 bytes of weights on device 'cuda:0': cuMemAlloc failed with CUDA_ERROR_OUT_OF_MEMORY
  CHECK(try_create("no memory", &info, dev, NULL) == DLC_ERROR_OUT_OF_MEMORY);
  mock_fail("cuMemAlloc_v2", 1);
  // CHECK: alloc fails: device error: model 'gpu': cannot allocate 24 bytes of weights on device 'cuda:0': cuMemAlloc failed with CUDA_ERROR_INVALID_VALUE
  CHECK(try_create("alloc fails", &info, dev, NULL) == DLC_ERROR_DEVICE);
  mock_fail("", 0);
  mock_fail("cuMemcpyHtoDAsync_v2", 1);
  // CHECK: weights copy fails: device error: model 'gpu' on device 'cuda:0': cuMemcpyHtoDAsync failed with CUDA_ERROR_INVALID_VALUE (copying weights, 24 bytes, to the device)
  CHECK(try_create("weights copy fails", &info, dev, NULL) == DLC_ERROR_DEVICE);
  mock_fail("", 0);
  CHECK(no_leaks(2));

  dlc_device_destroy(dev);
  dlc_device_destroy(nograph);
  CHECK(no_leaks(0));
  // CHECK-NOT: FAILED
  // CHECK: ALL PASSED
  return rt_finish();
}

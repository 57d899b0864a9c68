/* The HIP backend against a mock runtime (mock_hip.c, loaded through
   DLC_HIP_RUNTIME): device creation and its errors, a hand-written HIP model
   (Y = X * 2 + W through two kernels and the arena) with embedded and
   external weights on the second GPU (the caller's current device is left
   alone), the first HSACO image the GPU accepts, and failures reported with
   the call, the runtime's error name and the kernel, without leaks.
   Usage: dlc-rt-hip-mock DIR (a scratch folder for weights files). */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "rt_test.h"

#include <dlfcn.h>

static const int64_t shape23[] = {2, 3};
static const dlc_tensor_info h_in[] = {{"X", DLC_FLOAT32, 2, shape23}};
static const dlc_tensor_info h_out[] = {{"Y", DLC_FLOAT32, 2, shape23}};
static const float h_weights[6] = {0.5f, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f};

static const char gfx90a[] = "MOCK hsaco gfx90a";
static const char gfx942[] = "MOCK hsaco gfx942";
static const char cubin[] = "MOCK cubin sm_90";
static const dlc_gpu_image two_images[] = {
    {DLC_IMAGE_HSACO, "gfx90a", gfx90a, sizeof gfx90a},
    {DLC_IMAGE_HSACO, "gfx942", gfx942, sizeof gfx942}};
static const char *const kernel_names[] = {"scale", "add"};
static int entry_calls = 0;

static int32_t hip_entry(void *const *buffers, void *arena,
                         const void *weights, void *ctx) {
  void *x = buffers[0], *y = buffers[1];
  const void *w = weights;
  int32_t n = 6;
  void *scale_args[3];
  void *add_args[4];
  ++entry_calls;
  scale_args[0] = &x;
  scale_args[1] = &arena;
  scale_args[2] = &n;
  add_args[0] = &arena;
  add_args[1] = &w;
  add_args[2] = &y;
  add_args[3] = &n;
  dlc_gpu_launch(ctx, 0, 1, 1, 1, 64, 1, 1, 0, scale_args);
  dlc_gpu_launch(ctx, 1, 2, 1, 1, 3, 1, 1, 0, add_args);
  return 0;
}

static int (*mock_count)(const char *);
static void (*mock_fail)(const char *, int);
static const char *(*mock_last_image)(void);

static int load_hook(void *lib, const char *name, void *fn, size_t size) {
  void *sym = dlsym(lib, name);
  if (!sym)
    return 0;
  memcpy(fn, &sym, size); /* object to function pointer, as POSIX allows */
  return 1;
}

static int load_mock(void) {
  const char *path = getenv("DLC_HIP_RUNTIME");
  void *lib = path ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
  return lib && load_hook(lib, "mock_hip_count", &mock_count, sizeof mock_count) &&
         load_hook(lib, "mock_hip_fail", &mock_fail, sizeof mock_fail) &&
         load_hook(lib, "mock_hip_last_image", &mock_last_image,
                   sizeof mock_last_image);
}

static float x[6], y[6];

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
    if (y[i] != x[i] * 2.0f + h_weights[i])
      *correct = 0;
  return s;
}

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

static int no_leaks(void) {
  return mock_count("allocs_live") == 0 && mock_count("streams_live") == 0 &&
         mock_count("modules_live") == 0 && mock_count("wrong_device") == 0 &&
         mock_count("current_device") == 0;
}

int main(int argc, char **argv) {
  const char *dir;
  char path[4096];
  FILE *f;
  dlc_device *dev = NULL, *dev1 = NULL, *bad = NULL;
  dlc_model *m = NULL;
  dlc_model_info info = {DLC_ABI_VERSION, DLC_DEVICE_HIP, "hipm", 1, 1, h_in,
                         h_out, 6 * sizeof(float), sizeof h_weights, NULL,
                         hip_entry, h_weights, 2, two_images, 2,
                         kernel_names};
  dlc_model_info variant;
  dlc_gpu_image images[2];
  const char *names[2];
  int ok;

  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  dir = argv[1];
  if (!load_mock()) {
    printf("FAILED: cannot load the mock runtime's hooks from DLC_HIP_RUNTIME\n");
    return 1;
  }

  /* ---- Devices ---------------------------------------------------------- */
  // CHECK: hip: ok
  EXPECT_STATUS("hip", DLC_OK, dlc_device_create("hip", &dev));
  CHECK(dlc_device_threads(dev) == 1);
  /* ",nograph" is accepted (HIP never uses graphs). */
  // CHECK: hip:1,nograph: ok
  EXPECT_STATUS("hip:1,nograph", DLC_OK, dlc_device_create("hip:1,nograph", &dev1));
  // CHECK: hip:2: device error: device 'hip:2': there is no HIP GPU 2 (the runtime finds 2)
  EXPECT_STATUS("hip:2", DLC_ERROR_DEVICE, dlc_device_create("hip:2", &bad));
  setenv("MOCK_HIP_NO_DEVICE", "1", 1);
  // CHECK: no device: device error: device 'hip': hipInit failed with hipErrorNoDevice (the runtime finds no AMD GPU)
  EXPECT_STATUS("no device", DLC_ERROR_DEVICE, dlc_device_create("hip", &bad));
  unsetenv("MOCK_HIP_NO_DEVICE");
  CHECK(bad == NULL);

  /* ---- Runs on the second GPU: the first HSACO the GPU accepts --------- */
  EXPECT_OK(dlc_model_create(&info, dev1, NULL, &m));
  // CHECK: chose MOCK hsaco gfx942
  printf("chose %s\n", mock_last_image());
  // CHECK: run 1: ok
  EXPECT_STATUS("run 1", DLC_OK, run(m, 1.0f, &ok));
  CHECK(ok);
  // CHECK: run 2: ok
  EXPECT_STATUS("run 2", DLC_OK, run(m, -8.0f, &ok));
  CHECK(ok);
  CHECK(entry_calls == 2 && mock_count("launches") == 4);
  CHECK(mock_count("htod") == 1 + 2 && mock_count("dtoh") == 2);
  /* Every call ran on GPU 1; this thread's current device is still 0. */
  CHECK(mock_count("wrong_device") == 0 && mock_count("current_device") == 0);
  dlc_model_destroy(m);
  m = NULL;
  CHECK(no_leaks());

  /* ---- External weights -------------------------------------------------- */
  snprintf(path, sizeof path, "%s/hip.weights", dir);
  f = fopen(path, "wb");
  CHECK(f && fwrite(h_weights, 1, sizeof h_weights, f) == sizeof h_weights);
  if (f)
    fclose(f);
  variant = info;
  variant.weights_data = NULL;
  variant.weights_file = "hip.weights";
  EXPECT_OK(dlc_model_create(&variant, dev, dir, &m));
  // CHECK: file weights run: ok
  EXPECT_STATUS("file weights run", DLC_OK, run(m, 3.0f, &ok));
  CHECK(ok);

  /* ---- Failures during runs --------------------------------------------- */
  mock_fail("hipModuleLaunchKernel", 719);
  // CHECK: launch fails: device error: model 'hipm' on device 'hip:0': hipModuleLaunchKernel failed with hipErrorLaunchFailure (kernel 'scale', grid 1x1x1, block 64x1x1, 0 bytes of shared memory)
  EXPECT_STATUS("launch fails", DLC_ERROR_DEVICE, run(m, 1.0f, &ok));
  CHECK(y[0] == -1.0f);
  mock_fail("", 0);
  mock_fail("hipMemcpyDtoHAsync", 1);
  // CHECK: output copy fails: device error: model 'hipm' on device 'hip:0': hipMemcpyDtoHAsync failed with hipErrorInvalidValue (copying output 'Y', 24 bytes, from the device)
  EXPECT_STATUS("output copy fails", DLC_ERROR_DEVICE, run(m, 1.0f, &ok));
  mock_fail("", 0);
  mock_fail("hipStreamSynchronize", 719);
  // CHECK: sync fails: device error: model 'hipm' on device 'hip:0': hipStreamSynchronize failed with hipErrorLaunchFailure
  EXPECT_STATUS("sync fails", DLC_ERROR_DEVICE, run(m, 1.0f, &ok));
  mock_fail("", 0);
  // CHECK: recovered: ok
  EXPECT_STATUS("recovered", DLC_OK, run(m, 2.0f, &ok));
  CHECK(ok);
  dlc_model_destroy(m);
  m = NULL;

  /* ---- Images and kernels ------------------------------------------------ */
  variant = info;
  images[0] = two_images[0];
  variant.images = images;
  variant.num_images = 1;
  // CHECK: wrong gpu: unsupported: model 'hipm': no kernel image for device 'hip:0' (Mock GPU 0 (gfx942)): HSACO gfx90a: hipModuleLoadData failed with hipErrorNoBinaryForGpu
  CHECK(try_create("wrong gpu", &variant, dev, NULL) == DLC_ERROR_UNSUPPORTED);
  images[0].format = DLC_IMAGE_CUBIN;
  images[0].arch = "sm_90";
  images[0].data = cubin;
  images[0].size = sizeof cubin;
  // CHECK: no hsaco: unsupported: model 'hipm': no kernel image for device 'hip:0' (Mock GPU 0 (gfx942)): the model carries cubin sm_90 and no HSACO
  CHECK(try_create("no hsaco", &variant, dev, NULL) == DLC_ERROR_UNSUPPORTED);
  variant = info;
  names[0] = "nope";
  names[1] = "add";
  variant.kernel_names = names;
  // CHECK: bad kernel: device error: model 'hipm' on device 'hip:0': hipModuleGetFunction failed with hipErrorNotFound (kernel 'nope')
  CHECK(try_create("bad kernel", &variant, dev, NULL) == DLC_ERROR_DEVICE);
  mock_fail("hipMalloc", 2);
  // CHECK: no memory: out of memory: model 'hipm': cannot allocate 24 bytes of weights on device 'hip:0': hipMalloc failed with hipErrorOutOfMemory
  CHECK(try_create("no memory", &info, dev, NULL) == DLC_ERROR_OUT_OF_MEMORY);
  mock_fail("", 0);
  mock_fail("hipMemcpyHtoDAsync", 1);
  // CHECK: weights copy fails: device error: model 'hipm' on device 'hip:0': hipMemcpyHtoDAsync failed with hipErrorInvalidValue (copying weights, 24 bytes, to the device)
  CHECK(try_create("weights copy fails", &info, dev, NULL) == DLC_ERROR_DEVICE);
  mock_fail("", 0);
  CHECK(no_leaks());

  dlc_device_destroy(dev);
  dlc_device_destroy(dev1);
  CHECK(no_leaks());
  // CHECK-NOT: FAILED
  // CHECK: ALL PASSED
  return rt_finish();
}

/* Results of a hand-written model (Y = X * 2 + 1 over float[2,3]) through
   dlc_model_run and dlc_model_run_raw, the status/dtype helpers, device
   specs, and the lifetime rules (NULL destroys, device destroyed first). */
#include "rt_test.h"

static const int64_t shape23[] = {2, 3};
static const dlc_tensor_info scale_in[] = {{"X", DLC_FLOAT32, 2, shape23}};
static const dlc_tensor_info scale_out[] = {{"Y", DLC_FLOAT32, 2, shape23}};
static int entry_calls = 0;

static int32_t scale_entry(void *const *buffers, void *arena,
                           const void *weights, void *ctx) {
  const float *x = (const float *)buffers[0];
  float *y = (float *)buffers[1];
  int i;
  (void)ctx;
  ++entry_calls;
  if (arena != NULL || weights != NULL)
    return 3;
  for (i = 0; i < 6; ++i)
    y[i] = x[i] * 2.0f + 1.0f;
  return 0;
}

static const dlc_model_info scale_info = {
    DLC_ABI_VERSION, DLC_DEVICE_CPU, "scale", 1, 1, scale_in, scale_out,
    0, 0, NULL, scale_entry, NULL, 0, NULL, 0, NULL};

static int check_result(const float *x, const float *y) {
  int i, ok = 1;
  for (i = 0; i < 6; ++i)
    if (y[i] != x[i] * 2.0f + 1.0f)
      ok = 0;
  return ok;
}

int main(void) {
  dlc_device *dev = NULL, *dev2 = NULL;
  dlc_model *m = NULL;
  float x[6] = {0.5f, -1.0f, 2.0f, 3.25f, 100.0f, -7.5f};
  float y[6] = {0};
  dlc_tensor in, out;
  const void *raw_in[1];
  void *raw_out[1];

  /* Nothing failed yet on this thread. */
  CHECK(strcmp(dlc_last_error(), "") == 0);
  // CHECK: status 0 ok
  // CHECK-NEXT: status 1 invalid argument
  // CHECK-NEXT: status 2 out of memory
  // CHECK-NEXT: status 3 unsupported
  // CHECK-NEXT: status 4 i/o error
  // CHECK-NEXT: status 5 device error
  // CHECK-NEXT: status 6 internal error
  // CHECK-NEXT: status 7 race
  // CHECK-NEXT: status 8 unknown status
  {
    int s;
    for (s = 0; s <= 8; ++s)
      printf("status %d %s\n", s, dlc_status_string((dlc_status)s));
  }
  // CHECK-NEXT: dtype 0 unknown 0
  // CHECK-NEXT: dtype 1 float32 4
  // CHECK-NEXT: dtype 2 uint8 1
  // CHECK-NEXT: dtype 3 int8 1
  // CHECK-NEXT: dtype 4 uint16 2
  // CHECK-NEXT: dtype 5 int16 2
  // CHECK-NEXT: dtype 6 int32 4
  // CHECK-NEXT: dtype 7 int64 8
  // CHECK-NEXT: dtype 8 unknown 0
  // CHECK-NEXT: dtype 9 bool 1
  // CHECK-NEXT: dtype 10 float16 2
  // CHECK-NEXT: dtype 11 float64 8
  // CHECK-NEXT: dtype 12 uint32 4
  // CHECK-NEXT: dtype 13 uint64 8
  // CHECK-NEXT: dtype 14 unknown 0
  // CHECK: dtype 16 bfloat16 2
  // CHECK-NEXT: dtype 17 float8e4m3fn 1
  // CHECK: dtype 21 uint4 1
  // CHECK: dtype 26 int2 1
  // CHECK-NEXT: dtype 27 unknown 0
  {
    int t;
    for (t = 0; t <= 27; ++t)
      printf("dtype %d %s %d\n", t, dlc_dtype_name(t), (int)dlc_dtype_size(t));
    CHECK(dlc_dtype_size(-1) == 0 && strcmp(dlc_dtype_name(-1), "unknown") == 0);
  }

  /* Devices. */
  EXPECT_OK(dlc_device_create("cpu", &dev));
  CHECK(dev != NULL && dlc_device_threads(dev) >= 1);
  dlc_device_destroy(dev);
  dev = NULL;
  EXPECT_OK(dlc_device_create("cpu:3", &dev));
  CHECK(dlc_device_threads(dev) == 3);
  EXPECT_OK(dlc_device_create("cpu:1", &dev2));
  CHECK(dlc_device_threads(dev2) == 1);
  dlc_device_destroy(dev2);
  dev2 = (dlc_device *)&dev2; /* must be reset to NULL on failure */
  // CHECK: cpu:0: invalid argument: device spec 'cpu:0': the CPU thread count must be between 1 and 1024
  EXPECT_STATUS("cpu:0", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cpu:0", &dev2));
  CHECK(dev2 == NULL);
  // CHECK: cpu:5000: invalid argument: device spec 'cpu:5000': the CPU thread count must be between 1 and 1024
  EXPECT_STATUS("cpu:5000", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cpu:5000", &dev2));
  // CHECK: cpu:x: invalid argument: unknown device spec 'cpu:x' (expected cpu, cpu:N, cuda, cuda:N, hip or hip:N; a GPU spec may end in ,nograph)
  EXPECT_STATUS("cpu:x", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cpu:x", &dev2));
  // CHECK: cpu:: invalid argument: unknown device spec 'cpu:'
  EXPECT_STATUS("cpu:", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cpu:", &dev2));
  // CHECK: cpu:2x: invalid argument: unknown device spec 'cpu:2x'
  EXPECT_STATUS("cpu:2x", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cpu:2x", &dev2));
  // CHECK: cpux: invalid argument: unknown device spec 'cpux'
  EXPECT_STATUS("cpux", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cpux", &dev2));
  // CHECK: cpu,nograph: invalid argument: unknown device spec 'cpu,nograph'
  EXPECT_STATUS("cpu,nograph", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cpu,nograph", &dev2));
  // CHECK: gpu: invalid argument: unknown device spec 'gpu'
  EXPECT_STATUS("gpu", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("gpu", &dev2));
  // CHECK: empty: invalid argument: unknown device spec ''
  EXPECT_STATUS("empty", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("", &dev2));
  // CHECK: null spec: invalid argument: dlc_device_create: the device spec is NULL
  EXPECT_STATUS("null spec", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create(NULL, &dev2));
  // CHECK: null out: invalid argument: dlc_device_create: the output pointer is NULL
  EXPECT_STATUS("null out", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cpu", NULL));
  /* GPU specs are covered by gpu.test (which controls the driver found). */
  // CHECK: cuda:a: invalid argument: unknown device spec 'cuda:a'
  EXPECT_STATUS("cuda:a", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cuda:a", &dev2));
  CHECK(dev2 == NULL);
  CHECK(dlc_device_threads(NULL) == 0);
  dlc_device_destroy(NULL);
  dlc_model_destroy(NULL);
  CHECK(dlc_model_get_info(NULL) == NULL);

  /* Results through dlc_model_run. */
  EXPECT_OK(dlc_model_create(&scale_info, dev, NULL, &m));
  CHECK(dlc_model_get_info(m) == &scale_info);
  in.dtype = DLC_FLOAT32; in.rank = 2; in.shape = shape23; in.data = x; in.bytes = sizeof x;
  out.dtype = DLC_FLOAT32; out.rank = 2; out.shape = shape23; out.data = y; out.bytes = sizeof y;
  EXPECT_OK(dlc_model_run(m, &in, 1, &out, 1));
  CHECK(check_result(x, y));
  CHECK(entry_calls == 1);
  // CHECK: y = 2 -1 5 7.5 201 -14
  printf("y = %g %g %g %g %g %g\n", y[0], y[1], y[2], y[3], y[4], y[5]);

  /* Results through dlc_model_run_raw, after the device handle is gone:
     the model keeps its device alive. */
  dlc_device_destroy(dev);
  memset(y, 0, sizeof y);
  x[0] = 42.0f;
  raw_in[0] = x;
  raw_out[0] = y;
  EXPECT_OK(dlc_model_run_raw(m, raw_in, raw_out));
  CHECK(check_result(x, y));
  CHECK(y[0] == 85.0f);
  CHECK(entry_calls == 2);
  /* Device-resident runs are for GPU models. */
  // CHECK: run_device on cpu: unsupported: model 'scale' on device 'cpu{{.*}}': dlc_model_run_device takes device memory and a stream, so it needs a GPU device (run CPU models with dlc_model_run)
  EXPECT_STATUS("run_device on cpu", DLC_ERROR_UNSUPPORTED,
                dlc_model_run_device(m, NULL, raw_in, raw_out));
  CHECK(entry_calls == 2);
  dlc_model_destroy(m);
  // CHECK-NOT: FAILED
  // CHECK: ALL PASSED
  return rt_finish();
}

/* Every validation error of dlc_model_create, dlc_model_run and
   dlc_model_run_raw: status and message; the entry never runs on a rejected
   call and the output is left untouched. */
#include "rt_test.h"

static const int64_t shape23[] = {2, 3};
static const int64_t shape53[] = {2, 5};
static const int64_t shape43[] = {4, 3};
static const int64_t shape4[] = {4};
static const int64_t negshape[] = {2, -1};
static const dlc_tensor_info scale_in[] = {{"X", DLC_FLOAT32, 2, shape23}};
static const dlc_tensor_info scale_out[] = {{"Y", DLC_FLOAT32, 2, shape23}};
static int entry_calls = 0;

static int32_t scale_entry(void *const *buffers, void *arena,
                           const void *weights, void *ctx) {
  const float *x = (const float *)buffers[0];
  float *y = (float *)buffers[1];
  int i;
  (void)arena, (void)weights, (void)ctx;
  ++entry_calls;
  for (i = 0; i < 6; ++i)
    y[i] = x[i] * 2.0f + 1.0f;
  return 0;
}

static int32_t failing_entry(void *const *buffers, void *arena,
                             const void *weights, void *ctx) {
  (void)buffers, (void)arena, (void)weights, (void)ctx;
  return 7;
}

#define INFO(name, abi, kind, in, out, entry)                                  \
  {(abi), (kind), (name), 1, 1, (in), (out), 0, 0, NULL, (entry),              \
   NULL, 0, NULL, 0, NULL}

int main(void) {
  dlc_device *dev = NULL;
  dlc_model *m = NULL, *bad = NULL;
  float x[6] = {1, 2, 3, 4, 5, 6};
  float y[6] = {-1, -1, -1, -1, -1, -1};
  int32_t xi[6] = {0};
  dlc_tensor in, out, ins[2], t;
  const void *raw_in[1];
  void *raw_out[1];
  int i;
  dlc_model_info info = INFO("scale", DLC_ABI_VERSION, DLC_DEVICE_CPU,
                             scale_in, scale_out, scale_entry);
  dlc_model_info variant;
  dlc_tensor_info bad_in[1];

  // CHECK: runtime ABI [[#ABI:]]
  printf("runtime ABI %d\n", DLC_ABI_VERSION);
  EXPECT_OK(dlc_device_create("cpu:2", &dev));

  /* dlc_model_create */
  // CHECK: null info: invalid argument: dlc_model_create: the model info is NULL
  EXPECT_STATUS("null info", DLC_ERROR_INVALID_ARGUMENT, dlc_model_create(NULL, dev, NULL, &bad));
  // CHECK: null device: invalid argument: dlc_model_create: the device is NULL
  EXPECT_STATUS("null device", DLC_ERROR_INVALID_ARGUMENT, dlc_model_create(&info, NULL, NULL, &bad));
  // CHECK: null out: invalid argument: dlc_model_create: the output pointer is NULL
  EXPECT_STATUS("null out", DLC_ERROR_INVALID_ARGUMENT, dlc_model_create(&info, dev, NULL, NULL));
  variant = info;
  variant.abi_version = DLC_ABI_VERSION + 1;
  bad = (dlc_model *)&bad;
  // CHECK: abi newer: unsupported: the model was compiled for dlc runtime ABI version [[#ABI+1]]; this runtime implements version [[#ABI]]
  EXPECT_STATUS("abi newer", DLC_ERROR_UNSUPPORTED, dlc_model_create(&variant, dev, NULL, &bad));
  CHECK(bad == NULL);
  variant.abi_version = DLC_ABI_VERSION - 1;
  // CHECK: abi older: unsupported: the model was compiled for dlc runtime ABI version [[#ABI-1]]; this runtime implements version [[#ABI]]
  EXPECT_STATUS("abi older", DLC_ERROR_UNSUPPORTED, dlc_model_create(&variant, dev, NULL, &bad));
  variant.abi_version = 0;
  // CHECK: abi 0: unsupported: the model was compiled for dlc runtime ABI version 0; this runtime implements version [[#ABI]]
  EXPECT_STATUS("abi 0", DLC_ERROR_UNSUPPORTED, dlc_model_create(&variant, dev, NULL, &bad));
  variant = info;
  variant.device_kind = DLC_DEVICE_CUDA;
  // CHECK: cuda model: invalid argument: model 'scale' was compiled for the cuda device, not cpu
  EXPECT_STATUS("cuda model", DLC_ERROR_INVALID_ARGUMENT, dlc_model_create(&variant, dev, NULL, &bad));
  variant = info;
  variant.entry = NULL;
  // CHECK: no entry: invalid argument: model 'scale': the descriptor has no entry function
  EXPECT_STATUS("no entry", DLC_ERROR_INVALID_ARGUMENT, dlc_model_create(&variant, dev, NULL, &bad));
  variant = info;
  variant.num_inputs = -1;
  // CHECK: negative count: invalid argument: model 'scale': invalid input or output list in the descriptor
  EXPECT_STATUS("negative count", DLC_ERROR_INVALID_ARGUMENT, dlc_model_create(&variant, dev, NULL, &bad));
  variant = info;
  variant.inputs = NULL;
  // CHECK: null inputs: invalid argument: model 'scale': invalid input or output list in the descriptor
  EXPECT_STATUS("null inputs", DLC_ERROR_INVALID_ARGUMENT, dlc_model_create(&variant, dev, NULL, &bad));
  variant = info;
  bad_in[0] = scale_in[0];
  bad_in[0].dtype = 14;
  variant.inputs = bad_in;
  // CHECK: info dtype: invalid argument: model 'scale': input 'X' has unknown element type 14
  EXPECT_STATUS("info dtype", DLC_ERROR_INVALID_ARGUMENT, dlc_model_create(&variant, dev, NULL, &bad));
  bad_in[0] = scale_in[0];
  bad_in[0].shape = negshape;
  // CHECK: info dim: invalid argument: model 'scale': input 'X' has dimension 1 of -1 (dynamic dimensions are not supported)
  EXPECT_STATUS("info dim", DLC_ERROR_INVALID_ARGUMENT, dlc_model_create(&variant, dev, NULL, &bad));
  bad_in[0] = scale_in[0];
  bad_in[0].shape = NULL;
  // CHECK: info shape: invalid argument: model 'scale': input 'X' has an invalid rank or shape
  EXPECT_STATUS("info shape", DLC_ERROR_INVALID_ARGUMENT, dlc_model_create(&variant, dev, NULL, &bad));
  CHECK(bad == NULL);

  EXPECT_OK(dlc_model_create(&info, dev, NULL, &m));
  in.dtype = DLC_FLOAT32; in.rank = 2; in.shape = shape23; in.data = x; in.bytes = sizeof x;
  out.dtype = DLC_FLOAT32; out.rank = 2; out.shape = shape23; out.data = y; out.bytes = sizeof y;

  /* dlc_model_run: counts and arrays. */
  ins[0] = in;
  ins[1] = in;
  // CHECK: two inputs: invalid argument: model 'scale' takes 1 input(s), got 2
  EXPECT_STATUS("two inputs", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, ins, 2, &out, 1));
  // CHECK: no inputs: invalid argument: model 'scale' takes 1 input(s), got 0
  EXPECT_STATUS("no inputs", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, NULL, 0, &out, 1));
  // CHECK: no outputs: invalid argument: model 'scale' produces 1 output(s), got 0
  EXPECT_STATUS("no outputs", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, &in, 1, &out, 0));
  // CHECK: null input array: invalid argument: model 'scale': the input array is NULL
  EXPECT_STATUS("null input array", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, NULL, 1, &out, 1));
  // CHECK: null output array: invalid argument: model 'scale': the output array is NULL
  EXPECT_STATUS("null output array", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, &in, 1, NULL, 1));
  // CHECK: null model: invalid argument: dlc_model_run: the model is NULL
  EXPECT_STATUS("null model", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(NULL, &in, 1, &out, 1));

  /* dlc_model_run: each property of each tensor. */
  t = in; t.data = NULL;
  // CHECK: null input data: invalid argument: input 'X': data is NULL
  EXPECT_STATUS("null input data", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, &t, 1, &out, 1));
  t = out; t.data = NULL;
  // CHECK: null output data: invalid argument: output 'Y': data is NULL
  EXPECT_STATUS("null output data", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, &in, 1, &t, 1));
  t = in; t.dtype = DLC_INT32; t.data = xi;
  // CHECK: input dtype: invalid argument: input 'X': element type is int32 (6), the model expects float32
  EXPECT_STATUS("input dtype", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, &t, 1, &out, 1));
  t = out; t.dtype = 99;
  // CHECK: output dtype: invalid argument: output 'Y': element type is unknown (99), the model expects float32
  EXPECT_STATUS("output dtype", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, &in, 1, &t, 1));
  t = in; t.rank = 1; t.shape = shape4;
  // CHECK: input rank: invalid argument: input 'X': rank is 1, the model expects 2
  EXPECT_STATUS("input rank", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, &t, 1, &out, 1));
  t = out; t.rank = 3;
  // CHECK: output rank: invalid argument: output 'Y': rank is 3, the model expects 2
  EXPECT_STATUS("output rank", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, &in, 1, &t, 1));
  t = in; t.shape = NULL;
  // CHECK: null shape: invalid argument: input 'X': shape is NULL
  EXPECT_STATUS("null shape", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, &t, 1, &out, 1));
  t = in; t.shape = shape53;
  // CHECK: input dim: invalid argument: input 'X': dimension 1 is 5, the model expects 3
  EXPECT_STATUS("input dim", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, &t, 1, &out, 1));
  t = out; t.shape = shape43;
  // CHECK: output dim: invalid argument: output 'Y': dimension 0 is 4, the model expects 2
  EXPECT_STATUS("output dim", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, &in, 1, &t, 1));
  t = in; t.bytes = 20;
  // CHECK: short input: invalid argument: input 'X': buffer is 20 bytes, the model expects 24
  EXPECT_STATUS("short input", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, &t, 1, &out, 1));
  t = out; t.bytes = 28;
  // CHECK: long output: invalid argument: output 'Y': buffer is 28 bytes, the model expects 24
  EXPECT_STATUS("long output", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(m, &in, 1, &t, 1));

  /* dlc_model_run_raw: only NULL pointers. */
  raw_in[0] = x;
  raw_out[0] = NULL;
  // CHECK: raw null output: invalid argument: output 'Y': data is NULL
  EXPECT_STATUS("raw null output", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run_raw(m, raw_in, raw_out));
  raw_in[0] = NULL;
  raw_out[0] = y;
  // CHECK: raw null input: invalid argument: input 'X': data is NULL
  EXPECT_STATUS("raw null input", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run_raw(m, raw_in, raw_out));
  // CHECK: raw null arrays: invalid argument: model 'scale': the input array is NULL
  EXPECT_STATUS("raw null arrays", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run_raw(m, NULL, NULL));
  // CHECK: raw null model: invalid argument: dlc_model_run_raw: the model is NULL
  EXPECT_STATUS("raw null model", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run_raw(NULL, raw_in, raw_out));

  /* Nothing ran and the output is untouched. */
  CHECK(entry_calls == 0);
  for (i = 0; i < 6; ++i)
    CHECK(y[i] == -1.0f);

  /* The model still runs after all of that. */
  EXPECT_OK(dlc_model_run(m, &in, 1, &out, 1));
  CHECK(entry_calls == 1 && y[5] == 13.0f);
  dlc_model_destroy(m);

  /* A failing entry. */
  variant = info;
  variant.name = "broken";
  variant.entry = failing_entry;
  EXPECT_OK(dlc_model_create(&variant, dev, NULL, &m));
  // CHECK: entry fails: internal error: model entry failed with code 7 (model 'broken')
  EXPECT_STATUS("entry fails", DLC_ERROR_INTERNAL, dlc_model_run(m, &in, 1, &out, 1));
  /* The failure released the model: a second run reaches the entry again. */
  // CHECK: entry fails again: internal error: model entry failed with code 7 (model 'broken')
  raw_in[0] = x;
  EXPECT_STATUS("entry fails again", DLC_ERROR_INTERNAL, dlc_model_run_raw(m, raw_in, raw_out));
  dlc_model_destroy(m);

  /* The last error is per call: a success does not clear it. */
  CHECK(strstr(dlc_last_error(), "code 7") != NULL);
  dlc_device_destroy(dev);
  // CHECK-NOT: FAILED
  // CHECK: ALL PASSED
  return rt_finish();
}

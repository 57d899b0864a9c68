/* Runs a hand-written emulated GPU kernel `void k(float *x, float *y,
   void *ctx)` (gpu dialect lowered by dlc-gpu-launch-to-loops and the CPU
   back end) through the runtime as a model: x[i] = i over 32 floats in,
   y out. Prints the run's status and message (gpu-emu race reports fail
   the run) and y; exits 1 when the run fails. */
#include "dlc/runtime.h"

#include <stdio.h>

void k(float *x, float *y, void *ctx);

static int32_t entry(void *const *buffers, void *arena, const void *weights,
                     void *ctx) {
  (void)arena;
  (void)weights;
  k((float *)buffers[0], (float *)buffers[1], ctx);
  return 0;
}

static const int64_t shape[] = {32};
static const dlc_tensor_info inputs[] = {{"x", DLC_FLOAT32, 1, shape}};
static const dlc_tensor_info outputs[] = {{"y", DLC_FLOAT32, 1, shape}};
static const dlc_model_info info = {
    DLC_ABI_VERSION, DLC_DEVICE_CPU, "kernel", 1, 1, inputs, outputs,
    0, 0, NULL, entry, NULL, 0, NULL, 0, NULL};

int main(void) {
  dlc_device *dev = NULL;
  dlc_model *m = NULL;
  float x[32], y[32];
  dlc_status s;
  int i;
  for (i = 0; i < 32; ++i) {
    x[i] = (float)i;
    y[i] = -1.0f;
  }
  if (dlc_device_create("cpu", &dev) != DLC_OK ||
      dlc_model_create(&info, dev, NULL, &m) != DLC_OK) {
    printf("setup failed: %s\n", dlc_last_error());
    return 2;
  }
  {
    const void *in[1] = {x};
    void *out[1] = {y};
    s = dlc_model_run_raw(m, in, out);
  }
  printf("status %d %s\n", (int)s, dlc_status_string(s));
  if (s != DLC_OK)
    printf("%s\n", dlc_last_error());
  printf("y =");
  for (i = 0; i < 32; ++i)
    printf(" %g", y[i]);
  printf("\n");
  dlc_model_destroy(m);
  dlc_device_destroy(dev);
  return s == DLC_OK ? 0 : 1;
}

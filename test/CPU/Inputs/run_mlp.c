/* Runs test/CPU/mlp.onnxtxt compiled by dlc: argv[1] is the device spec,
   argv[2] the weights folder (external weights). */
#include <stdio.h>
#include "mlp.h"

int main(int argc, char **argv) {
  const char *spec = argc > 1 ? argv[1] : "cpu";
  dlc_device *dev = NULL;
  dlc_model *m = NULL;
  if (dlc_device_create(spec, &dev) != DLC_OK) {
    printf("device failed: %s\n", dlc_last_error());
    return 1;
  }
#ifdef EXTERNAL_WEIGHTS
  dlc_status st = mlp_create(dev, argc > 2 ? argv[2] : ".", &m);
#else
  dlc_status st = mlp_create(dev, &m);
#endif
  if (st != DLC_OK) {
    fprintf(stderr, "create failed: %s\n", dlc_last_error());
    dlc_device_destroy(dev);
    return 1;
  }
  float x[2][4] = {{1, 0, 0, 0}, {0, 1, -1, 0.5f}};
  float y[2][3];
  if (mlp_run(m, &x[0][0], &y[0][0]) != DLC_OK) {
    printf("run failed: %s\n", dlc_last_error());
    return 1;
  }
  printf("Y =");
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      printf(" %.4f", y[i][j]);
  printf("\n");
  const dlc_model_info *info = dlc_model_get_info(m);
  for (int i = 0; i < info->num_inputs; ++i)
    printf("input %d: %s %s[%lld,%lld]\n", i, info->inputs[i].name,
           dlc_dtype_name(info->inputs[i].dtype),
           (long long)info->inputs[i].shape[0],
           (long long)info->inputs[i].shape[1]);
  for (int i = 0; i < info->num_outputs; ++i)
    printf("output %d: %s %s[%lld,%lld]\n", i, info->outputs[i].name,
           dlc_dtype_name(info->outputs[i].dtype),
           (long long)info->outputs[i].shape[0],
           (long long)info->outputs[i].shape[1]);
  /* The generic, validated path with a wrong shape. */
  int64_t bad_shape[2] = {2, 5};
  float big[10] = {0};
  dlc_tensor in = {DLC_FLOAT32, 2, bad_shape, big, sizeof big};
  int64_t out_shape[2] = {2, 3};
  dlc_tensor out = {DLC_FLOAT32, 2, out_shape, y, sizeof y};
  if (dlc_model_run(m, &in, 1, &out, 1) != DLC_OK)
    printf("wrong shape: %s\n", dlc_last_error());
  mlp_destroy(m);
  dlc_device_destroy(dev);
  return 0;
}

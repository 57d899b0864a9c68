/* External weights files (found, missing, short, long, a folder, the
   current folder), embedded weights, the arena (64-byte aligned, NULL when
   empty) and an arena too large to allocate.
   Usage: dlc-rt-weights DIR (an empty scratch folder). */
#include "rt_test.h"

#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

static const int64_t shape4[] = {4};
static const dlc_tensor_info w_in[] = {{"X", DLC_FLOAT32, 1, shape4}};
static const dlc_tensor_info w_out[] = {{"Y", DLC_FLOAT32, 1, shape4}};
static const float weight_values[4] = {1.5f, -2.0f, 0.25f, 8.0f};

/* Y = X * W + 1, staged through the arena. */
static int32_t w_entry(void *const *buffers, void *arena, const void *weights,
                       void *ctx) {
  const float *x = (const float *)buffers[0];
  float *y = (float *)buffers[1];
  const float *w = (const float *)weights;
  float *scratch = (float *)arena;
  int i;
  (void)ctx;
  if (!w)
    return 11;
  if (!scratch || ((uintptr_t)scratch % 64) != 0)
    return 12;
  for (i = 0; i < 4; ++i)
    scratch[i] = x[i] * w[i];
  for (i = 0; i < 4; ++i)
    y[i] = scratch[i] + 1.0f;
  return 0;
}

/* Embedded weights: the runtime passes NULL weights and, without an arena,
   a NULL arena. */
static int32_t embedded_entry(void *const *buffers, void *arena,
                              const void *weights, void *ctx) {
  const float *x = (const float *)buffers[0];
  float *y = (float *)buffers[1];
  int i;
  (void)ctx;
  if (weights != NULL || arena != NULL)
    return 13;
  for (i = 0; i < 4; ++i)
    y[i] = x[i] * weight_values[i] + 1.0f;
  return 0;
}

static int write_file(const char *dir, const char *name, const void *data,
                      size_t bytes) {
  char path[4096];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "wb");
  if (!f)
    return 0;
  if (bytes && fwrite(data, 1, bytes, f) != bytes) {
    fclose(f);
    return 0;
  }
  return fclose(f) == 0;
}

static int run_and_check(dlc_model *m) {
  float x[4] = {2.0f, 3.0f, 4.0f, -1.0f};
  float y[4] = {0};
  dlc_tensor in = {DLC_FLOAT32, 1, shape4, NULL, sizeof x};
  dlc_tensor out = {DLC_FLOAT32, 1, shape4, NULL, sizeof y};
  int i, ok = 1;
  in.data = x;
  out.data = y;
  EXPECT_OK(dlc_model_run(m, &in, 1, &out, 1));
  for (i = 0; i < 4; ++i)
    if (y[i] != x[i] * weight_values[i] + 1.0f)
      ok = 0;
  return ok;
}

int main(int argc, char **argv) {
  const char *dir;
  char subdir[4096];
  dlc_device *dev = NULL;
  dlc_model *m = NULL, *bad = NULL;
  unsigned char big[20] = {0};
  dlc_model_info info = {DLC_ABI_VERSION, DLC_DEVICE_CPU, "w", 1, 1, w_in,
                         w_out, 16, sizeof weight_values, "w.weights",
                         w_entry, NULL, 0, NULL, 0, NULL};
  dlc_model_info variant;

  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  dir = argv[1];
  EXPECT_OK(dlc_device_create("cpu:2", &dev));
  CHECK(write_file(dir, "w.weights", weight_values, sizeof weight_values));
  CHECK(write_file(dir, "short.weights", weight_values, 12));
  memcpy(big, weight_values, sizeof weight_values);
  CHECK(write_file(dir, "long.weights", big, sizeof big));
  CHECK(write_file(dir, "empty.weights", NULL, 0));
  snprintf(subdir, sizeof subdir, "%s/folder.weights", dir);
  mkdir(subdir, 0755);

  /* Found, with and without a trailing slash on the folder. */
  EXPECT_OK(dlc_model_create(&info, dev, dir, &m));
  CHECK(run_and_check(m));
  dlc_model_destroy(m);
  snprintf(subdir, sizeof subdir, "%s/", dir);
  EXPECT_OK(dlc_model_create(&info, dev, subdir, &m));
  CHECK(run_and_check(m));
  dlc_model_destroy(m);

  // CHECK: missing: i/o error: model 'w': cannot open weights file '{{.*}}/missing.weights': No such file or directory
  variant = info;
  variant.weights_file = "missing.weights";
  bad = (dlc_model *)&bad;
  EXPECT_STATUS("missing", DLC_ERROR_IO, dlc_model_create(&variant, dev, dir, &bad));
  CHECK(bad == NULL);
  // CHECK: short: i/o error: model 'w': weights file '{{.*}}/short.weights' is 12 bytes, the model expects 16
  variant.weights_file = "short.weights";
  EXPECT_STATUS("short", DLC_ERROR_IO, dlc_model_create(&variant, dev, dir, &bad));
  // CHECK: long: i/o error: model 'w': weights file '{{.*}}/long.weights' is 20 bytes, the model expects 16
  variant.weights_file = "long.weights";
  EXPECT_STATUS("long", DLC_ERROR_IO, dlc_model_create(&variant, dev, dir, &bad));
  // CHECK: empty: i/o error: model 'w': weights file '{{.*}}/empty.weights' is 0 bytes, the model expects 16
  variant.weights_file = "empty.weights";
  EXPECT_STATUS("empty", DLC_ERROR_IO, dlc_model_create(&variant, dev, dir, &bad));
  // CHECK: folder: i/o error: model 'w': weights file '{{.*}}/folder.weights' is not a regular file
  variant.weights_file = "folder.weights";
  EXPECT_STATUS("folder", DLC_ERROR_IO, dlc_model_create(&variant, dev, dir, &bad));
  // CHECK: missing in cwd: i/o error: model 'w': cannot open weights file 'w.weights': No such file or directory
  EXPECT_STATUS("missing in cwd", DLC_ERROR_IO, dlc_model_create(&info, dev, NULL, &bad));
  CHECK(bad == NULL);

  /* NULL and "" mean the current folder. */
  CHECK(chdir(dir) == 0);
  EXPECT_OK(dlc_model_create(&info, dev, NULL, &m));
  CHECK(run_and_check(m));
  dlc_model_destroy(m);
  EXPECT_OK(dlc_model_create(&info, dev, "", &m));
  CHECK(run_and_check(m));
  dlc_model_destroy(m);

  /* Embedded weights: weights_dir is ignored, even a bogus one. */
  variant = info;
  variant.weights_file = NULL;
  variant.arena_bytes = 0;
  variant.entry = embedded_entry;
  EXPECT_OK(dlc_model_create(&variant, dev, "/nonexistent/folder", &m));
  CHECK(run_and_check(m));
  dlc_model_destroy(m);

  /* An arena that cannot be allocated. */
  variant = info;
  variant.arena_bytes = (uint64_t)1 << 62;
  // CHECK: huge arena: out of memory: model 'w': cannot allocate its 4611686018427387904-byte arena
  EXPECT_STATUS("huge arena", DLC_ERROR_OUT_OF_MEMORY, dlc_model_create(&variant, dev, dir, &bad));
  variant.arena_bytes = UINT64_MAX;
  // CHECK: max arena: out of memory: model 'w': cannot allocate its 18446744073709551615-byte arena
  EXPECT_STATUS("max arena", DLC_ERROR_OUT_OF_MEMORY, dlc_model_create(&variant, dev, dir, &bad));
  CHECK(bad == NULL);

  dlc_device_destroy(dev);
  // CHECK-NOT: FAILED
  // CHECK: ALL PASSED
  return rt_finish();
}

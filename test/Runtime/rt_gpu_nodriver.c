/* GPU device specs without a usable driver.
   Usage: dlc-rt-gpu-nodriver missing   DLC_CUDA_DRIVER and DLC_HIP_RUNTIME
                                        name libraries that do not exist
          dlc-rt-gpu-nodriver default   the default library names: on a
                                        machine without a GPU stack this
                                        fails cleanly, with one it works */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "rt_test.h"

/* Creating `spec` fails with DLC_ERROR_DEVICE and a message, or (default
   mode only) succeeds; the output pointer is NULL on failure. */
static void create_cleanly(const char *spec, int may_succeed) {
  dlc_device *dev = (dlc_device *)&dev;
  dlc_status s = dlc_device_create(spec, &dev);
  if (s == DLC_OK) {
    CHECK(may_succeed);
    CHECK(dev != NULL && dlc_device_threads(dev) == 1);
    dlc_device_destroy(dev);
  } else {
    CHECK(s == DLC_ERROR_DEVICE);
    CHECK(dev == NULL);
    CHECK(strlen(dlc_last_error()) > 0);
    CHECK(strstr(dlc_last_error(), spec) != NULL);
  }
  printf("%s: clean\n", spec);
  fflush(stdout);
}

int main(int argc, char **argv) {
  dlc_device *dev = NULL;
  if (argc != 2 || (strcmp(argv[1], "missing") && strcmp(argv[1], "default"))) {
    fprintf(stderr, "usage: %s missing|default\n", argv[0]);
    return 2;
  }

  if (strcmp(argv[1], "default") == 0) {
    // DEFAULT: cuda: clean
    create_cleanly("cuda", 1);
    // DEFAULT: cuda:0,nograph: clean
    create_cleanly("cuda:0,nograph", 1);
    // DEFAULT: hip: clean
    create_cleanly("hip", 1);
    // DEFAULT: ALL PASSED
    return rt_finish();
  }

  // MISSING: cuda: device error: device 'cuda': no CUDA driver: {{.*}}/missing/libcuda.so.1 cannot be loaded ({{.+}})
  EXPECT_STATUS("cuda", DLC_ERROR_DEVICE, dlc_device_create("cuda", &dev));
  CHECK(dev == NULL);
  CHECK(strstr(dlc_last_error(), "no CUDA driver") != NULL);
  /* A failure is not remembered: the next creation tries again. */
  // MISSING: cuda:3,nograph: device error: device 'cuda:3,nograph': no CUDA driver: {{.*}}/missing/libcuda.so.1 cannot be loaded ({{.+}})
  EXPECT_STATUS("cuda:3,nograph", DLC_ERROR_DEVICE, dlc_device_create("cuda:3,nograph", &dev));
  // MISSING: hip: device error: device 'hip': no HIP runtime: {{.*}}/missing/libamdhip64.so cannot be loaded ({{.+}})
  EXPECT_STATUS("hip", DLC_ERROR_DEVICE, dlc_device_create("hip", &dev));
  CHECK(strstr(dlc_last_error(), "no HIP runtime") != NULL);
  // MISSING: hip:1: device error: device 'hip:1': no HIP runtime
  EXPECT_STATUS("hip:1", DLC_ERROR_DEVICE, dlc_device_create("hip:1", &dev));
  CHECK(dev == NULL);

  /* A library that is not a driver. */
  setenv("DLC_CUDA_DRIVER", "libm.so.6", 1);
  setenv("DLC_HIP_RUNTIME", "libm.so.6", 1);
  // MISSING: not a driver: device error: device 'cuda': the CUDA driver libm.so.6 has no cuInit (the driver is too old or not a CUDA driver)
  EXPECT_STATUS("not a driver", DLC_ERROR_DEVICE, dlc_device_create("cuda", &dev));
  // MISSING: not a runtime: device error: device 'hip': the HIP runtime libm.so.6 has no hipInit (the runtime is too old or not HIP)
  EXPECT_STATUS("not a runtime", DLC_ERROR_DEVICE, dlc_device_create("hip", &dev));
  CHECK(dev == NULL);

  /* Malformed specs never reach the driver. */
  // MISSING: cuda:x: invalid argument: unknown device spec 'cuda:x' (expected cpu, cpu:N, cuda, cuda:N, hip or hip:N; a GPU spec may end in ,nograph)
  EXPECT_STATUS("cuda:x", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cuda:x", &dev));
  // MISSING: cuda:: invalid argument: unknown device spec 'cuda:'
  EXPECT_STATUS("cuda:", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cuda:", &dev));
  // MISSING: cuda0: invalid argument: unknown device spec 'cuda0'
  EXPECT_STATUS("cuda0", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cuda0", &dev));
  // MISSING: hip:-1: invalid argument: unknown device spec 'hip:-1'
  EXPECT_STATUS("hip:-1", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("hip:-1", &dev));
  // MISSING: cudax,nograph: invalid argument: unknown device spec 'cudax,nograph'
  EXPECT_STATUS("cudax,nograph", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cudax,nograph", &dev));
  // MISSING: cuda:0,bogus: invalid argument: device spec 'cuda:0,bogus': unknown option 'bogus' (the only option is nograph)
  EXPECT_STATUS("cuda:0,bogus", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cuda:0,bogus", &dev));
  // MISSING: cuda,nograph,x: invalid argument: device spec 'cuda,nograph,x': unknown option 'x'
  EXPECT_STATUS("cuda,nograph,x", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cuda,nograph,x", &dev));
  // MISSING: cuda,: invalid argument: device spec 'cuda,': unknown option ''
  EXPECT_STATUS("cuda,", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("cuda,", &dev));
  // MISSING: hip:0,bogus: invalid argument: device spec 'hip:0,bogus': unknown option 'bogus'
  EXPECT_STATUS("hip:0,bogus", DLC_ERROR_INVALID_ARGUMENT, dlc_device_create("hip:0,bogus", &dev));
  CHECK(dev == NULL);

  /* Nothing GPU-specific is reachable without a device. */
  dlc_gpu_launch(NULL, 0, 1, 1, 1, 1, 1, 1, 0, NULL);
  // MISSING-NOT: FAILED
  // MISSING: ALL PASSED
  return rt_finish();
}

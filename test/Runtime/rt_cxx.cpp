// The public header compiles as C++ (extern "C", no C-only constructs) and
// the runtime links into a C++ program.
#include "dlc/runtime.h"

#include <cstdio>
#include <cstring>

namespace {
const int64_t shape[] = {3};
const dlc_tensor_info ins[] = {{"A", DLC_INT64, 1, shape}};
const dlc_tensor_info outs[] = {{"B", DLC_INT64, 1, shape}};

int32_t negate(void *const *buffers, void *, const void *, void *) {
  auto *a = static_cast<const int64_t *>(buffers[0]);
  auto *b = static_cast<int64_t *>(buffers[1]);
  for (int i = 0; i < 3; ++i)
    b[i] = -a[i];
  return 0;
}

const dlc_model_info info = {DLC_ABI_VERSION, DLC_DEVICE_CPU, "negate", 1, 1,
                             ins, outs, 0, 0, nullptr, negate, nullptr, 0,
                             nullptr, 0, nullptr};
} // namespace

int main() {
  dlc_device *dev = nullptr;
  dlc_model *m = nullptr;
  if (dlc_device_create("cpu:2", &dev) != DLC_OK ||
      dlc_model_create(&info, dev, nullptr, &m) != DLC_OK) {
    std::printf("FAILED: %s\n", dlc_last_error());
    return 1;
  }
  int64_t a[3] = {1, -2, 3}, b[3] = {0, 0, 0};
  const void *in[] = {a};
  void *out[] = {b};
  dlc_status s = dlc_model_run_raw(m, in, out);
  dlc_model_destroy(m);
  dlc_device_destroy(dev);
  // CHECK: negate: ok -1 2 -3
  std::printf("negate: %s %lld %lld %lld\n", dlc_status_string(s),
              (long long)b[0], (long long)b[1], (long long)b[2]);
  return s == DLC_OK && b[0] == -1 && b[1] == 2 && b[2] == -3 ? 0 : 1;
}

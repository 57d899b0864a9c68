//===- Status.cpp - Status strings, last error and element types ---------===//

#include "Internal.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {
/// Fixed-size so that recording an error never allocates.
thread_local char lastError[dlc::rt::lastErrorSize] = "";
} // namespace

dlc_status dlc::rt::fail(dlc_status status, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(lastError, sizeof(lastError), fmt, args);
  va_end(args);
  return status;
}

dlc::rt::KeepLastError::KeepLastError() {
  std::memcpy(saved, lastError, sizeof(saved));
}

dlc::rt::KeepLastError::~KeepLastError() {
  std::memcpy(lastError, saved, sizeof(saved));
}

void dlc::rt::appendf(char *buf, size_t n, size_t *len, const char *fmt,
                      ...) {
  if (*len >= n)
    return;
  va_list args;
  va_start(args, fmt);
  int written = std::vsnprintf(buf + *len, n - *len, fmt, args);
  va_end(args);
  if (written > 0)
    *len = std::min(n - 1, *len + size_t(written));
}

const char *dlc::rt::modelName(const dlc_model_info *info) {
  return info->name ? info->name : "<unnamed>";
}

dlc_status dlc::rt::entryFailed(const dlc_model_info *info, int32_t code) {
  return fail(DLC_ERROR_INTERNAL, "model entry failed with code %d (model '%s')",
              int(code), modelName(info));
}

void *dlc::rt::alignedAlloc(uint64_t bytes) {
  constexpr uint64_t align = 64;
  if (bytes == 0)
    bytes = align;
  if (bytes > UINT64_MAX - (align - 1))
    return nullptr;
  uint64_t rounded = (bytes + align - 1) / align * align;
  if (rounded > SIZE_MAX)
    return nullptr;
  return std::aligned_alloc(align, static_cast<size_t>(rounded));
}

void dlc::rt::alignedFree(void *p) { std::free(p); }

const char *dlc::rt::deviceKindName(int32_t kind) {
  switch (kind) {
  case DLC_DEVICE_CPU:
    return "cpu";
  case DLC_DEVICE_CUDA:
    return "cuda";
  case DLC_DEVICE_HIP:
    return "hip";
  default:
    return "unknown";
  }
}

extern "C" {

const char *dlc_status_string(dlc_status s) {
  switch (s) {
  case DLC_OK:
    return "ok";
  case DLC_ERROR_INVALID_ARGUMENT:
    return "invalid argument";
  case DLC_ERROR_OUT_OF_MEMORY:
    return "out of memory";
  case DLC_ERROR_UNSUPPORTED:
    return "unsupported";
  case DLC_ERROR_IO:
    return "i/o error";
  case DLC_ERROR_DEVICE:
    return "device error";
  case DLC_ERROR_INTERNAL:
    return "internal error";
  case DLC_ERROR_RACE:
    return "race";
  }
  return "unknown status";
}

const char *dlc_last_error(void) { return lastError; }

size_t dlc_dtype_size(int32_t dtype) {
  switch (dtype) {
  case DLC_FLOAT32:
  case DLC_INT32:
  case DLC_UINT32:
    return 4;
  case DLC_UINT8:
  case DLC_INT8:
  case DLC_BOOL:
  case DLC_FLOAT8E4M3FN:
  case DLC_FLOAT8E4M3FNUZ:
  case DLC_FLOAT8E5M2:
  case DLC_FLOAT8E5M2FNUZ:
  case DLC_FLOAT8E8M0:
  case DLC_UINT4:
  case DLC_INT4:
  case DLC_FLOAT4E2M1:
  case DLC_UINT2:
  case DLC_INT2:
    return 1;
  case DLC_INT16:
  case DLC_UINT16:
  case DLC_FLOAT16:
  case DLC_BFLOAT16:
    return 2;
  case DLC_INT64:
  case DLC_UINT64:
  case DLC_FLOAT64:
    return 8;
  default:
    return 0;
  }
}

const char *dlc_dtype_name(int32_t dtype) {
  switch (dtype) {
  case DLC_FLOAT32:
    return "float32";
  case DLC_UINT8:
    return "uint8";
  case DLC_INT8:
    return "int8";
  case DLC_INT16:
    return "int16";
  case DLC_INT32:
    return "int32";
  case DLC_INT64:
    return "int64";
  case DLC_BOOL:
    return "bool";
  case DLC_FLOAT16:
    return "float16";
  case DLC_FLOAT64:
    return "float64";
  case DLC_BFLOAT16:
    return "bfloat16";
  case DLC_UINT16:
    return "uint16";
  case DLC_UINT32:
    return "uint32";
  case DLC_UINT64:
    return "uint64";
  case DLC_FLOAT8E4M3FN:
    return "float8e4m3fn";
  case DLC_FLOAT8E4M3FNUZ:
    return "float8e4m3fnuz";
  case DLC_FLOAT8E5M2:
    return "float8e5m2";
  case DLC_FLOAT8E5M2FNUZ:
    return "float8e5m2fnuz";
  case DLC_UINT4:
    return "uint4";
  case DLC_INT4:
    return "int4";
  case DLC_FLOAT4E2M1:
    return "float4e2m1";
  case DLC_FLOAT8E8M0:
    return "float8e8m0";
  case DLC_UINT2:
    return "uint2";
  case DLC_INT2:
    return "int2";
  default:
    return "unknown";
  }
}

} // extern "C"

//===- Model.cpp - Model instances: creation, validation, runs -----------===//

#include "Internal.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <sys/stat.h>
#include <vector>

using namespace dlc::rt;

struct dlc_model {
  const dlc_model_info *info = nullptr;
  dlc_device *device = nullptr;
  void *arena = nullptr;
  void *weights = nullptr;
  /// Dense byte size of each input, then each output.
  std::vector<uint64_t> bytes;
  /// The entry's buffer array, filled by each run (so runs never allocate);
  /// `running` guards it together with the arena.
  std::vector<void *> buffers;
  std::atomic<bool> running{false};

  ~dlc_model() {
    if (device) {
      device->backend->release(arena);
      device->backend->release(weights);
      releaseDevice(device);
    }
  }
};

namespace {

const char *modelName(const dlc_model_info *info) {
  return info->name ? info->name : "<unnamed>";
}

/// "input" / "output" and the tensor's name for messages.
struct TensorRef {
  const char *role;
  const char *name;
};

TensorRef tensorRef(const dlc_model_info *info, int32_t i) {
  if (i < info->num_inputs)
    return {"input", info->inputs[i].name ? info->inputs[i].name : "?"};
  const dlc_tensor_info &t = info->outputs[i - info->num_inputs];
  return {"output", t.name ? t.name : "?"};
}

const dlc_tensor_info &tensorInfo(const dlc_model_info *info, int32_t i) {
  return i < info->num_inputs ? info->inputs[i]
                              : info->outputs[i - info->num_inputs];
}

/// Checks one descriptor entry and computes its dense byte size.
dlc_status checkTensorInfo(const dlc_model_info *info, int32_t i,
                           uint64_t &bytes) {
  const dlc_tensor_info &t = tensorInfo(info, i);
  TensorRef ref = tensorRef(info, i);
  const char *model = modelName(info);
  size_t elementSize = dlc_dtype_size(t.dtype);
  if (elementSize == 0)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "model '%s': %s '%s' has unknown element type %d", model,
                ref.role, ref.name, int(t.dtype));
  if (t.rank < 0 || (t.rank > 0 && !t.shape))
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "model '%s': %s '%s' has an invalid rank or shape", model,
                ref.role, ref.name);
  uint64_t total = elementSize;
  for (int32_t d = 0; d < t.rank; ++d) {
    if (t.shape[d] < 0)
      return fail(DLC_ERROR_INVALID_ARGUMENT,
                  "model '%s': %s '%s' has dimension %d of %" PRId64
                  " (dynamic dimensions are not supported)",
                  model, ref.role, ref.name, int(d), t.shape[d]);
    if (__builtin_mul_overflow(total, uint64_t(t.shape[d]), &total))
      return fail(DLC_ERROR_INVALID_ARGUMENT,
                  "model '%s': %s '%s' is larger than 2^64 bytes", model,
                  ref.role, ref.name);
  }
  bytes = total;
  return DLC_OK;
}

dlc_status checkInfo(const dlc_model_info *info, dlc_device *dev) {
  if (info->abi_version != DLC_ABI_VERSION)
    return fail(DLC_ERROR_UNSUPPORTED,
                "the model was compiled for dlc runtime ABI version %u; this "
                "runtime implements version %d",
                unsigned(info->abi_version), DLC_ABI_VERSION);
  const char *model = modelName(info);
  if (info->device_kind != dev->backend->kind())
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "model '%s' was compiled for the %s device, not %s", model,
                deviceKindName(info->device_kind),
                deviceKindName(dev->backend->kind()));
  if (info->num_inputs < 0 || info->num_outputs < 0 ||
      int64_t(info->num_inputs) + info->num_outputs > (int64_t(1) << 24) ||
      (info->num_inputs > 0 && !info->inputs) ||
      (info->num_outputs > 0 && !info->outputs))
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "model '%s': invalid input or output list in the descriptor",
                model);
  if (!info->entry)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "model '%s': the descriptor has no entry function", model);
  return DLC_OK;
}

/// Reads the external weights file into device memory.
dlc_status loadWeights(dlc_model &m, const char *weightsDir) {
  const dlc_model_info *info = m.info;
  std::string path;
  if (weightsDir && *weightsDir) {
    path = weightsDir;
    if (path.back() != '/')
      path += '/';
  }
  path += info->weights_file;

  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return fail(DLC_ERROR_IO, "model '%s': cannot open weights file '%s': %s",
                modelName(info), path.c_str(), std::strerror(errno));
  struct FileCloser {
    FILE *f;
    ~FileCloser() { std::fclose(f); }
  } closer{f};
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode))
    return fail(DLC_ERROR_IO,
                "model '%s': weights file '%s' is not a regular file",
                modelName(info), path.c_str());
  if (uint64_t(st.st_size) != info->weight_bytes)
    return fail(DLC_ERROR_IO,
                "model '%s': weights file '%s' is %" PRIu64
                " bytes, the model expects %" PRIu64,
                modelName(info), path.c_str(), uint64_t(st.st_size),
                info->weight_bytes);
  if (info->weight_bytes == 0)
    return DLC_OK;
  m.weights = m.device->backend->allocate(info->weight_bytes);
  if (!m.weights)
    return fail(DLC_ERROR_OUT_OF_MEMORY,
                "model '%s': cannot allocate %" PRIu64 " bytes of weights",
                modelName(info), info->weight_bytes);
  // TODO(gpu): read into host staging memory, then copy to the device.
  auto *dst = static_cast<unsigned char *>(m.weights);
  uint64_t left = info->weight_bytes;
  while (left > 0) {
    size_t chunk = size_t(std::min<uint64_t>(left, uint64_t(1) << 30));
    size_t got = std::fread(dst, 1, chunk, f);
    if (got == 0)
      return fail(DLC_ERROR_IO, "model '%s': cannot read weights file '%s'",
                  modelName(info), path.c_str());
    dst += got;
    left -= got;
  }
  return DLC_OK;
}

dlc_status createModel(const dlc_model_info *info, dlc_device *dev,
                       const char *weightsDir, dlc_model **out) {
  if (dlc_status s = checkInfo(info, dev))
    return s;
  std::unique_ptr<dlc_model> m(new (std::nothrow) dlc_model);
  if (!m)
    return fail(DLC_ERROR_OUT_OF_MEMORY, "cannot allocate the model");
  m->info = info;
  retainDevice(dev);
  m->device = dev;

  int32_t numTensors = info->num_inputs + info->num_outputs;
  m->bytes.resize(size_t(numTensors));
  m->buffers.resize(size_t(numTensors) + 1);
  for (int32_t i = 0; i < numTensors; ++i)
    if (dlc_status s = checkTensorInfo(info, i, m->bytes[size_t(i)]))
      return s;

  if (info->weights_file)
    if (dlc_status s = loadWeights(*m, weightsDir))
      return s;

  if (info->arena_bytes > 0) {
    m->arena = dev->backend->allocate(info->arena_bytes);
    if (!m->arena)
      return fail(DLC_ERROR_OUT_OF_MEMORY,
                  "model '%s': cannot allocate its %" PRIu64 "-byte arena",
                  modelName(info), info->arena_bytes);
  }
  *out = m.release();
  return DLC_OK;
}

/// Checks a tensor handed to dlc_model_run against descriptor entry i.
dlc_status checkTensor(const dlc_model *m, int32_t i, const dlc_tensor &t) {
  const dlc_tensor_info &want = tensorInfo(m->info, i);
  TensorRef ref = tensorRef(m->info, i);
  if (!t.data)
    return fail(DLC_ERROR_INVALID_ARGUMENT, "%s '%s': data is NULL", ref.role,
                ref.name);
  if (t.dtype != want.dtype)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "%s '%s': element type is %s (%d), the model expects %s",
                ref.role, ref.name, dlc_dtype_name(t.dtype), int(t.dtype),
                dlc_dtype_name(want.dtype));
  if (t.rank != want.rank)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "%s '%s': rank is %d, the model expects %d", ref.role,
                ref.name, int(t.rank), int(want.rank));
  if (t.rank > 0 && !t.shape)
    return fail(DLC_ERROR_INVALID_ARGUMENT, "%s '%s': shape is NULL",
                ref.role, ref.name);
  for (int32_t d = 0; d < t.rank; ++d)
    if (t.shape[d] != want.shape[d])
      return fail(DLC_ERROR_INVALID_ARGUMENT,
                  "%s '%s': dimension %d is %" PRId64
                  ", the model expects %" PRId64,
                  ref.role, ref.name, int(d), t.shape[d], want.shape[d]);
  uint64_t bytes = m->bytes[size_t(i)];
  if (t.bytes != bytes)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "%s '%s': buffer is %" PRIu64 " bytes, the model expects %" PRIu64,
                ref.role, ref.name, t.bytes, bytes);
  return DLC_OK;
}

/// Runs the entry on m->buffers, which the caller filled while holding
/// m->running.
dlc_status launch(dlc_model *m) {
  int32_t code = m->device->backend->launch(m->info->entry, m->buffers.data(),
                                            m->arena, m->weights);
  m->running.store(false, std::memory_order_release);
  if (code != 0)
    return fail(DLC_ERROR_INTERNAL,
                "model entry failed with code %d (model '%s')", int(code),
                modelName(m->info));
  return DLC_OK;
}

bool acquire(dlc_model *m) {
  if (m->running.exchange(true, std::memory_order_acquire)) {
    fail(DLC_ERROR_INVALID_ARGUMENT,
         "model is already running on another thread (model '%s')",
         modelName(m->info));
    return false;
  }
  return true;
}

} // namespace

extern "C" {

dlc_status dlc_model_create(const dlc_model_info *info, dlc_device *dev,
                            const char *weights_dir, dlc_model **out) {
  if (!out)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "dlc_model_create: the output pointer is NULL");
  *out = nullptr;
  if (!info)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "dlc_model_create: the model info is NULL");
  if (!dev)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "dlc_model_create: the device is NULL");
  try {
    return createModel(info, dev, weights_dir, out);
  } catch (const std::bad_alloc &) {
    return fail(DLC_ERROR_OUT_OF_MEMORY, "model '%s': out of memory",
                info->abi_version == DLC_ABI_VERSION ? modelName(info) : "?");
  } catch (...) {
    return fail(DLC_ERROR_INTERNAL, "model '%s': unexpected failure",
                info->abi_version == DLC_ABI_VERSION ? modelName(info) : "?");
  }
}

const dlc_model_info *dlc_model_get_info(const dlc_model *m) {
  return m ? m->info : nullptr;
}

dlc_status dlc_model_run(dlc_model *m, const dlc_tensor *inputs,
                         int32_t num_inputs, dlc_tensor *outputs,
                         int32_t num_outputs) {
  if (!m)
    return fail(DLC_ERROR_INVALID_ARGUMENT, "dlc_model_run: the model is NULL");
  const dlc_model_info *info = m->info;
  if (num_inputs != info->num_inputs)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "model '%s' takes %d input(s), got %d", modelName(info),
                int(info->num_inputs), int(num_inputs));
  if (num_outputs != info->num_outputs)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "model '%s' produces %d output(s), got %d", modelName(info),
                int(info->num_outputs), int(num_outputs));
  if (num_inputs > 0 && !inputs)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "model '%s': the input array is NULL", modelName(info));
  if (num_outputs > 0 && !outputs)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "model '%s': the output array is NULL", modelName(info));
  for (int32_t i = 0; i < num_inputs; ++i)
    if (dlc_status s = checkTensor(m, i, inputs[i]))
      return s;
  for (int32_t i = 0; i < num_outputs; ++i)
    if (dlc_status s = checkTensor(m, num_inputs + i, outputs[i]))
      return s;
  if (!acquire(m))
    return DLC_ERROR_INVALID_ARGUMENT;
  for (int32_t i = 0; i < num_inputs; ++i)
    m->buffers[size_t(i)] = inputs[i].data;
  for (int32_t i = 0; i < num_outputs; ++i)
    m->buffers[size_t(num_inputs + i)] = outputs[i].data;
  return launch(m);
}

dlc_status dlc_model_run_raw(dlc_model *m, const void *const *inputs,
                             void *const *outputs) {
  if (!m)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "dlc_model_run_raw: the model is NULL");
  const dlc_model_info *info = m->info;
  if (info->num_inputs > 0 && !inputs)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "model '%s': the input array is NULL", modelName(info));
  if (info->num_outputs > 0 && !outputs)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "model '%s': the output array is NULL", modelName(info));
  for (int32_t i = 0; i < info->num_inputs + info->num_outputs; ++i) {
    const void *p =
        i < info->num_inputs ? inputs[i] : outputs[i - info->num_inputs];
    if (!p) {
      TensorRef ref = tensorRef(info, i);
      return fail(DLC_ERROR_INVALID_ARGUMENT, "%s '%s': data is NULL",
                  ref.role, ref.name);
    }
  }
  if (!acquire(m))
    return DLC_ERROR_INVALID_ARGUMENT;
  for (int32_t i = 0; i < info->num_inputs; ++i)
    m->buffers[size_t(i)] = const_cast<void *>(inputs[i]);
  for (int32_t i = 0; i < info->num_outputs; ++i)
    m->buffers[size_t(info->num_inputs + i)] = outputs[i];
  return launch(m);
}

void dlc_model_destroy(dlc_model *m) { delete m; }

} // extern "C"

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
  /// The backend's per-model state (GPU: stream, module, kernels, graph).
  std::unique_ptr<ModelState> state;
  void *arena = nullptr;
  void *weights = nullptr;
  /// Dense byte size of each input, then each output.
  std::vector<uint64_t> bytes;
  /// The entry's buffer array. Host memory: the caller's pointers, filled
  /// by each run (so runs never allocate). Device memory: the model's own
  /// device buffers, fixed at creation (nullptr for an empty tensor).
  std::vector<void *> buffers;
  /// Device memory: the caller's host pointers of the current run.
  std::vector<void *> host;
  /// Guards buffers, host and the arena during a run.
  std::atomic<bool> running{false};

  bool onDevice() const { return device->backend->deviceMemory(); }

  ~dlc_model() {
    if (!device)
      return;
    DeviceBackend &backend = *device->backend;
    backend.release(arena);
    backend.release(weights);
    if (onDevice())
      for (void *p : buffers)
        backend.release(p);
    state.reset();
    releaseDevice(device);
  }
};

namespace {

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

/// The GPU part of a descriptor: images, kernel names and where the
/// weights come from.
dlc_status checkGpuInfo(const dlc_model_info *info) {
  const char *model = modelName(info);
  if (info->num_images <= 0 || !info->images)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "model '%s': a %s model needs at least one kernel image in "
                "its descriptor",
                model, deviceKindName(info->device_kind));
  for (int32_t i = 0; i < info->num_images; ++i) {
    const dlc_gpu_image &image = info->images[i];
    if (image.format != DLC_IMAGE_CUBIN && image.format != DLC_IMAGE_PTX &&
        image.format != DLC_IMAGE_HSACO)
      return fail(DLC_ERROR_INVALID_ARGUMENT,
                  "model '%s': kernel image %d has unknown format %d", model,
                  int(i), int(image.format));
    if (!image.arch || !image.data || image.size == 0)
      return fail(DLC_ERROR_INVALID_ARGUMENT,
                  "model '%s': kernel image %d has no architecture or no "
                  "data",
                  model, int(i));
    if (image.format == DLC_IMAGE_PTX &&
        static_cast<const char *>(image.data)[image.size - 1] != '\0')
      return fail(DLC_ERROR_INVALID_ARGUMENT,
                  "model '%s': PTX image %d (%s) is not NUL-terminated",
                  model, int(i), image.arch);
  }
  if (info->num_kernels < 0 || (info->num_kernels > 0 && !info->kernel_names))
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "model '%s': invalid kernel list in the descriptor", model);
  for (int32_t k = 0; k < info->num_kernels; ++k)
    if (!info->kernel_names[k])
      return fail(DLC_ERROR_INVALID_ARGUMENT,
                  "model '%s': kernel %d has no name", model, int(k));
  if (info->weights_file && info->weights_data)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "model '%s': the descriptor has both a weights file and "
                "embedded weights",
                model);
  if (info->weight_bytes > 0 && !info->weights_file && !info->weights_data)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "model '%s': the descriptor has %" PRIu64
                " bytes of weights but neither a weights file nor embedded "
                "weights",
                model, info->weight_bytes);
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
  if (info->device_kind == DLC_DEVICE_CPU)
    return DLC_OK; // CPU models carry no images; any are ignored
  return checkGpuInfo(info);
}

/// Reads exactly `bytes` bytes of `f` into dst.
bool readFully(FILE *f, unsigned char *dst, uint64_t bytes) {
  while (bytes > 0) {
    size_t chunk = size_t(std::min<uint64_t>(bytes, uint64_t(1) << 30));
    size_t got = std::fread(dst, 1, chunk, f);
    if (got == 0)
      return false;
    dst += got;
    bytes -= got;
  }
  return true;
}

/// Allocates the weights' memory on the model's device.
dlc_status allocateWeights(dlc_model &m) {
  char what[64];
  std::snprintf(what, sizeof(what), "%" PRIu64 " bytes of weights",
                m.info->weight_bytes);
  return m.device->backend->allocate(*m.state, m.info->weight_bytes, what,
                                     &m.weights);
}

/// Reads the external weights file into the weights memory: directly for
/// host memory, through a bounded host staging buffer for device memory.
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
  if (dlc_status s = allocateWeights(m))
    return s;
  if (!m.onDevice()) {
    if (!readFully(f, static_cast<unsigned char *>(m.weights),
                   info->weight_bytes))
      return fail(DLC_ERROR_IO, "model '%s': cannot read weights file '%s'",
                  modelName(info), path.c_str());
    return DLC_OK;
  }

  // Device memory: read and copy in chunks of at most 64 MiB.
  DeviceBackend &backend = *m.device->backend;
  uint64_t chunk = std::min<uint64_t>(info->weight_bytes, uint64_t(64) << 20);
  struct Staging {
    void *p;
    ~Staging() { alignedFree(p); }
  } staging{alignedAlloc(chunk)};
  if (!staging.p)
    return fail(DLC_ERROR_OUT_OF_MEMORY,
                "model '%s': cannot allocate %" PRIu64
                " bytes of host memory to stage its weights",
                modelName(info), chunk);
  auto *dst = static_cast<unsigned char *>(m.weights);
  for (uint64_t done = 0; done < info->weight_bytes;) {
    uint64_t n = std::min(chunk, info->weight_bytes - done);
    if (!readFully(f, static_cast<unsigned char *>(staging.p), n))
      return fail(DLC_ERROR_IO, "model '%s': cannot read weights file '%s'",
                  modelName(info), path.c_str());
    if (dlc_status s = backend.upload(*m.state, dst + done, staging.p, n,
                                      "weights"))
      return s;
    // The staging buffer is reused: wait for the copy.
    if (dlc_status s = backend.synchronize(*m.state))
      return s;
    done += n;
  }
  return DLC_OK;
}

/// Copies the weights embedded in a GPU model's descriptor to the device.
dlc_status uploadEmbeddedWeights(dlc_model &m) {
  if (m.info->weight_bytes == 0)
    return DLC_OK;
  if (dlc_status s = allocateWeights(m))
    return s;
  DeviceBackend &backend = *m.device->backend;
  if (dlc_status s = backend.upload(*m.state, m.weights, m.info->weights_data,
                                    m.info->weight_bytes, "weights"))
    return s;
  return backend.synchronize(*m.state);
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
  DeviceBackend &backend = *dev->backend;

  int32_t numTensors = info->num_inputs + info->num_outputs;
  m->bytes.resize(size_t(numTensors));
  m->buffers.resize(size_t(numTensors) + 1);
  for (int32_t i = 0; i < numTensors; ++i)
    if (dlc_status s = checkTensorInfo(info, i, m->bytes[size_t(i)]))
      return s;

  // GPU: picks and loads the kernel image before anything is allocated.
  if (dlc_status s = backend.loadModel(info, m->state))
    return s;

  if (info->weights_file) {
    if (dlc_status s = loadWeights(*m, weightsDir))
      return s;
  } else if (m->onDevice()) {
    if (dlc_status s = uploadEmbeddedWeights(*m))
      return s;
  }

  char what[160];
  if (info->arena_bytes > 0) {
    std::snprintf(what, sizeof(what), "its %" PRIu64 "-byte arena",
                  info->arena_bytes);
    if (dlc_status s =
            backend.allocate(*m->state, info->arena_bytes, what, &m->arena))
      return s;
  }
  if (m->onDevice()) {
    m->host.resize(size_t(numTensors));
    for (int32_t i = 0; i < numTensors; ++i) {
      uint64_t bytes = m->bytes[size_t(i)];
      if (bytes == 0)
        continue; // an empty tensor: nothing to copy, NULL on the device
      TensorRef ref = tensorRef(info, i);
      std::snprintf(what, sizeof(what), "%" PRIu64 " bytes for %s '%s'",
                    bytes, ref.role, ref.name);
      if (dlc_status s =
              backend.allocate(*m->state, bytes, what, &m->buffers[size_t(i)]))
        return s;
    }
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

/// Device memory: copies the inputs to the model's device buffers, runs the
/// entry on them, copies the outputs back and waits for all of it.
dlc_status runOnDevice(dlc_model *m) {
  DeviceBackend &backend = *m->device->backend;
  ModelState &state = *m->state;
  const dlc_model_info *info = m->info;
  int32_t numTensors = info->num_inputs + info->num_outputs;
  char what[160];
  dlc_status s = DLC_OK;
  for (int32_t i = 0; i < info->num_inputs && s == DLC_OK; ++i) {
    uint64_t bytes = m->bytes[size_t(i)];
    if (bytes == 0)
      continue;
    TensorRef ref = tensorRef(info, i);
    std::snprintf(what, sizeof(what), "%s '%s'", ref.role, ref.name);
    s = backend.upload(state, m->buffers[size_t(i)], m->host[size_t(i)],
                       bytes, what);
  }
  if (s == DLC_OK)
    s = backend.launch(state, m->buffers.data(), m->arena, m->weights);
  for (int32_t i = info->num_inputs; i < numTensors && s == DLC_OK; ++i) {
    uint64_t bytes = m->bytes[size_t(i)];
    if (bytes == 0)
      continue;
    TensorRef ref = tensorRef(info, i);
    std::snprintf(what, sizeof(what), "%s '%s'", ref.role, ref.name);
    s = backend.download(state, m->host[size_t(i)], m->buffers[size_t(i)],
                         bytes, what);
  }
  if (s != DLC_OK) {
    // Nothing may still read or write the caller's memory on return.
    KeepLastError keep;
    backend.synchronize(state);
    return s;
  }
  return backend.synchronize(state);
}

/// Runs the model on the pointers the caller stored (m->buffers for host
/// memory, m->host for device memory) while holding m->running.
dlc_status launch(dlc_model *m) {
  dlc_status s =
      m->onDevice()
          ? runOnDevice(m)
          : m->device->backend->launch(*m->state, m->buffers.data(), m->arena,
                                       m->weights);
  m->running.store(false, std::memory_order_release);
  return s;
}

/// The pointer arrays of a raw or device run: present, and no NULL data
/// (with `allowEmpty`, except for empty tensors).
dlc_status checkPointers(const dlc_model *m, const void *const *inputs,
                         void *const *outputs, bool allowEmpty) {
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
    if (!p && !(allowEmpty && m->bytes[size_t(i)] == 0)) {
      TensorRef ref = tensorRef(info, i);
      return fail(DLC_ERROR_INVALID_ARGUMENT, "%s '%s': data is NULL",
                  ref.role, ref.name);
    }
  }
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
  std::vector<void *> &pointers = m->onDevice() ? m->host : m->buffers;
  for (int32_t i = 0; i < num_inputs; ++i)
    pointers[size_t(i)] = inputs[i].data;
  for (int32_t i = 0; i < num_outputs; ++i)
    pointers[size_t(num_inputs + i)] = outputs[i].data;
  return launch(m);
}

dlc_status dlc_model_run_raw(dlc_model *m, const void *const *inputs,
                             void *const *outputs) {
  if (!m)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "dlc_model_run_raw: the model is NULL");
  const dlc_model_info *info = m->info;
  if (dlc_status s = checkPointers(m, inputs, outputs, /*allowEmpty=*/false))
    return s;
  if (!acquire(m))
    return DLC_ERROR_INVALID_ARGUMENT;
  std::vector<void *> &pointers = m->onDevice() ? m->host : m->buffers;
  for (int32_t i = 0; i < info->num_inputs; ++i)
    pointers[size_t(i)] = const_cast<void *>(inputs[i]);
  for (int32_t i = 0; i < info->num_outputs; ++i)
    pointers[size_t(info->num_inputs + i)] = outputs[i];
  return launch(m);
}

dlc_status dlc_model_run_device(dlc_model *m, void *stream,
                                const void *const *inputs,
                                void *const *outputs) {
  if (!m)
    return fail(DLC_ERROR_INVALID_ARGUMENT,
                "dlc_model_run_device: the model is NULL");
  const dlc_model_info *info = m->info;
  if (!m->onDevice())
    return fail(DLC_ERROR_UNSUPPORTED,
                "model '%s' on device '%s': dlc_model_run_device takes "
                "device memory and a stream, so it needs a GPU device "
                "(run CPU models with dlc_model_run)",
                modelName(info), m->device->backend->name());
  if (dlc_status s = checkPointers(m, inputs, outputs, /*allowEmpty=*/true))
    return s;
  // The kernels read and write with 16-byte accesses (vector loads,
  // cp.async): device allocations are aligned far more; an offset into
  // one may not be.
  for (int32_t i = 0; i < info->num_inputs + info->num_outputs; ++i) {
    const void *p = i < info->num_inputs ? inputs[i]
                                         : outputs[i - info->num_inputs];
    if (p && reinterpret_cast<uintptr_t>(p) % 16 != 0)
      return fail(DLC_ERROR_INVALID_ARGUMENT,
                  "model '%s': dlc_model_run_device: %s %d is not 16-byte "
                  "aligned (%p); the kernels need 16-byte aligned tensors",
                  modelName(info), i < info->num_inputs ? "input" : "output",
                  i < info->num_inputs ? i : i - info->num_inputs, p);
  }
  if (!acquire(m))
    return DLC_ERROR_INVALID_ARGUMENT;
  // The caller's device pointers in the host-pointer array (sized at
  // create): no allocation per run.
  for (int32_t i = 0; i < info->num_inputs; ++i)
    m->host[size_t(i)] = const_cast<void *>(inputs[i]);
  for (int32_t i = 0; i < info->num_outputs; ++i)
    m->host[size_t(info->num_inputs + i)] = outputs[i];
  dlc_status s = m->device->backend->launchOnStream(
      *m->state, stream, m->host.data(), m->arena, m->weights);
  m->running.store(false, std::memory_order_release);
  return s;
}

void dlc_model_destroy(dlc_model *m) { delete m; }

} // extern "C"

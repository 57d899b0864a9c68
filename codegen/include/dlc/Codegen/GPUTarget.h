//===- GPUTarget.h - the NVIDIA and AMD GPU back ends -----------*- C++ -*-===//
//
//   linalg on tensors --bufferize, plan memory (weights as one blob)-->
//   parallel loops --dlc-gpu-map-loops (cost model)--> gpu.launch
//     --gpu-kernel-outlining, one gpu.module--> kernels + host launches
//   kernels: NVVM --NVPTX--> PTX --ptxas--> cubin per architecture
//            ROCDL --AMDGPU--> object --ld.lld--> HSACO per architecture
//   host:    launches become dlc_gpu_launch calls; x86 object with the
//            images, kernel names and weights (CPUTarget's packaging)
//
// The `gpu-emu` target stops after the mapping and runs the very same
// block/thread-mapped kernels on the host CPU (dlc-gpu-launch-to-loops).
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CODEGEN_GPUTARGET_H
#define DLC_CODEGEN_GPUTARGET_H

#include "dlc/Codegen/CPUTarget.h"

namespace dlc::codegen {

enum class GPUVendor { NVIDIA, AMD, Emulated };

struct GPUOptions {
  GPUVendor vendor = GPUVendor::NVIDIA;
  PrecisionOptions precision;
  /// sm_80, sm_90 (NVIDIA) or gfx942, gfx90a, gfx1100 (AMD); sorted,
  /// without duplicates.
  std::vector<std::string> archs;
  /// CUDA toolkit folder holding bin/ptxas ("" = $CUDA_PATH, /usr/local/cuda,
  /// then PATH).
  std::string cudaPath;
  /// Threads per block for every kernel (0 = the cost model's choice).
  int64_t blockSize = 0;
  /// "auto": tensor-core kernels for fp16 / bf16 products where the
  /// target has them (mma.sync on NVIDIA sm_80+, mfma on AMD gfx90a /
  /// gfx942, and in gpu-emu the emulation of the mma.sync kernels);
  /// "none": SIMT kernels only; "mma.sync" / "mfma": those kernels, which
  /// the target (or gpu-emu's emulation) must be able to run.
  std::string tensorCores = "auto";
  /// Record the stack frames of the host object's functions.
  bool measureStackFrames = false;
  /// gpu-emu checking mode (--emu-check): report races between the threads
  /// of a block; the order of the threads in each phase ("forward",
  /// "reverse" or "shuffle" with `emuSeed`).
  bool emuCheckRaces = false;
  std::string emuThreadOrder = "forward";
  int64_t emuSeed = 0;
  /// Times the stages and dumps their IR (null: nothing observed).
  CompileObserver *observer = nullptr;
};

/// Parses an --emu-check value into `options`: a comma-separated list of
/// `races` and `order=forward|reverse|shuffle[:SEED]` (races alone means
/// order=reverse). Only for the gpu-emu target.
llvm::Error parseEmuCheck(llvm::StringRef spec, GPUOptions &options);

/// Parses a --target value: "cuda:sm_80[,sm_90...]", "rocm:gfx942[,...]"
/// or "gpu-emu".
llvm::Expected<GPUOptions> parseGPUTarget(llvm::StringRef target);

/// Checks a --tensor-cores value (auto, none, mma.sync or mfma) against
/// the target of `options`: mma.sync needs cuda with every architecture
/// sm_80 or newer, mfma rocm with gfx90a / gfx942 only; gpu-emu emulates
/// both.
llvm::Error checkTensorCores(const GPUOptions &options);

/// ptxas's report for one kernel on one architecture.
struct KernelStats {
  std::string kernel, arch;
  int registers = 0;
  int64_t spillStores = 0, spillLoads = 0, stackBytes = 0;
  /// Static shared memory (workgroup buffers).
  int64_t sharedBytes = 0;
};

/// The result of compiling a model for a GPU (or its emulation).
struct GPUCompiled {
  ModelSignature signature;
  llvm::SmallVector<char, 0> object; ///< the x86 host object
  /// Assembly of the kernels per architecture (PTX text or AMDGPU
  /// assembly), for --emit=ptx / --emit=amdgpu.
  std::vector<std::pair<std::string, std::string>> assembly;
  std::vector<KernelStats> stats;
  std::vector<std::string> warnings;
  /// The host object's stack frames (with measureStackFrames).
  std::vector<StackFrame> stackFrames;
};

/// What to stop after.
enum class GPUStage { Kernels, Assembly, Object };

/// Everything from linalg on tensors to the host object. `stage` =
/// Kernels stops after the mapping and outlining and leaves the module
/// (host function + gpu.module) for printing; Assembly also produces the
/// kernels' assembly; Object produces everything.
llvm::Expected<GPUCompiled> compileForGPU(mlir::ModuleOp module,
                                          llvm::StringRef name,
                                          const GPUOptions &options,
                                          bool externalWeights,
                                          GPUStage stage = GPUStage::Object);

/// Registers the GPU dialects and their LLVM IR translations.
void registerGPUDialects(mlir::DialectRegistry &registry);

} // namespace dlc::codegen

#endif // DLC_CODEGEN_GPUTARGET_H

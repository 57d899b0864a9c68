//===- Pipelines.h - the named pass pipelines of the back ends --*- C++ -*-===//
//
// Every pass pipeline the `dlc` driver runs is one of these builders, each
// registered with dlc-opt under its flag, so that any compile can be
// reproduced step by step:
//
//   graph ──dlc-graph-to-linalg-pipeline──▶ linalg on tensors
//     CPU: ──dlc-cpu-bufferize-pipeline──▶ memrefs, arena, CPU kernels
//          ──dlc-cpu-to-llvm-pipeline──▶ LLVM dialect
//          (dlc-cpu-pipeline: both)
//     GPU: ──dlc-gpu-bufferize-pipeline──▶ memrefs, weights blob
//          ──dlc-gpu-map-pipeline──▶ gpu.launch
//          gpu-emu: ──dlc-gpu-emu-to-llvm-pipeline──▶ LLVM dialect
//          cuda/rocm: ──dlc-gpu-outline-pipeline──▶ host + gpu.module
//            kernels: ──dlc-gpu-kernels-to-nvvm|rocdl-pipeline──▶ NVVM/ROCDL
//            host:    ──dlc-gpu-host-to-llvm-pipeline──▶ LLVM dialect
//          (dlc-gpu-pipeline: bufferize, map and outline)
//
// Option structs have one field per option; a new option is a new field
// (with its flag), read by the builder.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CODEGEN_PIPELINES_H
#define DLC_CODEGEN_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include <string>

namespace dlc::codegen {

//===----------------------------------------------------------------------===//
// Graph to linalg (both back ends)
//===----------------------------------------------------------------------===//

struct GraphToLinalgPipelineOptions
    : mlir::PassPipelineOptions<GraphToLinalgPipelineOptions> {
  Option<bool> mergeProducts{
      *this, "merge-products",
      llvm::cl::desc("Merge products that share their input "
                     "(dlc-merge-products; the CPU's choice)"),
      llvm::cl::init(true)};
  Option<std::string> precision{
      *this, "precision",
      llvm::cl::desc("Products and convolutions in fp32, tf32, fp16 or bf16 "
                     "(dlc-assign-precision)"),
      llvm::cl::init("fp32")};
  ListOption<std::string> keepFp32{
      *this, "keep-fp32",
      llvm::cl::desc("ONNX nodes whose products stay f32")};
  Option<std::string> ioPrecision{
      *this, "io-precision",
      llvm::cl::desc("The model's interface types: model, fp16 or bf16"),
      llvm::cl::init("model")};
  Option<int64_t> minReductionTerms{
      *this, "min-reduction-terms",
      llvm::cl::desc("Products summing fewer terms per output stay f32"),
      llvm::cl::init(32)};
};

/// dlc-graph-to-linalg-pipeline: graph folds (batch norm, weight-only
/// subgraphs), merged products, linalg on tensors, then the precision of
/// the products.
void buildGraphToLinalgPipeline(mlir::OpPassManager &pm,
                                const GraphToLinalgPipelineOptions &options);

//===----------------------------------------------------------------------===//
// Bufferization and memory plan (both back ends)
//===----------------------------------------------------------------------===//

struct BufferizePipelineOptions
    : mlir::PassPipelineOptions<BufferizePipelineOptions> {
  Option<std::string> modelName{
      *this, "model-name",
      llvm::cl::desc("The model's name: @main becomes @<name>_forward "
                     "(empty: @main is the model function)"),
      llvm::cl::init("")};
  Option<bool> externalWeights{
      *this, "external-weights",
      llvm::cl::desc("Constants become views of the weights argument (the "
                     "weights blob; always on GPU targets)"),
      llvm::cl::init(false)};
  Option<bool> cpuLoops{
      *this, "cpu-loops",
      llvm::cl::desc("Reorder contraction loops for the CPU's vector units "
                     "and tile row kernels into parallel loops (off for the "
                     "GPU targets, which map them to blocks)"),
      llvm::cl::init(true)};
  Option<bool> tileContractions{
      *this, "tile-contractions",
      llvm::cl::desc("The CPU kernels of f32 contractions "
                     "(dlc-cpu-tile-contractions)"),
      llvm::cl::init(false)};
  Option<int64_t> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("dlc-cpu-tile-contractions: vector width in bits"),
      llvm::cl::init(256)};
  Option<int64_t> vectorRegisters{
      *this, "vector-registers",
      llvm::cl::desc("dlc-cpu-tile-contractions: vector registers"),
      llvm::cl::init(16)};
  Option<bool> bf16Dot{
      *this, "bf16-dot",
      llvm::cl::desc("dlc-cpu-tile-contractions: bf16 products on "
                     "AVX512_BF16 dot products"),
      llvm::cl::init(false)};
};

/// The model function's name after dlc-name-model-function.
std::string modelFunctionName(llvm::StringRef modelName);

/// dlc-cpu-bufferize-pipeline: the model function named, elementwise
/// fusion, kernel groups formed and lowered, one-shot bufferization,
/// results as out-parameters, the CPU kernels of contractions, the memory
/// plan.
void buildBufferizePipeline(mlir::OpPassManager &pm,
                            const BufferizePipelineOptions &options);

struct GPUBufferizePipelineOptions
    : mlir::PassPipelineOptions<GPUBufferizePipelineOptions> {
  Option<std::string> modelName{
      *this, "model-name",
      llvm::cl::desc("The model's name: @main becomes @<name>_forward"),
      llvm::cl::init("")};
};

/// dlc-gpu-bufferize-pipeline: the bufferize pipeline of the GPU targets
/// (cpu-loops=0, every constant in the weights blob).
void buildGPUBufferizePipeline(mlir::OpPassManager &pm,
                               const GPUBufferizePipelineOptions &options);

//===----------------------------------------------------------------------===//
// CPU
//===----------------------------------------------------------------------===//

struct CPUToLLVMPipelineOptions
    : mlir::PassPipelineOptions<CPUToLLVMPipelineOptions> {
  Option<std::string> func{*this, "func",
                           llvm::cl::desc("Name of the model function"),
                           llvm::cl::init("main")};
  Option<bool> fromLinalg{
      *this, "from-linalg",
      llvm::cl::desc("The function still holds linalg ops (off after the "
                     "GPU emulation, which has made them loops)"),
      llvm::cl::init(true)};
  Option<bool> profile{
      *this, "profile",
      llvm::cl::desc("Bracket every kernel with dlc_profile_enter/exit"),
      llvm::cl::init(false)};
  Option<bool> nativeBF16{
      *this, "native-bf16",
      llvm::cl::desc("The CPU converts between f32 and bf16 itself "
                     "(AVX512_BF16); otherwise the conversions become "
                     "integer code (dlc-expand-bf16)"),
      llvm::cl::init(false)};
};

/// dlc-cpu-to-llvm-pipeline (also dlc-cpu-lower-to-llvm): the kernel list,
/// parallel loops outlined onto the runtime's thread pool, everything to
/// the LLVM dialect with bare pointers, the stack frame check before and
/// after.
void buildCPUToLLVMPipeline(mlir::OpPassManager &pm,
                            const CPUToLLVMPipelineOptions &options);

struct CPUPipelineOptions : mlir::PassPipelineOptions<CPUPipelineOptions> {
  Option<std::string> modelName{
      *this, "model-name",
      llvm::cl::desc("The model's name: @main becomes @<name>_forward"),
      llvm::cl::init("")};
  Option<bool> externalWeights{
      *this, "external-weights",
      llvm::cl::desc("Constants become views of the weights argument"),
      llvm::cl::init(false)};
  Option<bool> tileContractions{
      *this, "tile-contractions",
      llvm::cl::desc("The CPU kernels of f32 contractions"),
      llvm::cl::init(false)};
  Option<int64_t> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("dlc-cpu-tile-contractions: vector width in bits"),
      llvm::cl::init(256)};
  Option<int64_t> vectorRegisters{
      *this, "vector-registers",
      llvm::cl::desc("dlc-cpu-tile-contractions: vector registers"),
      llvm::cl::init(16)};
  Option<bool> bf16Dot{
      *this, "bf16-dot",
      llvm::cl::desc("dlc-cpu-tile-contractions: bf16 products on "
                     "AVX512_BF16 dot products"),
      llvm::cl::init(false)};
  Option<bool> profile{
      *this, "profile",
      llvm::cl::desc("Bracket every kernel with dlc_profile_enter/exit"),
      llvm::cl::init(false)};
};

/// dlc-cpu-pipeline: linalg on tensors to the LLVM dialect
/// (dlc-cpu-bufferize-pipeline, then dlc-cpu-to-llvm-pipeline).
void buildCPUPipeline(mlir::OpPassManager &pm,
                      const CPUPipelineOptions &options);

//===----------------------------------------------------------------------===//
// GPU
//===----------------------------------------------------------------------===//

struct GPUMapPipelineOptions
    : mlir::PassPipelineOptions<GPUMapPipelineOptions> {
  Option<std::string> func{*this, "func",
                           llvm::cl::desc("Name of the model function"),
                           llvm::cl::init("main")};
  Option<int64_t> blockSize{
      *this, "block-size",
      llvm::cl::desc("Threads per block of every per-thread kernel (0: the "
                     "cost model's choice)"),
      llvm::cl::init(0)};
  Option<std::string> tensorCores{
      *this, "tensor-cores",
      llvm::cl::desc("Tensor-core kernels for fp16 / bf16 products: none, "
                     "mma.sync or mfma"),
      llvm::cl::init("none")};
};

/// dlc-gpu-map-pipeline: tiled products, warp reductions, every other loop
/// nest mapped to blocks and threads, math prepared for the GPU.
void buildGPUMapPipeline(mlir::OpPassManager &pm,
                         const GPUMapPipelineOptions &options);

struct GPUEmuPipelineOptions
    : mlir::PassPipelineOptions<GPUEmuPipelineOptions> {
  Option<std::string> func{*this, "func",
                           llvm::cl::desc("Name of the model function"),
                           llvm::cl::init("main")};
  Option<bool> checkRaces{
      *this, "check-races",
      llvm::cl::desc("Record the threads' accesses and report races"),
      llvm::cl::init(false)};
  Option<std::string> threadOrder{
      *this, "thread-order",
      llvm::cl::desc("forward, reverse or shuffle (with seed)"),
      llvm::cl::init("forward")};
  Option<int64_t> seed{*this, "seed",
                       llvm::cl::desc("Seed of the shuffled order"),
                       llvm::cl::init(0)};
};

/// dlc-gpu-emu-to-llvm-pipeline: the launches as loops on the host
/// (dlc-gpu-launch-to-loops), then the CPU's LLVM lowering.
void buildGPUEmuToLLVMPipeline(mlir::OpPassManager &pm,
                               const GPUEmuPipelineOptions &options);

struct GPUOutlinePipelineOptions
    : mlir::PassPipelineOptions<GPUOutlinePipelineOptions> {
  Option<std::string> func{*this, "func",
                           llvm::cl::desc("Name of the model function"),
                           llvm::cl::init("main")};
};

/// dlc-gpu-outline-pipeline: kernels outlined into one gpu.module, the
/// launches as calls of the runtime's launch stubs.
void buildGPUOutlinePipeline(mlir::OpPassManager &pm,
                             const GPUOutlinePipelineOptions &options);

struct GPUPipelineOptions : mlir::PassPipelineOptions<GPUPipelineOptions> {
  Option<std::string> modelName{
      *this, "model-name",
      llvm::cl::desc("The model's name: @main becomes @<name>_forward"),
      llvm::cl::init("")};
  Option<int64_t> blockSize{
      *this, "block-size",
      llvm::cl::desc("Threads per block of every per-thread kernel (0: the "
                     "cost model's choice)"),
      llvm::cl::init(0)};
};

/// dlc-gpu-pipeline: linalg on tensors to the host function and its
/// gpu.module (`dlc --target=cuda|rocm --emit=gpu`): bufferize, map,
/// outline.
void buildGPUPipeline(mlir::OpPassManager &pm,
                      const GPUPipelineOptions &options);

struct GPUKernelsPipelineOptions
    : mlir::PassPipelineOptions<GPUKernelsPipelineOptions> {
  Option<std::string> chipset{
      *this, "chipset",
      llvm::cl::desc("dlc-gpu-kernels-to-rocdl-pipeline: the AMD GPU "
                     "(gfx942, ...)"),
      llvm::cl::init("gfx942")};
};

/// dlc-gpu-kernels-to-nvvm-pipeline / -rocdl-pipeline: the kernels of the
/// gpu.modules to NVVM or ROCDL (subgroup reductions as shuffles: 32 lanes,
/// 64 on gfx9).
void buildGPUKernelsToNVVMPipeline(mlir::OpPassManager &pm);
void buildGPUKernelsToROCDLPipeline(mlir::OpPassManager &pm,
                                    const GPUKernelsPipelineOptions &options);

/// dlc-gpu-host-to-llvm-pipeline: the host code of cuda/rocm (after the
/// kernels left the module) to the LLVM dialect.
void buildGPUHostToLLVMPipeline(mlir::OpPassManager &pm);

/// Registers every pipeline above with the pass registry (dlc-opt).
void registerCodegenPipelines();

} // namespace dlc::codegen

#endif // DLC_CODEGEN_PIPELINES_H

//===- Pipelines.cpp - the named pass pipelines of the back ends ----------===//
//
// The builders of Pipelines.h and their registration for dlc-opt. The dlc
// driver runs exactly these builders (CPUTarget.cpp, GPUTarget.cpp).
//
//===----------------------------------------------------------------------===//

#include "dlc/Codegen/Pipelines.h"
#include "dlc/Passes/Passes.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace dlc::codegen {

void buildGraphToLinalgPipeline(OpPassManager &pm,
                                const GraphToLinalgPipelineOptions &options) {
  // Step 1: graph-level folds: batch norms into their convolutions,
  // products sharing their input merged, weight-only subgraphs evaluated.
  pm.addPass(dlc::createFoldBatchNorm());
  if (options.mergeProducts)
    pm.addPass(dlc::createMergeProducts());
  pm.addPass(dlc::createFoldWeights());
  pm.addPass(createCSEPass());
  // Step 2: linalg on tensors.
  pm.addPass(dlc::createConvertGraphToLinalg());
  pm.addPass(createCanonicalizerPass());
  // Step 3: products and convolutions in the chosen precision.
  if (options.precision != "fp32" || !options.keepFp32.empty() ||
      options.ioPrecision != "model") {
    dlc::AssignPrecisionOptions assign;
    assign.precision = options.precision;
    assign.keepFp32.assign(options.keepFp32.begin(), options.keepFp32.end());
    assign.minReductionTerms = options.minReductionTerms;
    assign.ioPrecision = options.ioPrecision;
    pm.addPass(dlc::createAssignPrecision(assign));
    pm.addPass(createCanonicalizerPass());
  }
}

std::string modelFunctionName(llvm::StringRef modelName) {
  return modelName.empty() ? std::string("main") : modelName.str() + "_forward";
}

void buildBufferizePipeline(OpPassManager &pm,
                            const BufferizePipelineOptions &options) {
  std::string func = modelFunctionName(options.modelName);
  // Step 1: the function the entry wrapper calls.
  pm.addPass(dlc::createNameModelFunction({options.modelName}));
  // Step 2: kernels on tensors: elementwise chains fused, contraction loops
  // ordered for the CPU's vectors, kernel groups formed and lowered (only
  // the CPU tiles row groups; the GPU maps their ops to blocks itself).
  pm.addPass(dlc::createFuseElementwise());
  if (options.cpuLoops)
    pm.addPass(dlc::createInterchangeReductions());
  pm.addPass(dlc::createFormKernels());
  dlc::LowerKernelsOptions lower;
  lower.tileRows = options.cpuLoops;
  pm.addPass(dlc::createLowerKernels(lower));
  pm.addPass(createCanonicalizerPass());
  // Step 3: buffers, with identity layouts at the function boundary and the
  // results as out-parameters.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createForallToParallelLoopPass());
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.modifyPublicFunctions = true;
  outParams.hoistStaticAllocs = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addPass(createCanonicalizerPass());
  // Step 4: the CPU kernels of f32 contractions.
  if (options.tileContractions) {
    dlc::CPUTileContractionsOptions tile;
    tile.vectorBits = options.vectorBits;
    tile.vectorRegisters = options.vectorRegisters;
    tile.bf16Dot = options.bf16Dot;
    pm.addPass(dlc::createCPUTileContractions(tile));
  }
  // Step 5: every intermediate buffer a view of the arena (and the
  // constants views of the weights blob).
  dlc::PlanMemoryOptions plan;
  plan.funcName = func;
  plan.externalWeights = options.externalWeights;
  pm.addPass(dlc::createPlanMemory(plan));
}

void buildGPUBufferizePipeline(OpPassManager &pm,
                               const GPUBufferizePipelineOptions &options) {
  BufferizePipelineOptions bufferize;
  bufferize.modelName = options.modelName.getValue();
  bufferize.externalWeights = true;
  bufferize.cpuLoops = false;
  buildBufferizePipeline(pm, bufferize);
}

void buildCPUToLLVMPipeline(OpPassManager &pm,
                            const CPUToLLVMPipelineOptions &options) {
  // Step 1: the kernel list (and its timers), deallocations, linalg as
  // parallel loops.
  if (options.fromLinalg) {
    dlc::DescribeKernelsOptions describe;
    describe.funcName = options.func;
    describe.instrument = options.profile;
    pm.addPass(dlc::createDescribeKernels(describe));
    bufferization::buildBufferDeallocationPipeline(pm);
    pm.addPass(createConvertLinalgToParallelLoopsPass());
  }
  // Step 2: top-level parallel loops onto the runtime's thread pool; the
  // stack frames bounded at the memref level.
  dlc::EmptyBuffersOptions empty;
  empty.funcName = options.func;
  pm.addPass(dlc::createEmptyBuffers(empty));
  dlc::OutlineParallelOptions outline;
  outline.funcName = options.func;
  pm.addPass(dlc::createOutlineParallel(outline));
  pm.addPass(dlc::createCheckStackFrames());
  // Step 3: to the LLVM dialect (math through LLVM intrinsics or libm,
  // integer pow as functions, bf16 conversions as integer code unless the
  // CPU has them), bare-pointer calling convention.
  if (!options.nativeBF16)
    pm.addPass(dlc::createExpandBF16());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertMathToFuncs());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  // (x86vector: the AVX512_BF16 dot products of bf16 kernels.)
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.x86Vector = true;
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  ConvertFuncToLLVMPassOptions funcToLLVM;
  funcToLLVM.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcToLLVM));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  // Step 4: the stack frames again, at the LLVM level.
  pm.addPass(dlc::createCheckStackFrames());
}

void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options) {
  BufferizePipelineOptions bufferize;
  bufferize.modelName = options.modelName.getValue();
  bufferize.externalWeights = options.externalWeights;
  bufferize.tileContractions = options.tileContractions;
  bufferize.vectorBits = options.vectorBits;
  bufferize.vectorRegisters = options.vectorRegisters;
  bufferize.bf16Dot = options.bf16Dot;
  buildBufferizePipeline(pm, bufferize);
  CPUToLLVMPipelineOptions toLLVM;
  toLLVM.func = modelFunctionName(options.modelName);
  toLLVM.profile = options.profile;
  toLLVM.nativeBF16 = options.bf16Dot;
  buildCPUToLLVMPipeline(pm, toLLVM);
}

void buildGPUMapPipeline(OpPassManager &pm,
                         const GPUMapPipelineOptions &options) {
  // Step 1: the kernels with their own GPU strategy: tiled products, warp
  // reductions.
  dlc::GPUTileContractionsOptions tile;
  tile.tensorCores = options.tensorCores;
  pm.addPass(dlc::createGPUTileContractions(tile));
  pm.addPass(dlc::createGPUWarpReductions());
  // Step 2: every other loop nest, one thread per iteration.
  pm.addPass(createConvertLinalgToParallelLoopsPass());
  pm.addPass(createCanonicalizerPass());
  dlc::GPUMapLoopsOptions map;
  map.funcName = options.func;
  map.blockSize = options.blockSize;
  pm.addPass(dlc::createGPUMapLoops(map));
  // Step 3: math without libdevice or OCML.
  pm.addPass(dlc::createGPUPrepareMath());
  pm.addPass(createCanonicalizerPass());
}

void buildGPUEmuToLLVMPipeline(OpPassManager &pm,
                               const GPUEmuPipelineOptions &options) {
  dlc::GPULaunchToLoopsOptions emulate;
  emulate.checkRaces = options.checkRaces;
  emulate.threadOrder = options.threadOrder;
  emulate.seed = options.seed;
  pm.addPass(dlc::createGPULaunchToLoops(emulate));
  CPUToLLVMPipelineOptions toLLVM;
  toLLVM.func = options.func.getValue();
  toLLVM.fromLinalg = false;
  buildCPUToLLVMPipeline(pm, toLLVM);
}

void buildGPUOutlinePipeline(OpPassManager &pm,
                             const GPUOutlinePipelineOptions &options) {
  pm.addPass(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(dlc::createGPUMergeModules());
  dlc::GPULowerLaunchesOptions lower;
  lower.funcName = options.func;
  pm.addPass(dlc::createGPULowerLaunches(lower));
}

void buildGPUPipeline(OpPassManager &pm, const GPUPipelineOptions &options) {
  GPUBufferizePipelineOptions bufferize;
  bufferize.modelName = options.modelName.getValue();
  buildGPUBufferizePipeline(pm, bufferize);
  std::string func = modelFunctionName(options.modelName);
  GPUMapPipelineOptions map;
  map.func = func;
  map.blockSize = options.blockSize;
  buildGPUMapPipeline(pm, map);
  GPUOutlinePipelineOptions outline;
  outline.func = func;
  buildGPUOutlinePipeline(pm, outline);
}

/// The kernels' common lowering, with the vendor's GPU-to-LLVM conversion.
static void buildKernelsPipeline(OpPassManager &pm, unsigned subgroupSize,
                                 std::unique_ptr<Pass> convert) {
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  dlc::GPULowerSubgroupReduceOptions reduce;
  reduce.subgroupSize = subgroupSize;
  kernels.addPass(dlc::createGPULowerSubgroupReduce(reduce));
  kernels.addPass(createLowerAffinePass());
  kernels.addPass(createSCFToControlFlowPass());
  kernels.addPass(memref::createExpandStridedMetadataPass());
  kernels.addPass(createConvertMathToLLVMPass());
  kernels.addPass(std::move(convert));
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
}

void buildGPUKernelsToNVVMPipeline(OpPassManager &pm) {
  // The tensor-core kernels' nvgpu ops (ldmatrix, mma.sync, cp.async)
  // first: bf16 mma.sync by dlc's own rewrite, the rest by upstream.
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(dlc::createGPULowerBF16Mma());
  kernels.addPass(createConvertNVGPUToNVVMPass());
  ConvertGpuOpsToNVVMOpsOptions nvvm;
  nvvm.useBarePtrCallConv = true;
  buildKernelsPipeline(pm, 32, createConvertGpuOpsToNVVMOps(nvvm));
}

void buildGPUKernelsToROCDLPipeline(OpPassManager &pm,
                                    const GPUKernelsPipelineOptions &options) {
  // The matrix-core kernels' amdgpu.mfma first (the chip picks the
  // instruction: 16x16x16 bf16 is the _1k form on gfx90a and gfx942).
  ConvertAMDGPUToROCDLPassOptions amdgpu;
  amdgpu.chipset = options.chipset;
  pm.nest<gpu::GPUModuleOp>().addPass(createConvertAMDGPUToROCDLPass(amdgpu));
  ConvertGpuOpsToROCDLOpsOptions rocdl;
  rocdl.chipset = options.chipset;
  rocdl.useBarePtrCallConv = true;
  // Waves are 64 lanes on CDNA (gfx9), 32 on RDNA.
  unsigned subgroup =
      llvm::StringRef(options.chipset).starts_with("gfx9") ? 64 : 32;
  buildKernelsPipeline(pm, subgroup, createConvertGpuOpsToROCDLOps(rocdl));
}

void buildGPUHostToLLVMPipeline(OpPassManager &pm) {
  pm.addPass(dlc::createCheckStackFrames());
  dlc::EmptyBuffersOptions empty;
  empty.funcName = "";
  pm.addPass(dlc::createEmptyBuffers(empty));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  ConvertFuncToLLVMPassOptions funcToLLVM;
  funcToLLVM.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcToLLVM));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(dlc::createCheckStackFrames());
}

void registerCodegenPipelines() {
  PassPipelineRegistration<GraphToLinalgPipelineOptions>(
      "dlc-graph-to-linalg-pipeline",
      "Graph folds and the lowering of the graph dialect to linalg on "
      "tensors",
      buildGraphToLinalgPipeline);
  PassPipelineRegistration<BufferizePipelineOptions>(
      "dlc-cpu-bufferize-pipeline",
      "The CPU back end's kernels, bufferization and memory plan",
      buildBufferizePipeline);
  PassPipelineRegistration<CPUToLLVMPipelineOptions>(
      "dlc-cpu-to-llvm-pipeline",
      "The CPU back end's lowering of bufferized code to the LLVM dialect",
      buildCPUToLLVMPipeline);
  // The stage's earlier name.
  PassPipelineRegistration<CPUToLLVMPipelineOptions>(
      "dlc-cpu-lower-to-llvm", "Same as dlc-cpu-to-llvm-pipeline",
      buildCPUToLLVMPipeline);
  PassPipelineRegistration<CPUPipelineOptions>(
      "dlc-cpu-pipeline",
      "The CPU back end from linalg on tensors to the LLVM dialect",
      buildCPUPipeline);
  PassPipelineRegistration<GPUBufferizePipelineOptions>(
      "dlc-gpu-bufferize-pipeline",
      "The GPU back ends' bufferization and memory plan (weights blob)",
      buildGPUBufferizePipeline);
  PassPipelineRegistration<GPUMapPipelineOptions>(
      "dlc-gpu-map-pipeline",
      "Bufferized loops to gpu.launch ops (tiles, reductions, mapping)",
      buildGPUMapPipeline);
  PassPipelineRegistration<GPUEmuPipelineOptions>(
      "dlc-gpu-emu-to-llvm-pipeline",
      "gpu-emu: the launches as host loops, then the CPU's LLVM lowering",
      buildGPUEmuToLLVMPipeline);
  PassPipelineRegistration<GPUOutlinePipelineOptions>(
      "dlc-gpu-outline-pipeline",
      "gpu.launch ops to one gpu.module and the host's launch calls",
      buildGPUOutlinePipeline);
  PassPipelineRegistration<GPUPipelineOptions>(
      "dlc-gpu-pipeline",
      "The GPU back ends from linalg on tensors to the host function and "
      "its gpu.module",
      buildGPUPipeline);
  PassPipelineRegistration<>("dlc-gpu-kernels-to-nvvm-pipeline",
                             "The kernels of the gpu.modules to NVVM",
                             buildGPUKernelsToNVVMPipeline);
  PassPipelineRegistration<GPUKernelsPipelineOptions>(
      "dlc-gpu-kernels-to-rocdl-pipeline",
      "The kernels of the gpu.modules to ROCDL",
      buildGPUKernelsToROCDLPipeline);
  PassPipelineRegistration<>("dlc-gpu-host-to-llvm-pipeline",
                             "The host code of cuda/rocm to the LLVM dialect",
                             buildGPUHostToLLVMPipeline);
}

} // namespace dlc::codegen

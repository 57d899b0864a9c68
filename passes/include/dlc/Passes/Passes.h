//===- Passes.h - dlc pass registration -------------------------*- C++ -*-===//

#ifndef DLC_PASSES_PASSES_H
#define DLC_PASSES_PASSES_H

#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "dlc/Dialect/Kernel/KernelDialect.h"

namespace dlc {

#define GEN_PASS_DECL
#include "dlc/Passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dlc/Passes/Passes.h.inc"

/// The names gpu-kernel-outlining gives the module's gpu.launch ops, in
/// walk order: F_kernel, then F_kernel_0, F_kernel_1, ... per function F
/// (gpu-emu's diagnostics and the GPU targets' kernel reports use them).
std::vector<std::string> outlinedKernelNames(mlir::ModuleOp module);

/// Registers dlc's passes and the upstream passes dlc pipelines use, so that
/// dlc-opt can reproduce any step of a compile.
void registerDLCPasses();

} // namespace dlc

#endif // DLC_PASSES_PASSES_H

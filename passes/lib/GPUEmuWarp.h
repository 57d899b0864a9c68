//===- GPUEmuWarp.h - warp-collective ops on the host -----------*- C++ -*-===//
//
// gpu-emu's model of the warp-level matrix ops of the tensor-core kernels:
// nvgpu.ldmatrix and nvgpu.mma.sync (NVIDIA, warps of 32 lanes) and
// amdgpu.mfma (AMD CDNA, waves of 64 lanes). As on the hardware, each lane
// holds only its own registers of a fragment. A phase of the emulated
// threads ends at such an op: every thread stores its operands (ldmatrix:
// its row address; mma.sync, mfma: its fragment registers, vectors of any
// rank) into slots; then, for each warp or wave of the block, the op runs
// on the slots of its lanes with the hardware's per-lane layouts (PTX ISA:
// ldmatrix .m8n8.x1/x2/x4 [.trans] .b16; mma.sync m16n8k16 .row.col f32 +=
// f16/bf16 x f16/bf16; CDNA3 ISA: v_mfma_f32_16x16x16_f16 / _bf16_1k) and
// writes every lane's result registers to its result slot, which later
// phases read. A lane-mapping, fragment-layout or swizzle bug therefore
// gives wrong numbers here, not only on a GPU.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_PASSES_GPUEMUWARP_H
#define DLC_PASSES_GPUEMUWARP_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace dlc::emu {

/// Whether `op` is a warp-collective op the emulation models by slots.
bool isWarpCollective(mlir::Operation *op);

/// The per-thread slots of one collective op.
struct WarpSlots {
  /// Operands: ldmatrix one (the indices), mma.sync and mfma three (A, B,
  /// C).
  llvm::SmallVector<mlir::Value, 3> in;
  mlir::Value out;
};

/// Allocates the slots of `op` for `threads` threads with `allocate`
/// (shape, element type -> a heap buffer); fails with a message for
/// forms it does not model.
mlir::LogicalResult allocateWarpSlots(
    mlir::Operation *op, int64_t threads,
    llvm::function_ref<mlir::Value(llvm::ArrayRef<int64_t>, mlir::Type)>
        allocate,
    WarpSlots &slots);

/// Inside a phase: the thread `linear` stores the (mapped) operands.
void storeWarpOperands(mlir::OpBuilder &b, mlir::Operation *op,
                       mlir::IRMapping &map, const WarpSlots &slots,
                       mlir::Value linear);

/// At block level, after the phase: the op for every warp (mfma: every
/// 64-lane wave) of the block.
/// `map` maps the kernel's workgroup buffers to the emulated ones.
void combineWarps(mlir::OpBuilder &b, mlir::Operation *op,
                  mlir::IRMapping &map, const WarpSlots &slots,
                  int64_t threads);

/// In a later phase: result `resultNumber` of `op` for thread `linear`.
mlir::Value loadWarpResult(mlir::OpBuilder &b, mlir::Operation *op,
                           const WarpSlots &slots, mlir::Value linear);

} // namespace dlc::emu

#endif // DLC_PASSES_GPUEMUWARP_H

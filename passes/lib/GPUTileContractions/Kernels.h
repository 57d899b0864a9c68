//===- Kernels.h - the kernels of dlc-gpu-tile-contractions -----*- C++ -*-===//

#ifndef DLC_PASSES_GPUTILECONTRACTIONS_KERNELS_H
#define DLC_PASSES_GPUTILECONTRACTIONS_KERNELS_H

#include "Common.h"

namespace dlc::gputile {

/// Replaces `c` by a SIMT kernel (each thread a register tile of C, fused
/// multiply-adds); false when the cost model leaves the product to the
/// per-thread mapping.
/// `whyNotTensorCores` ("" when the pass may not use them) goes into the
/// kernel's description.
bool buildSimtKernel(Contraction &c, bool fuseEpilogues,
                     llvm::StringRef whyNotTensorCores = "");

/// Why a product cannot use the tensor cores, or "" when it can: fp16 or
/// bf16 inputs (both the same) and a size the tensor-core tiles fit.
std::string mmaRefusal(const Contraction &c);

/// Replaces `c` by a tensor-core kernel: mma.sync m16n8k16 on fragments
/// loaded by ldmatrix from padded workgroup memory, the slices staged by a
/// three-stage cp.async pipeline when both operands are contiguous along
/// their tile rows (else by coalesced loads), the epilogue applied to the
/// accumulators. Only called when mmaRefusal is "".
void buildMmaKernel(Contraction &c, bool fuseEpilogues);

/// Why a product cannot use the AMD matrix cores, or "" when it can: fp16
/// or bf16 inputs (both the same) and a size the mfma tiles fit.
std::string mfmaRefusal(const Contraction &c);

/// Replaces `c` by an AMD matrix-core kernel: four 64-lane waves, A and B
/// slices staged in padded workgroup memory, each lane's fragment
/// registers read from there, amdgpu.mfma 16x16x16 into f32 accumulators,
/// the epilogue applied to them. Only called when mfmaRefusal is "".
void buildMfmaKernel(Contraction &c, bool fuseEpilogues);

} // namespace dlc::gputile

#endif // DLC_PASSES_GPUTILECONTRACTIONS_KERNELS_H

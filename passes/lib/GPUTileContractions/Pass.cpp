//===- Pass.cpp - dlc-gpu-tile-contractions -------------------------------===//
//
// Picks the kernel of each contraction: the tensor-core kernel (Mma.cpp on
// NVIDIA, Mfma.cpp on AMD) when the target has tensor cores the pass may
// use and the product's inputs are fp16 / bf16, else the SIMT kernel
// (Simt.cpp), else nothing (dlc-gpu-map-loops maps it one thread per
// output).
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "dlc/Passes/Contractions.h"
#include "dlc/Passes/Passes.h"

namespace dlc {
#define GEN_PASS_DEF_GPUTILECONTRACTIONS
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

struct GPUTileContractionsPass
    : dlc::impl::GPUTileContractionsBase<GPUTileContractionsPass> {
  using GPUTileContractionsBase::GPUTileContractionsBase;

  void runOnOperation() override {
    if (tensorCores != "none" && tensorCores != "mma.sync" &&
        tensorCores != "mfma") {
      getOperation().emitError("dlc-gpu-tile-contractions: tensor-cores "
                               "must be none, mma.sync or mfma, not '")
          << tensorCores << "'";
      return signalPassFailure();
    }
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!op.hasPureBufferSemantics() || op->getParentOfType<gpu::LaunchOp>())
        return;
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) ||
          (generic && (dlc::isMulAddPayload(generic) ||
                       dlc::isWideningMulAddPayload(generic))))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      std::optional<dlc::gputile::Contraction> c = dlc::gputile::classify(op);
      if (!c)
        continue;
      std::string refusal;
      if (tensorCores == "mma.sync") {
        refusal = dlc::gputile::mmaRefusal(*c);
        if (refusal.empty()) {
          dlc::gputile::buildMmaKernel(*c, fuseEpilogues);
          continue;
        }
      }
      if (tensorCores == "mfma") {
        refusal = dlc::gputile::mfmaRefusal(*c);
        if (refusal.empty()) {
          dlc::gputile::buildMfmaKernel(*c, fuseEpilogues);
          continue;
        }
      }
      dlc::gputile::buildSimtKernel(*c, fuseEpilogues, refusal);
    }
  }
};

} // namespace

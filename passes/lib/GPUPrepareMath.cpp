//===- GPUPrepareMath.cpp - math that every GPU back end can lower --------===//
//
// Kernels must not call libdevice (__nv_*) or the ROCm device libraries
// (__ocml_*): math ops are rewritten into arithmetic plus the few
// intrinsics that NVPTX and AMDGPU select natively.
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dlc {
#define GEN_PASS_DEF_GPUPREPAREMATH
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// Math ops that both GPU back ends lower to instructions for any float
/// type (through convert-math-to-llvm's intrinsics).
bool isNativeOnGPU(Operation *op) {
  return isa<math::SqrtOp, math::AbsFOp, math::AbsIOp, math::FmaOp,
             math::FloorOp, math::CeilOp, math::RoundOp, math::RoundEvenOp,
             math::TruncOp, math::CopySignOp, math::CountLeadingZerosOp,
             math::CountTrailingZerosOp, math::CtPopOp, math::IsNaNOp,
             math::IsInfOp, math::IsFiniteOp>(op);
}

struct GPUPrepareMathPass
    : dlc::impl::GPUPrepareMathBase<GPUPrepareMathPass> {
  using GPUPrepareMathBase::GPUPrepareMathBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    // tanh keeps its own approximation (more accurate near 0 than the
    // exp-based expansion).
    math::populateExpansionPatterns(
        patterns, {"tan", "sinh", "cosh", "asinh", "acosh", "atanh", "powf",
                   "fpowi", "rsqrt", "exp2", "ipowi"});
    auto all = [](StringRef) { return true; };
    populateMathF32ExpansionPatterns(patterns, all);
    populateMathPolynomialApproximationPatterns(patterns, all);
    FrozenRewritePatternSet frozen(std::move(patterns));

    SmallVector<Operation *> roots;
    getOperation().walk([&](Operation *op) {
      if (isa<gpu::LaunchOp, gpu::GPUModuleOp>(op))
        roots.push_back(op);
      return isa<gpu::LaunchOp, gpu::GPUModuleOp>(op) ? WalkResult::skip()
                                                      : WalkResult::advance();
    });
    for (Operation *root : roots) {
      if (failed(applyPatternsGreedily(root, frozen))) {
        root->emitError("dlc-gpu-prepare-math: rewriting did not converge");
        return signalPassFailure();
      }
      WalkResult result = root->walk([&](Operation *op) {
        if (op->getDialect() && op->getDialect()->getNamespace() == "math" &&
            !isNativeOnGPU(op)) {
          Type t = op->getNumResults() ? op->getResult(0).getType() : Type();
          op->emitError() << "'" << op->getName()
                          << "' on " << t
                          << " is not supported by the GPU targets yet";
          return WalkResult::interrupt();
        }
        return WalkResult::advance();
      });
      if (result.wasInterrupted())
        return signalPassFailure();
    }
  }
};

} // namespace

//===- FuseElementwise.cpp - elementwise fusion without recomputation -----===//

#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dlc {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

struct FuseElementwisePass
    : dlc::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(
        patterns, [](OpOperand *operand) {
          auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
          if (!consumer ||
              consumer.getNumParallelLoops() != consumer.getNumLoops())
            return false;
          // A producer that other ops read too would stay and be computed
          // again inside the consumer (and a residual chain would nest
          // every block's elementwise work into the next one).
          Operation *producer = operand->get().getDefiningOp();
          return producer &&
                 llvm::all_of(producer->getUsers(), [&](Operation *user) {
                   return user == consumer.getOperation();
                 });
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

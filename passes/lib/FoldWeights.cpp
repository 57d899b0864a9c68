//===- FoldWeights.cpp - weight-only subgraphs folded at compile time -----===//

#include "dlc/Dialect/Graph/GraphUtils.h"
#include "dlc/Passes/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dlc {
#define GEN_PASS_DEF_FOLDWEIGHTS
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

struct FoldWeightsPass : dlc::impl::FoldWeightsBase<FoldWeightsPass> {
  void runOnOperation() override {
    // The greedy driver folds every op (and drops dead constants); the
    // scope lets the graph folders evaluate constants of any size.
    dlc::graph::UnboundedFoldScope unbounded;
    GreedyRewriteConfig config;
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    if (failed(applyPatternsGreedily(getOperation(),
                                     FrozenRewritePatternSet(), config)))
      return signalPassFailure();
  }
};

} // namespace

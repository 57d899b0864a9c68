//===- InterchangeReductions.cpp - contiguous innermost loops -------------===//
//
// Naive loops of a contraction (C[i,j] += A[i,k] * B[k,j]) put the reduction
// innermost: a scalar chain over strided elements. Moving the reductions
// outside the last parallel loop makes the innermost loop a contiguous,
// independent update that LLVM's vectorizer handles.
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace dlc {
#define GEN_PASS_DEF_INTERCHANGEREDUCTIONS
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// True when `map`'s innermost result involves loop `dim`.
bool innermostUses(AffineMap map, unsigned dim) {
  if (map.getNumResults() == 0)
    return false;
  return map.getResults().back().isFunctionOfDim(dim);
}

struct InterchangeReductionsPass
    : dlc::impl::InterchangeReductionsBase<InterchangeReductionsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && op.getNumDpsInits() == 1 &&
          op.getNumDpsInputs() >= 2)
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
      if (iters.empty() || iters.back() != utils::IteratorType::reduction)
        continue;
      SmallVector<unsigned> parallel, reduction;
      for (auto [i, t] : llvm::enumerate(iters))
        (t == utils::IteratorType::parallel ? parallel : reduction)
            .push_back(i);
      if (parallel.empty())
        continue;
      unsigned last = parallel.back();
      SmallVector<AffineMap> maps = op.getIndexingMapsArray();
      if (!innermostUses(maps.back(), last))
        continue;
      bool inputContiguous = false;
      for (OpOperand *in : op.getDpsInputOperands())
        inputContiguous |= innermostUses(maps[in->getOperandNumber()], last);
      if (!inputContiguous)
        continue;
      SmallVector<unsigned> order(parallel.begin(), parallel.end() - 1);
      order.append(reduction.begin(), reduction.end());
      order.push_back(last);
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> g = linalg::generalizeNamedOp(rewriter, op);
        if (failed(g))
          continue;
        generic = *g;
      }
      (void)linalg::interchangeGenericOp(rewriter, generic, order);
    }
  }
};

} // namespace

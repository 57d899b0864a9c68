//===- Pass.cpp - register-tiled, vectorized CPU products -----------------===//
//
// Every f32 contraction on memrefs (matmul, batched and broadcast products,
// convolutions as implicit GEMM) becomes one CPU kernel:
//
//   parallel over tasks (batch x groups of N panels), on the thread pool
//     for each nr-wide panel of N
//       V panel: read in place when its nr columns are contiguous, else
//         gathered into a per-task [K][nr] buffer (zero beyond N); a
//         constant V (weights) is packed into [N/nr][K][nr] at compile time
//       for each mr-row tile of M
//         mr x nr accumulators in vector registers (nr/lanes vectors a row),
//         one k step = nr/lanes vector loads of V, mr broadcasts of S,
//         mr * nr/lanes FMAs; a constant S is packed into [M/mr][K][mr]
//         at compile time
//         the epilogue (the elementwise consumer: bias, activation,
//         residual add, cast) applied to the registers, then stored
//
// The loops of the op are classified by operand use as in the GPU tiler:
// batch (S, V, C), M (S, C), N (V, C), K (reductions). V is the input that
// shares C's innermost loop, so the vectors run along contiguous memory of
// C. Every operand offset is linear in the loops (affine maps over strided
// memrefs), so it splits into per-M, per-N and per-K parts; these become
// small constant tables, which also tell at compile time which panels are
// contiguous. Tile sizes come from CPUCostModel.h.
//
// The transform-dialect schedule of the MLIR 22 notes (pack, tile, vectorize,
// lower_contraction) was the first candidate; it needs sizes divisible by the
// tiles (masked vectorization failed to lower or ran at 4 GFLOP/s) and does
// not cover convolutions with windows, so the kernels are built here
// directly from vector ops instead.
//
//===----------------------------------------------------------------------===//

#include "Plan.h"
#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dlc {
#define GEN_PASS_DEF_CPUTILECONTRACTIONS
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using namespace dlc::cpu_contractions;

namespace {

struct CPUTileContractionsPass
    : dlc::impl::CPUTileContractionsBase<CPUTileContractionsPass> {
  using CPUTileContractionsBase::CPUTileContractionsBase;

  void runOnOperation() override;
  /// Builds the kernel of `op`; with `swap`, the vectors run along the
  /// other input (a constant), e.g. output channels of a convolution
  /// whose rows are short. With `cost`, only estimates its cycles.
  LogicalResult rewrite(linalg::LinalgOp op, int id, bool swap,
                        double *cost);
};

LogicalResult CPUTileContractionsPass::rewrite(linalg::LinalgOp op, int id,
                                               bool swap, double *cost) {
  PlanOptions options;
  options.vectorBits = vectorBits;
  options.vectorRegisters = vectorRegisters;
  options.fuseEpilogues = fuseEpilogues;
  options.bf16Dot = bf16Dot;
  ContractionPlan plan;
  if (failed(plan.analyze(op, getOperation(), swap, options,
                          /*forCost=*/cost != nullptr)))
    return failure();
  if (cost) {
    *cost = plan.cost();
    return success();
  }
  return plan.emit(id);
}

void CPUTileContractionsPass::runOnOperation() {
  SmallVector<linalg::LinalgOp> ops;
  getOperation().walk([&](linalg::LinalgOp op) {
    if (op.hasPureBufferSemantics() && isa<func::FuncOp>(op->getParentOp()) &&
        op.getNumDpsInputs() == 2 && op.getNumDpsInits() == 1 && isMulAdd(op))
      ops.push_back(op);
  });
  int id = 0;
  for (linalg::LinalgOp op : ops)
  {
    double plain = 0, swapped = 0;
    bool canPlain = succeeded(rewrite(op, id, false, &plain));
    // Vectors along the weights: for convolutions with short rows (7x7,
    // 14x14) the output channels fill whole panels with no extra columns
    // (ResNet-50's 3x3 at 14x14: 206 against 148 GFLOP/s).
    bool canSwap = swapOperands && succeeded(rewrite(op, id, true, &swapped));
    if (!canPlain && !canSwap)
      continue;
    bool swap = canSwap && (!canPlain || swapped < plain);
    if (succeeded(rewrite(op, id, swap, nullptr)))
      ++id;
  }
  // Transcendental functions of the epilogues (GELU's erf, tanh, sigmoid's
  // exp) as polynomials on the vectors instead of a libm call per lane.
  {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(
        patterns, [](StringRef name) {
          return name == "erf" || name == "tanh" || name == "exp" ||
                 name == "expm1" || name == "log" || name == "log1p";
        });
    FrozenRewritePatternSet frozen(std::move(patterns));
    SmallVector<scf::ParallelOp> kernels;
    getOperation().walk([&](scf::ParallelOp par) {
      if (par->hasAttr("dlc.strategy"))
        kernels.push_back(par);
    });
    for (scf::ParallelOp par : kernels)
      if (failed(applyPatternsGreedily(par, frozen)))
        return signalPassFailure();
  }
  // Weights that only the packed copies read any more.
  getOperation().walk([](memref::GetGlobalOp get) {
    if (get->use_empty())
      get->erase();
  });
  for (auto global : llvm::make_early_inc_range(
           getOperation().getOps<memref::GlobalOp>())) {
    auto uses = SymbolTable::getSymbolUses(global, getOperation());
    if (uses && uses->empty())
      global.erase();
  }
}

} // namespace

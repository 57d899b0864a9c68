//===- LowerKernels.cpp - kernel groups into the target's kernels ---------===//
//
// Each kernel.group is replaced by its ops, rewritten into one kernel:
//
//   contraction groups: the transposes feeding the product are folded into
//     its indexing maps (upstream elementwise fusion of a pure permutation),
//     a transpose of its result into its output map; the epilogue stays
//     right after the product, where the kernel strategies (CPU register
//     tiles, GPU shared-memory tiles) apply it before the store;
//   row groups (softmax, normalization, reduction), with `tile-rows`: the
//     last op is tiled over its rows into one scf.forall with every other
//     member fused into the tile (upstream tile-and-fuse,
//     scf::tileConsumerAndFuseProducersUsingSCF): one parallel kernel whose
//     task computes the whole row chain of its rows, reading the input once
//     from memory. Without `tile-rows` (GPU) the ops stay as they are.
//
// The tiled root gets `dlc.kind`, `dlc.strategy`, `dlc.flops` and
// `dlc.bytes` for dlc-describe-kernels (they survive bufferization on the
// linalg op; the loop around it is rebuilt by it).
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Kernel/KernelDialect.h"
#include "dlc/Dialect/Kernel/KernelOps.h"
#include "dlc/Passes/CPUCostModel.h"
#include "dlc/Passes/Kernels.h"
#include "dlc/Passes/OpInfo.h"
#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

namespace dlc {
#define GEN_PASS_DEF_LOWERKERNELS
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using namespace dlc;

namespace {

/// Arithmetic of a linalg op: its payload's ops times its iterations.
int64_t flopsOf(Operation *op) {
  auto g = dyn_cast<linalg::GenericOp>(op);
  return g ? dlc::saturatingMul(dlc::payloadArith(g), dlc::staticIterations(g))
           : 0;
}

struct LowerKernelsPass : dlc::impl::LowerKernelsBase<LowerKernelsPass> {
  using LowerKernelsBase::LowerKernelsBase;

  void runOnOperation() override {
    SmallVector<kernel::GroupOp> groups;
    getOperation().walk([&](kernel::GroupOp g) { groups.push_back(g); });
    for (kernel::GroupOp g : groups)
      if (failed(lower(g)))
        return signalPassFailure();
  }

  LogicalResult lower(kernel::GroupOp group) {
    std::string kind = group.getKind().str();
    int64_t bytes = 0;
    for (Value v : group.getInputs())
      bytes = dlc::saturatingAdd(bytes, dlc::staticBytes(v.getType()));
    for (Value v : group.getResults())
      bytes = dlc::saturatingAdd(bytes, dlc::staticBytes(v.getType()));
    // Inline the body before the group.
    Block &body = group.getBodyBlock();
    Operation *root = group.getRoot();
    if (!root)
      return group.emitOpError("has no root op");
    for (auto [arg, in] : llvm::zip(body.getArguments(), group.getInputs()))
      arg.replaceAllUsesWith(in);
    auto yield = cast<kernel::YieldOp>(body.getTerminator());
    llvm::SetVector<Operation *> members;
    for (Operation &op : body.without_terminator())
      members.insert(&op);
    for (auto [r, v] : llvm::zip(group.getResults(), yield.getValues()))
      r.replaceAllUsesWith(v);
    Block *parent = group->getBlock();
    parent->getOperations().splice(group->getIterator(), body.getOperations(),
                                   body.begin(), yield->getIterator());
    group.erase();
    root->removeAttr(kernel::KernelDialect::rootAttrName());

    IRRewriter rewriter(root->getContext());
    if (kind == "contraction" || kind == "convolution")
      return foldTransposes(rewriter, root, members);
    if (tileRows &&
        (kind == "softmax" || kind == "normalization" || kind == "reduction") &&
        members.size() > 1)
      return tileRowGroup(rewriter, root, members, kind, bytes);
    return success();
  }

  /// Folds the member transposes around a generic product into its maps.
  LogicalResult foldTransposes(IRRewriter &rewriter, Operation *root,
                               llvm::SetVector<Operation *> &members) {
    auto generic = dyn_cast<linalg::GenericOp>(root);
    if (!generic)
      return success();
    for (unsigned i = 0; i < generic.getNumDpsInputs(); ++i) {
      OpOperand *in = generic.getDpsInputOperand(i);
      Operation *def = in->get().getDefiningOp();
      if (!def || !members.contains(def) || !dlc::isPermutationCopy(def))
        continue;
      if (auto t = dyn_cast<linalg::TransposeOp>(def)) {
        rewriter.setInsertionPoint(t);
        FailureOr<linalg::GenericOp> g = linalg::generalizeNamedOp(rewriter, t);
        if (failed(g))
          continue;
        def = *g;
      }
      if (!linalg::areElementwiseOpsFusable(in))
        continue;
      rewriter.setInsertionPoint(generic);
      FailureOr<linalg::ElementwiseOpFusionResult> fused =
          linalg::fuseElementwiseOps(rewriter, in);
      if (failed(fused))
        continue;
      for (auto [from, to] : fused->replacements)
        rewriter.replaceAllUsesExcept(from, to, fused->fusedOp);
      Operation *old = generic;
      generic = cast<linalg::GenericOp>(fused->fusedOp);
      // The fused product keeps what the product carried (dlc.precision).
      for (NamedAttribute a : old->getDiscardableAttrs())
        if (!generic->hasAttr(a.getName()))
          generic->setAttr(a.getName(), a.getValue());
      if (old->use_empty())
        rewriter.eraseOp(old);
      if (def->use_empty())
        rewriter.eraseOp(def);
    }
    // A transpose of the result: write the product through the permuted
    // output map into the transpose's destination, zero-filled.
    if (generic->getNumResults() == 1 && generic->getResult(0).hasOneUse()) {
      Operation *user = *generic->getResult(0).getUsers().begin();
      auto fill = generic.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
      if (members.contains(user) && dlc::isPermutationCopy(user) && fill &&
          fill->hasOneUse()) {
        if (auto t = dyn_cast<linalg::TransposeOp>(user)) {
          rewriter.setInsertionPoint(t);
          FailureOr<linalg::GenericOp> g =
              linalg::generalizeNamedOp(rewriter, t);
          if (failed(g))
            return success();
          user = *g;
        }
        auto tg = cast<linalg::GenericOp>(user);
        // tg: out[y] = in[x] with x = inMap(y); the product writes C[m(d)]
        // and now writes out[y] with inMap(y) = m(d): y = inMap^-1(m(d)).
        AffineMap inv = inversePermutation(tg.getIndexingMapsArray()[0]);
        SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
        maps.back() = inv.compose(maps.back());
        rewriter.setInsertionPoint(generic);
        // The destination must be available at the product: defined before
        // it, or an empty that can move there.
        Value dest = tg.getDpsInits()[0];
        Operation *d = dest.getDefiningOp();
        if (!d)
          return success();
        if (!d->isBeforeInBlock(generic)) {
          if (!isa<tensor::EmptyOp>(d))
            return success();
          d->moveBefore(generic);
        }
        auto newFill = linalg::FillOp::create(rewriter, fill.getLoc(),
                                              fill.getInputs()[0], dest);
        auto product = linalg::GenericOp::create(
            rewriter, generic.getLoc(), TypeRange{dest.getType()},
            generic.getDpsInputs(), ValueRange{newFill.getResult(0)}, maps,
            generic.getIteratorTypesArray());
        rewriter.inlineRegionBefore(generic.getRegion(), product.getRegion(),
                                    product.getRegion().begin());
        product->setLoc(rewriter.getFusedLoc({generic.getLoc(), tg.getLoc()}));
        // What the product carries (dlc.precision = "tf32", ...) stays.
        product->setDiscardableAttrs(generic->getDiscardableAttrDictionary());
        rewriter.replaceOp(tg, product->getResults());
        rewriter.eraseOp(generic);
        rewriter.eraseOp(fill);
      }
    }
    return success();
  }

  /// Tiles the rows of `root` with every other member fused into the tile.
  LogicalResult tileRowGroup(IRRewriter &rewriter, Operation *root,
                             llvm::SetVector<Operation *> &members,
                             StringRef kind, int64_t bytes) {
    auto l = cast<linalg::LinalgOp>(root);
    SmallVector<int64_t> ranges = l.getStaticLoopRanges();
    if (llvm::any_of(ranges, ShapedType::isDynamic))
      return success();
    // A kernel over an empty dimension does no work (upstream's tile-and-fuse
    // divides by its zero size).
    auto empty = [](Operation *op) {
      auto m = dyn_cast<linalg::LinalgOp>(op);
      return m && llvm::is_contained(m.getStaticLoopRanges(), 0);
    };
    if (empty(root) || llvm::any_of(members, empty))
      return success();
    // The rows: the leading parallel loops. The loops after them must all
    // be reductions (tiling a reduction loop across tasks is not thread
    // safe); an all-parallel root keeps its innermost loop whole.
    SmallVector<utils::IteratorType> iters = l.getIteratorTypesArray();
    int64_t n = ranges.size(), k = 0;
    while (k < n && iters[k] == utils::IteratorType::parallel)
      ++k;
    if (k == n)
      k = n - 1;
    for (int64_t i = k; i < n; ++i)
      if (iters[i] == utils::IteratorType::parallel && k != n - 1)
        return success();
    if (k <= 0)
      return success();
    int64_t rows = 1, rowElems = 1;
    for (int64_t i = 0; i < k; ++i)
      rows *= ranges[i];
    for (int64_t i = k; i < n; ++i)
      rowElems *= ranges[i];
    int64_t elemBytes = 4;
    if (auto t = dyn_cast<RankedTensorType>(root->getResult(0).getType()))
      elemBytes = std::max<int64_t>(
          1, t.getElementType().getIntOrFloatBitWidth() / 8);
    dlc::cpu::CPUTargetInfo info;
    int64_t tile =
        dlc::cpu::chooseRowTile(info, rows, rowElems * elemBytes, threads);
    // Whole tiles only (static shapes in the tile): a divisor of the
    // innermost row loop, or whole multiples of it.
    if (tile < ranges[k - 1]) {
      while (ranges[k - 1] % tile)
        --tile;
    } else {
      tile -= tile % ranges[k - 1];
      while (tile > ranges[k - 1] && (rows % tile))
        tile -= ranges[k - 1];
    }
    // The tile covers `tile` rows of the innermost row loop (whole outer
    // rows when the tile is larger).
    SmallVector<OpFoldResult> sizes;
    int64_t left = tile;
    for (int64_t i = k - 1; i >= 0; --i) {
      int64_t s = std::max<int64_t>(1, std::min(left, ranges[i]));
      sizes.insert(sizes.begin(), rewriter.getIndexAttr(s));
      left = ranges[i] >= left ? 1 : left / ranges[i];
    }
    for (int64_t i = k; i < n; ++i)
      sizes.push_back(rewriter.getIndexAttr(0));
    int64_t tasks = 1;
    for (int64_t i = 0; i < k; ++i) {
      int64_t s = *getConstantIntValue(sizes[i]);
      tasks *= (ranges[i] + s - 1) / s;
    }
    if (tasks < 2)
      return success();

    int64_t flops = 0;
    for (Operation *m : members)
      flops = dlc::saturatingAdd(flops, flopsOf(m));
    scf::SCFTilingOptions tiling;
    tiling.setTileSizes(sizes);
    tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
    scf::SCFTileAndFuseOptions options;
    options.setTilingOptions(tiling);
    options.setFusionControlFn(
        [&](tensor::ExtractSliceOp, OpResult producer,
            bool) -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          if (members.contains(producer.getOwner()))
            return scf::SCFTileAndFuseOptions::ControlFnResult{};
          return std::nullopt;
        });
    rewriter.setInsertionPoint(root);
    FailureOr<scf::SCFTileAndFuseResult> result =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(root), options);
    if (failed(result))
      return success(); // left as loops over the whole op
    for (OpResult r : root->getResults())
      if (Value repl = result->replacements.lookup(r))
        rewriter.replaceAllUsesWith(r, repl);
    // The untiled members are dead now.
    for (Operation *m : llvm::reverse(members))
      if (m->use_empty() && isMemoryEffectFree(m))
        rewriter.eraseOp(m);
    // Clean the tile: slices of empties become empties of the tile's
    // shape, the copies fused once per use are merged.
    Operation *loop = result->loops.front();
    {
      RewritePatternSet patterns(rewriter.getContext());
      tensor::populateFoldTensorEmptyPatterns(patterns);
      MLIRContext *ctx = rewriter.getContext();
      tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns, ctx);
      tensor::EmptyOp::getCanonicalizationPatterns(patterns, ctx);
      affine::AffineMinOp::getCanonicalizationPatterns(patterns, ctx);
      affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
      linalg::FillOp::getCanonicalizationPatterns(patterns, ctx);
      linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
      // exp (softmax) and the other transcendental functions as
      // polynomials that LLVM vectorizes, instead of a libm call per
      // element (as in the contraction kernels' epilogues).
      populateMathPolynomialApproximationPatterns(
          patterns, [](StringRef name) {
            return name == "erf" || name == "tanh" || name == "exp" ||
                   name == "expm1" || name == "log" || name == "log1p";
          });
      GreedyRewriteConfig config;
      config.setScope(&loop->getRegion(0));
      if (failed(applyPatternsGreedily(loop->getRegion(0), std::move(patterns),
                                       config)))
        return loop->emitError("dlc-lower-kernels: cannot simplify the tile");
      DominanceInfo dom(loop);
      eliminateCommonSubExpressions(rewriter, dom, loop);
    }
    // The row reductions may be reassociated: LLVM then vectorizes them
    // (several vector accumulators) instead of one scalar add chain per row.
    // In a softmax the row maximum may also ignore NaNs (nnan, so that it
    // vectorizes as a plain max): a NaN in the row makes exp(x - max), the
    // sum and every output of the row NaN either way.
    arith::FastMathFlags flags = arith::FastMathFlags::reassoc;
    if (kind == "softmax")
      flags = flags | arith::FastMathFlags::nnan;
    loop->walk([&](linalg::GenericOp g) {
      if (g.getNumReductionLoops() == 0)
        return;
      g.getRegion().walk([&](Operation *p) {
        auto fm = dyn_cast<arith::ArithFastMathInterface>(p);
        if (!fm)
          return;
        arith::FastMathFlags f = flags;
        if (!isa<arith::MaximumFOp, arith::MinimumFOp>(p))
          f = arith::FastMathFlags::reassoc;
        // The attribute is optional on some ops (arith.extf, arith.truncf).
        arith::FastMathFlagsAttr old = fm.getFastMathFlagsAttr();
        p->setAttr(fm.getFastMathAttrName(),
                   arith::FastMathFlagsAttr::get(
                       rewriter.getContext(),
                       (old ? old.getValue() : arith::FastMathFlags::none) |
                           f));
      });
    });
    Operation *tiled = nullptr;
    loop->walk([&](linalg::LinalgOp op) {
      for (Value r : op->getResults())
        for (Operation *u : r.getUsers())
          if (isa<tensor::ParallelInsertSliceOp>(u))
            tiled = op;
    });
    if (!tiled)
      return loop->emitError("dlc-lower-kernels: the row tile has no result");
    int64_t fused = 0;
    loop->walk([&](linalg::LinalgOp) { ++fused; });
    std::string strategy;
    llvm::raw_string_ostream os(strategy);
    os << "row tiles: " << tile << " of " << rows << " rows (" << rowElems
       << " elements each) per task, " << tasks << " tasks; " << fused
       << " ops fused in the tile";
    tiled->setAttr("dlc.kind", rewriter.getStringAttr(kind));
    tiled->setAttr("dlc.strategy", rewriter.getStringAttr(strategy));
    tiled->setAttr("dlc.flops", rewriter.getI64IntegerAttr(flops));
    tiled->setAttr("dlc.bytes", rewriter.getI64IntegerAttr(bytes));
    SmallVector<int64_t> tileSizes;
    for (OpFoldResult s : sizes)
      tileSizes.push_back(*getConstantIntValue(s));
    tiled->setAttr("dlc.tiles", rewriter.getDenseI64ArrayAttr(tileSizes));
    return success();
  }
};

} // namespace

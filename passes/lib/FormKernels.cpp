//===- FormKernels.cpp - group linalg-on-tensors ops into kernels ---------===//
//
// Every computing linalg op of the model function ends up in exactly one
// kernel.group. The decisions, in this order:
//
//   contraction / convolution groups: the product, its zero fill, the pure
//     transposes that feed it (read through the product's indexing maps
//     instead of copied), its single elementwise consumer (bias, activation,
//     residual add: the epilogue) or, without one, a single transpose of
//     its result (written through the output map);
//   row groups (softmax, normalization, reduction): a row-wise reduction
//     with every op between it and the last elementwise op that reads it,
//     as long as all of them share the leading (row) loops, so that tiling
//     the rows of the last op computes each producer once per row tile and
//     never once per reduction step;
//   every other linalg op is a group of its own (elementwise, pooling,
//     data-movement, reduction).
//
// A producer joins a group only when all of its users are in it: nothing
// is ever computed twice. Unit dimensions added by tensor.expand_shape
// between the ops of a row (the [N] -> [N, 1] of a mean) are folded into
// the consumers' indexing maps first.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Kernel/KernelDialect.h"
#include "dlc/Dialect/Kernel/KernelOps.h"
#include "dlc/Passes/Contractions.h"
#include "dlc/Passes/Kernels.h"
#include "dlc/Passes/Passes.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

namespace dlc {
#define GEN_PASS_DEF_FORMKERNELS
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using namespace dlc;

bool dlc::isPermutationCopy(Operation *op) {
  if (auto t = dyn_cast<linalg::TransposeOp>(op))
    return t.hasPureTensorSemantics();
  auto g = dyn_cast<linalg::GenericOp>(op);
  if (!g || !g.hasPureTensorSemantics() || g.getNumDpsInputs() != 1 ||
      g.getNumDpsInits() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops())
    return false;
  SmallVector<AffineMap> maps = g.getIndexingMapsArray();
  if (!maps[0].isPermutation() || !maps[1].isIdentity() ||
      maps[0].isIdentity())
    return false;
  Block &body = g.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  return body.getOperations().size() == 1 &&
         yield.getOperand(0) == body.getArgument(0);
}

bool dlc::isContractionKernel(Operation *op) {
  auto l = dyn_cast<linalg::LinalgOp>(op);
  if (!l || l.getNumReductionLoops() == 0)
    return false;
  if (auto g = dyn_cast<linalg::GenericOp>(op))
    return isMulAddPayload(g) || isWideningMulAddPayload(g);
  return linalg::isaContractionOpInterface(l) ||
         linalg::isaConvolutionOpInterface(l);
}

/// Whether every indexing map of `op` is a projected permutation (no
/// windows, no broadcast constants).
static bool projectedPermutations(linalg::LinalgOp op) {
  return llvm::all_of(op.getIndexingMapsArray(), [](AffineMap m) {
    return m.isProjectedPermutation(/*allowZeroInResults=*/true);
  });
}

std::string dlc::kernelKindOf(Operation *op) {
  auto l = dyn_cast<linalg::LinalgOp>(op);
  if (!l)
    return "data-movement";
  if (isContractionKernel(op))
    return projectedPermutations(l) ? "contraction" : "convolution";
  if (l.getNumReductionLoops() > 0)
    return projectedPermutations(l) ? "reduction" : "pooling";
  if (isa<linalg::FillOp, linalg::CopyOp, linalg::TransposeOp,
          linalg::BroadcastOp>(op) ||
      isPermutationCopy(op))
    return "data-movement";
  if (auto g = dyn_cast<linalg::GenericOp>(op)) {
    bool computes = false;
    for (Operation &p : g.getRegion().front().without_terminator())
      if (isa<linalg::IndexOp>(p))
        return "data-movement";
      else if (isa<arith::ArithDialect, math::MathDialect>(p.getDialect()) &&
               !isa<arith::ConstantOp>(p))
        computes = true;
    return computes ? "elementwise" : "data-movement";
  }
  return "elementwise";
}

namespace {

/// Folds a tensor.expand_shape that only adds unit dimensions into the
/// indexing maps of the linalg.generic ops reading it.
void foldUnitExpands(func::FuncOp fn) {
  SmallVector<tensor::ExpandShapeOp> expands;
  fn.walk([&](tensor::ExpandShapeOp e) { expands.push_back(e); });
  for (tensor::ExpandShapeOp e : expands) {
    auto src = e.getSrcType(), dst = e.getResultType();
    if (!src.hasStaticShape() || !dst.hasStaticShape())
      continue;
    // For each source dimension, the result dimension that carries it.
    SmallVector<int64_t> carrier;
    bool ok = true;
    for (auto [s, group] : llvm::enumerate(e.getReassociationIndices())) {
      int64_t pos = group.front();
      int nonUnit = 0;
      for (int64_t r : group)
        if (dst.getDimSize(r) != 1) {
          pos = r;
          ++nonUnit;
        }
      ok = ok && nonUnit <= 1;
      carrier.push_back(pos);
    }
    if (!ok || e->use_empty())
      continue;
    ok = llvm::all_of(e->getUses(), [](OpOperand &use) {
      auto g = dyn_cast<linalg::GenericOp>(use.getOwner());
      return g && g.isDpsInput(&use);
    });
    if (!ok)
      continue;
    for (OpOperand &use : llvm::make_early_inc_range(e->getUses())) {
      auto g = cast<linalg::GenericOp>(use.getOwner());
      SmallVector<AffineMap> maps = g.getIndexingMapsArray();
      AffineMap m = maps[use.getOperandNumber()];
      SmallVector<AffineExpr> results;
      for (int64_t pos : carrier)
        results.push_back(m.getResult(pos));
      maps[use.getOperandNumber()] =
          AffineMap::get(m.getNumDims(), 0, results, g.getContext());
      g.setIndexingMapsAttr(
          ArrayAttr::get(g.getContext(), llvm::to_vector_of<Attribute>(
                                             llvm::map_range(maps, [](AffineMap a) -> Attribute {
                                               return AffineMapAttr::get(a);
                                             }))));
      use.set(e.getSrc());
    }
    e.erase();
  }
}

/// Whether all users of `op`'s results are in `members`.
bool usedOnlyBy(Operation *op, const llvm::SetVector<Operation *> &members) {
  return llvm::all_of(op->getUsers(),
                      [&](Operation *u) { return members.contains(u); });
}

/// The single user of `op`'s single result, or null.
Operation *singleUser(Operation *op) {
  if (op->getNumResults() != 1 || !op->getResult(0).hasOneUse())
    return nullptr;
  return *op->getResult(0).getUsers().begin();
}

struct Former {
  func::FuncOp fn;

  /// Whether `op` is still a top-level op of the function (not in a group).
  bool free(Operation *op) {
    return op && op->getParentOp() == fn.getOperation();
  }

  /// The init of a DPS op defined by a tensor.empty (or a fill of one)
  /// used only by it.
  void addInits(Operation *op, llvm::SetVector<Operation *> &members) {
    auto dps = dyn_cast<DestinationStyleOpInterface>(op);
    if (!dps)
      return;
    for (Value init : dps.getDpsInits()) {
      Operation *def = init.getDefiningOp();
      if (!free(def) || !init.hasOneUse())
        continue;
      if (auto fill = dyn_cast<linalg::FillOp>(def)) {
        members.insert(fill);
        Operation *empty = fill.getOutputs()[0].getDefiningOp();
        if (isa_and_nonnull<tensor::EmptyOp>(empty) && free(empty) &&
            empty->hasOneUse())
          members.insert(empty);
      } else if (isa<tensor::EmptyOp>(def)) {
        members.insert(def);
      }
    }
  }

  void contractionGroups() {
    // Products are never members of another product's group, so the list
    // stays valid while groups are formed.
    SmallVector<Operation *> roots;
    for (Operation &op : fn.getBody().front())
      if (isContractionKernel(&op))
        roots.push_back(&op);
    for (Operation *root : roots) {
      llvm::SetVector<Operation *> members;
      auto l = cast<linalg::LinalgOp>(root);
      // Transposes feeding the product (generic products only: the
      // transpose becomes part of its indexing maps).
      if (isa<linalg::GenericOp>(root))
        for (OpOperand *in : l.getDpsInputOperands()) {
          Operation *def = in->get().getDefiningOp();
          if (free(def) && isPermutationCopy(def) && def->hasOneUse() &&
              llvm::count(root->getOperands(), in->get()) == 1) {
            addInits(def, members);
            members.insert(def);
          }
        }
      addInits(root, members);
      members.insert(root);
      Operation *user = singleUser(root);
      if (auto g = dyn_cast_or_null<linalg::GenericOp>(user);
          g && free(g) && g.getNumParallelLoops() == g.getNumLoops() &&
          g.getNumDpsInits() == 1 && g.isDpsInput(&*root->getUses().begin()) &&
          !isContractionKernel(g) && kernelKindOf(g) == "elementwise") {
        addInits(g, members);
        members.insert(g);
      } else if (free(user) && isPermutationCopy(user) &&
                 isa<linalg::GenericOp>(root)) {
        addInits(user, members);
        members.insert(user);
      }
      materialize(members, root, kernelKindOf(root));
    }
  }

  /// Whether `producer`'s result is read by `consumer` (all operands
  /// through it) along the first `k` loops of both: the row tile of the
  /// group's last op is then the same row tile of every member.
  static bool rowAligned(Operation *producer, Operation *consumer, int64_t k,
                         ArrayRef<int64_t> rowSizes) {
    auto p = dyn_cast<linalg::LinalgOp>(producer);
    auto c = dyn_cast<linalg::LinalgOp>(consumer);
    if (!p || !c || p->getNumResults() != 1)
      return false;
    auto leadingIdentity = [&](linalg::LinalgOp op, AffineMap m) {
      if (m.getNumResults() < k || op.getNumLoops() < k)
        return false;
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      auto iters = op.getIteratorTypesArray();
      for (int64_t i = 0; i < k; ++i)
        if (m.getResult(i) != getAffineDimExpr(i, m.getContext()) ||
            iters[i] != utils::IteratorType::parallel ||
            ranges[i] != rowSizes[i])
          return false;
      return true;
    };
    if (!leadingIdentity(p, p.getIndexingMapMatchingResult(
                                cast<OpResult>(producer->getResult(0)))))
      return false;
    for (OpOperand &use : producer->getResult(0).getUses())
      if (use.getOwner() == consumer &&
          !leadingIdentity(c, c.getMatchingIndexingMap(&use)))
        return false;
    return true;
  }

  void rowGroups() {
    Block &block = fn.getBody().front();
    for (Operation *sink = &block.back(), *prev; sink; sink = prev) {
      prev = sink->getPrevNode();
      auto g = dyn_cast<linalg::GenericOp>(sink);
      if (!g || g.getNumDpsInits() != 1 ||
          g.getNumParallelLoops() != g.getNumLoops() || g.getNumLoops() < 2 ||
          !g.getIndexingMapsArray().back().isIdentity() ||
          !projectedPermutations(g))
        continue;
      int64_t k = g.getNumLoops() - 1;
      SmallVector<int64_t> rowSizes = g.getStaticLoopRanges();
      if (llvm::any_of(rowSizes, ShapedType::isDynamic))
        continue;
      llvm::SetVector<Operation *> members;
      members.insert(sink);
      // Producers, latest first, while all their users are members.
      SmallVector<Operation *> work{sink};
      bool hasReduction = false, hasMax = false, hasExp = false,
           hasRsqrt = false;
      while (!work.empty()) {
        Operation *c = work.pop_back_val();
        for (Value v : c->getOperands()) {
          Operation *p = v.getDefiningOp();
          auto pl = dyn_cast_or_null<linalg::GenericOp>(p);
          if (!free(p) || !pl || members.contains(p) ||
              isContractionKernel(p) || !projectedPermutations(pl) ||
              pl.getNumDpsInits() != 1 || !usedOnlyBy(p, members) ||
              !rowAligned(p, c, k, rowSizes))
            continue;
          // Every member already reading p must read it row-aligned.
          if (!llvm::all_of(p->getUsers(), [&](Operation *u) {
                return rowAligned(p, u, k, rowSizes);
              }))
            continue;
          members.insert(p);
          work.push_back(p);
          if (pl.getNumReductionLoops() > 0) {
            hasReduction = true;
            pl.getRegion().walk([&](Operation *x) {
              hasMax |= isa<arith::MaximumFOp, arith::MaxNumFOp>(x);
            });
          }
          pl.getRegion().walk([&](Operation *x) {
            hasExp |= isa<math::ExpOp>(x);
            hasRsqrt |= isa<math::RsqrtOp, math::SqrtOp>(x);
          });
        }
      }
      if (!hasReduction)
        continue;
      g.getRegion().walk([&](Operation *x) {
        hasExp |= isa<math::ExpOp>(x);
        hasRsqrt |= isa<math::RsqrtOp, math::SqrtOp>(x);
      });
      // The fills and empties of the members.
      for (Operation *m : llvm::to_vector(members))
        addInits(m, members);
      std::string kind = hasMax && hasExp ? "softmax"
                         : hasRsqrt       ? "normalization"
                                          : "reduction";
      if (Operation *group = materialize(members, sink, kind))
        prev = group->getPrevNode();
    }
  }

  void singletons() {
    Block &block = fn.getBody().front();
    for (Operation *op = &block.front(), *next; op; op = next) {
      next = op->getNextNode();
      if (!isa<linalg::LinalgOp>(op))
        continue;
      // A fill or empty that is the init of a later op joins that op.
      if (isa<linalg::FillOp>(op) && op->hasOneUse() &&
          isa<DestinationStyleOpInterface>(*op->getUsers().begin()) &&
          isa<linalg::LinalgOp>(*op->getUsers().begin()))
        continue;
      llvm::SetVector<Operation *> members;
      addInits(op, members);
      members.insert(op);
      if (Operation *group = materialize(members, op, kernelKindOf(op)))
        next = group->getNextNode();
    }
  }

  /// Moves `members` into a new kernel.group at the last member's place.
  Operation *materialize(llvm::SetVector<Operation *> &set, Operation *root,
                         StringRef kind) {
    SmallVector<Operation *> members(set.begin(), set.end());
    llvm::sort(members, [](Operation *a, Operation *b) {
      return a->isBeforeInBlock(b);
    });
    Operation *last = members.back();
    // Inputs: values from outside (constants are cloned in); results:
    // values read outside, which must all come after the last member.
    llvm::SetVector<Value> inputs;
    llvm::SetVector<Operation *> constants;
    SmallVector<Value> results;
    for (Operation *m : members) {
      auto note = [&](Value v) {
        Operation *def = v.getDefiningOp();
        if (def && set.contains(def))
          return;
        if (def && def->hasTrait<OpTrait::ConstantLike>() &&
            def->getNumRegions() == 0)
          constants.insert(def);
        else
          inputs.insert(v);
      };
      for (Value v : m->getOperands())
        note(v);
      m->walk([&](Operation *nested) {
        if (nested != m)
          for (Value v : nested->getOperands())
            if (!m->isAncestor(v.getParentBlock()->getParentOp()))
              note(v);
      });
      for (Value r : m->getResults()) {
        bool outside = false;
        for (Operation *u : r.getUsers()) {
          Operation *top = fn.getBody().front().findAncestorOpInBlock(*u);
          if (top && set.contains(top))
            continue;
          if (!top || top->isBeforeInBlock(last))
            return nullptr; // not a contiguous kernel: leave ungrouped
          outside = true;
        }
        if (outside)
          results.push_back(r);
      }
    }
    for (Value v : inputs)
      if (Operation *def = v.getDefiningOp();
          def && def->getBlock() == last->getBlock() &&
          last->isBeforeInBlock(def))
        return nullptr;
    if (results.empty())
      return nullptr; // dead code, left to the canonicalizer
    OpBuilder b(last);
    b.setInsertionPointAfter(last);
    auto group = kernel::GroupOp::create(
        b, root->getLoc(), kind, inputs.getArrayRef(),
        llvm::to_vector(llvm::map_range(results,
                                        [](Value v) { return v.getType(); })));
    Block &body = group.getBodyBlock();
    IRMapping map;
    for (auto [v, arg] : llvm::zip(inputs, body.getArguments()))
      map.map(v, arg);
    OpBuilder bb = OpBuilder::atBlockBegin(&body);
    for (Operation *c : constants)
      bb.clone(*c, map);
    for (Operation *m : members) {
      Operation *clone = bb.clone(*m, map);
      if (m == root)
        clone->setAttr(kernel::KernelDialect::rootAttrName(),
                       bb.getUnitAttr());
    }
    SmallVector<Value> yielded;
    for (Value r : results)
      yielded.push_back(map.lookup(r));
    kernel::YieldOp::create(bb, root->getLoc(), yielded);
    for (auto [r, g] : llvm::zip(results, group.getResults()))
      r.replaceAllUsesWith(g);
    for (Operation *m : llvm::reverse(members))
      m->erase();
    return group;
  }
};

struct FormKernelsPass : dlc::impl::FormKernelsBase<FormKernelsPass> {
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (fn.isExternal() || !fn.getBody().hasOneBlock())
        continue;
      foldUnitExpands(fn);
      Former former{fn};
      former.contractionGroups();
      former.rowGroups();
      former.singletons();
    }
  }
};

} // namespace

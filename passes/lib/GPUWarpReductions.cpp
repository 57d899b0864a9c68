//===- GPUWarpReductions.cpp - one warp per reduced output element --------===//
//
// A linalg.generic whose innermost loop is its only reduction (softmax's
// max and sum, layer normalization's moments, ReduceSum/Mean/Max along the
// last axes) becomes a gpu.launch in which a warp of 32 threads computes
// one output element: lane l combines the elements l, l+32, ... (reading
// consecutive addresses across the warp), then gpu.subgroup_reduce (a
// butterfly of shuffles on the GPU) combines the lanes, and lane 0 folds
// the result into the output.
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/GPUCostModel.h"
#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/IR/IRMapping.h"

namespace dlc {
#define GEN_PASS_DEF_GPUWARPREDUCTIONS
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// The subgroup-reduce kind of a combiner op, if it is one.
std::optional<gpu::AllReduceOperation> combinerKind(Operation *op) {
  Type t = op->getResult(0).getType();
  if (!t.isF32() && !t.isInteger(32))
    return std::nullopt;
  if (isa<arith::AddFOp, arith::AddIOp>(op))
    return gpu::AllReduceOperation::ADD;
  if (isa<arith::MulFOp, arith::MulIOp>(op))
    return gpu::AllReduceOperation::MUL;
  if (isa<arith::MaximumFOp>(op))
    return gpu::AllReduceOperation::MAXIMUMF;
  if (isa<arith::MinimumFOp>(op))
    return gpu::AllReduceOperation::MINIMUMF;
  if (isa<arith::MaxNumFOp>(op))
    return gpu::AllReduceOperation::MAXNUMF;
  if (isa<arith::MinNumFOp>(op))
    return gpu::AllReduceOperation::MINNUMF;
  if (isa<arith::MaxSIOp>(op))
    return gpu::AllReduceOperation::MAXSI;
  if (isa<arith::MinSIOp>(op))
    return gpu::AllReduceOperation::MINSI;
  return std::nullopt;
}

struct GPUWarpReductionsPass
    : dlc::impl::GPUWarpReductionsBase<GPUWarpReductionsPass> {
  using GPUWarpReductionsBase::GPUWarpReductionsBase;

  void rewrite(linalg::GenericOp op) {
    if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
        op->getParentOfType<gpu::LaunchOp>())
      return;
    unsigned loops = op.getNumLoops();
    if (loops == 0 || op.getNumReductionLoops() != 1 ||
        op.getIteratorTypesArray().back() != utils::IteratorType::reduction)
      return;
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (llvm::any_of(ranges, ShapedType::isDynamic))
      return;
    int64_t R = ranges.back();
    int64_t outputs = 1;
    for (unsigned d = 0; d + 1 < loops; ++d)
      outputs *= ranges[d];
    if (!dlc::gpu::useWarpReduction(R, outputs))
      return;
    Block &body = op.getRegion().front();
    Value outArg = body.getArguments().back();
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    Operation *combiner = yield.getOperand(0).getDefiningOp();
    if (!combiner || combiner->getBlock() != &body ||
        combiner->getNumOperands() != 2)
      return;
    auto kind = combinerKind(combiner);
    if (!kind)
      return;
    unsigned outPos = combiner->getOperand(0) == outArg   ? 0
                      : combiner->getOperand(1) == outArg ? 1
                                                          : 2;
    if (outPos == 2)
      return;
    // The output may only feed the combiner.
    for (OpOperand &use : outArg.getUses())
      if (use.getOwner() != combiner)
        return;
    Value element = combiner->getOperand(1 - outPos);

    Location loc = op.getLoc();
    OpBuilder b(op);
    auto idx = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    constexpr int64_t warp = dlc::gpu::kWarpSize;
    int64_t block = dlc::gpu::kWarpReductionBlock;
    int64_t warpsPerBlock = block / warp;
    int64_t grid = (outputs + warpsPerBlock - 1) / warpsPerBlock;
    Value one = idx(1);
    auto launch = gpu::LaunchOp::create(b, loc, idx(grid), one, one,
                                        idx(block), one, one);
    b.setInsertionPointToEnd(&launch.getBody().front());
    gpu::TerminatorOp::create(b, loc);
    b.setInsertionPoint(launch.getBody().front().getTerminator());
    Value linear = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, launch.getBlockIds().x, idx(block)),
        launch.getThreadIds().x);
    Value warpId = arith::DivUIOp::create(b, loc, linear, idx(warp));
    Value lane = arith::RemUIOp::create(b, loc, linear, idx(warp));
    // Warps past the end recompute the last element (all lanes of a warp
    // take part in the shuffles) and do not store.
    Value active = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                         warpId, idx(outputs));
    Value w = arith::MinUIOp::create(b, loc, warpId, idx(outputs - 1));
    SmallVector<Value> ivs(loops);
    Value rest = w;
    for (int d = int(loops) - 2; d >= 0; --d) {
      ivs[d] = d > 0 ? arith::RemUIOp::create(b, loc, rest, idx(ranges[d]))
                           .getResult()
                     : rest;
      if (d > 0)
        rest = arith::DivUIOp::create(b, loc, rest, idx(ranges[d]));
    }
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    auto indices = [&](OpBuilder &ib, AffineMap map,
                       ArrayRef<Value> at) -> SmallVector<Value> {
      SmallVector<Value> out;
      for (unsigned i = 0; i < map.getNumResults(); ++i)
        out.push_back(affine::AffineApplyOp::create(ib, loc, map.getSubMap({i}),
                                                    at));
      return out;
    };
    // The element of reduction step r, computed by the payload without
    // the combiner.
    auto elementAt = [&](OpBuilder &eb, Value r) -> Value {
      SmallVector<Value> at(ivs);
      at.back() = r;
      IRMapping map;
      for (OpOperand *in : op.getDpsInputOperands()) {
        Value v = in->get();
        BlockArgument arg = body.getArgument(in->getOperandNumber());
        if (isa<MemRefType>(v.getType()))
          map.map(arg, memref::LoadOp::create(
                           eb, loc, v,
                           indices(eb, maps[in->getOperandNumber()], at)));
        else
          map.map(arg, v);
      }
      for (Operation &inner : body.without_terminator()) {
        if (&inner == combiner)
          continue;
        if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
          map.map(index.getResult(), at[index.getDim()]);
          continue;
        }
        eb.clone(inner, map);
      }
      return map.lookup(element);
    };
    Value partial0 = elementAt(b, lane);
    auto loop = scf::ForOp::create(
        b, loc, arith::AddIOp::create(b, loc, lane, idx(warp)), idx(R),
        idx(warp), ValueRange{partial0},
        [&](OpBuilder &lb, Location l, Value r, ValueRange iter) {
          Value e = elementAt(lb, r);
          IRMapping cm;
          cm.map(combiner->getOperand(outPos), iter[0]);
          cm.map(element, e);
          Operation *c = lb.clone(*combiner, cm);
          scf::YieldOp::create(lb, l, c->getResult(0));
        });
    Value total = gpu::SubgroupReduceOp::create(
        b, loc, loop.getResult(0), *kind, /*uniform=*/true,
        uint32_t(warp));
    Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                        lane, idx(0));
    auto store = scf::IfOp::create(
        b, loc, arith::AndIOp::create(b, loc, active, first), false);
    b.setInsertionPoint(store.thenBlock()->getTerminator());
    Value out = op.getDpsInits()[0];
    SmallVector<Value> outIvs(ivs);
    outIvs.back() = idx(0); // the output does not depend on the reduction
    SmallVector<Value> outIdx = indices(b, maps.back(), outIvs);
    Value old = memref::LoadOp::create(b, loc, out, outIdx);
    IRMapping cm;
    cm.map(combiner->getOperand(outPos), old);
    cm.map(element, total);
    Operation *c = b.clone(*combiner, cm);
    memref::StoreOp::create(b, loc, c->getResult(0), out, outIdx);
    op->erase();
  }

  void runOnOperation() override {
    SmallVector<linalg::GenericOp> ops;
    getOperation().walk([&](linalg::GenericOp op) { ops.push_back(op); });
    for (linalg::GenericOp op : ops)
      rewrite(op);
  }
};

} // namespace

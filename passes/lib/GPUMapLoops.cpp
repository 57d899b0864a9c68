//===- GPUMapLoops.cpp - top-level parallel loops to GPU launches ---------===//
//
// Each top-level scf.parallel of the model function becomes a gpu.launch
// whose threads each run one iteration of the linearized iteration space;
// other top-level memory-touching ops become one-thread launches. Launch
// sizes come from the GPU cost model.
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/GPUCostModel.h"
#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace dlc {
#define GEN_PASS_DEF_GPUMAPLOOPS
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// Ops the host may run: they only compute addresses or constants.
bool isHostOp(Operation *op) {
  if (isa<memref::ViewOp, memref::SubViewOp, memref::ReinterpretCastOp,
          memref::CollapseShapeOp, memref::ExpandShapeOp, memref::CastOp,
          memref::DeallocOp, memref::AssumeAlignmentOp, func::ReturnOp>(op))
    return true;
  return op->getNumRegions() == 0 && isPure(op);
}

/// Creates `gpu.launch` with a 1-D grid and block; returns the builder
/// positioned inside its body, before the terminator.
gpu::LaunchOp createLaunch(OpBuilder &b, Location loc,
                           dlc::gpu::LaunchShape shape) {
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value grid = arith::ConstantIndexOp::create(b, loc, shape.grid);
  Value block = arith::ConstantIndexOp::create(b, loc, shape.block);
  auto launch =
      gpu::LaunchOp::create(b, loc, grid, one, one, block, one, one);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(&launch.getBody().front());
  gpu::TerminatorOp::create(b, loc);
  return launch;
}

struct GPUMapLoopsPass : dlc::impl::GPUMapLoopsBase<GPUMapLoopsPass> {
  using GPUMapLoopsBase::GPUMapLoopsBase;

  LogicalResult mapLoop(scf::ParallelOp loop) {
    if (loop.getNumResults() != 0)
      return loop.emitError("dlc-gpu-map-loops: a parallel loop with "
                            "reductions is not supported");
    unsigned rank = loop.getNumLoops();
    SmallVector<int64_t> lbs, steps, trips;
    int64_t total = 1;
    for (unsigned d = 0; d < rank; ++d) {
      auto lb = getConstantIntValue(loop.getLowerBound()[d]);
      auto ub = getConstantIntValue(loop.getUpperBound()[d]);
      auto step = getConstantIntValue(loop.getStep()[d]);
      if (!lb || !ub || !step || *step <= 0)
        return loop.emitError("dlc-gpu-map-loops: loop dimension ")
               << d << " has non-constant bounds";
      int64_t n = *ub > *lb ? (*ub - *lb + *step - 1) / *step : 0;
      lbs.push_back(*lb);
      steps.push_back(*step);
      trips.push_back(n);
      total *= n;
    }
    if (total == 0) {
      loop.erase();
      return success();
    }
    bool hasInnerLoops = false;
    loop.getBody()->walk([&](Operation *op) {
      if (isa<LoopLikeOpInterface>(op))
        hasInnerLoops = true;
    });
    auto kind = hasInnerLoops ? dlc::gpu::KernelKind::PerThreadReduction
                              : dlc::gpu::KernelKind::Elementwise;
    // Elementwise kernels whose innermost dimension is a multiple of the
    // vector width give each thread that many consecutive elements: the
    // copies of the body touch adjacent addresses, which the GPU back ends
    // merge into 128-bit loads and stores.
    int64_t vector = dlc::gpu::chooseVectorWidth(kind, trips.back());
    int64_t threads = total / vector;
    dlc::gpu::LaunchShape shape =
        dlc::gpu::chooseLaunch(kind, threads, blockSize);
    if (shape.grid > dlc::gpu::kMaxGridX)
      return loop.emitError("dlc-gpu-map-loops: ")
             << total << " iterations exceed the largest grid";

    Location loc = loop.getLoc();
    OpBuilder b(loop);
    gpu::LaunchOp launch = createLaunch(b, loc, shape);
    b.setInsertionPoint(launch.getBody().front().getTerminator());
    // linear = blockIdx.x * blockDim.x + threadIdx.x, guarded by
    // linear < threads; the last loop dimension varies fastest.
    // (The block size is the constant, not gpu.block_dim, which the AMD
    // back end would read through a device-library call.)
    Value linear = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(
            b, loc, launch.getBlockIds().x,
            arith::ConstantIndexOp::create(b, loc, shape.block)),
        launch.getThreadIds().x);
    Value inRange = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ult, linear,
        arith::ConstantIndexOp::create(b, loc, threads));
    auto guard = scf::IfOp::create(b, loc, inRange, /*withElse=*/false);
    b.setInsertionPoint(guard.thenBlock()->getTerminator());
    SmallVector<Value> indices(rank);
    Value rest = linear;
    for (int d = int(rank) - 1; d >= 0; --d) {
      int64_t n = d == int(rank) - 1 ? trips[d] / vector : trips[d];
      Value index = rest;
      if (d > 0) {
        Value nv = arith::ConstantIndexOp::create(b, loc, n);
        index = arith::RemUIOp::create(b, loc, rest, nv);
        rest = arith::DivUIOp::create(b, loc, rest, nv);
      }
      indices[d] = index;
    }
    auto toIv = [&](unsigned d, Value index) -> Value {
      Value iv = index;
      if (steps[d] != 1)
        iv = arith::MulIOp::create(
            b, loc, iv, arith::ConstantIndexOp::create(b, loc, steps[d]));
      if (lbs[d] != 0)
        iv = arith::AddIOp::create(
            b, loc, iv, arith::ConstantIndexOp::create(b, loc, lbs[d]));
      return iv;
    };
    IRMapping map;
    for (unsigned d = 0; d + 1 < rank; ++d)
      map.map(loop.getInductionVars()[d], toIv(d, indices[d]));
    Value inner = indices[rank - 1];
    if (vector > 1)
      inner = arith::MulIOp::create(
          b, loc, inner, arith::ConstantIndexOp::create(b, loc, vector));
    // One mapping per vector lane; each op is cloned for every lane before
    // the next op, so that the lanes' loads (and stores) are adjacent and
    // no store separates loads the back end should merge.
    SmallVector<IRMapping> lanes(vector, map);
    for (int64_t u = 0; u < vector; ++u) {
      Value index = inner;
      if (u > 0)
        index = arith::AddIOp::create(
            b, loc, inner, arith::ConstantIndexOp::create(b, loc, u));
      lanes[u].map(loop.getInductionVars()[rank - 1], toIv(rank - 1, index));
    }
    for (Operation &op : loop.getBody()->without_terminator())
      for (int64_t u = 0; u < vector; ++u)
        b.clone(op, lanes[u]);
    loop.erase();
    return success();
  }

  /// Wraps `ops` (consecutive top-level ops) into a one-thread launch.
  LogicalResult wrapSerial(ArrayRef<Operation *> ops) {
    if (ops.empty())
      return success();
    llvm::SmallPtrSet<Operation *, 8> inside(ops.begin(), ops.end());
    for (Operation *op : ops)
      for (Operation *user : op->getUsers())
        if (!inside.contains(user) &&
            !inside.contains(
                ops.front()->getBlock()->findAncestorOpInBlock(*user)))
          return op->emitError("dlc-gpu-map-loops: a value computed on the "
                               "GPU is used by the host code");
    OpBuilder b(ops.front());
    gpu::LaunchOp launch =
        createLaunch(b, ops.front()->getLoc(),
                     dlc::gpu::chooseLaunch(dlc::gpu::KernelKind::Scalar, 1));
    Operation *terminator = launch.getBody().front().getTerminator();
    for (Operation *op : ops)
      op->moveBefore(terminator);
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fn = module.lookupSymbol<func::FuncOp>(funcName);
    if (!fn || fn.isExternal()) {
      module.emitError() << "dlc-gpu-map-loops: no function '" << funcName
                         << "' with a body";
      return signalPassFailure();
    }
    SmallVector<Operation *> topLevel;
    for (Operation &op : fn.getBody().front())
      topLevel.push_back(&op);

    SmallVector<Operation *> run;
    llvm::SmallPtrSet<Operation *, 8> inRun;
    for (Operation *op : topLevel) {
      if (isa<memref::AllocOp, memref::AllocaOp>(op)) {
        op->emitError("dlc-gpu-map-loops: a buffer outside the arena "
                      "cannot live in GPU memory");
        return signalPassFailure();
      }
      if (isa<memref::GetGlobalOp>(op)) {
        op->emitError("dlc-gpu-map-loops: a global outside the weights "
                      "blob cannot be read by GPU kernels");
        return signalPassFailure();
      }
      if (auto copy = dyn_cast<memref::CopyOp>(op)) {
        // A whole-buffer copy: one thread per element.
        auto type = cast<MemRefType>(copy.getSource().getType());
        if (type.hasStaticShape() && type.getRank() > 0) {
          OpBuilder b(copy);
          Location loc = copy.getLoc();
          SmallVector<Value> lbs, ubs, steps;
          for (int64_t d : type.getShape()) {
            lbs.push_back(arith::ConstantIndexOp::create(b, loc, 0));
            ubs.push_back(arith::ConstantIndexOp::create(b, loc, d));
            steps.push_back(arith::ConstantIndexOp::create(b, loc, 1));
          }
          auto loop = scf::ParallelOp::create(b, loc, lbs, ubs, steps);
          b.setInsertionPoint(loop.getBody()->getTerminator());
          Value v = memref::LoadOp::create(b, loc, copy.getSource(),
                                           loop.getInductionVars());
          memref::StoreOp::create(b, loc, v, copy.getTarget(),
                                  loop.getInductionVars());
          copy.erase();
          op = loop;
        }
      }
      if (isa<gpu::LaunchOp>(op)) {
        // Mapped already (a tiled contraction).
        if (failed(wrapSerial(run)))
          return signalPassFailure();
        run.clear();
        inRun.clear();
        continue;
      }
      if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
        if (failed(wrapSerial(run)) || failed(mapLoop(loop)))
          return signalPassFailure();
        run.clear();
        inRun.clear();
        continue;
      }
      bool dependsOnRun = llvm::any_of(op->getOperands(), [&](Value v) {
        return v.getDefiningOp() && inRun.contains(v.getDefiningOp());
      });
      if (isHostOp(op) && !dependsOnRun) {
        // Keep program order: the run so far launches before this op.
        if (failed(wrapSerial(run)))
          return signalPassFailure();
        run.clear();
        inRun.clear();
        continue;
      }
      if (isa<func::ReturnOp>(op))
        continue;
      run.push_back(op);
      inRun.insert(op);
    }
    if (failed(wrapSerial(run)))
      return signalPassFailure();
  }
};

} // namespace

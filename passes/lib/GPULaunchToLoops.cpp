//===- GPULaunchToLoops.cpp - run GPU launches on the host ----------------===//
//
// The host emulation of GPU-mapped kernels: blocks become an scf.parallel
// (distributed over the CPU thread pool later), threads serial loops inside
// it, and the kernel body runs unchanged. Barriers split the body into
// phases, each its own loop over the threads. Workgroup memory, private
// memory and the slots of subgroup reductions are heap buffers allocated
// once per block and freed after it. In checking mode every access of
// workgroup and global memory also calls the runtime's race checker
// (GPUEmuCheck.cpp) and the threads of a phase run in a chosen order.
//
//===----------------------------------------------------------------------===//

#include "GPUEmuCheck.h"
#include "GPUEmuWarp.h"
#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace dlc {
#define GEN_PASS_DEF_GPULAUNCHTOLOOPS
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using dlc::emu::CheckOptions;
using dlc::emu::LaunchCheck;

namespace {

/// Whether `op` holds a barrier or a warp-collective op: such ops split
/// the threads' phases.
bool containsBarrier(Operation *op) {
  return op
      ->walk([](Operation *o) {
        return isa<gpu::BarrierOp>(o) || dlc::emu::isWarpCollective(o)
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      })
      .wasInterrupted();
}

/// Emulates one launch.
class Emulator {
public:
  Emulator(gpu::LaunchOp launch, dlc::emu::SiteTable &sites,
           const CheckOptions &options, std::string kernel)
      : launch(launch), options(options),
        check(sites, options, launch, std::move(kernel)) {}

  LogicalResult run() {
    if (launch.getAsyncToken() || !launch.getAsyncDependencies().empty() ||
        launch.getDynamicSharedMemorySize() || launch.hasClusterSize())
      return launch.emitError("dlc-gpu-launch-to-loops: only synchronous "
                              "launches without dynamic shared memory or "
                              "clusters can run on the host");
    Region &body = launch.getBody();
    if (!body.hasOneBlock())
      return launch.emitError(
          "dlc-gpu-launch-to-loops: the kernel body has several blocks");
    Location loc = launch.getLoc();
    OpBuilder b(launch);
    zero = arith::ConstantIndexOp::create(b, loc, 0);
    one = arith::ConstantIndexOp::create(b, loc, 1);
    grid = launch.getGridSizeOperandValues();
    block = launch.getBlockSizeOperandValues();
    auto blocks = scf::ParallelOp::create(
        b, loc, ValueRange{zero, zero, zero},
        ValueRange{grid.x, grid.y, grid.z}, ValueRange{one, one, one});
    b.setInsertionPoint(blocks.getBody()->getTerminator());
    if (options.needsState())
      check.begin(blocks, block);
    IRMapping map;
    gpu::KernelDim3 ids = launch.getBlockIds();
    map.map(ids.x, blocks.getInductionVars()[0]);
    map.map(ids.y, blocks.getInductionVars()[1]);
    map.map(ids.z, blocks.getInductionVars()[2]);
    gpu::KernelDim3 gridArgs = launch.getGridSize();
    gpu::KernelDim3 blockArgs = launch.getBlockSize();
    map.map(gridArgs.x, grid.x);
    map.map(gridArgs.y, grid.y);
    map.map(gridArgs.z, grid.z);
    map.map(blockArgs.x, block.x);
    map.map(blockArgs.y, block.y);
    map.map(blockArgs.z, block.z);
    // Emulated memory comes from the heap, allocated once per block at the
    // start of its iteration and freed at its end: never the host's stack,
    // whose frames must stay small (dlc-check-stack-frames).
    blockBody = blocks.getBody();
    // Workgroup memory: one buffer per block.
    for (auto [i, arg] : llvm::enumerate(launch.getWorkgroupAttributions())) {
      auto type = cast<MemRefType>(arg.getType());
      Value buffer = allocate(loc, type.getShape(), type.getElementType());
      check.trackWorkgroup(buffer, i, type);
      map.map(arg, buffer);
    }
    // Private memory: one slot per thread (indexed by the linear thread id
    // through a subview made in every phase).
    {
      auto n = [](Value v) { return getConstantIntValue(v); };
      auto x = n(block.x), y = n(block.y), z = n(block.z);
      if (x && y && z)
        threadsPerBlock = *x * *y * *z;
    }
    if (!launch.getPrivateAttributions().empty()) {
      if (!threadsPerBlock)
        return launch.emitError("dlc-gpu-launch-to-loops: private memory "
                                "needs constant block sizes");
      for (BlockArgument arg : launch.getPrivateAttributions()) {
        auto type = cast<MemRefType>(arg.getType());
        SmallVector<int64_t> shape{threadsPerBlock};
        shape.append(type.getShape().begin(), type.getShape().end());
        privateSlots.push_back(
            {arg, allocate(loc, shape, type.getElementType())});
      }
    }
    SmallVector<Operation *> ops;
    for (Operation &op : body.front().without_terminator())
      ops.push_back(&op);
    if (failed(emitPhases(ops, map, b)))
      return failure();
    if (options.needsState())
      check.endBlock(b, loc);
    for (Value buffer : buffers)
      memref::DeallocOp::create(b, loc, buffer);
    launch.erase();
    return success();
  }

private:
  /// A heap buffer for one block: allocated at the start of the block's
  /// iteration (also when requested from inside a block-level loop, so
  /// that it is allocated once), freed at its end.
  Value allocate(Location loc, ArrayRef<int64_t> shape, Type element) {
    OpBuilder b = OpBuilder::atBlockBegin(blockBody);
    if (!buffers.empty())
      b.setInsertionPointAfterValue(buffers.back());
    Value buffer = memref::AllocOp::create(
        b, loc, MemRefType::get(shape, element), ValueRange{},
        b.getI64IntegerAttr(kBufferAlignment));
    buffers.push_back(buffer);
    return buffer;
  }

  /// Emits `ops` at block level: runs between barriers become loops over
  /// the threads; loops holding barriers stay block-level loops.
  LogicalResult emitPhases(ArrayRef<Operation *> ops, IRMapping &map,
                           OpBuilder &b) {
    SmallVector<Operation *> phase;
    auto flush = [&]() -> LogicalResult {
      if (phase.empty())
        return success();
      LogicalResult r = emitThreads(phase, map, b);
      phase.clear();
      return r;
    };
    for (Operation *op : ops) {
      if (isa<gpu::ReturnOp>(op))
        return op->emitError("dlc-gpu-launch-to-loops: an early return "
                             "from a kernel is not supported");
      if (isa<gpu::BarrierOp>(op)) {
        if (failed(flush()))
          return failure();
        check.barrier(b, op->getLoc());
        continue;
      }
      if (auto reduce = dyn_cast<gpu::SubgroupReduceOp>(op)) {
        // The phase ends by storing each thread's operand; the block then
        // combines each cluster's slots and later phases read the result.
        if (!threadsPerBlock)
          return op->emitError("dlc-gpu-launch-to-loops: subgroup "
                               "reductions need constant block sizes");
        Location loc = reduce.getLoc();
        Value in = allocate(loc, {threadsPerBlock}, reduce.getType());
        Value out = allocate(loc, {threadsPerBlock}, reduce.getType());
        reduceSlots[reduce] = {in, out};
        phase.push_back(op);
        if (failed(flush()))
          return failure();
        if (failed(combineClusters(reduce, in, out, b)))
          return failure();
        // The check counts the reduction as a barrier of the whole block.
        check.barrier(b, op->getLoc());
        continue;
      }
      if (dlc::emu::isWarpCollective(op)) {
        // Like a reduction: the phase ends by storing each thread's
        // operands, then the op runs for each warp on its lanes' slots.
        if (!threadsPerBlock)
          return op->emitError("dlc-gpu-launch-to-loops: warp-level matrix "
                               "ops need constant block sizes");
        Location loc = op->getLoc();
        dlc::emu::WarpSlots slots;
        if (failed(dlc::emu::allocateWarpSlots(
                op, threadsPerBlock,
                [&](ArrayRef<int64_t> shape, Type element) {
                  return allocate(loc, shape, element);
                },
                slots)))
          return failure();
        warpSlots[op] = slots;
        phase.push_back(op);
        if (failed(flush()))
          return failure();
        dlc::emu::combineWarps(b, op, map, slots, threadsPerBlock);
        continue;
      }
      if (!containsBarrier(op)) {
        phase.push_back(op);
        continue;
      }
      if (failed(flush()))
        return failure();
      auto loop = dyn_cast<scf::ForOp>(op);
      if (!loop || loop.getNumResults() != 0)
        return op->emitError("dlc-gpu-launch-to-loops: a barrier inside "
                             "this op cannot be emulated (only in the "
                             "kernel body or in an scf.for without results)");
      // Block-level loop: its bounds must not depend on the thread.
      IRMapping blockMap = map;
      Value lb, ub, step;
      if (failed(materialize(loop.getLowerBound(), blockMap, b, false, lb)) ||
          failed(materialize(loop.getUpperBound(), blockMap, b, false, ub)) ||
          failed(materialize(loop.getStep(), blockMap, b, false, step)))
        return failure();
      auto outer = scf::ForOp::create(b, loop.getLoc(), lb, ub, step);
      OpBuilder inner(outer.getBody()->getTerminator());
      IRMapping loopMap = map;
      loopMap.map(loop.getInductionVar(), outer.getInductionVar());
      SmallVector<Operation *> bodyOps;
      for (Operation &o : loop.getBody()->without_terminator())
        bodyOps.push_back(&o);
      if (failed(emitPhases(bodyOps, loopMap, inner)))
        return failure();
    }
    return flush();
  }

  /// out[c*size + l] = in[c*size] (op) ... (op) in[c*size + size-1] for
  /// every cluster c and lane l, combining in lane order.
  LogicalResult combineClusters(gpu::SubgroupReduceOp reduce, Value in,
                                Value out, OpBuilder &b) {
    Location loc = reduce.getLoc();
    int64_t size = reduce.getClusterSize() ? *reduce.getClusterSize()
                                           : threadsPerBlock;
    if (reduce.getClusterStride() != 1 || threadsPerBlock % size != 0)
      return reduce.emitError("dlc-gpu-launch-to-loops: this subgroup "
                              "reduction's clusters cannot be emulated");
    auto idx = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    Value c0 = idx(0), c1 = idx(1), cSize = idx(size);
    auto clusters = scf::ForOp::create(b, loc, c0, idx(threadsPerBlock),
                                       cSize);
    OpBuilder cb(clusters.getBody()->getTerminator());
    Value base = clusters.getInductionVar();
    Value first = memref::LoadOp::create(cb, loc, in, ValueRange{base});
    auto lanes = scf::ForOp::create(
        cb, loc, c1, cSize, c1, ValueRange{first},
        [&](OpBuilder &lb, Location l, Value lane, ValueRange acc) {
          Value v = memref::LoadOp::create(
              lb, l, in, ValueRange{arith::AddIOp::create(lb, l, base, lane)});
          scf::YieldOp::create(lb, l, combine(lb, l, reduce.getOp(), acc[0], v));
        });
    if (!lanes.getResult(0))
      return failure();
    scf::ForOp::create(cb, loc, c0, cSize, c1, ValueRange{},
                       [&](OpBuilder &lb, Location l, Value lane, ValueRange) {
                         memref::StoreOp::create(
                             lb, l, lanes.getResult(0), out,
                             ValueRange{arith::AddIOp::create(lb, l, base, lane)});
                         scf::YieldOp::create(lb, l);
                       });
    return success();
  }

  static Value combine(OpBuilder &b, Location loc, gpu::AllReduceOperation op,
                       Value x, Value y) {
    bool isFloat = isa<FloatType>(x.getType());
    switch (op) {
    case gpu::AllReduceOperation::ADD:
      return isFloat ? arith::AddFOp::create(b, loc, x, y).getResult()
                     : arith::AddIOp::create(b, loc, x, y).getResult();
    case gpu::AllReduceOperation::MUL:
      return isFloat ? arith::MulFOp::create(b, loc, x, y).getResult()
                     : arith::MulIOp::create(b, loc, x, y).getResult();
    case gpu::AllReduceOperation::MAXIMUMF:
      return arith::MaximumFOp::create(b, loc, x, y);
    case gpu::AllReduceOperation::MINIMUMF:
      return arith::MinimumFOp::create(b, loc, x, y);
    case gpu::AllReduceOperation::MAXNUMF:
      return arith::MaxNumFOp::create(b, loc, x, y);
    case gpu::AllReduceOperation::MINNUMF:
      return arith::MinNumFOp::create(b, loc, x, y);
    case gpu::AllReduceOperation::MAXSI:
      return arith::MaxSIOp::create(b, loc, x, y);
    case gpu::AllReduceOperation::MINSI:
      return arith::MinSIOp::create(b, loc, x, y);
    case gpu::AllReduceOperation::MAXUI:
      return arith::MaxUIOp::create(b, loc, x, y);
    case gpu::AllReduceOperation::MINUI:
      return arith::MinUIOp::create(b, loc, x, y);
    case gpu::AllReduceOperation::AND:
      return arith::AndIOp::create(b, loc, x, y);
    case gpu::AllReduceOperation::OR:
      return arith::OrIOp::create(b, loc, x, y);
    case gpu::AllReduceOperation::XOR:
      return arith::XOrIOp::create(b, loc, x, y);
    }
    return Value();
  }

  /// Recomputes `v` (defined in the kernel body, outside the current
  /// phase) from pure ops; `perThread` allows thread ids.
  LogicalResult materialize(Value v, IRMapping &map, OpBuilder &b,
                            bool perThread, Value &out) {
    if (Value m = map.lookupOrNull(v)) {
      out = m;
      return success();
    }
    Operation *def = v.getDefiningOp();
    if (!def) {
      if (auto arg = dyn_cast<BlockArgument>(v);
          arg && launch.getBody().isAncestor(arg.getParentRegion()))
        return launch.emitError("dlc-gpu-launch-to-loops: ")
               << (perThread ? "a loop variable" : "a thread id")
               << " is used where it cannot be emulated";
      out = v; // defined above the launch
      return success();
    }
    if (!launch.getBody().isAncestor(def->getParentRegion())) {
      out = v;
      return success();
    }
    if (auto reduce = dyn_cast<gpu::SubgroupReduceOp>(def)) {
      auto it = reduceSlots.find(reduce);
      if (!perThread || it == reduceSlots.end() || !currentLinear)
        return def->emitError("dlc-gpu-launch-to-loops: a subgroup "
                              "reduction's result is used where it cannot "
                              "be emulated");
      out = memref::LoadOp::create(b, def->getLoc(), it->second.second,
                                   ValueRange{currentLinear});
      map.map(v, out);
      return success();
    }
    if (dlc::emu::isWarpCollective(def)) {
      auto it = warpSlots.find(def);
      if (!perThread || it == warpSlots.end() || !currentLinear)
        return def->emitError("dlc-gpu-launch-to-loops: a warp-level "
                              "matrix op's result is used where it cannot "
                              "be emulated");
      out = dlc::emu::loadWarpResult(b, def, it->second, currentLinear);
      map.map(v, out);
      return success();
    }
    if (def->getNumRegions() != 0 || !isPure(def))
      return def->emitError("dlc-gpu-launch-to-loops: a value computed "
                            "before a barrier is used after it; only "
                            "index computations can cross a barrier");
    for (Value operand : def->getOperands()) {
      Value m;
      if (failed(materialize(operand, map, b, perThread, m)))
        return failure();
    }
    Operation *clone = b.clone(*def, map);
    out = clone->getResult(cast<OpResult>(v).getResultNumber());
    return success();
  }

  /// Checking mode: one loop over the positions of the phase, each
  /// running the thread the chosen order puts there.
  OpBuilder emitLinearThreads(OpBuilder &outer, IRMapping &map) {
    Location loc = launch.getLoc();
    Value bxy = arith::MulIOp::create(outer, loc, block.x, block.y);
    Value n = arith::MulIOp::create(outer, loc, bxy, block.z);
    check.phaseOrder(outer, loc);
    auto loop = scf::ForOp::create(outer, loc, zero, n, one);
    OpBuilder b(loop.getBody()->getTerminator());
    Value linear = check.threadAt(b, loc, loop.getInductionVar(), n);
    gpu::KernelDim3 threadIds = launch.getThreadIds();
    map.map(threadIds.x, arith::RemUIOp::create(b, loc, linear, block.x));
    map.map(threadIds.y,
            arith::RemUIOp::create(
                b, loc, arith::DivUIOp::create(b, loc, linear, block.x),
                block.y));
    map.map(threadIds.z, arith::DivUIOp::create(b, loc, linear, bxy));
    currentLinear = linear;
    return b;
  }

  /// One phase: for tz, for ty, for tx (x fastest, as in a warp).
  LogicalResult emitThreads(ArrayRef<Operation *> ops, IRMapping &blockMap,
                            OpBuilder &outer) {
    if (options.linearThreads()) {
      IRMapping map = blockMap;
      OpBuilder b = emitLinearThreads(outer, map);
      return emitPhaseBody(ops, map, b);
    }
    Location loc = launch.getLoc();
    auto tz = scf::ForOp::create(outer, loc, zero, block.z, one);
    OpBuilder b(tz.getBody()->getTerminator());
    auto ty = scf::ForOp::create(b, loc, zero, block.y, one);
    b.setInsertionPoint(ty.getBody()->getTerminator());
    auto tx = scf::ForOp::create(b, loc, zero, block.x, one);
    // A phase that hands registers to a warp op only copies them into
    // slots: unrolling it buys nothing, and the unrolled copies of the
    // many such phases of a tensor-core kernel cost LLVM most of its time.
    if (!ops.empty() && dlc::emu::isWarpCollective(ops.back())) {
      MLIRContext *ctx = launch.getContext();
      tx->setAttr("loop_annotation",
                  LLVM::LoopAnnotationAttr::get(
                      ctx, {}, {}, {},
                      LLVM::LoopUnrollAttr::get(ctx, BoolAttr::get(ctx, true),
                                                {}, {}, {}, {}, {}, {}),
                      {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}));
    }
    b.setInsertionPoint(tx.getBody()->getTerminator());
    IRMapping map = blockMap;
    gpu::KernelDim3 threadIds = launch.getThreadIds();
    map.map(threadIds.x, tx.getInductionVar());
    map.map(threadIds.y, ty.getInductionVar());
    map.map(threadIds.z, tz.getInductionVar());
    {
      // linear = (tz * by + ty) * bx + tx
      Value linear = arith::AddIOp::create(
          b, loc,
          arith::MulIOp::create(
              b, loc,
              arith::AddIOp::create(
                  b, loc,
                  arith::MulIOp::create(b, loc, tz.getInductionVar(),
                                        block.y),
                  ty.getInductionVar()),
              block.x),
          tx.getInductionVar());
      currentLinear = linear;
    }
    return emitPhaseBody(ops, map, b);
  }

  /// The ops of a phase inside the loop over its threads.
  LogicalResult emitPhaseBody(ArrayRef<Operation *> ops, IRMapping &map,
                              OpBuilder &b) {
    Location loc = launch.getLoc();
    Value linear = currentLinear;
    {
      for (auto &[arg, slots] : privateSlots) {
        auto type = cast<MemRefType>(slots.getType());
        int64_t rank = type.getRank();
        SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)),
            sizes, strides(rank, b.getIndexAttr(1));
        offsets[0] = linear;
        sizes.push_back(b.getIndexAttr(1));
        for (int64_t d = 1; d < rank; ++d)
          sizes.push_back(b.getIndexAttr(type.getDimSize(d)));
        auto reduced = memref::SubViewOp::inferRankReducedResultType(
            type.getShape().drop_front(), type, offsets, sizes, strides);
        map.map(arg, memref::SubViewOp::create(
                         b, loc, cast<MemRefType>(reduced), slots, offsets,
                         sizes, strides));
      }
    }
    SmallVector<Operation *> clones;
    for (Operation *op : ops) {
      // Values from earlier phases (and from above, inside regions).
      llvm::SetVector<Value> used(op->getOperands().begin(),
                                  op->getOperands().end());
      getUsedValuesDefinedAbove(op->getRegions(), used);
      for (Value v : used) {
        Value m;
        if (isa<nvgpu::DeviceAsyncTokenType>(v.getType()) &&
            !map.contains(v)) {
          // Tokens only order the async ops, which the emulation drops.
          Value placeholder = UnrealizedConversionCastOp::create(
                                  b, loc, v.getType(), ValueRange{})
                                  .getResult(0);
          map.map(v, placeholder);
          placeholders.push_back(placeholder);
          continue;
        }
        if (failed(materialize(v, map, b, true, m)))
          return failure();
      }
      if (auto reduce = dyn_cast<gpu::SubgroupReduceOp>(op)) {
        memref::StoreOp::create(b, reduce.getLoc(),
                                map.lookup(reduce.getValue()),
                                reduceSlots[reduce].first,
                                ValueRange{currentLinear});
        continue;
      }
      if (dlc::emu::isWarpCollective(op)) {
        dlc::emu::storeWarpOperands(b, op, map, warpSlots[op], currentLinear);
        if (auto ld = dyn_cast<nvgpu::LdMatrixOp>(op); ld && options.races) {
          // Lanes 0 .. 8 x tiles - 1 each read one 16-byte row.
          Location l = op->getLoc();
          Value lane = arith::RemUIOp::create(
              b, l, currentLinear, arith::ConstantIndexOp::create(b, l, 32));
          Value reads = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::ult, lane,
              arith::ConstantIndexOp::create(b, l, 8 * ld.getNumTiles()));
          auto ifOp = scf::IfOp::create(b, l, reads, false);
          OpBuilder tb(ifOp.thenBlock()->getTerminator());
          SmallVector<Value> indices;
          for (Value i : ld.getIndices())
            indices.push_back(map.lookupOrDefault(i));
          check.read(tb, op, map.lookupOrDefault(ld.getSrcMemref()), indices,
                     8, currentLinear);
        }
        continue;
      }
      Operation *clone = b.clone(*op, map);
      if (options.races && failed(check.instrument(clone, currentLinear)))
        return failure();
      clones.push_back(clone);
    }
    if (failed(check.lowerAsyncCopies(clones, currentLinear)))
      return failure();
    for (Value p : placeholders)
      if (p.use_empty())
        p.getDefiningOp()->erase();
    placeholders.clear();
    currentLinear = nullptr;
    return success();
  }

  static constexpr int64_t kBufferAlignment = 64;

  gpu::LaunchOp launch;
  const CheckOptions &options;
  LaunchCheck check;
  SmallVector<Value> placeholders;
  /// The body of the parallel loop over the blocks and the heap buffers
  /// allocated in it.
  Block *blockBody = nullptr;
  SmallVector<Value> buffers;
  Value zero, one;
  gpu::KernelDim3 grid, block;
  int64_t threadsPerBlock = 0;
  SmallVector<std::pair<Value, Value>> privateSlots;
  /// Per subgroup reduction: the operand and result slots of every thread.
  llvm::DenseMap<Operation *, std::pair<Value, Value>> reduceSlots;
  /// Per warp-collective op: its operand and result slots.
  llvm::DenseMap<Operation *, dlc::emu::WarpSlots> warpSlots;
  /// The linear thread id inside the current phase.
  Value currentLinear;
};

struct GPULaunchToLoopsPass
    : dlc::impl::GPULaunchToLoopsBase<GPULaunchToLoopsPass> {
  using GPULaunchToLoopsBase::GPULaunchToLoopsBase;

  void runOnOperation() override {
    CheckOptions options;
    options.races = checkRaces;
    options.seed = seed;
    if (threadOrder == "forward")
      options.order = dlc::emu::ThreadOrder::Forward;
    else if (threadOrder == "reverse")
      options.order = dlc::emu::ThreadOrder::Reverse;
    else if (threadOrder == "shuffle")
      options.order = dlc::emu::ThreadOrder::Shuffle;
    else {
      getOperation().emitError("dlc-gpu-launch-to-loops: thread-order must "
                               "be forward, reverse or shuffle, not '")
          << threadOrder << "'";
      return signalPassFailure();
    }
    SmallVector<gpu::LaunchOp> launches;
    getOperation().walk([&](gpu::LaunchOp op) { launches.push_back(op); });
    dlc::emu::SiteTable sites(getOperation());
    // Kernel names as gpu-kernel-outlining gives them on the GPU targets.
    std::vector<std::string> names = dlc::outlinedKernelNames(getOperation());
    for (auto [launch, kernel] : llvm::zip_equal(launches, names))
      if (failed(Emulator(launch, sites, options, kernel).run()))
        return signalPassFailure();
  }
};

} // namespace

std::vector<std::string> dlc::outlinedKernelNames(ModuleOp module) {
  std::vector<std::string> names;
  llvm::StringMap<int> perFunction;
  module.walk([&](gpu::LaunchOp launch) {
    auto fn = launch->getParentOfType<FunctionOpInterface>();
    std::string base = (fn ? fn.getName().str() : "kernel") + "_kernel";
    int n = perFunction[base]++;
    names.push_back(n == 0 ? base : base + "_" + std::to_string(n - 1));
  });
  return names;
}

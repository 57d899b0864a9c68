//===- GPULaunchToLoops.cpp - run GPU launches on the host ----------------===//
//
// The host emulation of GPU-mapped kernels: blocks become an scf.parallel
// (distributed over the CPU thread pool later), threads serial scf.for
// loops inside it, and the kernel body runs unchanged.
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/Passes.h"
#include "mlir/IR/IRMapping.h"

namespace dlc {
#define GEN_PASS_DEF_GPULAUNCHTOLOOPS
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

struct GPULaunchToLoopsPass
    : dlc::impl::GPULaunchToLoopsBase<GPULaunchToLoopsPass> {
  using GPULaunchToLoopsBase::GPULaunchToLoopsBase;

  LogicalResult emulate(gpu::LaunchOp launch) {
    if (launch.getAsyncToken() || !launch.getAsyncDependencies().empty() ||
        launch.getDynamicSharedMemorySize() ||
        launch.getNumWorkgroupAttributions() ||
        launch.getNumPrivateAttributions() || launch.hasClusterSize())
      return launch.emitError("dlc-gpu-launch-to-loops: only synchronous "
                              "launches without shared memory or clusters "
                              "can run on the host");
    Region &body = launch.getBody();
    if (!body.hasOneBlock())
      return launch.emitError(
          "dlc-gpu-launch-to-loops: the kernel body has several blocks");
    WalkResult barrier = body.walk([](gpu::BarrierOp op) {
      op.emitError("dlc-gpu-launch-to-loops: a kernel with barriers cannot "
                   "run its threads as a serial loop");
      return WalkResult::interrupt();
    });
    if (barrier.wasInterrupted())
      return failure();

    Location loc = launch.getLoc();
    OpBuilder b(launch);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
    gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
    auto blocks = scf::ParallelOp::create(
        b, loc, ValueRange{zero, zero, zero},
        ValueRange{grid.x, grid.y, grid.z}, ValueRange{one, one, one});
    b.setInsertionPoint(blocks.getBody()->getTerminator());
    IRMapping map;
    gpu::KernelDim3 blockIds = launch.getBlockIds();
    map.map(blockIds.x, blocks.getInductionVars()[0]);
    map.map(blockIds.y, blocks.getInductionVars()[1]);
    map.map(blockIds.z, blocks.getInductionVars()[2]);
    gpu::KernelDim3 gridArgs = launch.getGridSize();
    gpu::KernelDim3 blockArgs = launch.getBlockSize();
    map.map(gridArgs.x, grid.x);
    map.map(gridArgs.y, grid.y);
    map.map(gridArgs.z, grid.z);
    map.map(blockArgs.x, block.x);
    map.map(blockArgs.y, block.y);
    map.map(blockArgs.z, block.z);
    gpu::KernelDim3 threadIds = launch.getThreadIds();
    // for tz, for ty, for tx: x varies fastest, as in a warp.
    auto tz = scf::ForOp::create(b, loc, zero, block.z, one);
    b.setInsertionPoint(tz.getBody()->getTerminator());
    auto ty = scf::ForOp::create(b, loc, zero, block.y, one);
    b.setInsertionPoint(ty.getBody()->getTerminator());
    auto tx = scf::ForOp::create(b, loc, zero, block.x, one);
    b.setInsertionPoint(tx.getBody()->getTerminator());
    map.map(threadIds.x, tx.getInductionVar());
    map.map(threadIds.y, ty.getInductionVar());
    map.map(threadIds.z, tz.getInductionVar());
    for (Operation &op : body.front().without_terminator()) {
      if (isa<gpu::ReturnOp>(op))
        return op.emitError("dlc-gpu-launch-to-loops: an early return "
                            "from a kernel is not supported");
      b.clone(op, map);
    }
    launch.erase();
    return success();
  }

  void runOnOperation() override {
    SmallVector<gpu::LaunchOp> launches;
    getOperation().walk([&](gpu::LaunchOp op) { launches.push_back(op); });
    for (gpu::LaunchOp launch : launches)
      if (failed(emulate(launch)))
        return signalPassFailure();
  }
};

} // namespace

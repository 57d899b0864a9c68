//===- OutlineParallel.cpp - top-level parallel loops on the thread pool --===//
//
// Each top-level scf.parallel of the model function becomes an outlined
// function over a range of its first dimension plus a launch call that the
// CPU back end implements with the runtime's dlc_parallel_for.
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

namespace dlc {
#define GEN_PASS_DEF_OUTLINEPARALLEL
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

struct OutlineParallelPass
    : dlc::impl::OutlineParallelBase<OutlineParallelPass> {
  using OutlineParallelBase::OutlineParallelBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fn = module.lookupSymbol<func::FuncOp>(funcName);
    if (!fn || fn.isExternal()) {
      module.emitError() << "dlc-outline-parallel: no function '" << funcName
                         << "' with a body";
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    auto ctxType = MemRefType::get({0}, IntegerType::get(ctx, 8));
    unsigned numArgs = fn.getNumArguments();
    if (failed(fn.insertArguments({numArgs}, {ctxType}, {}, {fn.getLoc()}))) {
      fn.emitError("dlc-outline-parallel cannot add the context argument");
      return signalPassFailure();
    }
    Value execCtx = fn.getArgument(numArgs);

    SmallVector<scf::ParallelOp> loops;
    for (Operation &op : fn.getBody().front())
      if (auto p = dyn_cast<scf::ParallelOp>(&op))
        loops.push_back(p);

    int counter = 0;
    for (scf::ParallelOp loop : loops) {
      // Distribute the outermost dimension with enough iterations (the
      // ones before it run once, e.g. a batch of 1).
      std::optional<int64_t> lb, ub, step;
      int64_t trips = 0;
      unsigned dim = 0;
      for (unsigned d = 0, e = loop.getNumLoops(); d < e; ++d) {
        lb = getConstantIntValue(loop.getLowerBound()[d]);
        ub = getConstantIntValue(loop.getUpperBound()[d]);
        step = getConstantIntValue(loop.getStep()[d]);
        if (!lb || !ub || !step || *step <= 0)
          break;
        trips = (*ub - *lb + *step - 1) / *step;
        dim = d;
        if (trips != 1)
          break;
      }
      if (!lb || !ub || !step || *step <= 0 || trips < minTripCount)
        continue;

      // What the loop uses from above: constants are cloned, identity
      // memrefs passed, anything else keeps the loop serial.
      llvm::SetVector<Value> used;
      getUsedValuesDefinedAbove(loop->getRegions(), used);
      for (Value v : loop->getOperands())
        used.insert(v);
      SmallVector<Value> memrefs;
      SmallVector<Operation *> constants;
      bool ok = true;
      for (Value v : used) {
        Operation *def = v.getDefiningOp();
        if (def && def->hasTrait<OpTrait::ConstantLike>()) {
          constants.push_back(def);
          continue;
        }
        auto type = dyn_cast<MemRefType>(v.getType());
        if (type && type.hasStaticShape() && type.getLayout().isIdentity()) {
          memrefs.push_back(v);
          continue;
        }
        ok = false;
        break;
      }
      if (!ok)
        continue;

      int id = counter++;
      Location loc = loop.getLoc();
      Type indexType = b.getIndexType();
      // The outlined body: (begin, end, memrefs...).
      SmallVector<Type> argTypes{indexType, indexType};
      for (Value m : memrefs)
        argTypes.push_back(m.getType());
      b.setInsertionPoint(fn);
      auto body = func::FuncOp::create(
          b, loc, "__dlc_par_" + std::to_string(id),
          b.getFunctionType(argTypes, {}));
      body.setPrivate();
      Block *entry = body.addEntryBlock();
      OpBuilder bb = OpBuilder::atBlockBegin(entry);
      IRMapping map;
      for (Operation *c : constants)
        bb.clone(*c, map);
      for (auto [i, m] : llvm::enumerate(memrefs))
        map.map(m, entry->getArgument(2 + i));
      Value begin = entry->getArgument(0), end = entry->getArgument(1);
      Value stepV = arith::ConstantIndexOp::create(bb, loc, *step);
      Value lbV = arith::ConstantIndexOp::create(bb, loc, *lb);
      Value ubV = arith::ConstantIndexOp::create(bb, loc, *ub);
      Value newLb = arith::AddIOp::create(
          bb, loc, lbV, arith::MulIOp::create(bb, loc, begin, stepV));
      Value newUb = arith::MinSIOp::create(
          bb, loc, ubV,
          arith::AddIOp::create(bb, loc, lbV,
                                arith::MulIOp::create(bb, loc, end, stepV)));
      auto clone = cast<scf::ParallelOp>(bb.clone(*loop, map));
      clone.getLowerBoundMutable()[dim].assign(newLb);
      clone.getUpperBoundMutable()[dim].assign(newUb);
      // Per-task scratch buffers (`dlc.task_scratch`: every iteration
      // overwrites them before reading) are allocated once per call: one
      // call runs its iterations one after another on one thread.
      for (Operation &op :
           llvm::make_early_inc_range(clone.getBody()->getOperations())) {
        auto alloc = dyn_cast<memref::AllocOp>(&op);
        if (!alloc || !alloc->hasAttr("dlc.task_scratch") ||
            !alloc.getDynamicSizes().empty() ||
            !alloc.getSymbolOperands().empty())
          continue;
        SmallVector<Operation *> frees;
        bool movable = true;
        for (Operation *user : alloc->getUsers()) {
          if (isa<memref::DeallocOp>(user) &&
              user->getBlock() == clone.getBody())
            frees.push_back(user);
          else if (isa<memref::DeallocOp, bufferization::DeallocOp>(user))
            movable = false;
        }
        if (!movable)
          continue;
        alloc->moveBefore(clone);
        for (Operation *f : frees)
          f->moveAfter(clone);
      }
      func::ReturnOp::create(bb, loc);

      // The launch: declared here, defined in LLVM IR by the back end.
      SmallVector<Type> launchTypes{ctxType, indexType};
      for (Value m : memrefs)
        launchTypes.push_back(m.getType());
      auto launch = func::FuncOp::create(
          b, loc, "__dlc_launch_" + std::to_string(id),
          b.getFunctionType(launchTypes, {}));
      launch.setPrivate();
      b.setInsertionPoint(loop);
      SmallVector<Value> args{execCtx,
                              arith::ConstantIndexOp::create(b, loc, trips)};
      args.append(memrefs.begin(), memrefs.end());
      func::CallOp::create(b, loc, launch, args);
      loop.erase();
    }
  }
};

} // namespace

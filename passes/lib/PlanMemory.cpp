//===- PlanMemory.cpp - one arena for intermediates, external weights -----===//
//
// After bufferization the model function allocates a buffer per
// intermediate tensor. This pass gives each statically shaped allocation
// an offset in one arena passed by the caller, reusing bytes between
// buffers whose live ranges do not overlap (greedy first fit in order of
// first use), and optionally reads the constant globals from an external
// weights blob.
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/Passes.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/STLExtras.h"

namespace dlc {
#define GEN_PASS_DEF_PLANMEMORY
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

constexpr int64_t kAlignment = 64;

int64_t alignUp(int64_t v) { return (v + kAlignment - 1) / kAlignment * kAlignment; }

/// Bytes of a statically shaped memref with an identity layout, or -1.
int64_t byteSize(MemRefType type) {
  if (!type.hasStaticShape() || !type.getLayout().isIdentity())
    return -1;
  Type element = type.getElementType();
  if (!element.isIntOrFloat())
    return -1;
  int64_t bytes = std::max<int64_t>(1, (element.getIntOrFloatBitWidth() + 7) / 8);
  return type.getNumElements() * bytes;
}

struct PlanMemoryPass : dlc::impl::PlanMemoryBase<PlanMemoryPass> {
  using PlanMemoryBase::PlanMemoryBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fn = module.lookupSymbol<func::FuncOp>(funcName);
    if (!fn || fn.isExternal()) {
      module.emitError() << "dlc-plan-memory: no function '" << funcName
                         << "' with a body";
      return signalPassFailure();
    }
    if (!fn.getBody().hasOneBlock()) {
      fn.emitError("dlc-plan-memory expects a single-block function");
      return signalPassFailure();
    }
    Block &body = fn.getBody().front();
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);

    // Top-level position of every op of the body.
    DenseMap<Operation *, int64_t> position;
    int64_t next = 0;
    for (Operation &op : body)
      position[&op] = next++;
    auto topLevel = [&](Operation *op) -> Operation * {
      while (op && op->getBlock() != &body)
        op = op->getParentOp();
      return op;
    };

    struct Buffer {
      memref::AllocOp alloc;
      int64_t bytes, start, end, offset = 0;
    };
    SmallVector<Buffer> buffers;
    for (Operation &op : body) {
      auto alloc = dyn_cast<memref::AllocOp>(&op);
      if (!alloc)
        continue;
      int64_t bytes = byteSize(alloc.getType());
      if (bytes < 0 || !alloc.getDynamicSizes().empty())
        continue;
      // Last use through any chain of views.
      int64_t end = position[&op];
      SmallVector<Value> worklist{alloc.getResult()};
      bool escapes = false;
      while (!worklist.empty()) {
        Value v = worklist.pop_back_val();
        for (Operation *user : v.getUsers()) {
          // Freeing is not a use; the deallocation goes away with the
          // allocation.
          if (isa<memref::DeallocOp>(user))
            continue;
          if (isa<func::ReturnOp>(user))
            escapes = true;
          Operation *top = topLevel(user);
          if (top)
            end = std::max(end, position[top]);
          if (auto view = dyn_cast<ViewLikeOpInterface>(user))
            if (view.getViewSource() == v)
              for (Value r : user->getResults())
                worklist.push_back(r);
          if (isa<memref::CastOp, memref::CollapseShapeOp,
                  memref::ExpandShapeOp, memref::ReinterpretCastOp>(user))
            for (Value r : user->getResults())
              worklist.push_back(r);
        }
      }
      if (escapes)
        continue;
      buffers.push_back({alloc, bytes, position[&op], end});
    }

    // Greedy first fit in order of allocation.
    int64_t arenaBytes = 0;
    SmallVector<Buffer *> live;
    for (Buffer &buf : buffers) {
      llvm::erase_if(live, [&](Buffer *o) { return o->end < buf.start; });
      llvm::sort(live, [](Buffer *a, Buffer *b) { return a->offset < b->offset; });
      int64_t offset = 0;
      for (Buffer *o : live) {
        if (offset + buf.bytes <= o->offset)
          break;
        offset = std::max(offset, alignUp(o->offset + o->bytes));
      }
      buf.offset = offset;
      arenaBytes = std::max(arenaBytes, alignUp(offset + buf.bytes));
      live.push_back(&buf);
    }

    // The arena and weights arguments.
    int64_t weightBytes = 0;
    SmallVector<std::pair<memref::GlobalOp, int64_t>> weights;
    if (externalWeights) {
      for (auto global : module.getOps<memref::GlobalOp>()) {
        if (!global.getConstant() || !global.getInitialValue())
          continue;
        // Index tables of the CPU kernels are part of the code.
        if (global->hasAttr("dlc.table"))
          continue;
        int64_t bytes = byteSize(global.getType());
        if (bytes < 0)
          continue;
        weights.emplace_back(global, weightBytes);
        global->setAttr("dlc.weights_offset",
                        b.getI64IntegerAttr(weightBytes));
        weightBytes = alignUp(weightBytes + bytes);
      }
    }
    auto i8 = IntegerType::get(ctx, 8);
    auto arenaType = MemRefType::get({arenaBytes}, i8);
    auto weightsType = MemRefType::get({weightBytes}, i8);
    unsigned numArgs = fn.getNumArguments();
    if (failed(fn.insertArguments({numArgs, numArgs},
                                  {arenaType, weightsType}, {},
                                  {fn.getLoc(), fn.getLoc()}))) {
      fn.emitError("dlc-plan-memory cannot add the arena arguments");
      return signalPassFailure();
    }
    Value arena = fn.getArgument(numArgs);
    Value blob = fn.getArgument(numArgs + 1);

    for (Buffer &buf : buffers) {
      b.setInsertionPoint(buf.alloc);
      Location loc = buf.alloc.getLoc();
      Value offset = arith::ConstantIndexOp::create(b, loc, buf.offset);
      Value view = memref::ViewOp::create(b, loc, buf.alloc.getType(), arena,
                                          offset, ValueRange{});
      for (Operation *user :
           llvm::make_early_inc_range(buf.alloc.getResult().getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      buf.alloc.getResult().replaceAllUsesWith(view);
      buf.alloc.erase();
    }

    if (externalWeights) {
      DenseMap<StringAttr, int64_t> offsets;
      for (auto &[global, offset] : weights)
        offsets[global.getSymNameAttr()] = offset;
      fn.walk([&](memref::GetGlobalOp get) {
        auto it = offsets.find(get.getNameAttr().getAttr());
        if (it == offsets.end())
          return;
        b.setInsertionPoint(get);
        Value offset = arith::ConstantIndexOp::create(b, get.getLoc(), it->second);
        Value view = memref::ViewOp::create(b, get.getLoc(), get.getType(),
                                            blob, offset, ValueRange{});
        get.getResult().replaceAllUsesWith(view);
        get.erase();
      });
    }
    // A copy between strided views (an inserted or extracted slice) would
    // need MLIR's C runner library; as linalg.copy it becomes plain loops.
    fn.walk([&](memref::CopyOp copy) {
      auto src = cast<MemRefType>(copy.getSource().getType());
      auto dst = cast<MemRefType>(copy.getTarget().getType());
      if (src.getLayout().isIdentity() && dst.getLayout().isIdentity())
        return;
      b.setInsertionPoint(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    });

    module->setAttr("dlc.arena_bytes", b.getI64IntegerAttr(arenaBytes));
    module->setAttr("dlc.weight_bytes", b.getI64IntegerAttr(weightBytes));
  }
};

} // namespace

//===- CheckStackFrames.cpp - bound the stack use of generated code -------===//
//
// Problem-sized buffers live in the arena or on the heap; the stack holds
// only small fixed temporaries. This pass checks every memref.alloca and
// llvm.alloca of the host code: a constant size, not re-executed in a loop
// without a scope that frees it, and at most `max-frame-bytes` per
// allocation and per function. Each violation is an error at the op,
// naming the ONNX node its location carries.
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/OpInfo.h"
#include "dlc/Passes/Passes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "llvm/Support/MathExtras.h"

namespace dlc {
#define GEN_PASS_DEF_CHECKSTACKFRAMES
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// "node 'NAME' (op)" when the location names an ONNX node, else "op".
std::string describe(Operation *op) {
  std::string node = dlc::onnxNodeOf(op);
  std::string opName = op->getName().getStringRef().str();
  return node.empty() ? "'" + opName + "'"
                      : "node '" + node + "' (" + opName + ")";
}

/// What one stack allocation takes, as far as the pass can tell.
struct Allocation {
  std::optional<int64_t> bytes; ///< none: the size is dynamic
  bool repeated = false;        ///< re-executed without being freed
};

/// memref.alloca: a static shape, outside loops (or inside an
/// alloca_scope that is itself inside the loop).
Allocation inspect(memref::AllocaOp op, const DataLayout &layout) {
  Allocation a;
  MemRefType type = op.getType();
  if (type.hasStaticShape()) {
    int64_t element = layout.getTypeSize(type.getElementType()).getFixedValue();
    a.bytes = type.getNumElements() * element;
  }
  for (Operation *p = op->getParentOp(); p && !isa<FunctionOpInterface>(p);
       p = p->getParentOp()) {
    if (isa<memref::AllocaScopeOp>(p))
      break;
    if (isa<LoopLikeOpInterface>(p)) {
      a.repeated = true;
      break;
    }
  }
  return a;
}

/// The value of an integer computed from constants by llvm.mlir.constant,
/// arith constants, multiplications and additions (the element counts the
/// memref lowering emits), if it is one.
std::optional<int64_t> constantValue(Value v, unsigned depth = 0) {
  APInt c;
  if (matchPattern(v, m_ConstantInt(&c)))
    return c.getSExtValue();
  Operation *def = v.getDefiningOp();
  if (!def || depth > 8 || def->getNumOperands() != 2)
    return std::nullopt;
  auto lhs = constantValue(def->getOperand(0), depth + 1);
  auto rhs = constantValue(def->getOperand(1), depth + 1);
  if (!lhs || !rhs)
    return std::nullopt;
  int64_t r = 0;
  if (isa<LLVM::MulOp, arith::MulIOp>(def)) {
    if (llvm::MulOverflow(*lhs, *rhs, r))
      return std::nullopt;
    return r;
  }
  if (isa<LLVM::AddOp, arith::AddIOp>(def)) {
    if (llvm::AddOverflow(*lhs, *rhs, r))
      return std::nullopt;
    return r;
  }
  return std::nullopt;
}

/// llvm.alloca: a constant count, in the entry block (LLVM allocates any
/// other alloca dynamically, each time it runs) unless the function saves
/// and restores the stack pointer around it.
Allocation inspect(LLVM::AllocaOp op, const DataLayout &layout, bool scoped) {
  Allocation a;
  if (auto count = constantValue(op.getArraySize()))
    a.bytes =
        *count * static_cast<int64_t>(
                     layout.getTypeSize(op.getElemType()).getFixedValue());
  Block *block = op->getBlock();
  a.repeated = !scoped && block != &block->getParent()->front();
  return a;
}

struct CheckStackFramesPass
    : dlc::impl::CheckStackFramesBase<CheckStackFramesPass> {
  using CheckStackFramesBase::CheckStackFramesBase;

  void runOnOperation() override {
    bool failed = false;
    getOperation()->walk([&](FunctionOpInterface fn) {
      // Kernels of a GPU target run on the device: its private memory is
      // not the host's stack.
      if (fn->getParentOfType<gpu::GPUModuleOp>())
        return WalkResult::skip();
      if (!checkFunction(fn))
        failed = true;
      return WalkResult::skip();
    });
    if (failed)
      signalPassFailure();
  }

  /// Checks the allocations of one function; false after an error.
  bool checkFunction(FunctionOpInterface fn) {
    if (fn.isExternal())
      return true;
    const DataLayout &layout = DataLayout::closest(fn);
    bool scoped = false;
    fn->walk([&](LLVM::StackSaveOp) { scoped = true; });
    int64_t bound = maxFrameBytes, total = 0;
    bool ok = true;
    fn->walk([&](Operation *op) {
      Allocation a;
      if (auto alloca = dyn_cast<memref::AllocaOp>(op))
        a = inspect(alloca, layout);
      else if (auto alloca = dyn_cast<LLVM::AllocaOp>(op))
        a = inspect(alloca, layout, scoped);
      else
        return;
      if (!a.bytes) {
        op->emitError() << describe(op)
                        << ": a stack allocation of dynamic size; buffers "
                           "whose size depends on the model belong in the "
                           "arena or on the heap";
        ok = false;
        return;
      }
      if (*a.bytes > bound) {
        op->emitError() << describe(op) << ": a stack allocation of "
                        << *a.bytes << " bytes exceeds the bound of " << bound
                        << " bytes per frame; buffers this large belong in "
                           "the arena or on the heap";
        ok = false;
        return;
      }
      if (a.repeated) {
        op->emitError() << describe(op)
                        << ": a stack allocation inside a loop grows the "
                           "frame on every iteration; allocate it once "
                           "outside the loop, in the arena or on the heap";
        ok = false;
        return;
      }
      total += *a.bytes;
      if (ok && total > bound) {
        op->emitError() << describe(op)
                        << ": the stack allocations of this function take "
                        << total << " bytes, over the bound of " << bound
                        << " bytes per frame";
        ok = false;
      }
    });
    return ok;
  }
};

} // namespace

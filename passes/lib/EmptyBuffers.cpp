//===- EmptyBuffers.cpp - buffers without elements at the boundary --------===//
//
// A model input or output can have no elements (a 2x0x4 tensor). Upstream's
// bare-pointer calling convention (convert-func-to-llvm with
// use-bare-ptr-memref-call-conv, MLIR 22) refuses memrefs of rank > 1 with a
// zero dimension and then leaves the whole function unconverted, so such
// arguments become memref<0xT> (the caller's pointer, never dereferenced)
// and the body reads a zero-sized stack buffer of the original type
// instead. Loops without iterations are erased first, so that no outlined
// loop captures such a buffer.
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace dlc {
#define GEN_PASS_DEF_EMPTYBUFFERS
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// True when some dimension of `loop` provably runs zero times.
bool hasNoIterations(scf::ParallelOp loop) {
  for (auto [lb, ub] :
       llvm::zip(loop.getLowerBound(), loop.getUpperBound())) {
    std::optional<int64_t> l = getConstantIntValue(lb);
    std::optional<int64_t> u = getConstantIntValue(ub);
    if (l && u && *u <= *l)
      return true;
  }
  return false;
}

bool hasNoIterations(scf::ForOp loop) {
  std::optional<int64_t> l = getConstantIntValue(loop.getLowerBound());
  std::optional<int64_t> u = getConstantIntValue(loop.getUpperBound());
  return l && u && *u <= *l;
}

struct EmptyBuffers : dlc::impl::EmptyBuffersBase<EmptyBuffers> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Operation *> dead;
    module.walk([&](Operation *op) {
      if (auto p = dyn_cast<scf::ParallelOp>(op);
          p && p.getNumResults() == 0 && hasNoIterations(p))
        dead.push_back(op);
      if (auto f = dyn_cast<scf::ForOp>(op);
          f && f.getNumResults() == 0 && hasNoIterations(f))
        dead.push_back(op);
    });
    // Innermost first is not needed: erasing an outer loop erases the inner
    // ones, so skip loops nested in one already erased.
    llvm::SmallPtrSet<Operation *, 8> erased;
    for (Operation *op : dead) {
      bool nested = false;
      for (Operation *p = op->getParentOp(); p; p = p->getParentOp())
        nested |= erased.contains(p);
      if (nested)
        continue;
      erased.insert(op);
    }
    for (Operation *op : dead)
      if (erased.contains(op))
        op->erase();

    if (!funcName.empty()) {
      if (auto fn = module.lookupSymbol<func::FuncOp>(funcName))
        flattenEmptyArguments(fn);
      return;
    }
    for (auto fn : module.getOps<func::FuncOp>())
      if (fn.isPublic())
        flattenEmptyArguments(fn);
  }

  void flattenEmptyArguments(func::FuncOp fn) {
    if (fn.isExternal())
      return;
    OpBuilder b(fn.getBody());
    b.setInsertionPointToStart(&fn.getBody().front());
    SmallVector<Type> inputs(fn.getArgumentTypes());
    for (BlockArgument arg : fn.getArguments()) {
      auto type = dyn_cast<MemRefType>(arg.getType());
      if (!type || !type.hasStaticShape() || type.getNumElements() != 0 ||
          type.getRank() == 1)
        continue;
      auto stand = memref::AllocaOp::create(b, fn.getLoc(), type);
      arg.replaceAllUsesWith(stand);
      auto flat = MemRefType::get({0}, type.getElementType(), nullptr,
                                  type.getMemorySpace());
      arg.setType(flat);
      inputs[arg.getArgNumber()] = flat;
    }
    fn.setFunctionType(
        FunctionType::get(&getContext(), inputs, fn.getResultTypes()));
  }
};

} // namespace

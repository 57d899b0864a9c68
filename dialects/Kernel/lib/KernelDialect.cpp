//===- KernelDialect.cpp - kernel dialect and its verifier ----------------===//

#include "dlc/Dialect/Kernel/KernelDialect.h"
#include "dlc/Dialect/Kernel/KernelOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace dlc::kernel;

#include "dlc/Dialect/Kernel/KernelDialect.cpp.inc"

void KernelDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dlc/Dialect/Kernel/KernelOps.cpp.inc"
      >();
}

void GroupOp::build(OpBuilder &builder, OperationState &state, StringRef kind,
                    ValueRange inputs, TypeRange resultTypes) {
  state.addAttribute(getKindAttrName(state.name), builder.getStringAttr(kind));
  state.addOperands(inputs);
  state.addTypes(resultTypes);
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  for (Value v : inputs)
    block->addArgument(v.getType(), v.getLoc());
}

ArrayRef<StringRef> GroupOp::kinds() {
  static const StringRef all[] = {"contraction", "convolution", "pooling",
                                  "reduction",   "softmax",     "normalization",
                                  "elementwise", "data-movement"};
  return all;
}

Operation *GroupOp::getRoot() {
  Operation *root = nullptr;
  for (Operation &op : getBodyBlock())
    if (op.hasAttr(KernelDialect::rootAttrName())) {
      if (root)
        return nullptr;
      root = &op;
    }
  return root;
}

LogicalResult GroupOp::verify() {
  if (!llvm::is_contained(kinds(), getKind()))
    return emitOpError("unknown kernel kind '")
           << getKind() << "' (expected one of "
           << llvm::join(kinds(), ", ") << ")";
  Block &block = getBodyBlock();
  if (block.getNumArguments() != getInputs().size())
    return emitOpError("has ") << getInputs().size() << " operands but "
                               << block.getNumArguments()
                               << " block arguments";
  for (auto [i, pair] :
       llvm::enumerate(llvm::zip(getInputs(), block.getArguments())))
    if (std::get<0>(pair).getType() != std::get<1>(pair).getType())
      return emitOpError("operand ")
             << i << " has type " << std::get<0>(pair).getType()
             << " but its block argument has type "
             << std::get<1>(pair).getType();
  if (getResults().empty())
    return emitOpError("has no results (a kernel must produce a value)");
  auto yield = cast<YieldOp>(block.getTerminator());
  if (yield.getValues().getTypes() != getResults().getTypes())
    return emitOpError("yields ")
           << yield.getValues().size()
           << " values whose types do not match its results";
  int roots = 0;
  for (Operation &op : block) {
    if (isa<GroupOp>(op))
      return op.emitOpError("is nested in another kernel group");
    if (op.hasAttr(KernelDialect::rootAttrName()))
      ++roots;
  }
  if (roots != 1)
    return emitOpError("must mark exactly one op with 'kernel.root' (found ")
           << roots << ")";
  return success();
}

#define GET_OP_CLASSES
#include "dlc/Dialect/Kernel/KernelOps.cpp.inc"

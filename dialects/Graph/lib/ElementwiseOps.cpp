//===- ElementwiseOps.cpp - elementwise graph ops -------------------------===//

#include "dlc/Dialect/Graph/GraphOps.h"
#include "dlc/Dialect/Graph/GraphUtils.h"

using namespace mlir;
using namespace dlc::graph;

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

OpFoldResult ReluOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      adaptor.getInput(), getType(),
      [](const APFloat &x) -> std::optional<APFloat> {
        return x.isNegative() ? APFloat::getZero(x.getSemantics()) : x;
      },
      [&](const APInt &x) -> std::optional<APInt> {
        if (getType().getElementType().isUnsignedInteger())
          return x;
        return x.isNegative() ? APInt::getZero(x.getBitWidth()) : x;
      });
}

//===----------------------------------------------------------------------===//
// Binary with broadcasting
//===----------------------------------------------------------------------===//

LogicalResult AddOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      ValueRange operands, DictionaryAttr,
                                      OpaqueProperties, RegionRange,
                                      SmallVectorImpl<Type> &inferred) {
  return inferBroadcastType(loc, operands, Type(), inferred);
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a + b;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a + b;
      });
}

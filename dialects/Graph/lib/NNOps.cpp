//===- NNOps.cpp - matmul, convolution, pooling, ... ----------------------===//

#include "dlc/Dialect/Graph/GraphOps.h"
#include "dlc/Dialect/Graph/GraphUtils.h"

using namespace mlir;
using namespace dlc::graph;

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         ValueRange operands, DictionaryAttr,
                                         OpaqueProperties, RegionRange,
                                         SmallVectorImpl<Type> &inferred) {
  auto lhs = cast<RankedTensorType>(operands[0].getType());
  auto rhs = cast<RankedTensorType>(operands[1].getType());
  if (lhs.getElementType() != rhs.getElementType())
    return inferError(loc, "matmul operand element types differ");
  if (lhs.getRank() < 1 || rhs.getRank() < 1)
    return inferError(loc, "matmul operands must have rank >= 1");
  SmallVector<int64_t> l(lhs.getShape()), r(rhs.getShape());
  bool lhsVector = l.size() == 1, rhsVector = r.size() == 1;
  if (lhsVector)
    l.insert(l.begin(), 1);
  if (rhsVector)
    r.push_back(1);
  int64_t k = l.back(), k2 = r[r.size() - 2];
  if (k != k2)
    return inferError(loc, "matmul contraction dimensions differ: ", k,
                      " vs ", k2);
  FailureOr<SmallVector<int64_t>> batch = broadcastShapes(
      ArrayRef<int64_t>(l).drop_back(2), ArrayRef<int64_t>(r).drop_back(2));
  if (failed(batch))
    return inferError(loc, "matmul batch dimensions do not broadcast");
  SmallVector<int64_t> shape(*batch);
  if (!lhsVector)
    shape.push_back(l[l.size() - 2]);
  if (!rhsVector)
    shape.push_back(r.back());
  inferred.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

//===- ReductionOps.cpp - reductions and normalizations -------------------===//

#include "dlc/Dialect/Graph/GraphOps.h"
#include "dlc/Dialect/Graph/GraphUtils.h"

using namespace mlir;
using namespace dlc::graph;

/// Shape after reducing `axes` (all axes when empty).
static SmallVector<int64_t> reducedShape(ArrayRef<int64_t> shape,
                                         ArrayRef<int64_t> axes,
                                         bool keepdims) {
  SmallVector<int64_t> out;
  for (int64_t d = 0, e = shape.size(); d < e; ++d) {
    bool reduced = axes.empty() || llvm::is_contained(axes, d);
    if (!reduced)
      out.push_back(shape[d]);
    else if (keepdims)
      out.push_back(1);
  }
  return out;
}

/// Checks that reduction axes are sorted, unique and within the rank.
static LogicalResult checkAxes(std::optional<Location> loc,
                               ArrayRef<int64_t> axes, int64_t rank) {
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 0 || axes[i] >= rank)
      return inferError(loc, "reduction axis ", axes[i],
                        " is out of range for rank ", rank);
    if (i > 0 && axes[i] <= axes[i - 1])
      return inferError(loc, "reduction axes must be sorted and unique");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// ReduceSum
//===----------------------------------------------------------------------===//

LogicalResult ReduceSumOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            ValueRange operands,
                                            DictionaryAttr attributes,
                                            OpaqueProperties, RegionRange,
                                            SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(operands[0].getType());
  auto axesAttr = attributes.getAs<DenseI64ArrayAttr>("axes");
  if (!axesAttr)
    return inferError(loc, "reduction needs an 'axes' attribute");
  bool keepdims = true;
  if (auto k = attributes.getAs<BoolAttr>("keepdims"))
    keepdims = k.getValue();
  if (failed(checkAxes(loc, axesAttr.asArrayRef(), input.getRank())))
    return failure();
  inferred.push_back(RankedTensorType::get(
      reducedShape(input.getShape(), axesAttr.asArrayRef(), keepdims),
      input.getElementType()));
  return success();
}

LogicalResult ReduceSumOp::verify() {
  return checkAxes(getLoc(), getAxes(), getInput().getType().getRank());
}

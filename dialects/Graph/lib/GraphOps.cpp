//===- GraphOps.cpp - graph op definitions and the constant op ------------===//
//
// Holds the generated op definitions. The verifiers, type inference and
// folders of each family live in ElementwiseOps.cpp, NNOps.cpp, ShapeOps.cpp
// (with ShapeSliceOps.cpp) and ReductionOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Graph/GraphOps.h"
#include "dlc/Dialect/Graph/GraphUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace dlc::graph;

#define GET_OP_CLASSES
#include "dlc/Dialect/Graph/GraphOps.cpp.inc"

LogicalResult ConstantOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> location,
    ValueRange operands, DictionaryAttr attributes, OpaqueProperties properties,
    RegionRange regions, SmallVectorImpl<Type> &inferredReturnTypes) {
  auto value = dyn_cast_or_null<ElementsAttr>(attributes.get("value"));
  if (!value)
    return inferError(location, "'graph.constant' needs an elements 'value'");
  inferredReturnTypes.push_back(value.getType());
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

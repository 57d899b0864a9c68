//===- ScatterOps.cpp - the verifier of graph.scatter ---------------------===//

#include "dlc/Dialect/Graph/GraphOps.h"

using namespace mlir;
using namespace dlc::graph;

LogicalResult ScatterOp::verify() {
  auto data = cast<RankedTensorType>(getData().getType());
  auto offsets = cast<RankedTensorType>(getOffsets().getType());
  auto updates = cast<RankedTensorType>(getUpdates().getType());
  if (data.getRank() != 1 || offsets.getRank() != 1 || updates.getRank() != 1)
    return emitOpError("data, offsets and updates must be 1-D, got ")
           << data << ", " << offsets << " and " << updates;
  if (updates.getElementType() != data.getElementType())
    return emitOpError("updates element type ")
           << updates.getElementType() << " differs from the data's "
           << data.getElementType();
  if (updates.getDimSize(0) != offsets.getDimSize(0))
    return emitOpError("has ")
           << updates.getDimSize(0) << " updates for "
           << offsets.getDimSize(0) << " offsets";
  StringRef r = getReduction();
  if (r != "none" && r != "add" && r != "mul" && r != "max" && r != "min")
    return emitOpError("reduction must be none, add, mul, max or min, got '")
           << r << "'";
  if (r != "none" && data.getElementType().isInteger(1))
    return emitOpError("reduction '") << r << "' needs numeric data, got i1";
  return success();
}

//===- ReductionOps.cpp - ONNX reductions and normalizations --------------===//

#include "../OpTable.h"
#include "dlc/Dialect/Graph/GraphUtils.h"

using namespace mlir;
using namespace dlc;

/// Reads reduction axes from the attribute (older opsets) or the second
/// input (ReduceSum from 13, the others from 18), normalized and sorted.
static FailureOr<SmallVector<int64_t>> reductionAxes(NodeImporter &n,
                                                     int64_t inputSince) {
  SmallVector<int64_t> axes;
  if (n.opset() >= inputSince) {
    if (n.hasInput(1)) {
      FailureOr<SmallVector<int64_t>> in = n.constantInts(1, "axes");
      if (failed(in))
        return failure();
      axes = *in;
    }
  } else {
    FailureOr<SmallVector<int64_t>> attr = n.getInts("axes", ArrayRef<int64_t>{});
    if (failed(attr))
      return failure();
    axes = *attr;
  }
  int64_t rank = n.inputType(0).getRank();
  for (int64_t &a : axes) {
    FailureOr<int64_t> norm = graph::normalizeAxis(n.loc(), a, rank);
    if (failed(norm))
      return failure();
    a = *norm;
  }
  llvm::sort(axes);
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return n.emitError() << "reduction axes repeat an axis";
  return axes;
}

static LogicalResult importReduceSum(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 2)))
    return failure();
  FailureOr<SmallVector<int64_t>> axes = reductionAxes(n, 13);
  FailureOr<int64_t> keepdims = n.getInt("keepdims", 1);
  FailureOr<int64_t> noop = n.getInt("noop_with_empty_axes", 0);
  if (failed(axes) || failed(keepdims) || failed(noop))
    return failure();
  if (axes->empty() && *noop)
    return n.setResult(n.input(0));
  FailureOr<Value> v = n.create<graph::ReduceSumOp>(
      n.input(0), {n.i64ArrayAttr("axes", *axes),
                   n.boolAttr("keepdims", *keepdims != 0)});
  return failed(v) ? failure() : n.setResult(*v);
}

void dlc::registerReductionOps(OpTable &t) {
  t.add("ReduceSum", 1, kMaxOpset, importReduceSum);
}

//===- SelectionOps.cpp - ONNX TopK and CenterCropPad ---------------------===//
//
// Both ops are compositions of graph ops.
//
// TopK of x along axis a (size n) ranks every element by pairwise
// comparisons along the axis:
//   rank[i] = #{j : x[j] beats x[i]} + #{j < i : x[j] == x[i]}
// where "beats" is > for the largest and < for the smallest elements, so
// ties go to the lower index (as onnxruntime does) and the ranks are a
// permutation of 0..n-1. The index of the element of rank r is then
//   idx[r] = sum_i (rank[i] == r ? i : 0)
// (an exact integer sum) and the values are GatherElements(x, idx). The
// comparisons cost O(n^2) per slice along the axis; no arithmetic touches
// the values, so +-inf are ranked exactly.
//
// CenterCropPad is one graph.pad whose negative pads crop: each listed axis
// of size s and target t keeps (or fills) (s - t) / 2 (rounded down) before
// and the rest after, as the ONNX reference does.
//
//===----------------------------------------------------------------------===//

#include "../OpTable.h"
#include "Compose.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::compose;

namespace {

/// The rank (0 = first in the output) of each element of `x` along `axis`.
FailureOr<Value> rankAlongAxis(NodeImporter &n, Value x, int64_t axis,
                               bool largest) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  int64_t size = type.getDimSize(axis);
  Type i64 = n.builder().getI64Type();
  // xi varies with i along `axis`, xj with j along `axis + 1`.
  FailureOr<Value> xi =
      n.create<graph::UnsqueezeOp>(x, {n.i64ArrayAttr("axes", {axis + 1})});
  FailureOr<Value> xj =
      n.create<graph::UnsqueezeOp>(x, {n.i64ArrayAttr("axes", {axis})});
  if (failed(xi) || failed(xj))
    return failure();
  FailureOr<Value> beats =
      largest ? n.create<graph::GreaterOp>(ValueRange{*xj, *xi})
              : n.create<graph::LessOp>(ValueRange{*xj, *xi});
  FailureOr<Value> same = n.create<graph::EqualOp>(ValueRange{*xj, *xi});
  FailureOr<Value> earlier = n.create<graph::LessOp>(
      ValueRange{positions(n, rank + 1, axis + 1, size),
                 positions(n, rank + 1, axis, size)});
  FailureOr<Value> tie, before, count;
  if (succeeded(same) && succeeded(earlier))
    tie = n.create<graph::AndOp>(ValueRange{*same, *earlier});
  if (succeeded(beats) && succeeded(tie))
    before = n.create<graph::OrOp>(ValueRange{*beats, *tie});
  if (succeeded(before))
    count = castTo(n, *before, i64);
  if (failed(count))
    return failure();
  return n.create<graph::ReduceSumOp>(*count,
                                      {n.i64ArrayAttr("axes", {axis + 1}),
                                       n.boolAttr("keepdims", false)});
}

/// The index along `axis` of the elements of rank 0..k-1.
FailureOr<Value> indicesOfRanks(NodeImporter &n, Value ranks, int64_t axis,
                                int64_t k) {
  auto type = cast<RankedTensorType>(ranks.getType());
  int64_t rank = type.getRank();
  int64_t size = type.getDimSize(axis);
  Type i64 = n.builder().getI64Type();
  FailureOr<Value> ri =
      n.create<graph::UnsqueezeOp>(ranks, {n.i64ArrayAttr("axes", {axis + 1})});
  FailureOr<Value> match, picked;
  if (succeeded(ri))
    match = n.create<graph::EqualOp>(
        ValueRange{*ri, positions(n, rank + 1, axis + 1, k)});
  if (succeeded(match))
    picked = n.create<graph::WhereOp>(
        ValueRange{*match, positions(n, rank + 1, axis, size),
                   n.scalarConstant(i64, 0)});
  if (failed(picked))
    return failure();
  return n.create<graph::ReduceSumOp>(
      *picked, {n.i64ArrayAttr("axes", {axis}), n.boolAttr("keepdims", false)});
}

LogicalResult importTopK(NodeImporter &n) {
  bool kInput = n.opset() >= 10;
  if (failed(n.checkInputCount(kInput ? 2 : 1, kInput ? 2 : 1)))
    return failure();
  RankedTensorType type = n.inputType(0);
  int64_t rank = type.getRank();
  FailureOr<int64_t> axisAttr = n.getInt("axis", -1);
  FailureOr<int64_t> largest = n.getInt("largest", 1);
  FailureOr<int64_t> sorted = n.getInt("sorted", 1);
  if (failed(axisAttr) || failed(largest) || failed(sorted))
    return failure();
  if (rank == 0)
    return n.emitError() << "TopK input must have rank >= 1, got " << type;
  int64_t axis = *axisAttr;
  if (axis < -rank || axis >= rank)
    return n.emitError() << "TopK axis " << axis << " is out of range for "
                         << "rank " << rank;
  if (axis < 0)
    axis += rank;
  if (*largest != 0 && *largest != 1)
    return n.emitError() << "TopK largest must be 0 or 1, got " << *largest;
  if (*sorted != 0 && *sorted != 1)
    return n.emitError() << "TopK sorted must be 0 or 1, got " << *sorted;
  int64_t k;
  if (kInput) {
    FailureOr<SmallVector<int64_t>> ks = n.constantInts(1, "K");
    if (failed(ks))
      return failure();
    if (ks->size() != 1)
      return n.emitError() << "TopK K must hold one value, got "
                           << ks->size();
    k = ks->front();
  } else {
    FailureOr<int64_t> attr = n.getInt("k");
    if (failed(attr))
      return failure();
    k = *attr;
  }
  int64_t size = type.getDimSize(axis);
  if (k < 0 || k > size)
    return n.emitError() << "TopK K = " << k << " is out of range for axis "
                         << axis << " of size " << size;
  Type element = type.getElementType();
  if (!isa<FloatType, IntegerType>(element) || element.isInteger(1))
    return n.emitError() << "TopK element type " << element
                         << " is not supported";

  // The output is sorted either way (sorted = 0 allows any order).
  FailureOr<Value> ranks = rankAlongAxis(n, n.input(0), axis, *largest == 1);
  FailureOr<Value> indices, values;
  if (succeeded(ranks))
    indices = indicesOfRanks(n, *ranks, axis, k);
  if (succeeded(indices))
    values = gatherElements(n, n.input(0), *indices, axis);
  if (failed(values))
    return failure();
  return n.setResults({*values, *indices});
}

LogicalResult importCenterCropPad(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  RankedTensorType type = n.inputType(0);
  int64_t rank = type.getRank();
  FailureOr<SmallVector<int64_t>> shape = n.constantInts(1, "shape");
  if (failed(shape))
    return failure();
  SmallVector<int64_t> axes;
  if (n.hasAttr("axes")) {
    FailureOr<SmallVector<int64_t>> a = n.getInts("axes");
    if (failed(a))
      return failure();
    axes = *a;
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  if (shape->size() != axes.size())
    return n.emitError() << "CenterCropPad shape has " << shape->size()
                         << " values for " << axes.size() << " axes";
  SmallVector<int64_t> pads(2 * rank, 0);
  SmallVector<bool> seen(rank, false);
  for (auto [a, target] : llvm::zip(axes, *shape)) {
    if (a < -rank || a >= rank)
      return n.emitError() << "CenterCropPad axis " << a
                           << " is out of range for rank " << rank;
    int64_t d = a < 0 ? a + rank : a;
    if (seen[d])
      return n.emitError() << "CenterCropPad axis " << a << " is repeated";
    seen[d] = true;
    if (target < 0)
      return n.emitError() << "CenterCropPad shape value " << target
                           << " for axis " << a << " is negative";
    int64_t s = type.getDimSize(d);
    if (ShapedType::isDynamic(s))
      return n.emitError() << "CenterCropPad needs a static size for axis "
                           << a << "; dlc needs static shapes";
    // Crop: (s - t) / 2 before; pad: (t - s) / 2 before.
    int64_t diff = target - s;
    int64_t before = diff >= 0 ? diff / 2 : -((-diff) / 2);
    pads[d] = before;
    pads[rank + d] = diff - before;
  }
  return setCreated(
      n, n.create<graph::PadOp>(n.input(0), {n.i64ArrayAttr("pads", pads)}));
}

} // namespace

void dlc::registerSelectionOps(OpTable &t) {
  t.add("TopK", 1, kMaxOpset, importTopK);
  t.add("CenterCropPad", 18, kMaxOpset, importCenterCropPad);
}

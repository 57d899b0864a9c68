//===- ReductionOps.cpp - ONNX reductions and normalizations --------------===//
//
// Reduce*, ArgMax/ArgMin, CumSum, Softmax and LogSoftmax. The graph ops
// take normalized axes; the handlers read ONNX's attribute or input forms
// (which changed across opsets) and its defaults.
//
//===----------------------------------------------------------------------===//

#include "../OpTable.h"
#include "dlc/Dialect/Graph/GraphUtils.h"

using namespace mlir;
using namespace dlc;

/// Rejects element types the graph op does not take with a clear message
/// (ONNX allows more, e.g. integer ReduceL2 or boolean ReduceMax only from
/// opset 20).
static LogicalResult checkElementType(NodeImporter &n, bool allowInt,
                                      bool allowBool) {
  Type element = n.inputType(0).getElementType();
  if (element.isInteger(1) ? allowBool : (isa<FloatType>(element) || allowInt))
    return success();
  return n.emitError() << "input element type " << element
                       << " is not supported by " << n.node().op_type();
}

/// Normalizes ONNX axes against the input rank, sorted, without repeats.
static FailureOr<SmallVector<int64_t>>
normalizeAxes(NodeImporter &n, SmallVector<int64_t> axes) {
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

/// The reduced axes: from the attribute (older opsets) or the second input
/// (ReduceSum from 13, the others from 18). An absent or empty list means
/// every axis, or none at all with noop_with_empty_axes (from the opset
/// where axes became an input).
static FailureOr<SmallVector<int64_t>> reductionAxes(NodeImporter &n,
                                                     int64_t inputSince) {
  SmallVector<int64_t> axes;
  bool noop = false;
  if (n.opset() >= inputSince) {
    if (failed(n.checkInputCount(1, 2)))
      return failure();
    if (n.hasInput(1)) {
      FailureOr<SmallVector<int64_t>> in = n.constantInts(1, "axes");
      if (failed(in))
        return failure();
      axes = *in;
    }
    FailureOr<int64_t> flag = n.getInt("noop_with_empty_axes", 0);
    if (failed(flag))
      return failure();
    noop = *flag != 0;
  } else {
    if (failed(n.checkInputCount(1, 1)))
      return failure();
    FailureOr<SmallVector<int64_t>> attr =
        n.getInts("axes", ArrayRef<int64_t>{});
    if (failed(attr))
      return failure();
    axes = *attr;
  }
  if (axes.empty() && !noop)
    return llvm::to_vector(llvm::seq<int64_t>(0, n.inputType(0).getRank()));
  return normalizeAxes(n, std::move(axes));
}

/// Reductions whose graph op takes only floats.
template <typename OpTy>
constexpr bool kFloatOnly =
    llvm::is_one_of<OpTy, graph::ReduceL2Op, graph::ReduceLogSumOp,
                    graph::ReduceLogSumExpOp>::value;
/// Reductions whose graph op also takes booleans.
template <typename OpTy>
constexpr bool kTakesBool =
    llvm::is_one_of<OpTy, graph::ReduceMaxOp, graph::ReduceMinOp>::value;

template <typename OpTy, int64_t AxesInputSince>
static LogicalResult importReduce(NodeImporter &n) {
  if (n.numInputs() < 1 || !n.hasInput(0))
    return n.emitError() << "missing required input #0";
  if (failed(checkElementType(n, !kFloatOnly<OpTy>, kTakesBool<OpTy>)))
    return failure();
  FailureOr<SmallVector<int64_t>> axes = reductionAxes(n, AxesInputSince);
  FailureOr<int64_t> keepdims = n.getInt("keepdims", 1);
  if (failed(axes) || failed(keepdims))
    return failure();
  FailureOr<Value> v =
      n.create<OpTy>(n.input(0), {n.i64ArrayAttr("axes", *axes),
                                  n.boolAttr("keepdims", *keepdims != 0)});
  return failed(v) ? failure() : n.setResult(*v);
}

/// ArgMax / ArgMin (select_last_index from opset 12).
template <typename OpTy> static LogicalResult importArgReduce(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)) ||
      failed(checkElementType(n, /*allowInt=*/true, /*allowBool=*/false)))
    return failure();
  FailureOr<int64_t> axis = n.getInt("axis", 0);
  FailureOr<int64_t> keepdims = n.getInt("keepdims", 1);
  FailureOr<int64_t> last = n.getInt("select_last_index", 0);
  if (failed(axis) || failed(keepdims) || failed(last))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  if (rank == 0)
    return n.emitError() << "input must have rank >= 1";
  FailureOr<int64_t> norm = graph::normalizeAxis(n.loc(), *axis, rank);
  if (failed(norm))
    return failure();
  FailureOr<Value> v =
      n.create<OpTy>(n.input(0), {n.i64Attr("axis", *norm),
                                  n.boolAttr("keepdims", *keepdims != 0),
                                  n.boolAttr("select_last_index", *last != 0)});
  return failed(v) ? failure() : n.setResult(*v);
}

static LogicalResult importCumSum(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)) ||
      failed(checkElementType(n, /*allowInt=*/true, /*allowBool=*/false)))
    return failure();
  FailureOr<SmallVector<int64_t>> axis = n.constantInts(1, "axis");
  FailureOr<int64_t> exclusive = n.getInt("exclusive", 0);
  FailureOr<int64_t> reverse = n.getInt("reverse", 0);
  if (failed(axis) || failed(exclusive) || failed(reverse))
    return failure();
  if (axis->size() != 1)
    return n.emitError() << "input 'axis' must hold one value, got "
                         << axis->size();
  int64_t rank = n.inputType(0).getRank();
  if (rank == 0)
    return n.emitError() << "input must have rank >= 1";
  FailureOr<int64_t> norm = graph::normalizeAxis(n.loc(), axis->front(), rank);
  if (failed(norm))
    return failure();
  FailureOr<Value> v = n.create<graph::CumSumOp>(
      n.input(0),
      {n.i64Attr("axis", *norm), n.boolAttr("exclusive", *exclusive != 0),
       n.boolAttr("reverse", *reverse != 0)});
  return failed(v) ? failure() : n.setResult(*v);
}

/// Softmax / LogSoftmax. From opset 13 the normalization runs along `axis`
/// (default -1). Before, the input is coerced to 2-D at `axis` (default 1)
/// and normalized over the flattened trailing dimensions: that becomes
/// reshape -> op on axis 1 -> reshape back, unless the trailing dimensions
/// after `axis` are all 1 (then the two forms agree).
template <typename OpTy> static LogicalResult importSoftmax(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)) ||
      failed(checkElementType(n, /*allowInt=*/false, /*allowBool=*/false)))
    return failure();
  bool coerce2D = n.opset() < 13;
  FailureOr<int64_t> axis = n.getInt("axis", coerce2D ? 1 : -1);
  if (failed(axis))
    return failure();
  RankedTensorType type = n.inputType(0);
  int64_t rank = type.getRank();
  if (rank == 0)
    return n.emitError() << "input must have rank >= 1";
  FailureOr<int64_t> norm = graph::normalizeAxis(n.loc(), *axis, rank);
  if (failed(norm))
    return failure();
  ArrayRef<int64_t> shape = type.getShape();
  auto product = [](ArrayRef<int64_t> dims) {
    int64_t p = 1;
    for (int64_t d : dims)
      p *= d;
    return p;
  };
  if (!coerce2D || product(shape.drop_front(*norm + 1)) == 1) {
    FailureOr<Value> v = n.create<OpTy>(n.input(0), {n.i64Attr("axis", *norm)});
    return failed(v) ? failure() : n.setResult(*v);
  }
  auto flatType = RankedTensorType::get(
      {product(shape.take_front(*norm)), product(shape.drop_front(*norm))},
      type.getElementType());
  FailureOr<Value> flat =
      n.create<graph::ReshapeOp>(n.input(0), {}, TypeRange(flatType));
  if (failed(flat))
    return failure();
  FailureOr<Value> v = n.create<OpTy>(*flat, {n.i64Attr("axis", 1)});
  if (failed(v))
    return failure();
  FailureOr<Value> back = n.create<graph::ReshapeOp>(*v, {}, TypeRange(type));
  return failed(back) ? failure() : n.setResult(*back);
}

void dlc::registerReductionOps(OpTable &t) {
  t.add("ReduceSum", 1, kMaxOpset, importReduce<graph::ReduceSumOp, 13>);
  t.add("ReduceMean", 1, kMaxOpset, importReduce<graph::ReduceMeanOp, 18>);
  t.add("ReduceProd", 1, kMaxOpset, importReduce<graph::ReduceProdOp, 18>);
  t.add("ReduceMax", 1, kMaxOpset, importReduce<graph::ReduceMaxOp, 18>);
  t.add("ReduceMin", 1, kMaxOpset, importReduce<graph::ReduceMinOp, 18>);
  t.add("ReduceL1", 1, kMaxOpset, importReduce<graph::ReduceL1Op, 18>);
  t.add("ReduceL2", 1, kMaxOpset, importReduce<graph::ReduceL2Op, 18>);
  t.add("ReduceSumSquare", 1, kMaxOpset,
        importReduce<graph::ReduceSumSquareOp, 18>);
  t.add("ReduceLogSum", 1, kMaxOpset, importReduce<graph::ReduceLogSumOp, 18>);
  t.add("ReduceLogSumExp", 1, kMaxOpset,
        importReduce<graph::ReduceLogSumExpOp, 18>);
  t.add("ArgMax", 1, kMaxOpset, importArgReduce<graph::ArgMaxOp>);
  t.add("ArgMin", 1, kMaxOpset, importArgReduce<graph::ArgMinOp>);
  t.add("CumSum", 11, kMaxOpset, importCumSum);
  t.add("Softmax", 1, kMaxOpset, importSoftmax<graph::SoftmaxOp>);
  t.add("LogSoftmax", 1, kMaxOpset, importSoftmax<graph::LogSoftmaxOp>);
}

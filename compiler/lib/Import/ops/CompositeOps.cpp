//===- CompositeOps.cpp - ONNX ops imported as several graph ops ----------===//
//
// ONNX ops without a graph op of their own: EyeLike (a constant, the input's
// shape being static), DepthToSpace and SpaceToDepth (reshape, transpose,
// reshape), OneHot (a comparison of the indices with the positions along
// the new axis), Hardmax (ArgMax compared with the positions),
// GatherElements (a Gather from the flattened data at the flat offsets),
// Swish (x * sigmoid(alpha * x)), CumProd (a product over a second copy
// of the axis, the factors outside each prefix replaced by 1) and Compress
// with a constant condition (a Gather at the selected positions), NonZero
// of a constant (folded); Unique and NonMaxSuppression are refused with the
// reason (their output shapes depend on values).
//
//===----------------------------------------------------------------------===//

#include "../OpTable.h"
#include "../TensorImport.h"
#include "Compose.h"

#include "dlc/Dialect/Graph/GraphUtils.h"
#include "llvm/Support/Error.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::compose;

namespace {

/// A constant element of `element` (float, integer or bool) equal to `v`.
Attribute elementAttr(Type element, int64_t v) {
  if (auto f = dyn_cast<FloatType>(element))
    return FloatAttr::get(f, static_cast<double>(v));
  return IntegerAttr::get(element, v);
}

LogicalResult importEyeLike(NodeImporter &n) {
  FailureOr<int64_t> k = n.getInt("k", 0);
  if (failed(k) || failed(n.checkInputCount(1, 1)))
    return failure();
  RankedTensorType in = n.inputType(0);
  if (in.getRank() != 2)
    return n.emitError() << "EyeLike input must be 2-D, got " << in;
  Type element = in.getElementType();
  if (n.hasAttr("dtype")) {
    FailureOr<int64_t> dtype = n.getInt("dtype");
    if (failed(dtype))
      return failure();
    if (*dtype < 0 || *dtype > std::numeric_limits<int32_t>::max())
      return n.emitError() << "EyeLike dtype is not a data type: " << *dtype;
    llvm::Expected<Type> t =
        convertElementType(n.context(), static_cast<int32_t>(*dtype));
    if (!t)
      return n.emitError() << "EyeLike dtype " << llvm::toString(t.takeError());
    element = *t;
  }
  int64_t rows = in.getDimSize(0), cols = in.getDimSize(1);
  Attribute zero = elementAttr(element, 0), one = elementAttr(element, 1);
  SmallVector<Attribute> values(rows * cols, zero);
  for (int64_t r = 0; r < rows; ++r)
    if (r + *k >= 0 && r + *k < cols)
      values[r * cols + r + *k] = one;
  return n.setResult(
      n.constant(DenseElementsAttr::get(in.clone(element), values)));
}

/// The N, C, H, W of a 4-D input and a positive block size.
LogicalResult blockOperands(NodeImporter &n, int64_t &blocksize,
                            SmallVector<int64_t> &nchw) {
  FailureOr<int64_t> b = n.getInt("blocksize");
  if (failed(b) || failed(n.checkInputCount(1, 1)))
    return failure();
  RankedTensorType in = n.inputType(0);
  if (in.getRank() != 4)
    return n.emitError() << n.node().op_type() << " input must be 4-D, got "
                         << in;
  if (*b <= 0 || *b > (int64_t(1) << 16))
    return n.emitError() << n.node().op_type()
                         << " blocksize must be in [1, 65536], got " << *b;
  blocksize = *b;
  nchw.assign(in.getShape().begin(), in.getShape().end());
  return success();
}

LogicalResult importDepthToSpace(NodeImporter &n) {
  int64_t b = 1;
  SmallVector<int64_t> d;
  if (failed(blockOperands(n, b, d)))
    return failure();
  FailureOr<std::string> mode = n.getString("mode", StringRef("DCR"));
  if (failed(mode))
    return failure();
  if (*mode != "DCR" && *mode != "CRD")
    return n.emitError() << "DepthToSpace mode must be \"DCR\" or \"CRD\", "
                            "got \""
                         << *mode << "\"";
  if (d[1] % (b * b) != 0)
    return n.emitError() << "DepthToSpace channels (" << d[1]
                         << ") do not divide by blocksize^2 (" << b * b << ")";
  int64_t c = d[1] / (b * b);
  bool dcr = *mode == "DCR";
  SmallVector<int64_t> split =
      dcr ? SmallVector<int64_t>{d[0], b, b, c, d[2], d[3]}
          : SmallVector<int64_t>{d[0], c, b, b, d[2], d[3]};
  SmallVector<int64_t> perm = dcr ? SmallVector<int64_t>{0, 3, 4, 1, 5, 2}
                                  : SmallVector<int64_t>{0, 1, 4, 2, 5, 3};
  FailureOr<Value> v = reshape(n, n.input(0), split);
  if (succeeded(v))
    v = transpose(n, *v, perm);
  if (succeeded(v))
    v = reshape(n, *v, {d[0], c, d[2] * b, d[3] * b});
  return setCreated(n, v);
}

LogicalResult importSpaceToDepth(NodeImporter &n) {
  int64_t b = 1;
  SmallVector<int64_t> d;
  if (failed(blockOperands(n, b, d)))
    return failure();
  if (d[2] % b != 0 || d[3] % b != 0)
    return n.emitError() << "SpaceToDepth height and width (" << d[2] << ", "
                         << d[3] << ") do not divide by blocksize (" << b
                         << ")";
  FailureOr<Value> v =
      reshape(n, n.input(0), {d[0], d[1], d[2] / b, b, d[3] / b, b});
  if (succeeded(v))
    v = transpose(n, *v, {0, 3, 5, 1, 2, 4});
  if (succeeded(v))
    v = reshape(n, *v, {d[0], d[1] * b * b, d[2] / b, d[3] / b});
  return setCreated(n, v);
}

/// Element `i` of the 1-D `values` input of OneHot as a rank-0 tensor.
FailureOr<Value> valueAt(NodeImporter &n, int64_t i) {
  RankedTensorType type = n.inputType(2);
  if (DenseElementsAttr values = n.constantInput(2))
    return n.constant(
        DenseElementsAttr::get(RankedTensorType::get({}, type.getElementType()),
                               values.getValues<Attribute>()[i]));
  Value index = n.constant(DenseElementsAttr::get(
      RankedTensorType::get({}, n.builder().getI64Type()), int64_t(i)));
  return n.create<graph::GatherOp>({n.input(2), index}, {n.i64Attr("axis", 0)});
}

/// OneHot: on where the (cast, wrapped) index equals the position along
/// the new axis, off elsewhere (also for indices outside [-depth, depth)).
LogicalResult importOneHot(NodeImporter &n) {
  FailureOr<int64_t> axis = n.getInt("axis", -1);
  if (failed(axis) || failed(n.checkInputCount(3, 3)))
    return failure();
  FailureOr<double> depthValue = n.constantScalar(1, "depth", std::nullopt);
  if (failed(depthValue))
    return failure();
  if (!(*depthValue >= 1 && *depthValue <= double(int64_t(1) << 31)))
    return n.emitError() << "OneHot depth must be in [1, 2^31], got "
                         << *depthValue;
  int64_t depth = static_cast<int64_t>(*depthValue);
  RankedTensorType indicesType = n.inputType(0), valuesType = n.inputType(2);
  if (valuesType.getRank() != 1 || valuesType.getDimSize(0) != 2)
    return n.emitError() << "OneHot values must hold [off, on], got "
                         << valuesType;
  if (indicesType.getElementType().isInteger(1))
    return n.emitError() << "OneHot indices must be numeric, got bool";
  int64_t rank = indicesType.getRank() + 1;
  if (*axis < -rank || *axis >= rank)
    return n.emitError() << "OneHot axis " << *axis
                         << " is out of range for output rank " << rank;
  int64_t ax = *axis < 0 ? *axis + rank : *axis;

  Type i64 = n.builder().getI64Type();
  FailureOr<Value> idx = n.input(0);
  if (indicesType.getElementType() != i64)
    idx = n.create<graph::CastOp>(*idx, {}, TypeRange{indicesType.clone(i64)});
  Value zero = n.scalarConstant(i64, 0), depthC = n.scalarConstant(i64, depth);
  FailureOr<Value> negative, wrapped, expanded, match, off, on;
  if (succeeded(idx))
    negative = n.create<graph::LessOp>(ValueRange{*idx, zero});
  if (succeeded(negative))
    wrapped = n.create<graph::AddOp>(ValueRange{*idx, depthC});
  if (succeeded(wrapped))
    wrapped = n.create<graph::WhereOp>(ValueRange{*negative, *wrapped, *idx});
  if (succeeded(wrapped))
    expanded =
        n.create<graph::UnsqueezeOp>(*wrapped, {n.i64ArrayAttr("axes", {ax})});
  if (succeeded(expanded))
    match = n.create<graph::EqualOp>(
        ValueRange{*expanded, positions(n, rank, ax, depth)});
  if (succeeded(match))
    off = valueAt(n, 0);
  if (succeeded(off))
    on = valueAt(n, 1);
  if (failed(on))
    return failure();
  return setCreated(n, n.create<graph::WhereOp>(ValueRange{*match, *on, *off}));
}

/// Hardmax along one axis (opset 13 on); before, over the dimensions from
/// `axis` on, flattened into one.
LogicalResult importHardmax(NodeImporter &n) {
  FailureOr<int64_t> axis = n.getInt("axis", n.opset() >= 13 ? -1 : 1);
  if (failed(axis) || failed(n.checkInputCount(1, 1)))
    return failure();
  RankedTensorType in = n.inputType(0);
  if (!isa<FloatType>(in.getElementType()))
    return n.emitError() << "Hardmax input element type " << in.getElementType()
                         << " is not supported";
  int64_t rank = in.getRank();
  if (rank == 0)
    return n.emitError() << "Hardmax input must have rank >= 1";
  FailureOr<int64_t> norm = graph::normalizeAxis(n.loc(), *axis, rank);
  if (failed(norm))
    return failure();
  FailureOr<Value> x = n.input(0);
  int64_t ax = *norm;
  if (n.opset() < 13) {
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < rank; ++d)
      (d < ax ? outer : inner) *= in.getDimSize(d);
    x = reshape(n, *x, {outer, inner});
    ax = 1;
  }
  if (failed(x))
    return failure();
  auto xType = cast<RankedTensorType>(x->getType());
  FailureOr<Value> index, match, y;
  index = n.create<graph::ArgMaxOp>(
      *x, {n.i64Attr("axis", ax), n.boolAttr("keepdims", true),
           n.boolAttr("select_last_index", false)});
  if (succeeded(index))
    match = n.create<graph::EqualOp>(ValueRange{
        *index, positions(n, xType.getRank(), ax, xType.getDimSize(ax))});
  if (succeeded(match))
    y = n.create<graph::CastOp>(*match, {}, TypeRange{xType});
  if (succeeded(y) && n.opset() < 13)
    y = reshape(n, *y, in.getShape());
  return setCreated(n, y);
}

LogicalResult importGatherElements(NodeImporter &n) {
  FailureOr<int64_t> axis = n.getInt("axis", 0);
  if (failed(axis) || failed(n.checkInputCount(2, 2)))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  if (rank == 0)
    return n.emitError() << "GatherElements data must have rank >= 1";
  FailureOr<int64_t> norm = graph::normalizeAxis(n.loc(), *axis, rank);
  if (failed(norm))
    return failure();
  return setCreated(n, gatherElements(n, n.input(0), n.input(1), *norm));
}

LogicalResult importSwish(NodeImporter &n) {
  FailureOr<double> alpha = n.getFloat("alpha", 1.0);
  if (failed(alpha) || failed(n.checkInputCount(1, 1)))
    return failure();
  RankedTensorType in = n.inputType(0);
  if (!isa<FloatType>(in.getElementType()))
    return n.emitError() << "Swish input element type " << in.getElementType()
                         << " is not supported";
  FailureOr<Value> v = n.create<graph::MulOp>(
      ValueRange{n.input(0), n.scalarConstant(in.getElementType(), *alpha)});
  if (succeeded(v))
    v = n.create<graph::SigmoidOp>(*v);
  if (succeeded(v))
    v = n.create<graph::MulOp>(ValueRange{n.input(0), *v});
  return setCreated(n, v);
}

/// CumProd along `axis` (size L): x unsqueezed to (..., 1, L, ...) so that
/// dimension axis + 1 runs over the factors j; where(take(i, j), x, 1)
/// broadcast to (..., L, L, ...) and multiplied along axis + 1, take being
/// j <= i (j < i exclusive; j >= i / j > i reversed).
LogicalResult importCumProd(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<SmallVector<int64_t>> axisValue = n.constantInts(1, "axis");
  FailureOr<int64_t> exclusive = n.getInt("exclusive", 0);
  FailureOr<int64_t> reverse = n.getInt("reverse", 0);
  if (failed(axisValue) || failed(exclusive) || failed(reverse))
    return failure();
  RankedTensorType in = n.inputType(0);
  Type e = in.getElementType();
  if (e.isInteger(1))
    return n.emitError() << "CumProd input must be numeric, got bool";
  if (axisValue->size() != 1)
    return n.emitError() << "input 'axis' must hold one value, got "
                         << axisValue->size();
  int64_t rank = in.getRank();
  if (rank == 0)
    return n.emitError() << "CumProd input must have rank >= 1";
  FailureOr<int64_t> norm =
      graph::normalizeAxis(n.loc(), axisValue->front(), rank);
  if (failed(norm))
    return failure();
  int64_t axis = *norm, len = in.getDimSize(axis);
  if (len > 4096)
    return n.emitError() << "CumProd along an axis of " << len
                         << " elements is not supported (at most 4096)";
  SmallVector<int64_t> maskShape(rank + 1, 1);
  maskShape[axis] = len;
  maskShape[axis + 1] = len;
  SmallVector<bool> take;
  for (int64_t i = 0; i < len; ++i)
    for (int64_t j = 0; j < len; ++j)
      take.push_back(*reverse ? (*exclusive ? j > i : j >= i)
                              : (*exclusive ? j < i : j <= i));
  Value mask = n.constant(DenseElementsAttr::get(
      RankedTensorType::get(maskShape, n.builder().getI1Type()),
      ArrayRef<bool>(take)));
  FailureOr<Value> x = n.create<graph::UnsqueezeOp>(
      n.input(0), {n.i64ArrayAttr("axes", {axis})});
  if (succeeded(x))
    x = n.create<graph::WhereOp>(ValueRange{mask, *x, n.scalarConstant(e, 1)});
  if (succeeded(x))
    x = n.create<graph::ReduceProdOp>(*x, {n.i64ArrayAttr("axes", {axis + 1}),
                                           n.boolAttr("keepdims", false)});
  return setCreated(n, x);
}

/// Compress: the slices along `axis` (of the flattened input without one)
/// where the condition is true. The condition sets the output shape, so it
/// must be a constant; it may be shorter than the axis (the rest false).
LogicalResult importCompress(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  RankedTensorType in = n.inputType(0);
  DenseElementsAttr cond = n.constantInput(1);
  if (!cond)
    return n.emitError()
           << "input 'condition' must be a constant: it sets the output "
              "shape of Compress; dlc needs it at compile time";
  if (cond.getType().getRank() != 1)
    return n.emitError() << "Compress condition must be 1-D, got "
                         << cond.getType();
  FailureOr<Value> x = n.input(0);
  int64_t axis = 0;
  if (n.hasAttr("axis")) {
    FailureOr<int64_t> a = n.getInt("axis");
    if (failed(a))
      return failure();
    FailureOr<int64_t> norm = graph::normalizeAxis(n.loc(), *a, in.getRank());
    if (failed(norm))
      return failure();
    axis = *norm;
  } else {
    x = reshape(n, *x, {in.getNumElements()});
  }
  if (failed(x))
    return failure();
  int64_t size = cast<RankedTensorType>(x->getType()).getDimSize(axis);
  if (cond.getNumElements() > size)
    return n.emitError() << "Compress condition has " << cond.getNumElements()
                         << " entries, more than the " << size
                         << " along the axis";
  if (!isa<IntegerType>(cond.getElementType()))
    return n.emitError() << "Compress condition must be bool, got "
                         << cond.getElementType();
  SmallVector<int64_t> picked;
  for (auto [i, bit] : llvm::enumerate(cond.getValues<APInt>()))
    if (!bit.isZero())
      picked.push_back(int64_t(i));
  Value indices = n.constant(DenseElementsAttr::get(
      RankedTensorType::get({int64_t(picked.size())},
                            n.builder().getI64Type()),
      ArrayRef<int64_t>(picked)));
  return setCreated(n, n.create<graph::GatherOp>(
                           {*x, indices}, {n.i64Attr("axis", axis)}));
}

/// NonZero of a constant: the indices folded into a constant. Otherwise
/// the output's shape depends on the input's values.
LogicalResult importNonZero(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  DenseElementsAttr x = n.constantInput(0);
  if (!x)
    return n.emitError()
           << "the output shape of NonZero depends on its input's values; "
              "dlc needs static shapes (dynamic shapes are not supported) "
              "(only a constant input is folded)";
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = std::max<int64_t>(type.getRank(), 1);
  SmallVector<int64_t> flat;
  Type element = type.getElementType();
  int64_t index = 0;
  auto isNonZero = [&](Attribute a) {
    if (auto f = dyn_cast<FloatAttr>(a))
      return !f.getValue().isZero();
    return !cast<IntegerAttr>(a).getValue().isZero();
  };
  if (!isa<FloatType, IntegerType>(element))
    return n.emitError() << "NonZero input element type " << element
                         << " is not supported";
  for (Attribute a : x.getValues<Attribute>()) {
    if (isNonZero(a))
      flat.push_back(index);
    ++index;
  }
  int64_t count = flat.size();
  SmallVector<int64_t> out(rank * count);
  ArrayRef<int64_t> shape = type.getShape();
  for (int64_t j = 0; j < count; ++j) {
    int64_t rest = flat[j];
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      out[d * count + j] = rest % shape[d];
      rest /= shape[d];
    }
    if (type.getRank() == 0)
      out[j] = 0;
  }
  return n.setResult(n.constant(DenseElementsAttr::get(
      RankedTensorType::get({rank, count}, n.builder().getI64Type()),
      ArrayRef<int64_t>(out))));
}

/// Unique and NonMaxSuppression: their output shapes depend on the values.
LogicalResult importDataDependent(NodeImporter &n) {
  return n.emitError() << "the output shape of " << n.node().op_type()
                       << " depends on its inputs' values; dlc needs static "
                          "shapes (dynamic shapes are not supported)";
}

} // namespace

void dlc::registerCompositeOps(OpTable &t) {
  t.add("NonZero", 9, kMaxOpset, importNonZero);
  t.add("Unique", 11, kMaxOpset, importDataDependent);
  t.add("NonMaxSuppression", 10, kMaxOpset, importDataDependent);
  t.add("Compress", 9, kMaxOpset, importCompress);
  t.add("EyeLike", 9, kMaxOpset, importEyeLike);
  t.add("DepthToSpace", 1, kMaxOpset, importDepthToSpace);
  t.add("SpaceToDepth", 1, kMaxOpset, importSpaceToDepth);
  t.add("OneHot", 9, kMaxOpset, importOneHot);
  t.add("Hardmax", 1, kMaxOpset, importHardmax);
  t.add("GatherElements", 11, kMaxOpset, importGatherElements);
  t.add("Swish", 24, kMaxOpset, importSwish);
  t.add("CumProd", 26, kMaxOpset, importCumProd);
}

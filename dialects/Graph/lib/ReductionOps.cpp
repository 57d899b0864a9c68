//===- ReductionOps.cpp - reductions and normalizations -------------------===//
//
// Type inference, verifiers and folders of the reductions (reduce_*,
// argmax/argmin), cumsum and the softmax family. All reduce_* ops share one
// inference function and one folder, parameterized by a ReduceKind.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Graph/GraphOps.h"
#include "dlc/Dialect/Graph/GraphUtils.h"

#include <cmath>

using namespace mlir;
using namespace dlc::graph;

//===----------------------------------------------------------------------===//
// Shapes and indexing
//===----------------------------------------------------------------------===//

/// Shape after reducing `axes`.
static SmallVector<int64_t>
reducedShape(ArrayRef<int64_t> shape, ArrayRef<int64_t> axes, bool keepdims) {
  SmallVector<int64_t> out;
  for (int64_t d = 0, e = shape.size(); d < e; ++d) {
    if (!llvm::is_contained(axes, d))
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

/// Checks a single normalized axis of an op that needs one (rank >= 1).
static LogicalResult checkAxis(std::optional<Location> loc, int64_t axis,
                               int64_t rank) {
  if (axis < 0 || axis >= rank)
    return inferError(loc, "axis ", axis, " is out of range for rank ", rank,
                      " (expected a normalized axis in [0, rank))");
  return success();
}

/// For every element of a tensor of `shape` (row-major), the flat index of
/// the element of the keepdims-reduced tensor it contributes to.
static SmallVector<int64_t> reductionTargets(ArrayRef<int64_t> shape,
                                             ArrayRef<int64_t> axes) {
  SmallVector<int64_t> outStrides =
      computeStrides(reducedShape(shape, axes, /*keepdims=*/true));
  int64_t rank = shape.size(), count = 1;
  for (int64_t d : shape)
    count *= d;
  SmallVector<int64_t> targets(count), coord(rank, 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t target = 0;
    for (int64_t d = 0; d < rank; ++d)
      if (!llvm::is_contained(axes, d))
        target += coord[d] * outStrides[d];
    targets[i] = target;
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++coord[d] < shape[d])
        break;
      coord[d] = 0;
    }
  }
  return targets;
}

/// The dense value of a constant operand a folder may evaluate, else null.
static DenseElementsAttr foldableInput(Attribute attr, ShapedType resultType) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || !isFoldable(dense.getType()) || !isFoldable(resultType))
    return nullptr;
  return dense;
}

static bool isUnsignedElement(Type element) {
  return element.isUnsignedInteger() || element.isInteger(1);
}

static APFloat toSemantics(double value, Type element) {
  APFloat f(value);
  bool losesInfo;
  f.convert(cast<FloatType>(element).getFloatSemantics(),
            APFloat::rmNearestTiesToEven, &losesInfo);
  return f;
}

//===----------------------------------------------------------------------===//
// reduce_*
//===----------------------------------------------------------------------===//

namespace {
enum class ReduceKind {
  Sum,
  Mean,
  Prod,
  Max,
  Min,
  L1,
  L2,
  SumSquare,
  LogSum,
  LogSumExp
};
} // namespace

static LogicalResult inferReduceType(std::optional<Location> loc,
                                     ValueRange operands,
                                     DictionaryAttr attributes,
                                     SmallVectorImpl<Type> &inferred) {
  if (operands.size() != 1)
    return inferError(loc, "reduction expects 1 operand, got ",
                      operands.size());
  auto input = dyn_cast<RankedTensorType>(operands[0].getType());
  if (!input)
    return inferError(loc, "reduction operand must be a ranked tensor");
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

/// Float reductions accumulate in double and round once at the end.
static std::optional<SmallVector<APFloat>>
evalFloatReduce(ReduceKind kind, DenseElementsAttr input,
                ArrayRef<int64_t> targets, int64_t resultSize, Type element) {
  double init = kind == ReduceKind::Prod  ? 1.0
                : kind == ReduceKind::Max ? -INFINITY
                : kind == ReduceKind::Min ? INFINITY
                                          : 0.0;
  SmallVector<double> acc(resultSize, init);
  SmallVector<int64_t> counts(resultSize, 0);
  int64_t i = 0;
  for (const APFloat &f : input.getValues<APFloat>()) {
    int64_t t = targets[i++];
    ++counts[t];
    double v = f.convertToDouble(), &a = acc[t];
    switch (kind) {
    case ReduceKind::Sum:
    case ReduceKind::Mean:
      a += v;
      break;
    case ReduceKind::Prod:
      a *= v;
      break;
    case ReduceKind::Max:
      a = (std::isnan(a) || std::isnan(v)) ? NAN : std::max(a, v);
      break;
    case ReduceKind::Min:
      a = (std::isnan(a) || std::isnan(v)) ? NAN : std::min(a, v);
      break;
    default:
      return std::nullopt;
    }
  }
  SmallVector<APFloat> out;
  for (int64_t r = 0; r < resultSize; ++r) {
    double v = acc[r];
    if (kind == ReduceKind::Mean)
      v = counts[r] ? v / static_cast<double>(counts[r]) : NAN;
    out.push_back(toSemantics(v, element));
  }
  return out;
}

/// Integer reductions wrap in the element width like a kernel would; the
/// mean sums in 128 bits and truncates toward zero.
static std::optional<SmallVector<APInt>>
evalIntReduce(ReduceKind kind, DenseElementsAttr input,
              ArrayRef<int64_t> targets, int64_t resultSize, Type element) {
  unsigned width = element.getIntOrFloatBitWidth();
  bool isUnsigned = isUnsignedElement(element);
  bool isMean = kind == ReduceKind::Mean;
  if (isMean && element.isInteger(1))
    return std::nullopt;
  unsigned accWidth = isMean ? 128 : width;
  APInt init(accWidth, 0);
  if (kind == ReduceKind::Prod)
    init = APInt(accWidth, 1);
  else if (kind == ReduceKind::Max)
    init = isUnsigned ? APInt::getMinValue(width)
                      : APInt::getSignedMinValue(width);
  else if (kind == ReduceKind::Min)
    init = isUnsigned ? APInt::getMaxValue(width)
                      : APInt::getSignedMaxValue(width);
  SmallVector<APInt> acc(resultSize, init);
  SmallVector<int64_t> counts(resultSize, 0);
  int64_t i = 0;
  for (const APInt &raw : input.getValues<APInt>()) {
    int64_t t = targets[i++];
    ++counts[t];
    APInt v = isUnsigned ? raw.zext(accWidth) : raw.sext(accWidth);
    APInt &a = acc[t];
    switch (kind) {
    case ReduceKind::Sum:
    case ReduceKind::Mean:
      a += v;
      break;
    case ReduceKind::Prod:
      a *= v;
      break;
    case ReduceKind::Max:
      if (isUnsigned ? v.ugt(a) : v.sgt(a))
        a = v;
      break;
    case ReduceKind::Min:
      if (isUnsigned ? v.ult(a) : v.slt(a))
        a = v;
      break;
    default:
      return std::nullopt;
    }
  }
  if (!isMean)
    return acc;
  SmallVector<APInt> out;
  for (int64_t r = 0; r < resultSize; ++r) {
    if (counts[r] == 0)
      return std::nullopt; // Undefined; leave it to run time.
    APInt n(128, counts[r]);
    out.push_back((isUnsigned ? acc[r].udiv(n) : acc[r].sdiv(n)).trunc(width));
  }
  return out;
}

/// Folds a reduction that reduces nothing (only for the non-composite
/// kinds, whose elementwise step is the identity) or whose input is a
/// small constant (sum, mean, prod, max, min).
static OpFoldResult foldReduce(ReduceKind kind, Value input,
                               Attribute inputAttr, ArrayRef<int64_t> axes,
                               ShapedType resultType) {
  bool plain = kind == ReduceKind::Sum || kind == ReduceKind::Mean ||
               kind == ReduceKind::Prod || kind == ReduceKind::Max ||
               kind == ReduceKind::Min;
  if (!plain)
    return {};
  auto inputType = cast<ShapedType>(input.getType());
  if (inputType == resultType)
    return input;
  DenseElementsAttr dense = foldableInput(inputAttr, resultType);
  if (!dense)
    return {};
  SmallVector<int64_t> targets = reductionTargets(inputType.getShape(), axes);
  int64_t resultSize = resultType.getNumElements();
  Type element = inputType.getElementType();
  if (isa<FloatType>(element)) {
    auto values = evalFloatReduce(kind, dense, targets, resultSize, element);
    return values ? DenseElementsAttr::get(resultType, *values) : Attribute();
  }
  auto values = evalIntReduce(kind, dense, targets, resultSize, element);
  return values ? DenseElementsAttr::get(resultType, *values) : Attribute();
}

// Every reduce_* op: shared inference and folder.
#define DLC_DEFINE_REDUCE_OP(OP, KIND)                                         \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location> loc, ValueRange operands,         \
      DictionaryAttr attributes, OpaqueProperties, RegionRange,                \
      SmallVectorImpl<Type> &inferred) {                                       \
    return inferReduceType(loc, operands, attributes, inferred);               \
  }                                                                            \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    return foldReduce(ReduceKind::KIND, getInput(), adaptor.getInput(),        \
                      getAxes(), getType());                                   \
  }

DLC_DEFINE_REDUCE_OP(ReduceSumOp, Sum)
DLC_DEFINE_REDUCE_OP(ReduceMeanOp, Mean)
DLC_DEFINE_REDUCE_OP(ReduceProdOp, Prod)
DLC_DEFINE_REDUCE_OP(ReduceMaxOp, Max)
DLC_DEFINE_REDUCE_OP(ReduceMinOp, Min)
DLC_DEFINE_REDUCE_OP(ReduceL1Op, L1)
DLC_DEFINE_REDUCE_OP(ReduceL2Op, L2)
DLC_DEFINE_REDUCE_OP(ReduceSumSquareOp, SumSquare)
DLC_DEFINE_REDUCE_OP(ReduceLogSumOp, LogSum)
DLC_DEFINE_REDUCE_OP(ReduceLogSumExpOp, LogSumExp)

#undef DLC_DEFINE_REDUCE_OP

//===----------------------------------------------------------------------===//
// argmax / argmin
//===----------------------------------------------------------------------===//

static LogicalResult inferArgReduceType(std::optional<Location> loc,
                                        ValueRange operands,
                                        DictionaryAttr attributes,
                                        SmallVectorImpl<Type> &inferred) {
  if (operands.size() != 1)
    return inferError(loc, "expected 1 operand, got ", operands.size());
  auto input = dyn_cast<RankedTensorType>(operands[0].getType());
  if (!input)
    return inferError(loc, "operand must be a ranked tensor");
  auto axis = attributes.getAs<IntegerAttr>("axis");
  if (!axis || !axis.getType().isSignlessInteger(64))
    return inferError(loc, "needs an i64 'axis' attribute");
  bool keepdims = true;
  if (auto k = attributes.getAs<BoolAttr>("keepdims"))
    keepdims = k.getValue();
  int64_t a = axis.getInt();
  if (failed(checkAxis(loc, a, input.getRank())))
    return failure();
  if (input.getDimSize(a) == 0)
    return inferError(loc, "arg-reduction over the empty axis ", a,
                      " is undefined");
  inferred.push_back(
      RankedTensorType::get(reducedShape(input.getShape(), {a}, keepdims),
                            IntegerType::get(input.getContext(), 64)));
  return success();
}

/// Whether `v` replaces the current best `best` (first or last extreme).
template <typename T>
static bool isBetter(const T &v, const T &best, bool isMax, bool last,
                     llvm::function_ref<bool(const T &, const T &)> less) {
  const T &lhs = isMax ? best : v, &rhs = isMax ? v : best;
  return less(lhs, rhs) || (last && !less(rhs, lhs));
}

template <typename T>
static Attribute
evalArgReduce(DenseElementsAttr input, int64_t axis, ShapedType resultType,
              bool isMax, bool last,
              llvm::function_ref<bool(const T &, const T &)> less) {
  ArrayRef<int64_t> shape = input.getType().getShape();
  SmallVector<int64_t> targets = reductionTargets(shape, {axis});
  int64_t stride = computeStrides(shape)[axis];
  SmallVector<std::optional<T>> best(resultType.getNumElements());
  SmallVector<int64_t> index(resultType.getNumElements(), 0);
  int64_t i = 0;
  for (const T &v : input.getValues<T>()) {
    int64_t t = targets[i], k = (i / stride) % shape[axis];
    ++i;
    if (!best[t] || isBetter<T>(v, *best[t], isMax, last, less)) {
      best[t] = v;
      index[t] = k;
    }
  }
  return DenseElementsAttr::get(resultType, ArrayRef<int64_t>(index));
}

static OpFoldResult foldArgReduce(Attribute inputAttr, int64_t axis,
                                  ShapedType resultType, bool isMax,
                                  bool last) {
  DenseElementsAttr dense = foldableInput(inputAttr, resultType);
  if (!dense)
    return {};
  Type element = dense.getElementType();
  if (isa<FloatType>(element)) {
    for (const APFloat &f : dense.getValues<APFloat>())
      if (f.isNaN())
        return {};
    return evalArgReduce<APFloat>(
        dense, axis, resultType, isMax, last,
        [](const APFloat &a, const APFloat &b) { return a < b; });
  }
  bool isUnsigned = isUnsignedElement(element);
  return evalArgReduce<APInt>(dense, axis, resultType, isMax, last,
                              [&](const APInt &a, const APInt &b) {
                                return isUnsigned ? a.ult(b) : a.slt(b);
                              });
}

#define DLC_DEFINE_ARG_REDUCE_OP(OP, IS_MAX)                                   \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location> loc, ValueRange operands,         \
      DictionaryAttr attributes, OpaqueProperties, RegionRange,                \
      SmallVectorImpl<Type> &inferred) {                                       \
    return inferArgReduceType(loc, operands, attributes, inferred);            \
  }                                                                            \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    return foldArgReduce(adaptor.getInput(), getAxis(), getType(), IS_MAX,     \
                         getSelectLastIndex());                                \
  }

DLC_DEFINE_ARG_REDUCE_OP(ArgMaxOp, true)
DLC_DEFINE_ARG_REDUCE_OP(ArgMinOp, false)

#undef DLC_DEFINE_ARG_REDUCE_OP

//===----------------------------------------------------------------------===//
// cumsum
//===----------------------------------------------------------------------===//

LogicalResult CumSumOp::verify() {
  return checkAxis(getLoc(), getAxis(), getType().getRank());
}

/// Running sums along `axis` of a tensor of `shape`, for any accumulator.
template <typename T>
static SmallVector<T> evalCumSum(ArrayRef<T> in, ArrayRef<int64_t> shape,
                                 int64_t axis, bool exclusive, bool reverse,
                                 const T &zero) {
  int64_t n = shape[axis], inner = computeStrides(shape)[axis];
  int64_t outer = n * inner == 0 ? 0 : in.size() / (n * inner);
  SmallVector<T> out(in.size(), zero);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < inner; ++j) {
      T acc = zero;
      for (int64_t step = 0; step < n; ++step) {
        int64_t k = reverse ? n - 1 - step : step;
        int64_t idx = (o * n + k) * inner + j;
        if (exclusive) {
          out[idx] = acc;
          acc = acc + in[idx];
        } else {
          acc = acc + in[idx];
          out[idx] = acc;
        }
      }
    }
  }
  return out;
}

OpFoldResult CumSumOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr dense = foldableInput(adaptor.getInput(), getType());
  if (!dense)
    return {};
  ArrayRef<int64_t> shape = getType().getShape();
  Type element = getType().getElementType();
  if (isa<FloatType>(element)) {
    SmallVector<double> in;
    for (const APFloat &f : dense.getValues<APFloat>())
      in.push_back(f.convertToDouble());
    SmallVector<APFloat> out;
    for (double v : evalCumSum<double>(in, shape, getAxis(), getExclusive(),
                                       getReverse(), 0.0))
      out.push_back(toSemantics(v, element));
    return DenseElementsAttr::get(getType(), out);
  }
  SmallVector<APInt> in(dense.getValues<APInt>().begin(),
                        dense.getValues<APInt>().end());
  return DenseElementsAttr::get(
      getType(),
      evalCumSum<APInt>(in, shape, getAxis(), getExclusive(), getReverse(),
                        APInt(element.getIntOrFloatBitWidth(), 0)));
}

//===----------------------------------------------------------------------===//
// softmax / log_softmax
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::verify() {
  return checkAxis(getLoc(), getAxis(), getType().getRank());
}

LogicalResult LogSoftmaxOp::verify() {
  return checkAxis(getLoc(), getAxis(), getType().getRank());
}

//===- GraphUtils.cpp - shape inference and folding helpers ---------------===//

#include "dlc/Dialect/Graph/GraphUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpDefinition.h"

using namespace mlir;
using namespace llvm;

namespace dlc::graph {

FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> lhs,
                                                ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t l = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t r = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (l != r && l != 1 && r != 1)
      return failure();
    result[i] = l == 1 ? r : l;
  }
  return result;
}

static std::string shapeString(ShapedType type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

LogicalResult inferBroadcastType(std::optional<Location> loc,
                                 ValueRange operands, Type resultElement,
                                 SmallVectorImpl<Type> &inferred) {
  if (operands.size() != 2)
    return inferError(loc, "expected 2 operands, got ", operands.size());
  auto lhs = dyn_cast<RankedTensorType>(operands[0].getType());
  auto rhs = dyn_cast<RankedTensorType>(operands[1].getType());
  if (!lhs || !rhs)
    return inferError(loc, "operands must be ranked tensors");
  if (lhs.getElementType() != rhs.getElementType())
    return inferError(loc, "operand element types differ: ", shapeString(lhs),
                      " vs ", shapeString(rhs));
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(lhs.getShape(), rhs.getShape());
  if (failed(shape))
    return inferError(loc, "operand shapes are not broadcast-compatible: ",
                      shapeString(lhs), " vs ", shapeString(rhs));
  inferred.push_back(RankedTensorType::get(
      *shape, resultElement ? resultElement : lhs.getElementType()));
  return success();
}

FailureOr<int64_t> normalizeAxis(std::optional<Location> loc, int64_t axis,
                                 int64_t rank) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1))
    return inferError(loc, "axis ", axis, " is out of range for rank ", rank);
  return axis < 0 ? axis + rank : axis;
}

ElementsAttr getConstantValue(Value value) {
  Attribute attr;
  if (value && matchPattern(value, m_Constant(&attr)))
    return dyn_cast<ElementsAttr>(attr);
  return nullptr;
}

static thread_local bool unboundedFolds = false;

UnboundedFoldScope::UnboundedFoldScope() : previous(unboundedFolds) {
  unboundedFolds = true;
}
UnboundedFoldScope::~UnboundedFoldScope() { unboundedFolds = previous; }

bool isFoldable(ShapedType type) {
  return type.hasStaticShape() &&
         (unboundedFolds || type.getNumElements() <= kMaxFoldElements);
}

SmallVector<int64_t> computeStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

int64_t broadcastIndex(int64_t flat, ArrayRef<int64_t> resultShape,
                       ArrayRef<int64_t> operandShape) {
  int64_t index = 0, stride = 1;
  size_t offset = resultShape.size() - operandShape.size();
  for (int64_t d = static_cast<int64_t>(resultShape.size()) - 1; d >= 0; --d) {
    int64_t coord = flat % resultShape[d];
    flat /= resultShape[d];
    if (d < static_cast<int64_t>(offset))
      continue;
    int64_t dim = operandShape[d - offset];
    if (dim != 1)
      index += coord * stride;
    stride *= dim;
  }
  return index;
}

static DenseElementsAttr asDense(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || !isFoldable(dense.getType()))
    return nullptr;
  return dense;
}

Attribute foldUnary(Attribute operand, ShapedType resultType,
                    FloatUnaryFn floatFn, IntUnaryFn intFn) {
  DenseElementsAttr input = asDense(operand);
  if (!input || !isFoldable(resultType))
    return {};
  Type element = input.getElementType();
  if (isa<FloatType>(element)) {
    if (!floatFn)
      return {};
    SmallVector<APFloat> values;
    for (const APFloat &v : input.getValues<APFloat>()) {
      std::optional<APFloat> r = floatFn(v);
      if (!r)
        return {};
      values.push_back(*r);
    }
    return DenseElementsAttr::get(resultType, values);
  }
  if (!intFn || element.isInteger(1))
    return {};
  SmallVector<APInt> values;
  for (const APInt &v : input.getValues<APInt>()) {
    std::optional<APInt> r = intFn(v);
    if (!r)
      return {};
    values.push_back(*r);
  }
  return DenseElementsAttr::get(resultType, values);
}

template <typename T, typename R, typename Fn>
static std::optional<SmallVector<R>> zipBroadcast(DenseElementsAttr lhs,
                                                  DenseElementsAttr rhs,
                                                  ShapedType resultType,
                                                  Fn fn) {
  SmallVector<T> lv(lhs.getValues<T>().begin(), lhs.getValues<T>().end());
  SmallVector<T> rv(rhs.getValues<T>().begin(), rhs.getValues<T>().end());
  ArrayRef<int64_t> shape = resultType.getShape();
  ArrayRef<int64_t> lshape = lhs.getType().getShape();
  ArrayRef<int64_t> rshape = rhs.getType().getShape();
  SmallVector<R> out;
  int64_t n = resultType.getNumElements();
  out.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    int64_t li = lhs.isSplat() ? 0 : broadcastIndex(i, shape, lshape);
    int64_t ri = rhs.isSplat() ? 0 : broadcastIndex(i, shape, rshape);
    auto v = fn(lv[li], rv[ri]);
    if (!v)
      return std::nullopt;
    out.push_back(*v);
  }
  return out;
}

Attribute foldBinary(Attribute lhsAttr, Attribute rhsAttr,
                     ShapedType resultType, FloatBinaryFn floatFn,
                     IntBinaryFn intFn) {
  DenseElementsAttr lhs = asDense(lhsAttr), rhs = asDense(rhsAttr);
  if (!lhs || !rhs || !isFoldable(resultType))
    return {};
  Type element = lhs.getElementType();
  if (isa<FloatType>(element)) {
    if (!floatFn)
      return {};
    auto values = zipBroadcast<APFloat, APFloat>(lhs, rhs, resultType, floatFn);
    return values ? DenseElementsAttr::get(resultType, *values) : Attribute();
  }
  if (!intFn)
    return {};
  auto values = zipBroadcast<APInt, APInt>(lhs, rhs, resultType, intFn);
  return values ? DenseElementsAttr::get(resultType, *values) : Attribute();
}

Attribute foldPredicate(Attribute lhsAttr, Attribute rhsAttr,
                        ShapedType resultType, FloatPredicateFn floatFn,
                        IntPredicateFn intFn) {
  DenseElementsAttr lhs = asDense(lhsAttr), rhs = asDense(rhsAttr);
  if (!lhs || !rhs || !isFoldable(resultType))
    return {};
  std::optional<SmallVector<bool>> values;
  if (isa<FloatType>(lhs.getElementType())) {
    if (!floatFn)
      return {};
    values = zipBroadcast<APFloat, bool>(lhs, rhs, resultType, floatFn);
  } else {
    if (!intFn)
      return {};
    values = zipBroadcast<APInt, bool>(lhs, rhs, resultType, intFn);
  }
  return values ? DenseElementsAttr::get(resultType, ArrayRef<bool>(*values))
                : Attribute();
}

} // namespace dlc::graph

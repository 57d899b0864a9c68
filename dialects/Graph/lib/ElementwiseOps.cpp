//===- ElementwiseOps.cpp - elementwise graph ops -------------------------===//

#include "dlc/Dialect/Graph/GraphOps.h"
#include "dlc/Dialect/Graph/GraphUtils.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/APSInt.h"
#include <cmath>

using namespace mlir;
using namespace dlc::graph;

/// Evaluates `fn` on `x` in double precision and rounds the result back to
/// x's semantics.
static APFloat viaDouble(const APFloat &x, double (*fn)(double)) {
  bool lost = false;
  APFloat d = x;
  d.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  APFloat r(fn(d.convertToDouble()));
  r.convert(x.getSemantics(), APFloat::rmNearestTiesToEven, &lost);
  return r;
}

static bool isUnsigned(Type type) {
  Type element = getElementTypeOrSelf(type);
  return element.isUnsignedInteger() || element.isInteger(1);
}

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

OpFoldResult ReluOp::fold(FoldAdaptor adaptor) {
  bool isUns = isUnsigned(getType());
  return foldUnary(
      adaptor.getInput(), getType(),
      [](const APFloat &x) -> std::optional<APFloat> {
        return x.isNegative() ? APFloat::getZero(x.getSemantics()) : x;
      },
      [&](const APInt &x) -> std::optional<APInt> {
        if (isUns)
          return x;
        return x.isNegative() ? APInt::getZero(x.getBitWidth()) : x;
      });
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      adaptor.getInput(), getType(),
      [](const APFloat &x) -> std::optional<APFloat> { return -x; },
      [](const APInt &x) -> std::optional<APInt> { return -x; });
}

OpFoldResult AbsOp::fold(FoldAdaptor adaptor) {
  bool isUns = isUnsigned(getType());
  return foldUnary(
      adaptor.getInput(), getType(),
      [](const APFloat &x) -> std::optional<APFloat> { return abs(x); },
      [&](const APInt &x) -> std::optional<APInt> {
        return isUns ? x : x.abs();
      });
}

OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  auto input = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  if (!input || !isFoldable(getType()))
    return {};
  SmallVector<bool> values;
  for (bool v : input.getValues<bool>())
    values.push_back(!v);
  return DenseElementsAttr::get(getType(), ArrayRef<bool>(values));
}

static double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
static double reciprocal(double x) { return 1.0 / x; }
static double hardSwish(double x) {
  return x * std::max(0.0, std::min(1.0, x / 6.0 + 0.5));
}

#define DLC_FLOAT_MATH_FOLD(OP, FN)                                            \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    return foldUnary(                                                          \
        adaptor.getInput(), getType(),                                         \
        [](const APFloat &x) -> std::optional<APFloat> {                       \
          return viaDouble(x, FN);                                             \
        },                                                                     \
        nullptr);                                                              \
  }

static double sqrtFn(double x) { return std::sqrt(x); }
static double expFn(double x) { return std::exp(x); }
static double logFn(double x) { return std::log(x); }
static double erfFn(double x) { return std::erf(x); }
static double tanhFn(double x) { return std::tanh(x); }

DLC_FLOAT_MATH_FOLD(SqrtOp, sqrtFn)
DLC_FLOAT_MATH_FOLD(ReciprocalOp, reciprocal)
DLC_FLOAT_MATH_FOLD(ExpOp, expFn)
DLC_FLOAT_MATH_FOLD(LogOp, logFn)
DLC_FLOAT_MATH_FOLD(ErfOp, erfFn)
DLC_FLOAT_MATH_FOLD(TanhOp, tanhFn)
DLC_FLOAT_MATH_FOLD(SigmoidOp, sigmoid)
DLC_FLOAT_MATH_FOLD(HardSwishOp, hardSwish)

#undef DLC_FLOAT_MATH_FOLD

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError("approximate must be \"none\" or \"tanh\", got \"")
           << getApproximate() << "\"";
  return success();
}

//===----------------------------------------------------------------------===//
// Clip
//===----------------------------------------------------------------------===//

LogicalResult ClipOp::verify() {
  Type element = getInput().getType().getElementType();
  for (Value bound : {getMin(), getMax()}) {
    auto type = cast<RankedTensorType>(bound.getType());
    if (type.getRank() != 0 || type.getElementType() != element)
      return emitOpError("bounds must be rank-0 tensors of ")
             << element << ", got " << type;
  }
  if (getOutput().getType() != getInput().getType())
    return emitOpError("result type ")
           << getOutput().getType() << " differs from the input type "
           << getInput().getType();
  return success();
}

OpFoldResult ClipOp::fold(FoldAdaptor adaptor) {
  auto lo = dyn_cast_or_null<DenseElementsAttr>(adaptor.getMin());
  auto hi = dyn_cast_or_null<DenseElementsAttr>(adaptor.getMax());
  if (!lo || !hi)
    return {};
  if (isa<FloatType>(lo.getElementType())) {
    APFloat l = lo.getSplatValue<APFloat>(), h = hi.getSplatValue<APFloat>();
    return foldUnary(
        adaptor.getInput(), getType(),
        [&](const APFloat &x) -> std::optional<APFloat> {
          if (x.isNaN())
            return x;
          return minnum(maxnum(x, l), h);
        },
        nullptr);
  }
  APInt l = lo.getSplatValue<APInt>(), h = hi.getSplatValue<APInt>();
  bool isUns = isUnsigned(getType());
  return foldUnary(adaptor.getInput(), getType(), nullptr,
                   [&](const APInt &x) -> std::optional<APInt> {
                     if (isUns)
                       return llvm::APIntOps::umin(llvm::APIntOps::umax(x, l), h);
                     return llvm::APIntOps::smin(llvm::APIntOps::smax(x, l), h);
                   });
}

//===----------------------------------------------------------------------===//
// Cast
//===----------------------------------------------------------------------===//

/// Bits of an element in memory (bool: its byte).
static unsigned storageBits(Type t) {
  return t.isInteger(1) ? 8 : t.getIntOrFloatBitWidth();
}

LogicalResult BitCastOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  if (in.getShape() != out.getShape())
    return emitOpError("result shape differs from the input shape: ")
           << in << " vs " << out;
  if (storageBits(in.getElementType()) != storageBits(out.getElementType()))
    return emitOpError("element types of different widths: ")
           << in.getElementType() << " vs " << out.getElementType();
  return success();
}

LogicalResult CastOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  if (in.getShape() != out.getShape())
    return emitOpError("result shape differs from the input shape: ")
           << in << " vs " << out;
  if (std::optional<StringRef> mode = getRoundMode();
      mode && *mode != "up" && *mode != "down" && *mode != "nearest")
    return emitOpError("round_mode must be 'up', 'down' or 'nearest', got '")
           << *mode << "'";
  return success();
}

/// Converts one constant element of type `from` to type `to`; std::nullopt
/// when the conversion is undefined (NaN or out-of-range float to integer).
static std::optional<Attribute> castElement(Attribute value, Type from,
                                            Type to) {
  bool lost = false;
  if (auto f = dyn_cast<FloatAttr>(value)) {
    APFloat v = f.getValue();
    if (auto toFloat = dyn_cast<FloatType>(to)) {
      v.convert(toFloat.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &lost);
      return FloatAttr::get(to, v);
    }
    if (to.isInteger(1))
      return IntegerAttr::get(to, APInt(1, v.isZero() ? 0 : 1));
    unsigned width = to.getIntOrFloatBitWidth();
    APSInt result(width, to.isUnsignedInteger());
    APFloat::opStatus status =
        v.convertToInteger(result, APFloat::rmTowardZero, &lost);
    if (status & APFloat::opInvalidOp)
      return std::nullopt;
    return IntegerAttr::get(to, result);
  }
  auto i = dyn_cast<IntegerAttr>(value);
  if (!i)
    return std::nullopt;
  APInt v = i.getValue();
  bool srcSigned = !isUnsigned(from);
  if (auto toFloat = dyn_cast<FloatType>(to)) {
    APFloat r(toFloat.getFloatSemantics());
    r.convertFromAPInt(v, srcSigned, APFloat::rmNearestTiesToEven);
    return FloatAttr::get(to, r);
  }
  if (to.isInteger(1))
    return IntegerAttr::get(to, APInt(1, v.isZero() ? 0 : 1));
  unsigned width = to.getIntOrFloatBitWidth();
  return IntegerAttr::get(to, srcSigned ? v.sextOrTrunc(width)
                                        : v.zextOrTrunc(width));
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto input = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  if (!input || !isFoldable(getType()))
    return {};
  Type from = input.getElementType(), to = getType().getElementType();
  // The storage types' conversions (saturation, sub-byte wrap-around) are
  // left to the lowering.
  auto storage = [](Type t) {
    return (isa<FloatType>(t) && t.getIntOrFloatBitWidth() <= 8) ||
           (isa<IntegerType>(t) && t.getIntOrFloatBitWidth() > 1 &&
            t.getIntOrFloatBitWidth() < 8);
  };
  if (storage(from) || storage(to))
    return {};
  if (input.isSplat()) {
    std::optional<Attribute> v =
        castElement(input.getSplatValue<Attribute>(), from, to);
    return v ? DenseElementsAttr::get(getType(), *v) : Attribute();
  }
  SmallVector<Attribute> values;
  for (Attribute element : input.getValues<Attribute>()) {
    std::optional<Attribute> v = castElement(element, from, to);
    if (!v)
      return {};
    values.push_back(*v);
  }
  return DenseElementsAttr::get(getType(), values);
}

//===----------------------------------------------------------------------===//
// Binary with broadcasting
//===----------------------------------------------------------------------===//

#define DLC_BROADCAST_INFER(OP, RESULT_ELEMENT)                                \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *context, std::optional<Location> loc, ValueRange operands,  \
      DictionaryAttr, OpaqueProperties, RegionRange,                           \
      SmallVectorImpl<Type> &inferred) {                                       \
    (void)context;                                                             \
    return inferBroadcastType(loc, operands, RESULT_ELEMENT, inferred);        \
  }

DLC_BROADCAST_INFER(AddOp, Type())
DLC_BROADCAST_INFER(SubOp, Type())
DLC_BROADCAST_INFER(MulOp, Type())
DLC_BROADCAST_INFER(DivOp, Type())
DLC_BROADCAST_INFER(PowOp, Type())
DLC_BROADCAST_INFER(MinOp, Type())
DLC_BROADCAST_INFER(MaxOp, Type())
DLC_BROADCAST_INFER(AndOp, Type())
DLC_BROADCAST_INFER(OrOp, Type())
DLC_BROADCAST_INFER(XorOp, Type())
DLC_BROADCAST_INFER(EqualOp, IntegerType::get(context, 1))
DLC_BROADCAST_INFER(LessOp, IntegerType::get(context, 1))
DLC_BROADCAST_INFER(LessOrEqualOp, IntegerType::get(context, 1))
DLC_BROADCAST_INFER(GreaterOp, IntegerType::get(context, 1))
DLC_BROADCAST_INFER(GreaterOrEqualOp, IntegerType::get(context, 1))

#undef DLC_BROADCAST_INFER

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a + b;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a + b;
      });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a - b;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a - b;
      });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a * b;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a * b;
      });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  bool isUns = isUnsigned(getType());
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a / b;
      },
      [&](const APInt &a, const APInt &b) -> std::optional<APInt> {
        // Division by zero and INT_MIN / -1 are left to run time.
        if (b.isZero())
          return std::nullopt;
        if (isUns)
          return a.udiv(b);
        if (a.isMinSignedValue() && b.isAllOnes())
          return std::nullopt;
        return a.sdiv(b);
      });
}

OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  bool isUns = isUnsigned(getType());
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        bool lost = false;
        APFloat x = a, y = b;
        x.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
        y.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
        APFloat r(std::pow(x.convertToDouble(), y.convertToDouble()));
        r.convert(a.getSemantics(), APFloat::rmNearestTiesToEven, &lost);
        return r;
      },
      [&](const APInt &a, const APInt &b) -> std::optional<APInt> {
        // Negative exponents (a fraction) are left to run time.
        if (!isUns && b.isNegative())
          return std::nullopt;
        APInt result(a.getBitWidth(), 1), base = a;
        uint64_t e = b.getLimitedValue(64);
        for (uint64_t i = 0; i < e; ++i)
          result *= base;
        return result;
      });
}

OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  bool isUns = isUnsigned(getType());
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return minimum(a, b);
      },
      [&](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return isUns ? llvm::APIntOps::umin(a, b) : llvm::APIntOps::smin(a, b);
      });
}

OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  bool isUns = isUnsigned(getType());
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return maximum(a, b);
      },
      [&](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return isUns ? llvm::APIntOps::umax(a, b) : llvm::APIntOps::smax(a, b);
      });
}

#define DLC_LOGIC_FOLD(OP, EXPR)                                               \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    return foldPredicate(                                                      \
        adaptor.getLhs(), adaptor.getRhs(), getType(), nullptr,                \
        [](const APInt &a, const APInt &b) -> std::optional<bool> {            \
          bool x = !a.isZero(), y = !b.isZero();                               \
          return EXPR;                                                         \
        });                                                                    \
  }

DLC_LOGIC_FOLD(AndOp, x && y)
DLC_LOGIC_FOLD(OrOp, x || y)
DLC_LOGIC_FOLD(XorOp, x != y)

#undef DLC_LOGIC_FOLD

/// Folds a comparison; `cmp` maps the three-way order (or unordered, for a
/// NaN) to the predicate.
template <typename CmpFn>
static Attribute foldCompare(Attribute lhs, Attribute rhs,
                             ShapedType resultType, bool isUns, CmpFn cmp) {
  return foldPredicate(
      lhs, rhs, resultType,
      [&](const APFloat &a, const APFloat &b) -> std::optional<bool> {
        APFloat::cmpResult r = a.compare(b);
        if (r == APFloat::cmpUnordered)
          return false;
        return cmp(r == APFloat::cmpLessThan ? -1
                   : r == APFloat::cmpEqual  ? 0
                                             : 1);
      },
      [&](const APInt &a, const APInt &b) -> std::optional<bool> {
        if (a == b)
          return cmp(0);
        bool less = isUns ? a.ult(b) : a.slt(b);
        return cmp(less ? -1 : 1);
      });
}

OpFoldResult EqualOp::fold(FoldAdaptor adaptor) {
  return foldCompare(adaptor.getLhs(), adaptor.getRhs(), getType(),
                     isUnsigned(getLhs().getType()),
                     [](int c) { return c == 0; });
}
OpFoldResult LessOp::fold(FoldAdaptor adaptor) {
  return foldCompare(adaptor.getLhs(), adaptor.getRhs(), getType(),
                     isUnsigned(getLhs().getType()),
                     [](int c) { return c < 0; });
}
OpFoldResult LessOrEqualOp::fold(FoldAdaptor adaptor) {
  return foldCompare(adaptor.getLhs(), adaptor.getRhs(), getType(),
                     isUnsigned(getLhs().getType()),
                     [](int c) { return c <= 0; });
}
OpFoldResult GreaterOp::fold(FoldAdaptor adaptor) {
  return foldCompare(adaptor.getLhs(), adaptor.getRhs(), getType(),
                     isUnsigned(getLhs().getType()),
                     [](int c) { return c > 0; });
}
OpFoldResult GreaterOrEqualOp::fold(FoldAdaptor adaptor) {
  return foldCompare(adaptor.getLhs(), adaptor.getRhs(), getType(),
                     isUnsigned(getLhs().getType()),
                     [](int c) { return c >= 0; });
}

//===----------------------------------------------------------------------===//
// Where
//===----------------------------------------------------------------------===//

LogicalResult WhereOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        ValueRange operands, DictionaryAttr,
                                        OpaqueProperties, RegionRange,
                                        SmallVectorImpl<Type> &inferred) {
  if (operands.size() != 3)
    return inferError(loc, "where expects 3 operands, got ", operands.size());
  auto cond = cast<RankedTensorType>(operands[0].getType());
  auto x = cast<RankedTensorType>(operands[1].getType());
  auto y = cast<RankedTensorType>(operands[2].getType());
  if (x.getElementType() != y.getElementType())
    return inferError(loc, "where operand element types differ: ",
                      x.getElementType(), " vs ", y.getElementType());
  FailureOr<SmallVector<int64_t>> xy =
      broadcastShapes(x.getShape(), y.getShape());
  FailureOr<SmallVector<int64_t>> all =
      failed(xy) ? xy : broadcastShapes(cond.getShape(), *xy);
  if (failed(all))
    return inferError(loc, "where operand shapes are not broadcast-compatible");
  inferred.push_back(RankedTensorType::get(*all, x.getElementType()));
  return success();
}

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  // A constant uniform condition selects one side when that side already
  // has the result type.
  auto cond = dyn_cast_or_null<DenseElementsAttr>(adaptor.getCondition());
  if (cond && cond.isSplat()) {
    Value chosen = cond.getSplatValue<bool>() ? getLhs() : getRhs();
    if (chosen.getType() == getType())
      return chosen;
  }
  auto x = dyn_cast_or_null<DenseElementsAttr>(adaptor.getLhs());
  auto y = dyn_cast_or_null<DenseElementsAttr>(adaptor.getRhs());
  if (!cond || !x || !y || !isFoldable(getType()) ||
      !isFoldable(cond.getType()) || !isFoldable(x.getType()) ||
      !isFoldable(y.getType()))
    return {};
  SmallVector<bool> c(cond.getValues<bool>());
  SmallVector<Attribute> xv(x.getValues<Attribute>()),
      yv(y.getValues<Attribute>());
  ArrayRef<int64_t> shape = getType().getShape();
  SmallVector<Attribute> out;
  for (int64_t i = 0, e = getType().getNumElements(); i < e; ++i) {
    bool pick = c[cond.isSplat() ? 0
                                 : broadcastIndex(i, shape,
                                                  cond.getType().getShape())];
    if (pick)
      out.push_back(
          xv[x.isSplat() ? 0 : broadcastIndex(i, shape, x.getType().getShape())]);
    else
      out.push_back(
          yv[y.isSplat() ? 0 : broadcastIndex(i, shape, y.getType().getShape())]);
  }
  return DenseElementsAttr::get(getType(), out);
}

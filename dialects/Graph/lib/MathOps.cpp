//===- MathOps.cpp - math, activation, remainder and bitwise graph ops ----===//
//
// Folders and type inference of the elementwise ops beyond the basic
// arithmetic of ElementwiseOps.cpp: trigonometric, hyperbolic and rounding
// functions, the smooth activations, Sign, IsNaN/IsInf, Selu, Celu,
// ThresholdedRelu, Shrink, PRelu, the two remainders, shifts and bitwise
// logic.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Graph/GraphOps.h"
#include "dlc/Dialect/Graph/GraphUtils.h"
#include "mlir/IR/TypeUtilities.h"
#include <cmath>

using namespace mlir;
using namespace dlc::graph;

/// Evaluates `fn` on `x` in double precision and rounds the result back to
/// x's semantics.
static APFloat throughDouble(const APFloat &x, double (*fn)(double)) {
  bool lost = false;
  APFloat d = x;
  d.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  APFloat r(fn(d.convertToDouble()));
  r.convert(x.getSemantics(), APFloat::rmNearestTiesToEven, &lost);
  return r;
}

static bool isUnsignedType(Type type) {
  Type element = getElementTypeOrSelf(type);
  return element.isUnsignedInteger() || element.isInteger(1);
}

//===----------------------------------------------------------------------===//
// Float functions
//===----------------------------------------------------------------------===//

static double softplus(double x) { return std::log(std::exp(x) + 1.0); }
static double softsign(double x) { return x / (1.0 + std::fabs(x)); }
static double mish(double x) { return x * std::tanh(softplus(x)); }
static double acosFn(double x) { return std::acos(x); }
static double acoshFn(double x) { return std::acosh(x); }
static double asinFn(double x) { return std::asin(x); }
static double asinhFn(double x) { return std::asinh(x); }
static double atanFn(double x) { return std::atan(x); }
static double atanhFn(double x) { return std::atanh(x); }
static double cosFn(double x) { return std::cos(x); }
static double coshFn(double x) { return std::cosh(x); }
static double sinFn(double x) { return std::sin(x); }
static double sinhFn(double x) { return std::sinh(x); }
static double tanFn(double x) { return std::tan(x); }
static double ceilFn(double x) { return std::ceil(x); }
static double floorFn(double x) { return std::floor(x); }
// The default rounding mode rounds halves to even.
static double roundFn(double x) { return std::nearbyint(x); }

#define DLC_FLOAT_MATH_FOLD(OP, FN)                                            \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    return foldUnary(                                                          \
        adaptor.getInput(), getType(),                                         \
        [](const APFloat &x) -> std::optional<APFloat> {                       \
          return throughDouble(x, FN);                                         \
        },                                                                     \
        nullptr);                                                              \
  }

DLC_FLOAT_MATH_FOLD(AcosOp, acosFn)
DLC_FLOAT_MATH_FOLD(AcoshOp, acoshFn)
DLC_FLOAT_MATH_FOLD(AsinOp, asinFn)
DLC_FLOAT_MATH_FOLD(AsinhOp, asinhFn)
DLC_FLOAT_MATH_FOLD(AtanOp, atanFn)
DLC_FLOAT_MATH_FOLD(AtanhOp, atanhFn)
DLC_FLOAT_MATH_FOLD(CosOp, cosFn)
DLC_FLOAT_MATH_FOLD(CoshOp, coshFn)
DLC_FLOAT_MATH_FOLD(SinOp, sinFn)
DLC_FLOAT_MATH_FOLD(SinhOp, sinhFn)
DLC_FLOAT_MATH_FOLD(TanOp, tanFn)
DLC_FLOAT_MATH_FOLD(CeilOp, ceilFn)
DLC_FLOAT_MATH_FOLD(FloorOp, floorFn)
DLC_FLOAT_MATH_FOLD(RoundOp, roundFn)
DLC_FLOAT_MATH_FOLD(SoftplusOp, softplus)
DLC_FLOAT_MATH_FOLD(SoftsignOp, softsign)
DLC_FLOAT_MATH_FOLD(MishOp, mish)

#undef DLC_FLOAT_MATH_FOLD

OpFoldResult SignOp::fold(FoldAdaptor adaptor) {
  bool isUns = isUnsignedType(getType());
  return foldUnary(
      adaptor.getInput(), getType(),
      [](const APFloat &x) -> std::optional<APFloat> {
        if (x.isNaN() || x.isZero())
          return x;
        return APFloat::getOne(x.getSemantics(), x.isNegative());
      },
      [&](const APInt &x) -> std::optional<APInt> {
        unsigned w = x.getBitWidth();
        if (x.isZero())
          return x;
        if (!isUns && x.isNegative())
          return APInt::getAllOnes(w);
        return APInt(w, 1);
      });
}

OpFoldResult BitwiseNotOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(), nullptr,
                   [](const APInt &x) -> std::optional<APInt> { return ~x; });
}

//===----------------------------------------------------------------------===//
// Classification
//===----------------------------------------------------------------------===//

static LogicalResult inferBoolLike(MLIRContext *context, ValueRange operands,
                                   SmallVectorImpl<Type> &inferred) {
  auto type = cast<RankedTensorType>(operands[0].getType());
  inferred.push_back(type.clone(IntegerType::get(context, 1)));
  return success();
}

LogicalResult IsNaNOp::inferReturnTypes(MLIRContext *context,
                                        std::optional<Location>,
                                        ValueRange operands, DictionaryAttr,
                                        OpaqueProperties, RegionRange,
                                        SmallVectorImpl<Type> &inferred) {
  return inferBoolLike(context, operands, inferred);
}

LogicalResult IsInfOp::inferReturnTypes(MLIRContext *context,
                                        std::optional<Location>,
                                        ValueRange operands, DictionaryAttr,
                                        OpaqueProperties, RegionRange,
                                        SmallVectorImpl<Type> &inferred) {
  return inferBoolLike(context, operands, inferred);
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

LogicalResult CeluOp::verify() {
  if (getAlpha().isZero())
    return emitOpError("alpha must not be 0");
  return success();
}

//===----------------------------------------------------------------------===//
// Binary with broadcasting
//===----------------------------------------------------------------------===//

#define DLC_BROADCAST_INFER(OP)                                                \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location> loc, ValueRange operands,         \
      DictionaryAttr, OpaqueProperties, RegionRange,                           \
      SmallVectorImpl<Type> &inferred) {                                       \
    return inferBroadcastType(loc, operands, Type(), inferred);                \
  }

DLC_BROADCAST_INFER(PReluOp)
DLC_BROADCAST_INFER(ModOp)
DLC_BROADCAST_INFER(FModOp)
DLC_BROADCAST_INFER(ShiftLeftOp)
DLC_BROADCAST_INFER(ShiftRightOp)
DLC_BROADCAST_INFER(BitwiseAndOp)
DLC_BROADCAST_INFER(BitwiseOrOp)
DLC_BROADCAST_INFER(BitwiseXorOp)

#undef DLC_BROADCAST_INFER

OpFoldResult PReluOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](const APFloat &x, const APFloat &s) -> std::optional<APFloat> {
        return x.isNegative() && !x.isZero() ? x * s : x;
      },
      [](const APInt &x, const APInt &s) -> std::optional<APInt> {
        return x.isNegative() ? x * s : x;
      });
}

OpFoldResult ModOp::fold(FoldAdaptor adaptor) {
  bool isUns = isUnsignedType(getType());
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(), nullptr,
      [&](const APInt &a, const APInt &b) -> std::optional<APInt> {
        // A zero divisor and INT_MIN % -1 are left to run time.
        if (b.isZero())
          return std::nullopt;
        if (isUns)
          return a.urem(b);
        if (a.isMinSignedValue() && b.isAllOnes())
          return std::nullopt;
        APInt r = a.srem(b);
        if (!r.isZero() && r.isNegative() != b.isNegative())
          r += b;
        return r;
      });
}

OpFoldResult FModOp::fold(FoldAdaptor adaptor) {
  bool isUns = isUnsignedType(getType());
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        APFloat r = a;
        r.mod(b);
        return r;
      },
      [&](const APInt &a, const APInt &b) -> std::optional<APInt> {
        if (b.isZero())
          return std::nullopt;
        if (isUns)
          return a.urem(b);
        if (a.isMinSignedValue() && b.isAllOnes())
          return std::nullopt;
        return a.srem(b);
      });
}

OpFoldResult ShiftLeftOp::fold(FoldAdaptor adaptor) {
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(), nullptr,
                    [](const APInt &a, const APInt &b) -> std::optional<APInt> {
                      if (b.uge(a.getBitWidth()))
                        return APInt::getZero(a.getBitWidth());
                      return a.shl(b);
                    });
}

OpFoldResult ShiftRightOp::fold(FoldAdaptor adaptor) {
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(), nullptr,
                    [](const APInt &a, const APInt &b) -> std::optional<APInt> {
                      if (b.uge(a.getBitWidth()))
                        return APInt::getZero(a.getBitWidth());
                      return a.lshr(b);
                    });
}

#define DLC_BITWISE_FOLD(OP, EXPR)                                             \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    return foldBinary(                                                         \
        adaptor.getLhs(), adaptor.getRhs(), getType(), nullptr,                \
        [](const APInt &a, const APInt &b) -> std::optional<APInt> {           \
          return EXPR;                                                         \
        });                                                                    \
  }

DLC_BITWISE_FOLD(BitwiseAndOp, a &b)
DLC_BITWISE_FOLD(BitwiseOrOp, a | b)
DLC_BITWISE_FOLD(BitwiseXorOp, a ^ b)

#undef DLC_BITWISE_FOLD

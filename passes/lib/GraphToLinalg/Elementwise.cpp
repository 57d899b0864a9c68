//===- Elementwise.cpp - elementwise graph ops to linalg ------------------===//
//
// Elementwise ops become one linalg.generic with broadcasting indexing
// maps; each op contributes the scalar body of that generic.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::graph_to_linalg;
namespace graph = dlc::graph;

namespace {

/// Lowers an elementwise graph op through `Body::build(op, b, loc, args,
/// isUns)`, where isUns tells whether the original operands were unsigned.
template <typename OpTy, typename Body>
struct ElementwisePattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = signlessType(op->getResult(0).getType());
    // Where's first operand is the condition; its data operands decide.
    Value typed = op->getOperand(op->getNumOperands() == 3 &&
                                         isa<graph::WhereOp>(op.getOperation())
                                     ? 1
                                     : 0);
    bool isUns = isUnsignedElement(typed.getType());
    Value r = elementwise(rewriter, op.getLoc(), resultType,
                          adaptor.getOperands(),
                          [&](OpBuilder &b, Location loc, ValueRange args) {
                            return Body::build(op, b, loc, args, isUns);
                          });
    rewriter.replaceOp(op, r);
    return success();
  }
};

#define DLC_FLOAT_INT_BODY(NAME, FLOAT_OP, SINT_OP, UINT_OP)                   \
  struct NAME {                                                                \
    template <typename OpTy>                                                   \
    static Value build(OpTy, OpBuilder &b, Location loc, ValueRange a,         \
                       bool isUns) {                                           \
      if (isa<FloatType>(a[0].getType()))                                      \
        return FLOAT_OP::create(b, loc, a[0], a[1]);                           \
      if (isUns)                                                               \
        return UINT_OP::create(b, loc, a[0], a[1]);                            \
      return SINT_OP::create(b, loc, a[0], a[1]);                              \
    }                                                                          \
  };

DLC_FLOAT_INT_BODY(AddBody, arith::AddFOp, arith::AddIOp, arith::AddIOp)
DLC_FLOAT_INT_BODY(SubBody, arith::SubFOp, arith::SubIOp, arith::SubIOp)
DLC_FLOAT_INT_BODY(MulBody, arith::MulFOp, arith::MulIOp, arith::MulIOp)
DLC_FLOAT_INT_BODY(MinBody, arith::MinimumFOp, arith::MinSIOp, arith::MinUIOp)
DLC_FLOAT_INT_BODY(MaxBody, arith::MaximumFOp, arith::MaxSIOp, arith::MaxUIOp)
DLC_FLOAT_INT_BODY(AndBody, arith::AndIOp, arith::AndIOp, arith::AndIOp)
DLC_FLOAT_INT_BODY(OrBody, arith::OrIOp, arith::OrIOp, arith::OrIOp)
DLC_FLOAT_INT_BODY(XorBody, arith::XOrIOp, arith::XOrIOp, arith::XOrIOp)

#undef DLC_FLOAT_INT_BODY

/// An integer divisor that cannot trap: 1 where `d` is 0 (ONNX leaves
/// integer division by zero undefined; x86 raises SIGFPE) or, signed, where
/// x / d is INT_MIN / -1 (whose wrapped quotient INT_MIN is x / 1).
/// `isZero` tells where d was 0.
static Value safeDivisor(OpBuilder &b, Location loc, Value x, Value d,
                         bool isUns, Value &isZero) {
  Type t = d.getType();
  unsigned width = t.getIntOrFloatBitWidth();
  Value zero = constantScalar(b, loc, t, 0), one = constantScalar(b, loc, t, 1);
  isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, d, zero);
  Value bad = isZero;
  if (!isUns && width > 1) {
    Value min = arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(t, APInt::getSignedMinValue(width)));
    Value minusOne = arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(t, APInt::getAllOnes(width)));
    Value xMin =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, min);
    Value dMinusOne =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, d, minusOne);
    Value overflow = arith::AndIOp::create(b, loc, xMin, dMinusOne);
    bad = arith::OrIOp::create(b, loc, bad, overflow);
  }
  return arith::SelectOp::create(b, loc, bad, one, d);
}

/// Division; an integer one by zero gives 0.
struct DivBody {
  template <typename OpTy>
  static Value build(OpTy, OpBuilder &b, Location loc, ValueRange a,
                     bool isUns) {
    if (isa<FloatType>(a[0].getType()))
      return arith::DivFOp::create(b, loc, a[0], a[1]);
    Value isZero;
    Value d = safeDivisor(b, loc, a[0], a[1], isUns, isZero);
    Value q = isUns ? (Value)arith::DivUIOp::create(b, loc, a[0], d)
                    : (Value)arith::DivSIOp::create(b, loc, a[0], d);
    return arith::SelectOp::create(
        b, loc, isZero, constantScalar(b, loc, q.getType(), 0), q);
  }
};

struct PowBody {
  static Value build(graph::PowOp, OpBuilder &b, Location loc, ValueRange a,
                     bool) {
    if (isa<FloatType>(a[0].getType()))
      return math::PowFOp::create(b, loc, a[0], a[1]);
    return math::IPowIOp::create(b, loc, a[0], a[1]);
  }
};

template <arith::CmpFPredicate F, arith::CmpIPredicate S,
          arith::CmpIPredicate U>
struct CompareBody {
  template <typename OpTy>
  static Value build(OpTy, OpBuilder &b, Location loc, ValueRange a,
                     bool isUns) {
    if (isa<FloatType>(a[0].getType()))
      return arith::CmpFOp::create(b, loc, F, a[0], a[1]);
    return arith::CmpIOp::create(b, loc, isUns ? U : S, a[0], a[1]);
  }
};

using EqualBody = CompareBody<arith::CmpFPredicate::OEQ,
                              arith::CmpIPredicate::eq, arith::CmpIPredicate::eq>;
using LessBody = CompareBody<arith::CmpFPredicate::OLT,
                             arith::CmpIPredicate::slt, arith::CmpIPredicate::ult>;
using LessEqBody = CompareBody<arith::CmpFPredicate::OLE,
                               arith::CmpIPredicate::sle, arith::CmpIPredicate::ule>;
using GreaterBody = CompareBody<arith::CmpFPredicate::OGT,
                                arith::CmpIPredicate::sgt, arith::CmpIPredicate::ugt>;
using GreaterEqBody = CompareBody<arith::CmpFPredicate::OGE,
                                  arith::CmpIPredicate::sge, arith::CmpIPredicate::uge>;

struct WhereBody {
  static Value build(graph::WhereOp, OpBuilder &b, Location loc, ValueRange a,
                     bool) {
    return arith::SelectOp::create(b, loc, a[0], a[1], a[2]);
  }
};

struct ClipBody {
  static Value build(graph::ClipOp op, OpBuilder &b, Location loc,
                     ValueRange a, bool isUns) {
    return clampScalar(b, loc, a[0], a[1], a[2], isUns);
  }
};

struct CastBody {
  static Value build(graph::CastOp op, OpBuilder &b, Location loc,
                     ValueRange a, bool) {
    CastMode mode;
    mode.saturate = op.getSaturate().value_or(true);
    StringRef round = op.getRoundMode().value_or("up");
    mode.round = round == "down"      ? CastMode::Round::Down
                 : round == "nearest" ? CastMode::Round::Nearest
                                      : CastMode::Round::Up;
    return castScalar(b, loc, a[0], op.getInput().getType().getElementType(),
                      op.getType().getElementType(), mode);
  }
};

/// Same-width reinterpretation on signless types; bool is its byte.
struct BitCastBody {
  static Value build(graph::BitCastOp op, OpBuilder &b, Location loc,
                     ValueRange a, bool) {
    Type to = signless(op.getType().getElementType());
    Type from = a[0].getType();
    if (from == to)
      return a[0];
    if (from.isInteger(1))
      return arith::ExtUIOp::create(b, loc, to, a[0]);
    if (to.isInteger(1))
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, a[0],
                                   constantScalar(b, loc, from, 0));
    return arith::BitcastOp::create(b, loc, to, a[0]);
  }
};

struct ReluBody {
  static Value build(graph::ReluOp, OpBuilder &b, Location loc, ValueRange a,
                     bool isUns) {
    Value zero = constantScalar(b, loc, a[0].getType(), 0);
    if (isa<FloatType>(a[0].getType()))
      return arith::MaximumFOp::create(b, loc, a[0], zero);
    if (isUns)
      return a[0];
    return arith::MaxSIOp::create(b, loc, a[0], zero);
  }
};

struct NegBody {
  static Value build(graph::NegOp, OpBuilder &b, Location loc, ValueRange a,
                     bool) {
    if (isa<FloatType>(a[0].getType()))
      return arith::NegFOp::create(b, loc, a[0]);
    return arith::SubIOp::create(b, loc,
                                 constantScalar(b, loc, a[0].getType(), 0),
                                 a[0]);
  }
};

struct AbsBody {
  static Value build(graph::AbsOp, OpBuilder &b, Location loc, ValueRange a,
                     bool isUns) {
    if (isa<FloatType>(a[0].getType()))
      return math::AbsFOp::create(b, loc, a[0]);
    if (isUns)
      return a[0];
    return math::AbsIOp::create(b, loc, a[0]);
  }
};

struct NotBody {
  static Value build(graph::NotOp, OpBuilder &b, Location loc, ValueRange a,
                     bool) {
    return arith::XOrIOp::create(b, loc, a[0],
                                 constantScalar(b, loc, a[0].getType(), 1));
  }
};

template <typename MathOp>
struct MathBody {
  template <typename OpTy>
  static Value build(OpTy, OpBuilder &b, Location loc, ValueRange a, bool) {
    return MathOp::create(b, loc, a[0]);
  }
};

struct ReciprocalBody {
  static Value build(graph::ReciprocalOp, OpBuilder &b, Location loc,
                     ValueRange a, bool) {
    return arith::DivFOp::create(b, loc, floatConst(b, loc, a[0], 1.0), a[0]);
  }
};

struct SigmoidBody {
  static Value build(graph::SigmoidOp, OpBuilder &b, Location loc,
                     ValueRange a, bool) {
    return sigmoidScalar(b, loc, a[0]);
  }
};

struct HardSwishBody {
  static Value build(graph::HardSwishOp, OpBuilder &b, Location loc,
                     ValueRange a, bool) {
    Value x = a[0];
    Value t = arith::AddFOp::create(
        b, loc, arith::MulFOp::create(b, loc, x, floatConst(b, loc, x, 1.0 / 6)),
        floatConst(b, loc, x, 0.5));
    Value h = clampScalar(b, loc, t, floatConst(b, loc, x, 0.0),
                          floatConst(b, loc, x, 1.0), false);
    return arith::MulFOp::create(b, loc, x, h);
  }
};

struct LeakyReluBody {
  static Value build(graph::LeakyReluOp op, OpBuilder &b, Location loc,
                     ValueRange a, bool) {
    Value x = a[0];
    Value alpha = floatConst(b, loc, x, op.getAlpha().convertToDouble());
    Value neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                      floatConst(b, loc, x, 0.0));
    return arith::SelectOp::create(b, loc, neg,
                                   arith::MulFOp::create(b, loc, x, alpha), x);
  }
};

struct EluBody {
  static Value build(graph::EluOp op, OpBuilder &b, Location loc, ValueRange a,
                     bool) {
    Value x = a[0];
    Value alpha = floatConst(b, loc, x, op.getAlpha().convertToDouble());
    Value neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                      floatConst(b, loc, x, 0.0));
    Value em1 = math::ExpM1Op::create(b, loc, x);
    return arith::SelectOp::create(b, loc, neg,
                                   arith::MulFOp::create(b, loc, alpha, em1), x);
  }
};

struct HardSigmoidBody {
  static Value build(graph::HardSigmoidOp op, OpBuilder &b, Location loc,
                     ValueRange a, bool) {
    Value x = a[0];
    Value t = arith::AddFOp::create(
        b, loc,
        arith::MulFOp::create(
            b, loc, x, floatConst(b, loc, x, op.getAlpha().convertToDouble())),
        floatConst(b, loc, x, op.getBeta().convertToDouble()));
    return clampScalar(b, loc, t, floatConst(b, loc, x, 0.0),
                       floatConst(b, loc, x, 1.0), false);
  }
};

struct GeluBody {
  static Value build(graph::GeluOp op, OpBuilder &b, Location loc,
                     ValueRange a, bool) {
    Value x = a[0];
    Value half = floatConst(b, loc, x, 0.5), one = floatConst(b, loc, x, 1.0);
    Value inner;
    if (op.getApproximate() == "tanh") {
      Value x3 = arith::MulFOp::create(b, loc, x,
                                       arith::MulFOp::create(b, loc, x, x));
      Value poly = arith::AddFOp::create(
          b, loc, x,
          arith::MulFOp::create(b, loc, floatConst(b, loc, x, 0.044715), x3));
      inner = math::TanhOp::create(
          b, loc,
          arith::MulFOp::create(
              b, loc, floatConst(b, loc, x, 0.7978845608028654), poly));
    } else {
      inner = math::ErfOp::create(
          b, loc,
          arith::MulFOp::create(b, loc, x,
                                floatConst(b, loc, x, 0.7071067811865476)));
    }
    return arith::MulFOp::create(
        b, loc, arith::MulFOp::create(b, loc, half, x),
        arith::AddFOp::create(b, loc, one, inner));
  }
};

//===----------------------------------------------------------------------===//
// Math functions, activations, remainders, shifts
//===----------------------------------------------------------------------===//

Value oneF(OpBuilder &b, Location loc, Value like) {
  return floatConst(b, loc, like, 1.0);
}

/// log(e^x + 1), as the ONNX reference computes it.
Value softplusScalar(OpBuilder &b, Location loc, Value x) {
  Value e = math::ExpOp::create(b, loc, x);
  return math::LogOp::create(b, loc,
                             arith::AddFOp::create(b, loc, e, oneF(b, loc, x)));
}

struct SoftplusBody {
  static Value build(graph::SoftplusOp, OpBuilder &b, Location loc,
                     ValueRange a, bool) {
    return softplusScalar(b, loc, a[0]);
  }
};

struct SoftsignBody {
  static Value build(graph::SoftsignOp, OpBuilder &b, Location loc,
                     ValueRange a, bool) {
    Value x = a[0];
    Value d = arith::AddFOp::create(b, loc, oneF(b, loc, x),
                                    math::AbsFOp::create(b, loc, x));
    return arith::DivFOp::create(b, loc, x, d);
  }
};

struct MishBody {
  static Value build(graph::MishOp, OpBuilder &b, Location loc, ValueRange a,
                     bool) {
    Value x = a[0];
    return arith::MulFOp::create(
        b, loc, x, math::TanhOp::create(b, loc, softplusScalar(b, loc, x)));
  }
};

/// -1, 0 or 1; a float NaN (and zero) passes through.
struct SignBody {
  static Value build(graph::SignOp, OpBuilder &b, Location loc, ValueRange a,
                     bool isUns) {
    Value x = a[0];
    Type t = x.getType();
    Value zero = constantScalar(b, loc, t, 0), one = constantScalar(b, loc, t, 1);
    if (isa<FloatType>(t)) {
      Value pos =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
      Value neg =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
      Value r = arith::SelectOp::create(b, loc, neg,
                                        constantScalar(b, loc, t, -1), x);
      return arith::SelectOp::create(b, loc, pos, one, r);
    }
    Value nonZero =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
    Value r = arith::SelectOp::create(b, loc, nonZero, one, zero);
    if (isUns)
      return r;
    Value neg =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
    return arith::SelectOp::create(b, loc, neg, constantScalar(b, loc, t, -1),
                                   r);
  }
};

struct BitwiseNotBody {
  static Value build(graph::BitwiseNotOp, OpBuilder &b, Location loc,
                     ValueRange a, bool) {
    return arith::XOrIOp::create(b, loc, a[0],
                                 constantScalar(b, loc, a[0].getType(), -1));
  }
};

struct IsNaNBody {
  static Value build(graph::IsNaNOp, OpBuilder &b, Location loc, ValueRange a,
                     bool) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, a[0],
                                 a[0]);
  }
};

struct IsInfBody {
  static Value build(graph::IsInfOp op, OpBuilder &b, Location loc,
                     ValueRange a, bool) {
    Value x = a[0];
    auto t = cast<FloatType>(x.getType());
    auto inf = [&](bool negative) -> Value {
      return arith::ConstantOp::create(
          b, loc,
          FloatAttr::get(t, APFloat::getInf(t.getFloatSemantics(), negative)));
    };
    Value r = arith::ConstantIntOp::create(b, loc, 0, 1);
    if (op.getDetectPositive())
      r = arith::OrIOp::create(
          b, loc, r,
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x,
                                inf(false)));
    if (op.getDetectNegative())
      r = arith::OrIOp::create(
          b, loc, r,
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x,
                                inf(true)));
    return r;
  }
};

struct SeluBody {
  static Value build(graph::SeluOp op, OpBuilder &b, Location loc,
                     ValueRange a, bool) {
    Value x = a[0];
    Value alpha = floatConst(b, loc, x, op.getAlpha().convertToDouble());
    Value gamma = floatConst(b, loc, x, op.getGamma().convertToDouble());
    Value pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                      floatConst(b, loc, x, 0.0));
    Value neg = arith::SubFOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, alpha, math::ExpOp::create(b, loc, x)),
        alpha);
    return arith::MulFOp::create(b, loc, gamma,
                                 arith::SelectOp::create(b, loc, pos, x, neg));
  }
};

struct CeluBody {
  static Value build(graph::CeluOp op, OpBuilder &b, Location loc,
                     ValueRange a, bool) {
    Value x = a[0];
    Value alpha = floatConst(b, loc, x, op.getAlpha().convertToDouble());
    Value zero = floatConst(b, loc, x, 0.0);
    Value em1 = arith::SubFOp::create(
        b, loc,
        math::ExpOp::create(b, loc, arith::DivFOp::create(b, loc, x, alpha)),
        oneF(b, loc, x));
    Value neg = arith::MinimumFOp::create(
        b, loc, zero, arith::MulFOp::create(b, loc, alpha, em1));
    return arith::AddFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, zero, x), neg);
  }
};

struct ThresholdedReluBody {
  static Value build(graph::ThresholdedReluOp op, OpBuilder &b, Location loc,
                     ValueRange a, bool) {
    Value x = a[0];
    Value alpha = floatConst(b, loc, x, op.getAlpha().convertToDouble());
    Value above =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, alpha);
    return arith::SelectOp::create(b, loc, above, x,
                                   floatConst(b, loc, x, 0.0));
  }
};

struct ShrinkBody {
  static Value build(graph::ShrinkOp op, OpBuilder &b, Location loc,
                     ValueRange a, bool) {
    Value x = a[0];
    double lambd = op.getLambd().convertToDouble();
    Value bias = floatConst(b, loc, x, op.getBias().convertToDouble());
    Value below = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                        floatConst(b, loc, x, -lambd));
    Value above = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                        floatConst(b, loc, x, lambd));
    Value r = arith::SelectOp::create(b, loc, above,
                                      arith::SubFOp::create(b, loc, x, bias),
                                      floatConst(b, loc, x, 0.0));
    return arith::SelectOp::create(
        b, loc, below, arith::AddFOp::create(b, loc, x, bias), r);
  }
};

struct PReluBody {
  static Value build(graph::PReluOp, OpBuilder &b, Location loc, ValueRange a,
                     bool) {
    Value x = a[0], slope = a[1];
    Value zero = constantScalar(b, loc, x.getType(), 0);
    if (isa<FloatType>(x.getType())) {
      Value neg =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
      return arith::SelectOp::create(
          b, loc, neg, arith::MulFOp::create(b, loc, x, slope), x);
    }
    Value neg =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
    return arith::SelectOp::create(b, loc, neg,
                                   arith::MulIOp::create(b, loc, x, slope), x);
  }
};

/// The floored remainder: the truncated one plus the divisor when their
/// signs differ.
struct ModBody {
  static Value build(graph::ModOp, OpBuilder &b, Location loc, ValueRange a,
                     bool isUns) {
    Value isZero; // (x % 0 gives 0: x % 1)
    Value d = safeDivisor(b, loc, a[0], a[1], isUns, isZero);
    if (isUns)
      return arith::RemUIOp::create(b, loc, a[0], d);
    Value r = arith::RemSIOp::create(b, loc, a[0], d);
    Value zero = constantScalar(b, loc, r.getType(), 0);
    Value rNeg =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
    Value dNeg =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a[1], zero);
    Value nonZero =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r, zero);
    Value fix = arith::AndIOp::create(
        b, loc, nonZero, arith::XOrIOp::create(b, loc, rNeg, dNeg));
    return arith::SelectOp::create(b, loc, fix,
                                   arith::AddIOp::create(b, loc, r, a[1]), r);
  }
};

struct FModBody {
  static Value build(graph::FModOp, OpBuilder &b, Location loc, ValueRange a,
                     bool isUns) {
    if (isa<FloatType>(a[0].getType()))
      return arith::RemFOp::create(b, loc, a[0], a[1]);
    Value isZero; // (x % 0 gives 0: x % 1)
    Value d = safeDivisor(b, loc, a[0], a[1], isUns, isZero);
    if (isUns)
      return arith::RemUIOp::create(b, loc, a[0], d);
    return arith::RemSIOp::create(b, loc, a[0], d);
  }
};

/// Shifts by the width or more give 0 (LLVM's shifts would be poison).
template <typename ShiftOp>
struct ShiftBody {
  template <typename OpTy>
  static Value build(OpTy, OpBuilder &b, Location loc, ValueRange a, bool) {
    Type t = a[0].getType();
    Value width = constantScalar(b, loc, t, t.getIntOrFloatBitWidth());
    Value inRange =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, a[1], width);
    return arith::SelectOp::create(b, loc, inRange,
                                   ShiftOp::create(b, loc, a[0], a[1]),
                                   constantScalar(b, loc, t, 0));
  }
};

} // namespace

void dlc::graph_to_linalg::populateGraphToLinalgElementwisePatterns(
    TypeConverter &converter, RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ElementwisePattern<graph::AddOp, AddBody>,
               ElementwisePattern<graph::SubOp, SubBody>,
               ElementwisePattern<graph::MulOp, MulBody>,
               ElementwisePattern<graph::DivOp, DivBody>,
               ElementwisePattern<graph::PowOp, PowBody>,
               ElementwisePattern<graph::MinOp, MinBody>,
               ElementwisePattern<graph::MaxOp, MaxBody>,
               ElementwisePattern<graph::AndOp, AndBody>,
               ElementwisePattern<graph::OrOp, OrBody>,
               ElementwisePattern<graph::XorOp, XorBody>,
               ElementwisePattern<graph::EqualOp, EqualBody>,
               ElementwisePattern<graph::LessOp, LessBody>,
               ElementwisePattern<graph::LessOrEqualOp, LessEqBody>,
               ElementwisePattern<graph::GreaterOp, GreaterBody>,
               ElementwisePattern<graph::GreaterOrEqualOp, GreaterEqBody>,
               ElementwisePattern<graph::WhereOp, WhereBody>,
               ElementwisePattern<graph::ClipOp, ClipBody>,
               ElementwisePattern<graph::CastOp, CastBody>,
               ElementwisePattern<graph::BitCastOp, BitCastBody>,
               ElementwisePattern<graph::ReluOp, ReluBody>,
               ElementwisePattern<graph::NegOp, NegBody>,
               ElementwisePattern<graph::AbsOp, AbsBody>,
               ElementwisePattern<graph::NotOp, NotBody>,
               ElementwisePattern<graph::SqrtOp, MathBody<math::SqrtOp>>,
               ElementwisePattern<graph::ExpOp, MathBody<math::ExpOp>>,
               ElementwisePattern<graph::LogOp, MathBody<math::LogOp>>,
               ElementwisePattern<graph::ErfOp, MathBody<math::ErfOp>>,
               ElementwisePattern<graph::TanhOp, MathBody<math::TanhOp>>,
               ElementwisePattern<graph::ReciprocalOp, ReciprocalBody>,
               ElementwisePattern<graph::SigmoidOp, SigmoidBody>,
               ElementwisePattern<graph::HardSwishOp, HardSwishBody>,
               ElementwisePattern<graph::LeakyReluOp, LeakyReluBody>,
               ElementwisePattern<graph::EluOp, EluBody>,
               ElementwisePattern<graph::HardSigmoidOp, HardSigmoidBody>,
               ElementwisePattern<graph::GeluOp, GeluBody>>(converter, ctx);
  patterns.add<
      ElementwisePattern<graph::AcosOp, MathBody<math::AcosOp>>,
      ElementwisePattern<graph::AcoshOp, MathBody<math::AcoshOp>>,
      ElementwisePattern<graph::AsinOp, MathBody<math::AsinOp>>,
      ElementwisePattern<graph::AsinhOp, MathBody<math::AsinhOp>>,
      ElementwisePattern<graph::AtanOp, MathBody<math::AtanOp>>,
      ElementwisePattern<graph::AtanhOp, MathBody<math::AtanhOp>>,
      ElementwisePattern<graph::CosOp, MathBody<math::CosOp>>,
      ElementwisePattern<graph::CoshOp, MathBody<math::CoshOp>>,
      ElementwisePattern<graph::SinOp, MathBody<math::SinOp>>,
      ElementwisePattern<graph::SinhOp, MathBody<math::SinhOp>>,
      ElementwisePattern<graph::TanOp, MathBody<math::TanOp>>,
      ElementwisePattern<graph::CeilOp, MathBody<math::CeilOp>>,
      ElementwisePattern<graph::FloorOp, MathBody<math::FloorOp>>,
      ElementwisePattern<graph::RoundOp, MathBody<math::RoundEvenOp>>,
      ElementwisePattern<graph::SoftplusOp, SoftplusBody>,
      ElementwisePattern<graph::SoftsignOp, SoftsignBody>,
      ElementwisePattern<graph::MishOp, MishBody>,
      ElementwisePattern<graph::SignOp, SignBody>,
      ElementwisePattern<graph::BitwiseNotOp, BitwiseNotBody>,
      ElementwisePattern<graph::IsNaNOp, IsNaNBody>,
      ElementwisePattern<graph::IsInfOp, IsInfBody>,
      ElementwisePattern<graph::SeluOp, SeluBody>,
      ElementwisePattern<graph::CeluOp, CeluBody>,
      ElementwisePattern<graph::ThresholdedReluOp, ThresholdedReluBody>,
      ElementwisePattern<graph::ShrinkOp, ShrinkBody>,
      ElementwisePattern<graph::PReluOp, PReluBody>,
      ElementwisePattern<graph::ModOp, ModBody>,
      ElementwisePattern<graph::FModOp, FModBody>,
      ElementwisePattern<graph::ShiftLeftOp, ShiftBody<arith::ShLIOp>>,
      ElementwisePattern<graph::ShiftRightOp, ShiftBody<arith::ShRUIOp>>,
      ElementwisePattern<graph::BitwiseAndOp, AndBody>,
      ElementwisePattern<graph::BitwiseOrOp, OrBody>,
      ElementwisePattern<graph::BitwiseXorOp, XorBody>>(converter, ctx);
}

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
DLC_FLOAT_INT_BODY(DivBody, arith::DivFOp, arith::DivSIOp, arith::DivUIOp)
DLC_FLOAT_INT_BODY(MinBody, arith::MinimumFOp, arith::MinSIOp, arith::MinUIOp)
DLC_FLOAT_INT_BODY(MaxBody, arith::MaximumFOp, arith::MaxSIOp, arith::MaxUIOp)
DLC_FLOAT_INT_BODY(AndBody, arith::AndIOp, arith::AndIOp, arith::AndIOp)
DLC_FLOAT_INT_BODY(OrBody, arith::OrIOp, arith::OrIOp, arith::OrIOp)
DLC_FLOAT_INT_BODY(XorBody, arith::XOrIOp, arith::XOrIOp, arith::XOrIOp)

#undef DLC_FLOAT_INT_BODY

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
    return castScalar(b, loc, a[0], op.getInput().getType().getElementType(),
                      op.getType().getElementType());
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

} // namespace

void dlc::graph_to_linalg::populateGraphToLinalgElementwisePatterns(
    TypeConverter &converter, RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<
      ElementwisePattern<graph::AddOp, AddBody>,
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
}

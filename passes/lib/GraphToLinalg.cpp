//===- GraphToLinalg.cpp - lower graph ops to linalg on tensors -----------===//
//
// One conversion pattern per graph op (or family of ops). Elementwise ops
// become linalg.generic with broadcasting indexing maps; reductions are
// linalg.generic with reduction iterators; matmul is linalg.matmul (2-D) or
// a batched linalg.generic; shape ops become tensor reshapes, slices and
// concatenations. Unsigned integer tensors become signless ones; the
// patterns read the signedness from the graph op's original types.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Graph/GraphOps.h"
#include "dlc/Dialect/Graph/GraphUtils.h"
#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/Transforms/DialectConversion.h"
#include <cstring>

namespace dlc {
#define GEN_PASS_DEF_CONVERTGRAPHTOLINALG
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using namespace dlc;
namespace graph = dlc::graph;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Signless version of an element type (ui8 -> i8).
Type signless(Type element) {
  if (auto i = dyn_cast<IntegerType>(element); i && !i.isSignless())
    return IntegerType::get(element.getContext(), i.getWidth());
  return element;
}

RankedTensorType signlessType(Type type) {
  auto t = cast<RankedTensorType>(type);
  return t.clone(signless(t.getElementType()));
}

bool isUnsignedElement(Type type) {
  Type element = getElementTypeOrSelf(type);
  return element.isUnsignedInteger() || element.isInteger(1);
}

Value constantScalar(OpBuilder &b, Location loc, Type element, double value) {
  if (auto f = dyn_cast<FloatType>(element))
    return arith::ConstantOp::create(b, loc, FloatAttr::get(f, value));
  return arith::ConstantOp::create(
      b, loc, IntegerAttr::get(element, static_cast<int64_t>(value)));
}

/// The lowest (or highest) value of an element type: -inf/+inf for floats.
Value extremeScalar(OpBuilder &b, Location loc, Type element, bool highest,
                    bool isUns) {
  if (auto f = dyn_cast<FloatType>(element))
    return arith::ConstantOp::create(
        b, loc,
        FloatAttr::get(f, APFloat::getInf(f.getFloatSemantics(), !highest)));
  unsigned width = element.getIntOrFloatBitWidth();
  APInt v = isUns ? (highest ? APInt::getMaxValue(width)
                             : APInt::getMinValue(width))
                  : (highest ? APInt::getSignedMaxValue(width)
                             : APInt::getSignedMinValue(width));
  return arith::ConstantOp::create(b, loc, IntegerAttr::get(element, v));
}

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType());
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   Value scalar) {
  Value empty = emptyTensor(b, loc, type);
  return linalg::FillOp::create(b, loc, ValueRange{scalar}, ValueRange{empty})
      .getResult(0);
}

/// Indexing map reading `operandType` broadcast (numpy-style) into an
/// iteration space equal to `shape`.
AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> shape,
                       RankedTensorType operandType) {
  int64_t rank = shape.size();
  int64_t offset = rank - operandType.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < operandType.getRank(); ++d) {
    if (operandType.getDimSize(d) == 1 && shape[offset + d] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(offset + d, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

using BodyFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// A linalg.generic computing `body` elementwise over broadcast operands.
Value elementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                  ValueRange operands, BodyFn body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value v : operands)
    maps.push_back(broadcastMap(ctx, resultType.getShape(),
                                cast<RankedTensorType>(v.getType())));
  maps.push_back(AffineMap::getMultiDimIdentityMap(resultType.getRank(), ctx));
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, operands,
      ValueRange{emptyTensor(b, loc, resultType)}, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value r = body(nb, nl, args.drop_back());
        linalg::YieldOp::create(nb, nl, r);
      });
  return generic.getResult(0);
}

/// Reshape between static shapes with the same element count: collapse to
/// 1-D (or 0-D) and expand again.
Value reshapeTo(OpBuilder &b, Location loc, Value value,
                RankedTensorType type) {
  auto src = cast<RankedTensorType>(value.getType());
  if (src.getShape() == type.getShape())
    return value;
  auto collapseAll = [](int64_t rank) {
    SmallVector<ReassociationIndices> r;
    if (rank == 0)
      return r;
    ReassociationIndices all;
    for (int64_t i = 0; i < rank; ++i)
      all.push_back(i);
    r.push_back(all);
    return r;
  };
  Value flat = value;
  if (src.getRank() != 1) {
    SmallVector<int64_t> shape;
    if (src.getRank() > 0 || type.getRank() > 0)
      shape.push_back(src.getNumElements());
    if (src.getRank() == 0 && type.getRank() == 0)
      return value;
    auto flatType = RankedTensorType::get(shape, src.getElementType());
    if (src.getRank() == 0)
      flat = tensor::ExpandShapeOp::create(b, loc, flatType, value,
                                           collapseAll(0));
    else
      flat = tensor::CollapseShapeOp::create(b, loc, flatType, value,
                                             collapseAll(src.getRank()));
  }
  if (type.getRank() == 1)
    return flat;
  if (type.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, type, flat,
                                           collapseAll(0));
  return tensor::ExpandShapeOp::create(b, loc, type, flat,
                                       collapseAll(type.getRank()));
}

//===----------------------------------------------------------------------===//
// Scalar bodies
//===----------------------------------------------------------------------===//

Value floatConst(OpBuilder &b, Location loc, Value like, double v) {
  return constantScalar(b, loc, like.getType(), v);
}

Value sigmoidScalar(OpBuilder &b, Location loc, Value x) {
  Value one = floatConst(b, loc, x, 1.0);
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  return arith::DivFOp::create(b, loc, one, arith::AddFOp::create(b, loc, one, e));
}

Value clampScalar(OpBuilder &b, Location loc, Value x, Value lo, Value hi,
                  bool isUns) {
  if (isa<FloatType>(x.getType()))
    return arith::MinimumFOp::create(b, loc,
                                     arith::MaximumFOp::create(b, loc, x, lo),
                                     hi);
  if (isUns)
    return arith::MinUIOp::create(b, loc, arith::MaxUIOp::create(b, loc, x, lo),
                                  hi);
  return arith::MinSIOp::create(b, loc, arith::MaxSIOp::create(b, loc, x, lo),
                                hi);
}

/// Scalar conversion between element types with ONNX Cast semantics.
Value castScalar(OpBuilder &b, Location loc, Value x, Type from, Type to) {
  Type src = signless(from), dst = signless(to);
  if (src == dst)
    return x;
  bool srcUns = isUnsignedElement(from), dstUns = isUnsignedElement(to);
  if (dst.isInteger(1)) {
    if (isa<FloatType>(src))
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                   constantScalar(b, loc, src, 0.0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                 constantScalar(b, loc, src, 0));
  }
  if (auto df = dyn_cast<FloatType>(dst)) {
    if (auto sf = dyn_cast<FloatType>(src)) {
      if (sf.getWidth() < df.getWidth())
        return arith::ExtFOp::create(b, loc, dst, x);
      if (sf.getWidth() > df.getWidth())
        return arith::TruncFOp::create(b, loc, dst, x);
      // f16 <-> bf16: through f32.
      Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
      return arith::TruncFOp::create(b, loc, dst, wide);
    }
    if (srcUns)
      return arith::UIToFPOp::create(b, loc, dst, x);
    return arith::SIToFPOp::create(b, loc, dst, x);
  }
  unsigned dw = dst.getIntOrFloatBitWidth();
  if (isa<FloatType>(src)) {
    if (dstUns)
      return arith::FPToUIOp::create(b, loc, dst, x);
    return arith::FPToSIOp::create(b, loc, dst, x);
  }
  unsigned sw = src.getIntOrFloatBitWidth();
  if (sw > dw)
    return arith::TruncIOp::create(b, loc, dst, x);
  if (srcUns)
    return arith::ExtUIOp::create(b, loc, dst, x);
  return arith::ExtSIOp::create(b, loc, dst, x);
}

//===----------------------------------------------------------------------===//
// Elementwise patterns
//===----------------------------------------------------------------------===//

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

//===----------------------------------------------------------------------===//
// Constants and identity-like ops
//===----------------------------------------------------------------------===//

struct ConstantPattern : OpConversionPattern<graph::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!dense)
      return rewriter.notifyMatchFailure(op, "not a dense constant");
    auto type = signlessType(dense.getType());
    if (type != dense.getType())
      dense = dense.bitcast(type.getElementType());
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type, dense);
    return success();
  }
};

/// Ops whose lowering only changes the shape of the data.
template <typename OpTy>
struct ReshapeLikePattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshapeTo(rewriter, op.getLoc(),
                                     adaptor.getOperands()[0],
                                     signlessType(op->getResult(0).getType())));
    return success();
  }
};

struct TransposePattern : OpConversionPattern<graph::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = signlessType(op.getType());
    Value init = emptyTensor(rewriter, op.getLoc(), type);
    auto t = linalg::TransposeOp::create(rewriter, op.getLoc(),
                                         adaptor.getInput(), init,
                                         op.getPerm());
    rewriter.replaceOp(op, t->getResult(0));
    return success();
  }
};

struct ExpandPattern : OpConversionPattern<graph::ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value r = elementwise(rewriter, op.getLoc(), signlessType(op.getType()),
                          adaptor.getInput(),
                          [](OpBuilder &, Location, ValueRange a) {
                            return a[0];
                          });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct ConcatPattern : OpConversionPattern<graph::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = signlessType(op.getType());
    int64_t axis = op.getAxisAttr().getInt();
    if (axis < 0)
      axis += type.getRank();
    // Insert each operand into an empty result at its offset.
    Location loc = op.getLoc();
    Value result = emptyTensor(rewriter, loc, type);
    int64_t offset = 0;
    for (Value in : adaptor.getInputs()) {
      auto inType = cast<RankedTensorType>(in.getType());
      SmallVector<OpFoldResult> offsets(type.getRank(),
                                        rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes, strides(type.getRank(),
                                               rewriter.getIndexAttr(1));
      for (int64_t d : inType.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      offsets[axis] = rewriter.getIndexAttr(offset);
      offset += inType.getDimSize(axis);
      if (inType.getNumElements() == 0)
        continue;
      result = tensor::InsertSliceOp::create(rewriter, loc, in, result,
                                             offsets, sizes, strides);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SlicePattern : OpConversionPattern<graph::SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto type = signlessType(op.getType());
    int64_t rank = inType.getRank();
    // Per dimension: first index and step of the result's elements.
    SmallVector<int64_t> first(rank, 0), step(rank, 1);
    for (auto [i, axis] : llvm::enumerate(op.getAxes())) {
      int64_t a = axis < 0 ? axis + rank : axis;
      int64_t dim = inType.getDimSize(a);
      int64_t s = op.getSteps()[i];
      int64_t start = op.getStarts()[i];
      if (start < 0)
        start += dim;
      start = s > 0 ? std::clamp<int64_t>(start, 0, dim)
                    : std::clamp<int64_t>(start, 0, dim - 1);
      first[a] = start;
      step[a] = s;
    }
    Location loc = op.getLoc();
    bool positive = llvm::all_of(step, [](int64_t s) { return s > 0; });
    if (positive) {
      SmallVector<OpFoldResult> offsets, sizes, strides;
      for (int64_t d = 0; d < rank; ++d) {
        // An empty slice may start at the end; keep its offset in bounds.
        offsets.push_back(
            rewriter.getIndexAttr(type.getDimSize(d) == 0 ? 0 : first[d]));
        sizes.push_back(rewriter.getIndexAttr(type.getDimSize(d)));
        strides.push_back(rewriter.getIndexAttr(step[d]));
      }
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
          op, type, adaptor.getInput(), offsets, sizes, strides);
      return success();
    }
    // Negative steps: gather with index arithmetic.
    Value input = adaptor.getInput();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{},
        ValueRange{emptyTensor(rewriter, loc, type)},
        SmallVector<AffineMap>{
            AffineMap::getMultiDimIdentityMap(rank, getContext())},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> idx;
          for (int64_t d = 0; d < rank; ++d) {
            Value i = linalg::IndexOp::create(b, l, d);
            Value scaled = arith::MulIOp::create(
                b, l, i, arith::ConstantIndexOp::create(b, l, step[d]));
            idx.push_back(arith::AddIOp::create(
                b, l, scaled, arith::ConstantIndexOp::create(b, l, first[d])));
          }
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, input, idx).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct SplitPattern : OpConversionPattern<graph::SplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::SplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    int64_t rank = inType.getRank();
    int64_t axis = op.getAxisAttr().getInt();
    if (axis < 0)
      axis += rank;
    SmallVector<Value> results;
    int64_t offset = 0;
    for (Value r : op->getResults()) {
      auto type = signlessType(r.getType());
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)),
          sizes, strides(rank, rewriter.getIndexAttr(1));
      for (int64_t d : type.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      // An empty part may start at the end; keep its offset in bounds.
      offsets[axis] =
          rewriter.getIndexAttr(type.getNumElements() == 0 ? 0 : offset);
      offset += type.getDimSize(axis);
      results.push_back(tensor::ExtractSliceOp::create(
          rewriter, op.getLoc(), type, adaptor.getInput(), offsets, sizes,
          strides));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct GatherPattern : OpConversionPattern<graph::GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto dataType = cast<RankedTensorType>(op.getData().getType());
    auto idxType = cast<RankedTensorType>(op.getIndices().getType());
    auto type = signlessType(op.getType());
    int64_t rank = type.getRank(), q = idxType.getRank();
    int64_t axis = op.getAxisAttr().getInt();
    if (axis < 0)
      axis += dataType.getRank();
    MLIRContext *ctx = getContext();
    // Result dims: data[:axis] ++ indices ++ data[axis+1:].
    SmallVector<AffineExpr> idxExprs;
    for (int64_t i = 0; i < q; ++i)
      idxExprs.push_back(getAffineDimExpr(axis + i, ctx));
    AffineMap idxMap = AffineMap::get(rank, 0, idxExprs, ctx);
    Value data = adaptor.getData();
    int64_t axisDim = dataType.getDimSize(axis);
    Location loc = op.getLoc();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{adaptor.getIndices()},
        ValueRange{emptyTensor(rewriter, loc, type)},
        SmallVector<AffineMap>{idxMap,
                               AffineMap::getMultiDimIdentityMap(rank, ctx)},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value index = arith::IndexCastOp::create(b, l, b.getIndexType(),
                                                   args[0]);
          // Negative indices count from the end.
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value isNeg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                              index, zero);
          Value wrapped = arith::AddIOp::create(
              b, l, index, arith::ConstantIndexOp::create(b, l, axisDim));
          index = arith::SelectOp::create(b, l, isNeg, wrapped, index);
          SmallVector<Value> coords;
          for (int64_t d = 0; d < axis; ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d));
          coords.push_back(index);
          for (int64_t d = axis + 1; d < dataType.getRank(); ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d - 1 + q));
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, data, coords).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// A linalg.generic over the result's index space whose body computes the
/// result from the indices (`body` gets the builder and the index values).
Value indexGeneric(OpBuilder &b, Location loc, RankedTensorType type,
                   function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = type.getRank();
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{},
      ValueRange{emptyTensor(b, loc, type)},
      SmallVector<AffineMap>{
          AffineMap::getMultiDimIdentityMap(rank, b.getContext())},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange) {
        SmallVector<Value> idx;
        for (int64_t d = 0; d < rank; ++d)
          idx.push_back(linalg::IndexOp::create(nb, l, d));
        linalg::YieldOp::create(nb, l, body(nb, l, idx));
      });
  return generic.getResult(0);
}

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

struct PadPattern : OpConversionPattern<graph::PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inType = cast<RankedTensorType>(adaptor.getInput().getType());
    auto type = signlessType(op.getType());
    int64_t rank = inType.getRank();
    ArrayRef<int64_t> pads = op.getPads();
    StringRef mode = op.getMode();
    Value input = adaptor.getInput();
    Type element = type.getElementType();
    Attribute fill = op.getValueAttr();
    auto r = indexGeneric(
        rewriter, op.getLoc(), type,
        [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
          SmallVector<Value> src;
          Value inside;
          for (int64_t d = 0; d < rank; ++d) {
            int64_t n = inType.getDimSize(d);
            Value i = arith::SubIOp::create(b, l, idx[d],
                                            indexConst(b, l, pads[d]));
            Value zero = indexConst(b, l, 0), last = indexConst(b, l, n - 1);
            Value lt0 = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                              i, zero);
            Value gtN = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt,
                                              i, last);
            Value clamped = arith::SelectOp::create(
                b, l, lt0, zero, arith::SelectOp::create(b, l, gtN, last, i));
            if (mode == "constant") {
              Value ok = arith::AndIOp::create(
                  b, l, arith::XOrIOp::create(b, l, lt0, constantScalar(b, l, b.getI1Type(), 1)),
                  arith::XOrIOp::create(b, l, gtN, constantScalar(b, l, b.getI1Type(), 1)));
              inside = inside ? arith::AndIOp::create(b, l, inside, ok) : ok;
              src.push_back(clamped);
            } else if (mode == "edge" || n == 1) {
              src.push_back(clamped);
            } else if (mode == "reflect") {
              Value neg = arith::SubIOp::create(b, l, zero, i);
              Value over = arith::SubIOp::create(
                  b, l, indexConst(b, l, 2 * (n - 1)), i);
              src.push_back(arith::SelectOp::create(
                  b, l, lt0, neg, arith::SelectOp::create(b, l, gtN, over, i)));
            } else { // wrap
              Value nn = indexConst(b, l, n);
              Value m = arith::RemSIOp::create(b, l, i, nn);
              Value pos = arith::AddIOp::create(b, l, m, nn);
              src.push_back(arith::RemSIOp::create(b, l, pos, nn));
            }
          }
          Value v = tensor::ExtractOp::create(b, l, input, src);
          if (mode != "constant")
            return v;
          Value padValue;
          if (auto f = dyn_cast_or_null<FloatAttr>(fill))
            padValue = constantScalar(b, l, element, f.getValueAsDouble());
          else if (auto i = dyn_cast_or_null<IntegerAttr>(fill))
            padValue = arith::ConstantOp::create(
                b, l, IntegerAttr::get(element, i.getValue()));
          else
            padValue = constantScalar(b, l, element, 0);
          if (!inside)
            return v;
          return arith::SelectOp::create(b, l, inside, v, padValue);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct TilePattern : OpConversionPattern<graph::TileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::TileOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inType = cast<RankedTensorType>(adaptor.getInput().getType());
    Value input = adaptor.getInput();
    auto r = indexGeneric(
        rewriter, op.getLoc(), signlessType(op.getType()),
        [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
          SmallVector<Value> src;
          for (int64_t d = 0; d < inType.getRank(); ++d)
            src.push_back(arith::RemUIOp::create(
                b, l, idx[d], indexConst(b, l, inType.getDimSize(d))));
          return tensor::ExtractOp::create(b, l, input, src);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct TriluPattern : OpConversionPattern<graph::TriluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::TriluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = signlessType(op.getType());
    int64_t rank = type.getRank();
    bool upper = op.getUpper();
    int64_t k = op.getKAttr().getInt();
    Value input = adaptor.getInput();
    auto r = indexGeneric(
        rewriter, op.getLoc(), type,
        [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
          Value v = tensor::ExtractOp::create(b, l, input, idx);
          Value diff = arith::SubIOp::create(b, l, idx[rank - 1], idx[rank - 2]);
          Value keep = arith::CmpIOp::create(
              b, l, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle,
              diff, indexConst(b, l, k));
          return arith::SelectOp::create(
              b, l, keep, v, constantScalar(b, l, type.getElementType(), 0));
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

struct MatMulPattern : OpConversionPattern<graph::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = signlessType(op.getType());
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto lt = cast<RankedTensorType>(lhs.getType());
    auto rt = cast<RankedTensorType>(rhs.getType());
    Type element = resultType.getElementType();
    // Promote vectors to matrices as numpy does.
    if (lt.getRank() == 1) {
      lt = RankedTensorType::get({1, lt.getDimSize(0)}, element);
      lhs = reshapeTo(rewriter, loc, lhs, lt);
    }
    if (rt.getRank() == 1) {
      rt = RankedTensorType::get({rt.getDimSize(0), 1}, element);
      rhs = reshapeTo(rewriter, loc, rhs, rt);
    }
    int64_t lr = lt.getRank(), rr = rt.getRank();
    SmallVector<int64_t> batch;
    int64_t nb = std::max(lr, rr) - 2;
    for (int64_t i = 0; i < nb; ++i) {
      int64_t l = i < nb - (lr - 2) ? 1 : lt.getDimSize(i - (nb - (lr - 2)));
      int64_t r = i < nb - (rr - 2) ? 1 : rt.getDimSize(i - (nb - (rr - 2)));
      batch.push_back(l == 1 ? r : l);
    }
    int64_t m = lt.getDimSize(lr - 2), n = rt.getDimSize(rr - 1),
            k = lt.getDimSize(lr - 1);
    SmallVector<int64_t> fullShape(batch);
    fullShape.push_back(m);
    fullShape.push_back(n);
    auto fullType = RankedTensorType::get(fullShape, element);
    Value zero = constantScalar(rewriter, loc, element, 0);
    Value init = filledTensor(rewriter, loc, fullType, zero);
    Value product;
    if (nb == 0) {
      product = linalg::MatmulOp::create(rewriter, loc, TypeRange{fullType},
                                         ValueRange{lhs, rhs},
                                         ValueRange{init})
                    .getResult(0);
    } else {
      // Dims: batch..., m, n, k.
      MLIRContext *ctx = getContext();
      int64_t dims = nb + 3;
      auto operandMap = [&](RankedTensorType t, bool isLhs) {
        SmallVector<AffineExpr> exprs;
        int64_t tb = t.getRank() - 2, off = nb - tb;
        for (int64_t i = 0; i < tb; ++i)
          exprs.push_back(t.getDimSize(i) == 1 && batch[off + i] != 1
                              ? getAffineConstantExpr(0, ctx)
                              : getAffineDimExpr(off + i, ctx));
        if (isLhs) {
          exprs.push_back(getAffineDimExpr(nb, ctx));
          exprs.push_back(getAffineDimExpr(nb + 2, ctx));
        } else {
          exprs.push_back(getAffineDimExpr(nb + 2, ctx));
          exprs.push_back(getAffineDimExpr(nb + 1, ctx));
        }
        return AffineMap::get(dims, 0, exprs, ctx);
      };
      SmallVector<AffineExpr> outExprs;
      for (int64_t i = 0; i < nb + 2; ++i)
        outExprs.push_back(getAffineDimExpr(i, ctx));
      SmallVector<utils::IteratorType> iters(nb + 2,
                                             utils::IteratorType::parallel);
      iters.push_back(utils::IteratorType::reduction);
      (void)k;
      product =
          linalg::GenericOp::create(
              rewriter, loc, TypeRange{fullType}, ValueRange{lhs, rhs},
              ValueRange{init},
              SmallVector<AffineMap>{operandMap(lt, true),
                                     operandMap(rt, false),
                                     AffineMap::get(dims, 0, outExprs, ctx)},
              iters,
              [&](OpBuilder &b, Location l, ValueRange a) {
                Value r;
                if (isa<FloatType>(a[0].getType()))
                  r = arith::AddFOp::create(
                      b, l, a[2], arith::MulFOp::create(b, l, a[0], a[1]));
                else
                  r = arith::AddIOp::create(
                      b, l, a[2], arith::MulIOp::create(b, l, a[0], a[1]));
                linalg::YieldOp::create(b, l, r);
              })
              .getResult(0);
    }
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, product, resultType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

enum class ReduceKind { Sum, Prod, Max, Min };

/// Reduces `input` over `axes` (sorted) with `kind` after applying `pre` to
/// each element; the result drops the reduced dimensions.
Value reduce(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
             ReduceKind kind, bool isUns,
             function_ref<Value(OpBuilder &, Location, Value)> pre = nullptr) {
  auto inType = cast<RankedTensorType>(input.getType());
  Type element = inType.getElementType();
  MLIRContext *ctx = b.getContext();
  int64_t rank = inType.getRank();
  SmallVector<int64_t> outShape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iters;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(axes, d);
    iters.push_back(reduced ? utils::IteratorType::reduction
                            : utils::IteratorType::parallel);
    if (!reduced) {
      outShape.push_back(inType.getDimSize(d));
      outExprs.push_back(getAffineDimExpr(d, ctx));
    }
  }
  auto outType = RankedTensorType::get(outShape, element);
  Value initValue;
  switch (kind) {
  case ReduceKind::Sum:
    initValue = constantScalar(b, loc, element, 0);
    break;
  case ReduceKind::Prod:
    initValue = constantScalar(b, loc, element, 1);
    break;
  case ReduceKind::Max:
    initValue = extremeScalar(b, loc, element, false, isUns);
    break;
  case ReduceKind::Min:
    initValue = extremeScalar(b, loc, element, true, isUns);
    break;
  }
  Value init = filledTensor(b, loc, outType, initValue);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, ValueRange{input}, ValueRange{init},
      SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, ctx),
                             AffineMap::get(rank, 0, outExprs, ctx)},
      iters, [&](OpBuilder &nb, Location l, ValueRange a) {
        Value x = pre ? pre(nb, l, a[0]) : a[0];
        Value acc = a[1], r;
        bool f = isa<FloatType>(element);
        switch (kind) {
        case ReduceKind::Sum:
          r = f ? (Value)arith::AddFOp::create(nb, l, acc, x)
                : (Value)arith::AddIOp::create(nb, l, acc, x);
          break;
        case ReduceKind::Prod:
          r = f ? (Value)arith::MulFOp::create(nb, l, acc, x)
                : (Value)arith::MulIOp::create(nb, l, acc, x);
          break;
        case ReduceKind::Max:
          r = f ? (Value)arith::MaximumFOp::create(nb, l, acc, x)
              : isUns ? (Value)arith::MaxUIOp::create(nb, l, acc, x)
                      : (Value)arith::MaxSIOp::create(nb, l, acc, x);
          break;
        case ReduceKind::Min:
          r = f ? (Value)arith::MinimumFOp::create(nb, l, acc, x)
              : isUns ? (Value)arith::MinUIOp::create(nb, l, acc, x)
                      : (Value)arith::MinSIOp::create(nb, l, acc, x);
          break;
        }
        linalg::YieldOp::create(nb, l, r);
      });
  return generic.getResult(0);
}

/// Elementwise map of a tensor with a scalar function.
Value mapTensor(OpBuilder &b, Location loc, Value input,
                function_ref<Value(OpBuilder &, Location, Value)> fn) {
  auto type = cast<RankedTensorType>(input.getType());
  return elementwise(b, loc, type, input,
                     [&](OpBuilder &nb, Location l, ValueRange a) {
                       return fn(nb, l, a[0]);
                     });
}

template <typename OpTy>
struct ReducePattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    Type element = inType.getElementType();
    bool isUns = isUnsignedElement(op.getInput().getType());
    bool f = isa<FloatType>(element);
    ArrayRef<int64_t> axes = op.getAxes();
    auto square = [&](OpBuilder &b, Location l, Value x) -> Value {
      return f ? (Value)arith::MulFOp::create(b, l, x, x)
               : (Value)arith::MulIOp::create(b, l, x, x);
    };
    auto absolute = [&](OpBuilder &b, Location l, Value x) -> Value {
      if (f)
        return math::AbsFOp::create(b, l, x);
      return isUns ? x : (Value)math::AbsIOp::create(b, l, x);
    };
    auto expFn = [&](OpBuilder &b, Location l, Value x) -> Value {
      return math::ExpOp::create(b, l, x);
    };
    Value r;
    if constexpr (std::is_same_v<OpTy, graph::ReduceSumOp> ||
                  std::is_same_v<OpTy, graph::ReduceMeanOp>)
      r = reduce(rewriter, loc, input, axes, ReduceKind::Sum, isUns);
    else if constexpr (std::is_same_v<OpTy, graph::ReduceProdOp>)
      r = reduce(rewriter, loc, input, axes, ReduceKind::Prod, isUns);
    else if constexpr (std::is_same_v<OpTy, graph::ReduceMaxOp>)
      r = reduce(rewriter, loc, input, axes, ReduceKind::Max, isUns);
    else if constexpr (std::is_same_v<OpTy, graph::ReduceMinOp>)
      r = reduce(rewriter, loc, input, axes, ReduceKind::Min, isUns);
    else if constexpr (std::is_same_v<OpTy, graph::ReduceL1Op>)
      r = reduce(rewriter, loc, input, axes, ReduceKind::Sum, isUns, absolute);
    else if constexpr (std::is_same_v<OpTy, graph::ReduceL2Op> ||
                       std::is_same_v<OpTy, graph::ReduceSumSquareOp>)
      r = reduce(rewriter, loc, input, axes, ReduceKind::Sum, isUns, square);
    else if constexpr (std::is_same_v<OpTy, graph::ReduceLogSumOp>)
      r = reduce(rewriter, loc, input, axes, ReduceKind::Sum, isUns);
    else
      r = reduce(rewriter, loc, input, axes, ReduceKind::Sum, isUns, expFn);
    if constexpr (std::is_same_v<OpTy, graph::ReduceMeanOp>) {
      int64_t count = 1;
      for (int64_t a : axes)
        count *= inType.getDimSize(a);
      Value c = constantScalar(rewriter, loc, element, count);
      r = mapTensor(rewriter, loc, r, [&](OpBuilder &b, Location l, Value x) {
        if (f)
          return (Value)arith::DivFOp::create(b, l, x, c);
        return isUns ? (Value)arith::DivUIOp::create(b, l, x, c)
                     : (Value)arith::DivSIOp::create(b, l, x, c);
      });
    } else if constexpr (std::is_same_v<OpTy, graph::ReduceL2Op>) {
      r = mapTensor(rewriter, loc, r, [&](OpBuilder &b, Location l, Value x) {
        return (Value)math::SqrtOp::create(b, l, x);
      });
    } else if constexpr (std::is_same_v<OpTy, graph::ReduceLogSumOp> ||
                         std::is_same_v<OpTy, graph::ReduceLogSumExpOp>) {
      r = mapTensor(rewriter, loc, r, [&](OpBuilder &b, Location l, Value x) {
        return (Value)math::LogOp::create(b, l, x);
      });
    }
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, r,
                                     signlessType(op.getType())));
    return success();
  }
};

/// ArgMax/ArgMin: one reduction with two outputs (extreme value, index).
template <typename OpTy, bool IsMax>
struct ArgReducePattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    Type element = inType.getElementType();
    bool isUns = isUnsignedElement(op.getInput().getType());
    bool last = op.getSelectLastIndex();
    int64_t rank = inType.getRank();
    int64_t axis = op.getAxisAttr().getInt();
    MLIRContext *ctx = this->getContext();
    SmallVector<int64_t> outShape;
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iters;
    for (int64_t d = 0; d < rank; ++d) {
      iters.push_back(d == axis ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
      if (d != axis) {
        outShape.push_back(inType.getDimSize(d));
        outExprs.push_back(getAffineDimExpr(d, ctx));
      }
    }
    auto valueType = RankedTensorType::get(outShape, element);
    auto indexType = RankedTensorType::get(outShape, rewriter.getI64Type());
    Value values = filledTensor(
        rewriter, loc, valueType,
        extremeScalar(rewriter, loc, element, !IsMax, isUns));
    Value indices = filledTensor(rewriter, loc, indexType,
                                 constantScalar(rewriter, loc,
                                                rewriter.getI64Type(), -1));
    AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valueType, indexType}, ValueRange{input},
        ValueRange{values, indices},
        SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, ctx),
                               outMap, outMap},
        iters, [&](OpBuilder &b, Location l, ValueRange a) {
          Value x = a[0], best = a[1], bestIndex = a[2];
          Value i = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          Value better;
          if (isa<FloatType>(element))
            better = arith::CmpFOp::create(
                b, l,
                IsMax ? (last ? arith::CmpFPredicate::OGE
                              : arith::CmpFPredicate::OGT)
                      : (last ? arith::CmpFPredicate::OLE
                              : arith::CmpFPredicate::OLT),
                x, best);
          else
            better = arith::CmpIOp::create(
                b, l,
                IsMax ? (last ? (isUns ? arith::CmpIPredicate::uge
                                       : arith::CmpIPredicate::sge)
                              : (isUns ? arith::CmpIPredicate::ugt
                                       : arith::CmpIPredicate::sgt))
                      : (last ? (isUns ? arith::CmpIPredicate::ule
                                       : arith::CmpIPredicate::sle)
                              : (isUns ? arith::CmpIPredicate::ult
                                       : arith::CmpIPredicate::slt)),
                x, best);
          // The first element always wins (covers all-NaN or extreme
          // values equal to the initial one).
          Value first = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, bestIndex,
              constantScalar(b, l, b.getI64Type(), 0));
          better = arith::OrIOp::create(b, l, better, first);
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, better, x, best),
                         arith::SelectOp::create(b, l, better, i, bestIndex)});
        });
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, generic.getResult(1),
                                     signlessType(op.getType())));
    return success();
  }
};

/// CumSum as a reduction over a second copy of the axis: out[i] sums the
/// x[j] with j <= i (j < i exclusive; j >= i / j > i reversed).
struct CumSumPattern : OpConversionPattern<graph::CumSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::CumSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    Type element = type.getElementType();
    int64_t rank = type.getRank(), axis = op.getAxisAttr().getInt();
    bool exclusive = op.getExclusive(), reverse = op.getReverse();
    MLIRContext *ctx = getContext();
    SmallVector<AffineExpr> inExprs, outExprs;
    for (int64_t d = 0; d < rank; ++d) {
      inExprs.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
      outExprs.push_back(getAffineDimExpr(d, ctx));
    }
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);
    Value init = filledTensor(rewriter, loc, type,
                              constantScalar(rewriter, loc, element, 0));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{input}, ValueRange{init},
        SmallVector<AffineMap>{AffineMap::get(rank + 1, 0, inExprs, ctx),
                               AffineMap::get(rank + 1, 0, outExprs, ctx)},
        iters, [&](OpBuilder &b, Location l, ValueRange a) {
          Value i = linalg::IndexOp::create(b, l, axis);
          Value j = linalg::IndexOp::create(b, l, rank);
          arith::CmpIPredicate pred =
              reverse ? (exclusive ? arith::CmpIPredicate::ugt
                                   : arith::CmpIPredicate::uge)
                      : (exclusive ? arith::CmpIPredicate::ult
                                   : arith::CmpIPredicate::ule);
          Value take = arith::CmpIOp::create(b, l, pred, j, i);
          Value x = arith::SelectOp::create(
              b, l, take, a[0], constantScalar(b, l, element, 0));
          Value sum = isa<FloatType>(element)
                          ? (Value)arith::AddFOp::create(b, l, a[1], x)
                          : (Value)arith::AddIOp::create(b, l, a[1], x);
          linalg::YieldOp::create(b, l, sum);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Softmax and LogSoftmax along one axis, with the maximum subtracted for
/// stability.
template <typename OpTy, bool IsLog>
struct SoftmaxPattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t axis = op.getAxisAttr().getInt();
    if (axis < 0)
      axis += type.getRank();
    SmallVector<int64_t> keptShape(type.getShape());
    keptShape[axis] = 1;
    auto keptType = RankedTensorType::get(keptShape, type.getElementType());
    Value max = reshapeTo(rewriter, loc,
                          reduce(rewriter, loc, x, {axis}, ReduceKind::Max,
                                 false),
                          keptType);
    Value shifted = elementwise(
        rewriter, loc, type, ValueRange{x, max},
        [](OpBuilder &b, Location l, ValueRange a) {
          return (Value)arith::SubFOp::create(b, l, a[0], a[1]);
        });
    Value e = mapTensor(rewriter, loc, shifted,
                        [](OpBuilder &b, Location l, Value v) {
                          return (Value)math::ExpOp::create(b, l, v);
                        });
    Value sum = reshapeTo(
        rewriter, loc, reduce(rewriter, loc, e, {axis}, ReduceKind::Sum, false),
        keptType);
    Value r;
    if (IsLog)
      r = elementwise(rewriter, loc, type, ValueRange{shifted, sum},
                      [](OpBuilder &b, Location l, ValueRange a) {
                        return (Value)arith::SubFOp::create(
                            b, l, a[0], math::LogOp::create(b, l, a[1]));
                      });
    else
      r = elementwise(rewriter, loc, type, ValueRange{e, sum},
                      [](OpBuilder &b, Location l, ValueRange a) {
                        return (Value)arith::DivFOp::create(b, l, a[0], a[1]);
                      });
    rewriter.replaceOp(op, r);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// NN ops
//===----------------------------------------------------------------------===//

Value addF(OpBuilder &b, Location l, Value x, Value y) {
  return arith::AddFOp::create(b, l, x, y);
}
Value mulF(OpBuilder &b, Location l, Value x, Value y) {
  return arith::MulFOp::create(b, l, x, y);
}

/// Zero-pads the spatial dims (2..) of an N-C-spatial tensor; negative
/// pads crop.
Value padSpatial(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> low,
                 ArrayRef<int64_t> high, Value padValue) {
  auto type = cast<RankedTensorType>(x.getType());
  size_t spatial = low.size();
  if (llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(high, [](int64_t v) { return v == 0; }))
    return x;
  SmallVector<int64_t> shape(type.getShape());
  for (size_t i = 0; i < spatial; ++i)
    shape[2 + i] += low[i] + high[i];
  auto outType = RankedTensorType::get(shape, type.getElementType());
  Value padded = indexGeneric(b, loc, outType,
                      [&](OpBuilder &nb, Location l, ValueRange idx) -> Value {
                        SmallVector<Value> src(idx.begin(), idx.end());
                        Value inside;
                        for (size_t i = 0; i < spatial; ++i) {
                          int64_t n = type.getDimSize(2 + i);
                          Value j = arith::SubIOp::create(
                              nb, l, idx[2 + i], indexConst(nb, l, low[i]));
                          Value ge = arith::CmpIOp::create(
                              nb, l, arith::CmpIPredicate::sge, j,
                              indexConst(nb, l, 0));
                          Value lt = arith::CmpIOp::create(
                              nb, l, arith::CmpIPredicate::slt, j,
                              indexConst(nb, l, n));
                          Value ok = arith::AndIOp::create(nb, l, ge, lt);
                          inside = inside ? arith::AndIOp::create(nb, l, inside, ok)
                                          : ok;
                          src[2 + i] = arith::SelectOp::create(
                              nb, l, ok, j, indexConst(nb, l, 0));
                        }
                        Value v = tensor::ExtractOp::create(nb, l, x, src);
                        return arith::SelectOp::create(nb, l, inside, v,
                                                       padValue);
                      });
  // A zero padding says so, for the CPU kernels: the producer of `x` may
  // then write straight into the padded buffer.
  if (matchPattern(padValue, m_AnyZeroFloat()) &&
      llvm::all_of(low, [](int64_t v) { return v >= 0; }) &&
      llvm::all_of(high, [](int64_t v) { return v >= 0; })) {
    SmallVector<int64_t> lo(2, 0), hi(2, 0);
    lo.append(low.begin(), low.end());
    hi.append(high.begin(), high.end());
    Operation *g = padded.getDefiningOp();
    g->setAttr("dlc.pad_low", b.getDenseI64ArrayAttr(lo));
    g->setAttr("dlc.pad_high", b.getDenseI64ArrayAttr(hi));
  }
  return padded;
}

/// Grouped N-d convolution of an already padded input as one
/// linalg.generic: dims (n, g, f, o1..ok, c, k1..kk); the result is
/// (N, G*Fg, o...) plus the bias.
Value convGeneric(OpBuilder &b, Location loc, Value x, Value w, Value bias,
                  ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                  int64_t group, RankedTensorType resultType) {
  MLIRContext *ctx = b.getContext();
  auto xt = cast<RankedTensorType>(x.getType());
  auto wt = cast<RankedTensorType>(w.getType());
  Type element = xt.getElementType();
  int64_t spatial = xt.getRank() - 2;
  int64_t cg = wt.getDimSize(1), fg = wt.getDimSize(0) / group;
  // Dimension positions.
  int64_t dN = 0, dG = 1, dF = 2, dO = 3, dC = 3 + spatial, dK = 4 + spatial;
  int64_t numDims = 4 + 2 * spatial;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> xe{d(dN), d(dG) * cg + d(dC)};
  SmallVector<AffineExpr> we{d(dG) * fg + d(dF), d(dC)};
  SmallVector<AffineExpr> oe{d(dN), d(dG), d(dF)};
  SmallVector<int64_t> outShape{resultType.getDimSize(0), group, fg};
  for (int64_t i = 0; i < spatial; ++i) {
    xe.push_back(d(dO + i) * strides[i] + d(dK + i) * dilations[i]);
    we.push_back(d(dK + i));
    oe.push_back(d(dO + i));
    outShape.push_back(resultType.getDimSize(2 + i));
  }
  // Half-precision products accumulate in f32.
  Type acc = element.getIntOrFloatBitWidth() < 32 ? b.getF32Type() : element;
  auto widen = [&](OpBuilder &nb, Location l, Value v) -> Value {
    return v.getType() == acc ? v : (Value)arith::ExtFOp::create(nb, l, acc, v);
  };
  auto outType = RankedTensorType::get(outShape, acc);
  SmallVector<utils::IteratorType> iters(3 + spatial,
                                         utils::IteratorType::parallel);
  iters.append(1 + spatial, utils::IteratorType::reduction);
  Value init = filledTensor(b, loc, outType, constantScalar(b, loc, acc, 0));
  Value conv =
      linalg::GenericOp::create(
          b, loc, TypeRange{outType}, ValueRange{x, w}, ValueRange{init},
          SmallVector<AffineMap>{AffineMap::get(numDims, 0, xe, ctx),
                                 AffineMap::get(numDims, 0, we, ctx),
                                 AffineMap::get(numDims, 0, oe, ctx)},
          iters,
          [&](OpBuilder &nb, Location l, ValueRange a) {
            linalg::YieldOp::create(
                nb, l,
                addF(nb, l, a[2],
                     mulF(nb, l, widen(nb, l, a[0]), widen(nb, l, a[1]))));
          })
          .getResult(0);
  Value flat = reshapeTo(b, loc, conv, resultType.clone(acc));
  // Bias along dimension 1.
  SmallVector<int64_t> biasShape(resultType.getRank(), 1);
  biasShape[1] = resultType.getDimSize(1);
  Value b2 = reshapeTo(b, loc, bias,
                       RankedTensorType::get(biasShape, element));
  return elementwise(b, loc, resultType, ValueRange{flat, b2},
                     [&](OpBuilder &nb, Location l, ValueRange a) {
                       Value sum = addF(nb, l, a[0], widen(nb, l, a[1]));
                       return acc == element
                                  ? sum
                                  : (Value)arith::TruncFOp::create(nb, l,
                                                                   element, sum);
                     });
}

struct ConvPattern : OpConversionPattern<graph::ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    size_t spatial = type.getRank() - 2;
    ArrayRef<int64_t> pads = op.getPads();
    Value zero = constantScalar(rewriter, loc, type.getElementType(), 0);
    Value x = padSpatial(rewriter, loc, adaptor.getInput(),
                         pads.take_front(spatial), pads.drop_front(spatial),
                         zero);
    rewriter.replaceOp(op, convGeneric(rewriter, loc, x, adaptor.getWeight(),
                                       adaptor.getBias(), op.getStrides(),
                                       op.getDilations(),
                                       op.getGroupAttr().getInt(), type));
    return success();
  }
};

/// ConvTranspose as a stride-1 convolution of the input dilated by the
/// stride and padded by dilation * (k - 1) - pad, with the kernel flipped
/// and its channel dimensions swapped per group.
struct ConvTransposePattern : OpConversionPattern<graph::ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Value x = adaptor.getInput(), w = adaptor.getWeight();
    auto xt = cast<RankedTensorType>(x.getType());
    auto wt = cast<RankedTensorType>(w.getType());
    Type element = xt.getElementType();
    int64_t spatial = xt.getRank() - 2, group = op.getGroupAttr().getInt();
    ArrayRef<int64_t> strides = op.getStrides(), dil = op.getDilations(),
                      pads = op.getPads(), outPad = op.getOutputPadding();
    // Dilated and padded input.
    SmallVector<int64_t> shape(xt.getShape()), low;
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t k = wt.getDimSize(2 + i);
      int64_t lo = dil[i] * (k - 1) - pads[i];
      int64_t hi = dil[i] * (k - 1) - pads[spatial + i] + outPad[i];
      low.push_back(lo);
      shape[2 + i] = (xt.getDimSize(2 + i) - 1) * strides[i] + 1 + lo + hi;
    }
    auto dilatedType = RankedTensorType::get(shape, element);
    Value zero = constantScalar(rewriter, loc, element, 0);
    Value dilated = indexGeneric(
        rewriter, loc, dilatedType,
        [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
          SmallVector<Value> src(idx.begin(), idx.end());
          Value inside;
          for (int64_t i = 0; i < spatial; ++i) {
            int64_t n = xt.getDimSize(2 + i), s = strides[i];
            Value j = arith::SubIOp::create(b, l, idx[2 + i],
                                            indexConst(b, l, low[i]));
            Value ge = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge,
                                             j, indexConst(b, l, 0));
            Value le = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sle,
                                             j, indexConst(b, l, (n - 1) * s));
            Value safe = arith::SelectOp::create(
                b, l, arith::AndIOp::create(b, l, ge, le), j,
                indexConst(b, l, 0));
            Value rem = arith::RemUIOp::create(b, l, safe, indexConst(b, l, s));
            Value onGrid = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::eq, rem, indexConst(b, l, 0));
            Value ok = arith::AndIOp::create(
                b, l, arith::AndIOp::create(b, l, ge, le), onGrid);
            inside = inside ? arith::AndIOp::create(b, l, inside, ok) : ok;
            src[2 + i] = arith::DivUIOp::create(b, l, safe, indexConst(b, l, s));
          }
          Value v = tensor::ExtractOp::create(b, l, x, src);
          return arith::SelectOp::create(b, l, inside, v, zero);
        });
    // Kernel (C, Fg, k...) -> (G*Fg, Cg, k...) flipped.
    int64_t cg = wt.getDimSize(0) / group, fg = wt.getDimSize(1);
    SmallVector<int64_t> kshape{group * fg, cg};
    for (int64_t i = 0; i < spatial; ++i)
      kshape.push_back(wt.getDimSize(2 + i));
    auto kType = RankedTensorType::get(kshape, element);
    Value kernel = indexGeneric(
        rewriter, loc, kType,
        [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
          Value fgC = indexConst(b, l, fg);
          Value g = arith::DivUIOp::create(b, l, idx[0], fgC);
          Value f = arith::RemUIOp::create(b, l, idx[0], fgC);
          Value c = arith::AddIOp::create(
              b, l, arith::MulIOp::create(b, l, g, indexConst(b, l, cg)),
              idx[1]);
          SmallVector<Value> src{c, f};
          for (int64_t i = 0; i < spatial; ++i)
            src.push_back(arith::SubIOp::create(
                b, l, indexConst(b, l, wt.getDimSize(2 + i) - 1),
                idx[2 + i]));
          return tensor::ExtractOp::create(b, l, w, src);
        });
    SmallVector<int64_t> ones(spatial, 1);
    rewriter.replaceOp(op, convGeneric(rewriter, loc, dilated, kernel,
                                       adaptor.getBias(), ones, dil, group,
                                       type));
    return success();
  }
};

/// Max and average pooling: a reduction over the window, reading the input
/// with bounds checks (padding and ceil-mode overhang are skipped).
template <typename OpTy, bool IsMax>
struct PoolPattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = this->getContext();
    Value x = adaptor.getInput();
    auto xt = cast<RankedTensorType>(x.getType());
    auto type = cast<RankedTensorType>(op.getType());
    Type element = xt.getElementType();
    int64_t spatial = xt.getRank() - 2;
    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                      dil = op.getDilations(), pads = op.getPads();
    bool includePad = false;
    if constexpr (!IsMax)
      includePad = op.getCountIncludePad();
    int64_t rank = xt.getRank(), numDims = rank + spatial;
    // A tensor of the window's shape gives the window loops their bounds.
    Value window = tensor::EmptyOp::create(rewriter, loc, kernel, element);
    SmallVector<AffineExpr> winExprs, outExprs;
    for (int64_t i = 0; i < spatial; ++i)
      winExprs.push_back(getAffineDimExpr(rank + i, ctx));
    for (int64_t i = 0; i < rank; ++i)
      outExprs.push_back(getAffineDimExpr(i, ctx));
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    iters.append(spatial, utils::IteratorType::reduction);
    AffineMap outMap = AffineMap::get(numDims, 0, outExprs, ctx);
    Value init = filledTensor(
        rewriter, loc, type,
        IsMax ? extremeScalar(rewriter, loc, element, false, false)
              : constantScalar(rewriter, loc, element, 0));
    Value count = filledTensor(rewriter, loc, type,
                               constantScalar(rewriter, loc, element, 0));
    SmallVector<Type> resultTypes{type};
    SmallVector<Value> outs{init};
    SmallVector<AffineMap> maps{AffineMap::get(numDims, 0, winExprs, ctx),
                                outMap};
    if (!IsMax) {
      resultTypes.push_back(type);
      outs.push_back(count);
      maps.push_back(outMap);
    }
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultTypes, ValueRange{window}, outs, maps, iters,
        [&](OpBuilder &b, Location l, ValueRange a) {
          SmallVector<Value> src{linalg::IndexOp::create(b, l, 0),
                                 linalg::IndexOp::create(b, l, 1)};
          Value inside, inPadded;
          for (int64_t i = 0; i < spatial; ++i) {
            Value o = linalg::IndexOp::create(b, l, 2 + i);
            Value k = linalg::IndexOp::create(b, l, rank + i);
            Value j = arith::SubIOp::create(
                b, l,
                arith::AddIOp::create(
                    b, l,
                    arith::MulIOp::create(b, l, o,
                                          indexConst(b, l, strides[i])),
                    arith::MulIOp::create(b, l, k, indexConst(b, l, dil[i]))),
                indexConst(b, l, pads[i]));
            int64_t n = xt.getDimSize(2 + i);
            auto within = [&](int64_t lo, int64_t hi) {
              return arith::AndIOp::create(
                  b, l,
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, j,
                                        indexConst(b, l, lo)),
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, j,
                                        indexConst(b, l, hi)));
            };
            Value ok = within(0, n);
            Value okPad = within(-pads[i], n + pads[spatial + i]);
            inside = inside ? arith::AndIOp::create(b, l, inside, ok) : ok;
            inPadded = inPadded ? arith::AndIOp::create(b, l, inPadded, okPad)
                                : okPad;
            src.push_back(arith::SelectOp::create(b, l, ok, j,
                                                  indexConst(b, l, 0)));
          }
          Value v = tensor::ExtractOp::create(b, l, x, src);
          if (IsMax) {
            Value m = arith::MaximumFOp::create(b, l, a[1], v);
            linalg::YieldOp::create(
                b, l, ValueRange{arith::SelectOp::create(b, l, inside, m, a[1])});
            return;
          }
          Value zeroV = constantScalar(b, l, element, 0);
          Value oneV = constantScalar(b, l, element, 1);
          Value sum = addF(b, l, a[1],
                           arith::SelectOp::create(b, l, inside, v, zeroV));
          Value counted = includePad ? inPadded : inside;
          Value cnt = addF(b, l, a[2],
                           arith::SelectOp::create(b, l, counted, oneV, zeroV));
          linalg::YieldOp::create(b, l, ValueRange{sum, cnt});
        });
    Value r = generic.getResult(0);
    if (!IsMax)
      r = elementwise(rewriter, loc, type,
                      ValueRange{generic.getResult(0), generic.getResult(1)},
                      [](OpBuilder &b, Location l, ValueRange a) {
                        return (Value)arith::DivFOp::create(b, l, a[0], a[1]);
                      });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct GemmPattern : OpConversionPattern<graph::GemmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = signlessType(op.getType());
    Type element = type.getElementType();
    auto transpose = [&](Value v) -> Value {
      auto t = cast<RankedTensorType>(v.getType());
      auto tt = RankedTensorType::get({t.getDimSize(1), t.getDimSize(0)},
                                      element);
      // A constant (the usual transB weight) is transposed here, once,
      // instead of at every inference.
      DenseElementsAttr dense;
      if (matchPattern(v, m_Constant(&dense)) && dense.isSplat())
        return arith::ConstantOp::create(rewriter, loc, dense.resizeSplat(tt));
      if (matchPattern(v, m_Constant(&dense))) {
        int64_t rows = t.getDimSize(0), cols = t.getDimSize(1);
        unsigned bits = element.getIntOrFloatBitWidth();
        if (bits % 8 == 0) {
          size_t size = bits / 8;
          ArrayRef<char> raw = dense.getRawData();
          std::vector<char> out(raw.size());
          for (int64_t i = 0; i < rows; ++i)
            for (int64_t j = 0; j < cols; ++j)
              std::memcpy(&out[(j * rows + i) * size],
                          &raw[(i * cols + j) * size], size);
          return arith::ConstantOp::create(
              rewriter, loc,
              DenseElementsAttr::getFromRawBuffer(tt, ArrayRef<char>(out)));
        }
        SmallVector<Attribute> values(dense.getValues<Attribute>());
        SmallVector<Attribute> out(values.size());
        for (int64_t i = 0; i < rows; ++i)
          for (int64_t j = 0; j < cols; ++j)
            out[j * rows + i] = values[i * cols + j];
        return arith::ConstantOp::create(rewriter, loc,
                                         DenseElementsAttr::get(tt, out));
      }
      return linalg::TransposeOp::create(rewriter, loc, v,
                                         emptyTensor(rewriter, loc, tt),
                                         ArrayRef<int64_t>{1, 0})
          ->getResult(0);
    };
    Value a = op.getTransA() ? transpose(adaptor.getA()) : adaptor.getA();
    Value b = op.getTransB() ? transpose(adaptor.getB()) : adaptor.getB();
    Value init = filledTensor(rewriter, loc, type,
                              constantScalar(rewriter, loc, element, 0));
    Value ab = linalg::MatmulOp::create(rewriter, loc, TypeRange{type},
                                        ValueRange{a, b}, ValueRange{init})
                   .getResult(0);
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    bool isF = isa<FloatType>(element);
    Value r = elementwise(
        rewriter, loc, type, ValueRange{ab, adaptor.getC()},
        [&](OpBuilder &nb, Location l, ValueRange v) -> Value {
          Value x = v[0], c = v[1];
          if (isF) {
            if (alpha != 1.0)
              x = mulF(nb, l, x, constantScalar(nb, l, element, alpha));
            if (beta == 0.0)
              return x;
            if (beta != 1.0)
              c = mulF(nb, l, c, constantScalar(nb, l, element, beta));
            return addF(nb, l, x, c);
          }
          if (alpha != 1.0)
            x = arith::MulIOp::create(nb, l, x,
                                      constantScalar(nb, l, element, alpha));
          if (beta == 0.0)
            return x;
          if (beta != 1.0)
            c = arith::MulIOp::create(nb, l, c,
                                      constantScalar(nb, l, element, beta));
          return arith::AddIOp::create(nb, l, x, c);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Mean and 1/sqrt(variance + eps) over `axes` (kept as size 1).
std::pair<Value, Value> moments(OpBuilder &b, Location loc, Value x,
                                ArrayRef<int64_t> axes, double eps) {
  auto type = cast<RankedTensorType>(x.getType());
  Type element = type.getElementType();
  SmallVector<int64_t> kept(type.getShape());
  int64_t count = 1;
  for (int64_t a : axes) {
    count *= type.getDimSize(a);
    kept[a] = 1;
  }
  auto keptType = RankedTensorType::get(kept, element);
  Value n = constantScalar(b, loc, element, double(count));
  auto meanOf = [&](Value v) {
    Value sum = reduce(b, loc, v, axes, ReduceKind::Sum, false);
    Value m = mapTensor(b, loc, sum, [&](OpBuilder &nb, Location l, Value s) {
      return (Value)arith::DivFOp::create(nb, l, s, n);
    });
    return reshapeTo(b, loc, m, keptType);
  };
  Value mean = meanOf(x);
  Value sq = elementwise(b, loc, type, ValueRange{x, mean},
                         [](OpBuilder &nb, Location l, ValueRange a) {
                           Value d = arith::SubFOp::create(nb, l, a[0], a[1]);
                           return mulF(nb, l, d, d);
                         });
  Value var = meanOf(sq);
  Value epsV = constantScalar(b, loc, element, eps);
  Value inv = mapTensor(b, loc, var, [&](OpBuilder &nb, Location l, Value v) {
    return (Value)math::RsqrtOp::create(nb, l, addF(nb, l, v, epsV));
  });
  return {mean, inv};
}

/// (x - mean) * inv * scale + bias with scale/bias reshaped to `paramType`.
Value normalize(OpBuilder &b, Location loc, Value x, Value mean, Value inv,
                Value scale, Value bias) {
  auto type = cast<RankedTensorType>(x.getType());
  return elementwise(b, loc, type, ValueRange{x, mean, inv, scale, bias},
                     [](OpBuilder &nb, Location l, ValueRange a) {
                       Value d = arith::SubFOp::create(nb, l, a[0], a[1]);
                       return addF(nb, l, mulF(nb, l, mulF(nb, l, d, a[2]), a[3]),
                                   a[4]);
                     });
}

Value channelParam(OpBuilder &b, Location loc, Value p, int64_t rank) {
  auto t = cast<RankedTensorType>(p.getType());
  SmallVector<int64_t> shape(rank, 1);
  shape[1] = t.getDimSize(0);
  return reshapeTo(b, loc, p, RankedTensorType::get(shape, t.getElementType()));
}

struct BatchNormPattern : OpConversionPattern<graph::BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank();
    Value epsV = constantScalar(rewriter, loc, type.getElementType(),
                                op.getEpsilon().convertToDouble());
    Value inv = mapTensor(rewriter, loc, adaptor.getVariance(),
                          [&](OpBuilder &b, Location l, Value v) {
                            return (Value)math::RsqrtOp::create(
                                b, l, addF(b, l, v, epsV));
                          });
    rewriter.replaceOp(
        op, normalize(rewriter, loc, adaptor.getInput(),
                      channelParam(rewriter, loc, adaptor.getMean(), rank),
                      channelParam(rewriter, loc, inv, rank),
                      channelParam(rewriter, loc, adaptor.getScale(), rank),
                      channelParam(rewriter, loc, adaptor.getBias(), rank)));
    return success();
  }
};

struct InstanceNormPattern : OpConversionPattern<graph::InstanceNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::InstanceNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank();
    SmallVector<int64_t> axes;
    for (int64_t d = 2; d < rank; ++d)
      axes.push_back(d);
    auto [mean, inv] = moments(rewriter, loc, adaptor.getInput(), axes,
                               op.getEpsilon().convertToDouble());
    rewriter.replaceOp(
        op, normalize(rewriter, loc, adaptor.getInput(), mean, inv,
                      channelParam(rewriter, loc, adaptor.getScale(), rank),
                      channelParam(rewriter, loc, adaptor.getBias(), rank)));
    return success();
  }
};

struct LayerNormPattern : OpConversionPattern<graph::LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<int64_t> axes;
    for (int64_t d = op.getAxisAttr().getInt(); d < type.getRank(); ++d)
      axes.push_back(d);
    auto [mean, inv] = moments(rewriter, loc, adaptor.getInput(), axes,
                               op.getEpsilon().convertToDouble());
    rewriter.replaceOp(op, normalize(rewriter, loc, adaptor.getInput(), mean,
                                     inv, adaptor.getScale(),
                                     adaptor.getBias()));
    return success();
  }
};

struct EinsumPattern : OpConversionPattern<graph::EinsumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::EinsumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    FailureOr<graph::EinsumEquation> eq = graph::parseEinsum(
        loc, op.getEquation(), adaptor.getInputs().size());
    if (failed(eq))
      return failure();
    auto type = signlessType(op.getType());
    Type element = type.getElementType();
    // Loop dims: the output letters, then the summed ones.
    std::string letters = eq->output;
    llvm::DenseMap<char, int64_t> sizes;
    for (auto [term, v] : llvm::zip(eq->inputs, adaptor.getInputs())) {
      auto t = cast<RankedTensorType>(v.getType());
      for (auto [i, c] : llvm::enumerate(term)) {
        if (letters.find(c) == std::string::npos)
          letters.push_back(c);
        sizes[c] = std::max(sizes.lookup(c), t.getDimSize(i));
      }
    }
    int64_t numDims = letters.size();
    SmallVector<AffineMap> maps;
    for (auto [term, v] : llvm::zip(eq->inputs, adaptor.getInputs())) {
      auto t = cast<RankedTensorType>(v.getType());
      SmallVector<AffineExpr> exprs;
      for (auto [i, c] : llvm::enumerate(term))
        exprs.push_back(t.getDimSize(i) == 1 && sizes[c] != 1
                            ? getAffineConstantExpr(0, ctx)
                            : getAffineDimExpr(letters.find(c), ctx));
      maps.push_back(AffineMap::get(numDims, 0, exprs, ctx));
    }
    SmallVector<AffineExpr> outExprs;
    for (size_t i = 0; i < eq->output.size(); ++i)
      outExprs.push_back(getAffineDimExpr(i, ctx));
    maps.push_back(AffineMap::get(numDims, 0, outExprs, ctx));
    SmallVector<utils::IteratorType> iters(eq->output.size(),
                                           utils::IteratorType::parallel);
    iters.append(numDims - eq->output.size(), utils::IteratorType::reduction);
    Value init = filledTensor(rewriter, loc, type,
                              constantScalar(rewriter, loc, element, 0));
    bool isF = isa<FloatType>(element);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, adaptor.getInputs(), ValueRange{init},
        maps, iters, [&](OpBuilder &b, Location l, ValueRange a) {
          Value p = a[0];
          for (Value v : a.drop_front().drop_back())
            p = isF ? mulF(b, l, p, v)
                    : (Value)arith::MulIOp::create(b, l, p, v);
          Value acc = a.back();
          linalg::YieldOp::create(
              b, l, isF ? addF(b, l, acc, p)
                        : (Value)arith::AddIOp::create(b, l, acc, p));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Resize: each output element reads its source coordinates (computed in
/// f32) with nearest rounding or N-linear interpolation over the resized
/// dimensions.
struct ResizePattern : OpConversionPattern<graph::ResizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto xt = cast<RankedTensorType>(x.getType());
    auto type = cast<RankedTensorType>(op.getType());
    Type element = type.getElementType();
    int64_t rank = type.getRank();
    ArrayRef<float> scales = op.getScales();
    StringRef ct = op.getCoordinateTransformationMode();
    StringRef nearest = op.getNearestMode();
    bool linear = op.getMode() == "linear";
    Type f32 = rewriter.getF32Type();
    auto r = indexGeneric(
        rewriter, loc, type,
        [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
          auto fc = [&](double v) {
            return (Value)arith::ConstantOp::create(b, l, b.getF32FloatAttr(v));
          };
          SmallVector<Value> lo(rank), hi(rank), weight(rank);
          SmallVector<bool> resized(rank, false);
          for (int64_t d = 0; d < rank; ++d) {
            int64_t in = xt.getDimSize(d), out = type.getDimSize(d);
            if (in == out && scales[d] == 1.0f) {
              lo[d] = idx[d];
              continue;
            }
            resized[d] = true;
            Value o = arith::UIToFPOp::create(
                b, l, f32, arith::IndexCastUIOp::create(b, l, b.getI64Type(),
                                                        idx[d]));
            double s = scales[d];
            Value xo;
            if (ct == "half_pixel")
              xo = arith::SubFOp::create(
                  b, l, arith::DivFOp::create(b, l, addF(b, l, o, fc(0.5)), fc(s)),
                  fc(0.5));
            else if (ct == "pytorch_half_pixel")
              xo = out > 1 ? (Value)arith::SubFOp::create(
                                 b, l,
                                 arith::DivFOp::create(
                                     b, l, addF(b, l, o, fc(0.5)), fc(s)),
                                 fc(0.5))
                           : fc(0);
            else if (ct == "align_corners") {
              // ONNX uses the unrounded resized length, in * scale.
              double resized = double(in) * s;
              xo = resized > 1 ? mulF(b, l, o, fc(double(in - 1) / (resized - 1)))
                               : fc(0);
            }
            else if (ct == "tf_half_pixel_for_nearest")
              xo = arith::DivFOp::create(b, l, addF(b, l, o, fc(0.5)), fc(s));
            else
              xo = arith::DivFOp::create(b, l, o, fc(s));
            auto toIndex = [&](Value f) {
              Value clamped = arith::MinimumFOp::create(
                  b, l, arith::MaximumFOp::create(b, l, f, fc(0)),
                  fc(double(in - 1)));
              return (Value)arith::IndexCastOp::create(
                  b, l, b.getIndexType(),
                  arith::FPToSIOp::create(b, l, b.getI64Type(), clamped));
            };
            if (!linear) {
              Value rounded;
              if (nearest == "floor")
                rounded = math::FloorOp::create(b, l, xo);
              else if (nearest == "ceil")
                rounded = math::CeilOp::create(b, l, xo);
              else if (nearest == "round_prefer_ceil")
                rounded = math::FloorOp::create(b, l, addF(b, l, xo, fc(0.5)));
              else
                rounded = math::CeilOp::create(
                    b, l, arith::SubFOp::create(b, l, xo, fc(0.5)));
              lo[d] = toIndex(rounded);
              resized[d] = false;
              continue;
            }
            Value xc = arith::MinimumFOp::create(
                b, l, arith::MaximumFOp::create(b, l, xo, fc(0)),
                fc(double(in - 1)));
            Value fl = math::FloorOp::create(b, l, xc);
            weight[d] = arith::SubFOp::create(b, l, xc, fl);
            lo[d] = toIndex(fl);
            hi[d] = toIndex(addF(b, l, fl, fc(1)));
          }
          // Sum over the 2^m corners of the interpolated dimensions.
          SmallVector<int64_t> interp;
          for (int64_t d = 0; d < rank; ++d)
            if (resized[d])
              interp.push_back(d);
          Value acc;
          for (int64_t mask = 0; mask < (int64_t(1) << interp.size()); ++mask) {
            SmallVector<Value> src(lo);
            Value w;
            for (auto [bit, d] : llvm::enumerate(interp)) {
              bool up = mask & (int64_t(1) << bit);
              src[d] = up ? hi[d] : lo[d];
              Value wd = up ? weight[d]
                            : arith::SubFOp::create(b, l, fc(1), weight[d]);
              w = w ? mulF(b, l, w, wd) : wd;
            }
            Value v = tensor::ExtractOp::create(b, l, x, src);
            if (!w)
              return v;
            Value vf = element == f32 ? v
                                      : (Value)arith::ExtFOp::create(b, l, f32, v);
            Value term = mulF(b, l, vf, w);
            acc = acc ? addF(b, l, acc, term) : term;
          }
          return element == f32 ? acc
                                : (Value)arith::TruncFOp::create(b, l, element,
                                                                 acc);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct ConvertGraphToLinalgPass
    : dlc::impl::ConvertGraphToLinalgBase<ConvertGraphToLinalgPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();

    // Record the original element types of the function boundary before
    // signatures become signless.
    module.walk([&](func::FuncOp fn) {
      FunctionType type = fn.getFunctionType();
      for (auto [i, t] : llvm::enumerate(type.getInputs()))
        fn.setArgAttr(i, "graph.dtype",
                      TypeAttr::get(getElementTypeOrSelf(t)));
      for (auto [i, t] : llvm::enumerate(type.getResults()))
        fn.setResultAttr(i, "graph.dtype",
                         TypeAttr::get(getElementTypeOrSelf(t)));
    });

    TypeConverter converter;
    converter.addConversion([](Type t) { return t; });
    converter.addConversion([](RankedTensorType t) -> Type {
      return signlessType(t);
    });

    ConversionTarget target(*ctx);
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect>();
    target.addIllegalDialect<graph::GraphDialect>();
    target.addLegalOp<ModuleOp>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp fn) {
      return converter.isSignatureLegal(fn.getFunctionType()) &&
             converter.isLegal(&fn.getBody());
    });
    target.addDynamicallyLegalOp<func::ReturnOp>(
        [&](func::ReturnOp op) { return converter.isLegal(op); });

    RewritePatternSet patterns(ctx);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
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
        ElementwisePattern<graph::GeluOp, GeluBody>, ConstantPattern,
        ReshapeLikePattern<graph::ReshapeOp>,
        ReshapeLikePattern<graph::FlattenOp>,
        ReshapeLikePattern<graph::SqueezeOp>,
        ReshapeLikePattern<graph::UnsqueezeOp>, TransposePattern,
        ExpandPattern, ConcatPattern, SlicePattern, SplitPattern,
        GatherPattern, MatMulPattern, ReducePattern<graph::ReduceSumOp>,
        ReducePattern<graph::ReduceMeanOp>, ReducePattern<graph::ReduceProdOp>,
        ReducePattern<graph::ReduceMaxOp>, ReducePattern<graph::ReduceMinOp>,
        ReducePattern<graph::ReduceL1Op>, ReducePattern<graph::ReduceL2Op>,
        ReducePattern<graph::ReduceSumSquareOp>,
        ReducePattern<graph::ReduceLogSumOp>,
        ReducePattern<graph::ReduceLogSumExpOp>,
        SoftmaxPattern<graph::SoftmaxOp, false>, PadPattern, TilePattern,
        TriluPattern, ArgReducePattern<graph::ArgMaxOp, true>,
        ArgReducePattern<graph::ArgMinOp, false>, CumSumPattern, ConvPattern,
        ConvTransposePattern, PoolPattern<graph::MaxPoolOp, true>,
        PoolPattern<graph::AveragePoolOp, false>, GemmPattern,
        BatchNormPattern, InstanceNormPattern, LayerNormPattern,
        EinsumPattern, ResizePattern,
        SoftmaxPattern<graph::LogSoftmaxOp, true>>(converter, ctx);

    // An op without a lowering gets one clear error instead of the
    // conversion driver's "failed to legalize".
    llvm::DenseSet<OperationName> lowered;
    for (const std::unique_ptr<RewritePattern> &p :
         patterns.getNativePatterns())
      if (std::optional<OperationName> root = p->getRootKind())
        lowered.insert(*root);
    WalkResult walk = module.walk([&](Operation *op) {
      if (op->getDialect() &&
          isa<graph::GraphDialect>(op->getDialect()) &&
          !lowered.contains(op->getName())) {
        op->emitError() << "'" << op->getName()
                        << "' is not supported by the CPU back end yet";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    if (failed(applyFullConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

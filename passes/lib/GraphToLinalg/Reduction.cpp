//===- Reduction.cpp - reductions to linalg -------------------------------===//
//
// Reductions are linalg.generic with reduction iterators: the Reduce* ops,
// ArgMax/ArgMin, CumSum, Softmax and LogSoftmax.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::graph_to_linalg;
namespace graph = dlc::graph;

namespace {

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
    // f16 and bf16 rows are computed in f32 (as the reference sums them)
    // and rounded once at the end.
    RankedTensorType resultType = type;
    Type element = type.getElementType();
    if (element.isF16() || element.isBF16()) {
      type = type.clone(rewriter.getF32Type());
      x = elementwise(rewriter, loc, type, x,
                      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                        return arith::ExtFOp::create(b, l, b.getF32Type(),
                                                     a[0]);
                      });
    }
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
    if (resultType != type)
      r = elementwise(rewriter, loc, resultType, r,
                      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                        return arith::TruncFOp::create(b, l, element, a[0]);
                      });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void dlc::graph_to_linalg::populateGraphToLinalgReductionPatterns(
    TypeConverter &converter, RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<
      ReducePattern<graph::ReduceSumOp>,
      ReducePattern<graph::ReduceMeanOp>,
      ReducePattern<graph::ReduceProdOp>,
      ReducePattern<graph::ReduceMaxOp>,
      ReducePattern<graph::ReduceMinOp>,
      ReducePattern<graph::ReduceL1Op>,
      ReducePattern<graph::ReduceL2Op>,
      ReducePattern<graph::ReduceSumSquareOp>,
      ReducePattern<graph::ReduceLogSumOp>,
      ReducePattern<graph::ReduceLogSumExpOp>,
      ArgReducePattern<graph::ArgMaxOp, true>,
      ArgReducePattern<graph::ArgMinOp, false>,
      CumSumPattern,
      SoftmaxPattern<graph::SoftmaxOp, false>,
      SoftmaxPattern<graph::LogSoftmaxOp, true>>(converter, ctx);
}

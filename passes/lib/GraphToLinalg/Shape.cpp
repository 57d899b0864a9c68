//===- Shape.cpp - shape graph ops to linalg and tensor -------------------===//
//
// Constants and ops that only move data: reshapes, transposes, slices,
// concatenations, gathers, padding, tiling and triangular masks.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::graph_to_linalg;
namespace graph = dlc::graph;

namespace {

struct ConstantPattern : OpConversionPattern<graph::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(graph::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!dense)
      return rewriter.notifyMatchFailure(op, "not a dense constant");
    auto type = signlessType(dense.getType());
    Type from = dense.getElementType(), to = type.getElementType();
    if (type == dense.getType()) {
      // Already signless.
    } else if (from.getIntOrFloatBitWidth() == to.getIntOrFloatBitWidth()) {
      dense = dense.bitcast(to);
    } else if (auto f = dyn_cast<DenseFPElementsAttr>(dense)) {
      // float4 into its i8 container: the bits.
      dense = f.mapValues(
          to, [](const APFloat &v) { return v.bitcastToAPInt().zext(8); });
    } else if (auto i = dyn_cast<DenseIntElementsAttr>(dense)) {
      // 4-bit and 2-bit integers into i8 containers.
      dense = i.mapValues(to, [](const APInt &v) { return v.zext(8); });
    } else {
      return rewriter.notifyMatchFailure(op, "unsupported constant type");
    }
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

} // namespace

void dlc::graph_to_linalg::populateGraphToLinalgShapePatterns(
    TypeConverter &converter, RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<
      ConstantPattern,
      ReshapeLikePattern<graph::ReshapeOp>,
      ReshapeLikePattern<graph::FlattenOp>,
      ReshapeLikePattern<graph::SqueezeOp>,
      ReshapeLikePattern<graph::UnsqueezeOp>,
      TransposePattern,
      ExpandPattern,
      ConcatPattern,
      SlicePattern,
      SplitPattern,
      GatherPattern,
      PadPattern,
      TilePattern,
      TriluPattern>(converter, ctx);
}

//===- Contraction.cpp - matrix products to linalg ------------------------===//
//
// MatMul (linalg.matmul in 2-D, a batched linalg.generic otherwise), Gemm
// and Einsum.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include <cstring>

using namespace mlir;
using namespace dlc;
using namespace dlc::graph_to_linalg;
namespace graph = dlc::graph;

namespace {

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
    // f16 and bf16 products accumulate in f32 (as the reference does) and
    // round once at the end.
    Type acc = element.isF16() || element.isBF16() ? rewriter.getF32Type()
                                                   : element;
    auto fullType = RankedTensorType::get(fullShape, acc);
    Value zero = constantScalar(rewriter, loc, acc, 0);
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
                if (acc != element)
                  r = arith::AddFOp::create(
                      b, l, a[2],
                      arith::MulFOp::create(
                          b, l, arith::ExtFOp::create(b, l, acc, a[0]),
                          arith::ExtFOp::create(b, l, acc, a[1])));
                else if (isa<FloatType>(a[0].getType()))
                  r = arith::AddFOp::create(
                      b, l, a[2], arith::MulFOp::create(b, l, a[0], a[1]));
                else
                  r = arith::AddIOp::create(
                      b, l, a[2], arith::MulIOp::create(b, l, a[0], a[1]));
                linalg::YieldOp::create(b, l, r);
              })
              .getResult(0);
    }
    if (acc != element)
      product = elementwise(
          rewriter, loc, RankedTensorType::get(fullShape, element), product,
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            return arith::TruncFOp::create(b, l, element, a[0]);
          });
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, product, resultType));
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

} // namespace

void dlc::graph_to_linalg::populateGraphToLinalgContractionPatterns(
    TypeConverter &converter, RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<
      MatMulPattern,
      GemmPattern,
      EinsumPattern>(converter, ctx);
}

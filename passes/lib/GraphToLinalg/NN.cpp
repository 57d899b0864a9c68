//===- NN.cpp - NN graph ops to linalg ------------------------------------===//
//
// Convolutions, pooling, normalizations and Resize.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::graph_to_linalg;
namespace graph = dlc::graph;

namespace {

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
    // (Integer MaxPool: int8/uint8 in signless storage.)
    auto type = signlessType(op.getType());
    Type element = xt.getElementType();
    bool isUns = isUnsignedElement(
        cast<RankedTensorType>(op.getInput().getType()).getElementType());
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
        IsMax ? extremeScalar(rewriter, loc, element, false, isUns)
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
            Value m =
                isa<FloatType>(element)
                    ? arith::MaximumFOp::create(b, l, a[1], v).getResult()
                : isUns ? arith::MaxUIOp::create(b, l, a[1], v).getResult()
                        : arith::MaxSIOp::create(b, l, a[1], v).getResult();
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

/// The ONNX source coordinate (f32) of output index `o` along a dimension
/// of input size `in`, output size `out` and scale `s`. `roi` holds the
/// start and end fractions for tf_crop_and_resize.
static Value resizeSourceCoordinate(OpBuilder &b, Location l, StringRef ct,
                                    Value o, int64_t in, int64_t out, double s,
                                    std::pair<double, double> roi) {
  auto fc = [&](double v) {
    return (Value)arith::ConstantOp::create(b, l, b.getF32FloatAttr(v));
  };
  auto halfPixel = [&]() {
    return (Value)arith::SubFOp::create(
        b, l, arith::DivFOp::create(b, l, addF(b, l, o, fc(0.5)), fc(s)),
        fc(0.5));
  };
  // ONNX uses the unrounded resized length, in * scale.
  double resized = double(in) * s;
  if (ct == "half_pixel")
    return halfPixel();
  if (ct == "half_pixel_symmetric") {
    double offset = double(in) / 2 * (1 - double(out) / resized);
    return addF(b, l, halfPixel(), fc(offset));
  }
  if (ct == "pytorch_half_pixel")
    return out > 1 ? halfPixel() : fc(0);
  if (ct == "align_corners")
    return resized > 1 ? mulF(b, l, o, fc(double(in - 1) / (resized - 1)))
                       : fc(0);
  if (ct == "tf_crop_and_resize") {
    double start = roi.first * double(in - 1);
    double span = (roi.second - roi.first) * double(in - 1);
    if (resized == 1)
      return fc(start + span / 2);
    return addF(b, l, mulF(b, l, o, fc(span / (resized - 1))), fc(start));
  }
  if (ct == "tf_half_pixel_for_nearest")
    return arith::DivFOp::create(b, l, addF(b, l, o, fc(0.5)), fc(s));
  return arith::DivFOp::create(b, l, o, fc(s));
}

/// The 4 cubic taps at ceil(x) - 2 .. ceil(x) + 1 (so that an integer x
/// has its weight 1 on the third tap, as in the ONNX reference) and their
/// weights for coefficient `a`; with `exclude` the taps outside [0, in)
/// weigh 0 and the others are renormalized.
static void cubicTaps(OpBuilder &b, Location l, Value x, int64_t in, double a,
                      bool exclude, SmallVectorImpl<Value> &points,
                      SmallVectorImpl<Value> &weights) {
  auto fc = [&](double v) {
    return (Value)arith::ConstantOp::create(b, l, b.getF32FloatAttr(v));
  };
  auto sub = [&](Value p, Value q) {
    return (Value)arith::SubFOp::create(b, l, p, q);
  };
  Value base = sub(math::CeilOp::create(b, l, x), fc(1));
  Value r = sub(x, base); // in (0, 1]
  // Keys' kernel: |t| <= 1: (a+2)|t|^3 - (a+3)|t|^2 + 1;
  // 1 < |t| < 2: a|t|^3 - 5a|t|^2 + 8a|t| - 4a.
  auto near = [&](Value t) {
    return addF(b, l,
                mulF(b, l, sub(mulF(b, l, fc(a + 2), t), fc(a + 3)),
                     mulF(b, l, t, t)),
                fc(1));
  };
  auto far = [&](Value t) {
    Value p = sub(mulF(b, l, fc(a), t), fc(5 * a));
    p = addF(b, l, mulF(b, l, p, t), fc(8 * a));
    return sub(mulF(b, l, p, t), fc(4 * a));
  };
  Value one = sub(fc(1), r);
  Value w[4] = {far(addF(b, l, r, fc(1))), near(r), near(one),
                far(addF(b, l, one, fc(1)))};
  for (int k = 0; k < 4; ++k)
    points.push_back(addF(b, l, base, fc(k - 1)));
  if (exclude) {
    Value total;
    for (int k = 0; k < 4; ++k) {
      Value inside = arith::AndIOp::create(
          b, l,
          arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE, points[k],
                                fc(0)),
          arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLE, points[k],
                                fc(double(in - 1))));
      w[k] = arith::SelectOp::create(b, l, inside, w[k], fc(0));
      total = total ? addF(b, l, total, w[k]) : w[k];
    }
    for (int k = 0; k < 4; ++k)
      w[k] = arith::DivFOp::create(b, l, w[k], total);
  }
  weights.append(std::begin(w), std::end(w));
}

/// The antialiased taps of a downsampling linear or cubic resize (ONNX
/// Resize antialias): the kernel is stretched by 1 / min(scale, 1), so it
/// covers n = 2 - 2 * start taps at ceil(x) - 1 + start + k, each weighted
/// by the kernel at (tap - x) * scale, and the weights are normalized.
static void antialiasTaps(OpBuilder &b, Location l, Value x, int64_t in,
                          bool cubic, double a, double scale, bool exclude,
                          SmallVectorImpl<Value> &points,
                          SmallVectorImpl<Value> &weights) {
  auto fc = [&](double v) {
    return (Value)arith::ConstantOp::create(b, l, b.getF32FloatAttr(v));
  };
  auto sub = [&](Value p, Value q) {
    return (Value)arith::SubFOp::create(b, l, p, q);
  };
  scale = std::min(scale, 1.0);
  int64_t start = int64_t(std::floor((cubic ? -2.0 : -1.0) / scale)) + 1;
  int64_t count = 2 - 2 * start;
  Value base = sub(math::CeilOp::create(b, l, x), fc(1));
  Value total;
  for (int64_t k = 0; k < count; ++k) {
    Value point = addF(b, l, base, fc(double(start + k)));
    Value t = math::AbsFOp::create(b, l, mulF(b, l, sub(point, x), fc(scale)));
    Value w;
    if (!cubic) {
      w = arith::MaximumFOp::create(b, l, sub(fc(1), t), fc(0));
    } else {
      Value t2 = mulF(b, l, t, t);
      Value nearW = addF(
          b, l, mulF(b, l, sub(mulF(b, l, fc(a + 2), t), fc(a + 3)), t2),
          fc(1));
      Value p = sub(mulF(b, l, fc(a), t), fc(5 * a));
      p = addF(b, l, mulF(b, l, p, t), fc(8 * a));
      Value farW = sub(mulF(b, l, p, t), fc(4 * a));
      w = arith::SelectOp::create(
          b, l,
          arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLE, t, fc(1)),
          nearW,
          arith::SelectOp::create(
              b, l,
              arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, t, fc(2)),
              farW, fc(0)));
    }
    if (exclude) {
      Value inside = arith::AndIOp::create(
          b, l,
          arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE, point, fc(0)),
          arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLE, point,
                                fc(double(in - 1))));
      w = arith::SelectOp::create(b, l, inside, w, fc(0));
    }
    points.push_back(point);
    weights.push_back(w);
    total = total ? addF(b, l, total, w) : w;
  }
  for (Value &w : weights)
    w = arith::DivFOp::create(b, l, w, total);
}

/// Resize: each output element reads its source coordinates (computed in
/// f32) with nearest rounding, or sums the product of per-dimension tap
/// weights (2 linear or 4 cubic taps) over the resized dimensions.
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
    ArrayRef<float> roi = op.getRoi();
    StringRef ct = op.getCoordinateTransformationMode();
    StringRef nearest = op.getNearestMode();
    StringRef mode = op.getMode();
    bool crop = ct == "tf_crop_and_resize";
    double a = op.getCubicCoeffA().convertToDouble();
    bool exclude = op.getExcludeOutside();
    bool antialias = op.getAntialias();
    double extrapolation = op.getExtrapolationValue().convertToDouble();
    Type f32 = rewriter.getF32Type();
    auto r = indexGeneric(
        rewriter, loc, type,
        [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
          auto fc = [&](double v) {
            return (Value)arith::ConstantOp::create(b, l, b.getF32FloatAttr(v));
          };
          // Per dimension: the source indices read and their weights
          // (none for a dimension read at one index).
          SmallVector<Value> fixed(rank);
          SmallVector<SmallVector<Value>> taps(rank), weights(rank);
          Value outside;
          for (int64_t d = 0; d < rank; ++d) {
            int64_t in = xt.getDimSize(d), out = type.getDimSize(d);
            std::pair<double, double> region =
                crop ? std::make_pair(double(roi[d]), double(roi[rank + d]))
                     : std::make_pair(0.0, 1.0);
            if (in == out && scales[d] == 1.0f && region.first == 0.0 &&
                region.second == 1.0) {
              fixed[d] = idx[d];
              continue;
            }
            Value o = arith::UIToFPOp::create(
                b, l, f32, arith::IndexCastUIOp::create(b, l, b.getI64Type(),
                                                        idx[d]));
            Value xo = resizeSourceCoordinate(b, l, ct, o, in, out, scales[d],
                                              region);
            if (crop) {
              Value off = arith::OrIOp::create(
                  b, l,
                  arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, xo,
                                        fc(0)),
                  arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, xo,
                                        fc(double(in - 1))));
              outside = outside ? arith::OrIOp::create(b, l, outside, off)
                                : off;
            }
            auto toIndex = [&](Value f) {
              Value clamped = arith::MinimumFOp::create(
                  b, l, arith::MaximumFOp::create(b, l, f, fc(0)),
                  fc(double(in - 1)));
              return (Value)arith::IndexCastOp::create(
                  b, l, b.getIndexType(),
                  arith::FPToSIOp::create(b, l, b.getI64Type(), clamped));
            };
            if (mode == "nearest") {
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
              fixed[d] = toIndex(rounded);
              continue;
            }
            if (antialias) {
              SmallVector<Value> points;
              antialiasTaps(b, l, xo, in, mode == "cubic", a, scales[d],
                            exclude, points, weights[d]);
              for (Value p : points)
                taps[d].push_back(toIndex(p));
              continue;
            }
            if (mode == "cubic") {
              SmallVector<Value> points;
              cubicTaps(b, l, xo, in, a, exclude, points, weights[d]);
              for (Value p : points)
                taps[d].push_back(toIndex(p));
              continue;
            }
            Value xc = arith::MinimumFOp::create(
                b, l, arith::MaximumFOp::create(b, l, xo, fc(0)),
                fc(double(in - 1)));
            Value fl = math::FloorOp::create(b, l, xc);
            Value w = arith::SubFOp::create(b, l, xc, fl);
            taps[d] = {toIndex(fl), toIndex(addF(b, l, fl, fc(1)))};
            weights[d] = {arith::SubFOp::create(b, l, fc(1), w), w};
          }
          // Sum over every combination of the taps of the interpolated
          // dimensions (2^m linear, 4^m cubic).
          SmallVector<int64_t> interp;
          int64_t combinations = 1;
          for (int64_t d = 0; d < rank; ++d)
            if (!fixed[d]) {
              interp.push_back(d);
              combinations *= taps[d].size();
            }
          Value acc;
          for (int64_t c = 0; c < combinations; ++c) {
            SmallVector<Value> src(fixed);
            Value w;
            int64_t rest = c;
            for (int64_t d : interp) {
              int64_t k = rest % taps[d].size();
              rest /= taps[d].size();
              src[d] = taps[d][k];
              w = w ? mulF(b, l, w, weights[d][k]) : weights[d][k];
            }
            Value v = tensor::ExtractOp::create(b, l, x, src);
            if (!w) {
              acc = v;
              break;
            }
            Value vf = element == f32 ? v
                                      : (Value)arith::ExtFOp::create(b, l, f32, v);
            Value term = mulF(b, l, vf, w);
            acc = acc ? addF(b, l, acc, term) : term;
          }
          if (interp.empty()) {
            if (!outside)
              return acc;
            acc = element == f32
                      ? acc
                      : (Value)arith::ExtFOp::create(b, l, f32, acc);
          }
          if (outside)
            acc = arith::SelectOp::create(b, l, outside, fc(extrapolation),
                                          acc);
          return element == f32 ? acc
                                : (Value)arith::TruncFOp::create(b, l, element,
                                                                 acc);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void dlc::graph_to_linalg::populateGraphToLinalgNNPatterns(
    TypeConverter &converter, RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<
      ConvPattern,
      ConvTransposePattern,
      PoolPattern<graph::MaxPoolOp, true>,
      PoolPattern<graph::AveragePoolOp, false>,
      BatchNormPattern,
      InstanceNormPattern,
      LayerNormPattern,
      ResizePattern>(converter, ctx);
}

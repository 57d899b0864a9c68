//===- Common.cpp - helpers of the graph-to-linalg patterns ---------------===//
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;

namespace dlc::graph_to_linalg {

/// Signless version of an element type (ui8 -> i8); the storage types
/// (float8, float4, 4-bit and 2-bit integers) become i8 containers.
Type signless(Type element) {
  if (isStorageElement(element))
    return IntegerType::get(element.getContext(), 8);
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
Value castScalar(OpBuilder &b, Location loc, Value x, Type from, Type to,
                 const CastMode &mode) {
  if (isStorageElement(from) || isStorageElement(to))
    return castStorageScalar(b, loc, x, from, to, mode);
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

/// Reduces `input` over `axes` (sorted) with `kind` after applying `pre` to
/// each element; the result drops the reduced dimensions.
Value reduce(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
             ReduceKind kind, bool isUns,
             function_ref<Value(OpBuilder &, Location, Value)> pre) {
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

Value addF(OpBuilder &b, Location l, Value x, Value y) {
  return arith::AddFOp::create(b, l, x, y);
}
Value mulF(OpBuilder &b, Location l, Value x, Value y) {
  return arith::MulFOp::create(b, l, x, y);
}

} // namespace dlc::graph_to_linalg

//===- ShapeOps.cpp - reshape, transpose, concat, split, shape ------------===//
//
// Type inference, verifiers and folders of the shape manipulation ops that
// keep or regroup whole elements: Reshape, Flatten, Transpose, Squeeze,
// Unsqueeze, Concat, Split, Shape and Size (the others are in
// ShapeSliceOps.cpp; the folding helpers in ShapeFolding.h).
//
//===----------------------------------------------------------------------===//

#include "ShapeFolding.h"

using namespace mlir;
using namespace dlc::graph;
using namespace dlc::graph::shape_folding;

//===----------------------------------------------------------------------===//
// Reshape
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType(), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("element type changes from ")
           << in.getElementType() << " to " << out.getElementType();
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ")
           << in.getNumElements() << " elements into " << out;
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(producer.getInput());
    return getResult();
  }
  return foldReshapeLike(getInput(), adaptor.getInput(), getType());
}

//===----------------------------------------------------------------------===//
// Flatten
//===----------------------------------------------------------------------===//

LogicalResult
FlattenOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                            ValueRange operands,
                            DictionaryAttr attributes,
                            OpaqueProperties, RegionRange,
                            SmallVectorImpl<Type> &inferred) {
  auto in = rankedOperand(operands, 0);
  if (!in)
    return inferError(loc, "flatten expects a ranked tensor operand");
  int64_t rank = in.getRank(), axis = 1;
  if (auto a = attributes.getAs<IntegerAttr>("axis"))
    axis = a.getInt();
  if (axis < -rank || axis > rank)
    return inferError(loc, "axis ", axis, " is out of range [", -rank, ", ",
                      rank, "]");
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? outer : inner) *= in.getDimSize(d);
  inferred.push_back(
      RankedTensorType::get({outer, inner}, in.getElementType()));
  return success();
}

OpFoldResult FlattenOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getInput(), adaptor.getInput(), getType());
}

//===----------------------------------------------------------------------===//
// Transpose
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties, RegionRange,
    SmallVectorImpl<Type> &inferred) {
  auto in = rankedOperand(operands, 0);
  auto perm = attributes.getAs<DenseI64ArrayAttr>("perm");
  if (!in || !perm)
    return inferError(loc, "transpose expects a ranked operand and 'perm'");
  int64_t rank = in.getRank();
  if (static_cast<int64_t>(perm.size()) != rank)
    return inferError(loc, "perm has ", perm.size(),
                      " entries but the input has rank ", rank);
  SmallVector<bool> seen(rank, false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm.asArrayRef()) {
    if (p < 0 || p >= rank || seen[p])
      return inferError(loc, "perm is not a permutation of [0, ", rank, ")");
    seen[p] = true;
    shape.push_back(in.getDimSize(p));
  }
  inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPerm();
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return getInput();
  if (Attribute splat = splatResult(adaptor.getInput(), getType()))
    return splat;
  SmallVector<int64_t> inStrides =
      computeStrides(getInput().getType().getShape());
  SmallVector<int64_t> outStrides = computeStrides(getType().getShape());
  SmallVector<int64_t> coords;
  return remapElements(adaptor.getInput(), getType(), [&](int64_t i) {
    delinearize(i, outStrides, coords);
    int64_t j = 0;
    for (size_t d = 0; d < perm.size(); ++d)
      j += coords[d] * inStrides[perm[d]];
    return j;
  });
}

//===----------------------------------------------------------------------===//
// Squeeze / Unsqueeze
//===----------------------------------------------------------------------===//

LogicalResult
SqueezeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                            ValueRange operands,
                            DictionaryAttr attributes,
                            OpaqueProperties, RegionRange,
                            SmallVectorImpl<Type> &inferred) {
  auto in = rankedOperand(operands, 0);
  if (!in)
    return inferError(loc, "squeeze expects a ranked tensor operand");
  int64_t rank = in.getRank();
  SmallVector<bool> drop(rank, false);
  auto axes = attributes.getAs<DenseI64ArrayAttr>("axes");
  if (!axes || axes.empty()) {
    for (int64_t d = 0; d < rank; ++d)
      drop[d] = in.getDimSize(d) == 1;
  } else {
    for (int64_t a : axes.asArrayRef()) {
      if (a < -rank || a >= rank)
        return inferError(loc, "squeeze axis ", a,
                          " is out of range for rank ", rank);
      std::optional<int64_t> axis = a < 0 ? a + rank : a;
      if (drop[*axis])
        return inferError(loc, "axis ", a, " is listed twice");
      if (in.getDimSize(*axis) != 1)
        return inferError(loc, "cannot squeeze axis ", a, " of size ",
                          in.getDimSize(*axis));
      drop[*axis] = true;
    }
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (!drop[d])
      shape.push_back(in.getDimSize(d));
  inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getInput(), adaptor.getInput(), getType());
}

LogicalResult UnsqueezeOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties, RegionRange,
    SmallVectorImpl<Type> &inferred) {
  auto in = rankedOperand(operands, 0);
  auto axes = attributes.getAs<DenseI64ArrayAttr>("axes");
  if (!in || !axes)
    return inferError(loc, "unsqueeze expects a ranked operand and 'axes'");
  int64_t outRank = in.getRank() + static_cast<int64_t>(axes.size());
  SmallVector<bool> inserted(outRank, false);
  for (int64_t a : axes.asArrayRef()) {
    if (a < -outRank || a >= outRank)
      return inferError(loc, "axis ", a, " is out of range for result rank ",
                        outRank);
    int64_t axis = a < 0 ? a + outRank : a;
    if (inserted[axis])
      return inferError(loc, "axis ", a, " is listed twice");
    inserted[axis] = true;
  }
  SmallVector<int64_t> shape;
  int64_t next = 0;
  for (int64_t d = 0; d < outRank; ++d)
    shape.push_back(inserted[d] ? 1 : in.getDimSize(next++));
  inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getInput(), adaptor.getInput(), getType());
}

//===----------------------------------------------------------------------===//
// Concat
//===----------------------------------------------------------------------===//

LogicalResult
ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                           ValueRange operands,
                           DictionaryAttr attributes,
                           OpaqueProperties, RegionRange,
                           SmallVectorImpl<Type> &inferred) {
  auto axisAttr = attributes.getAs<IntegerAttr>("axis");
  if (operands.empty() || !axisAttr)
    return inferError(loc, "concat expects operands and an 'axis'");
  auto first = rankedOperand(operands, 0);
  if (!first || first.getRank() == 0)
    return inferError(loc, "concat operands must have rank >= 1");
  int64_t rank = first.getRank();
  FailureOr<int64_t> axis = normalizeAxis(loc, axisAttr.getInt(), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  shape[*axis] = 0;
  for (size_t i = 0; i < operands.size(); ++i) {
    auto t = rankedOperand(operands, i);
    if (!t || t.getRank() != rank ||
        t.getElementType() != first.getElementType())
      return inferError(loc, "concat operand #", i, " (",
                        Type(operands[i].getType()),
                        ") does not match operand #0 (", Type(first),
                        ") in rank or element type");
    for (int64_t d = 0; d < rank; ++d)
      if (d != *axis && t.getDimSize(d) != shape[d])
        return inferError(loc, "concat operand #", i, " (", Type(t),
                          ") differs from operand #0 (", Type(first),
                          ") in dimension ", d);
    shape[*axis] += t.getDimSize(*axis);
  }
  if (failed(checkElementCount(loc, shape)))
    return failure();
  inferred.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1)
    return getInputs().front();
  ArrayRef<int64_t> shape = getType().getShape();
  int64_t axis = getAxisAttr().getInt();
  if (axis < 0)
    axis += getType().getRank();
  // Each result row (everything before `axis`) is the inputs' rows in turn.
  int64_t inner = 1;
  for (size_t d = axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  SmallVector<int64_t> chunk, base;
  int64_t outRow = 0, offset = 0;
  for (Value v : getInputs()) {
    int64_t c = cast<RankedTensorType>(v.getType()).getDimSize(axis) * inner;
    chunk.push_back(c);
    base.push_back(offset);
    outRow += c;
    offset += cast<RankedTensorType>(v.getType()).getNumElements();
  }
  if (outRow == 0)
    return {};
  return remapElements(adaptor.getInputs(), getType(), [&](int64_t i) {
    int64_t row = i / outRow, col = i % outRow;
    for (size_t k = 0; k < chunk.size(); ++k) {
      if (col < chunk[k])
        return base[k] + row * chunk[k] + col;
      col -= chunk[k];
    }
    return kRefuse;
  });
}

//===----------------------------------------------------------------------===//
// Split
//===----------------------------------------------------------------------===//

LogicalResult
SplitOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                          ValueRange operands,
                          DictionaryAttr attributes,
                          OpaqueProperties, RegionRange,
                          SmallVectorImpl<Type> &inferred) {
  auto in = rankedOperand(operands, 0);
  auto axisAttr = attributes.getAs<IntegerAttr>("axis");
  auto split = attributes.getAs<DenseI64ArrayAttr>("split");
  if (!in || !axisAttr || !split || in.getRank() == 0)
    return inferError(loc,
                      "split expects an operand of rank >= 1, 'axis' and "
                      "'split'");
  FailureOr<int64_t> axis = normalizeAxis(loc, axisAttr.getInt(), in.getRank());
  if (failed(axis))
    return failure();
  int64_t total = 0;
  SmallVector<int64_t> shape(in.getShape());
  for (int64_t s : split.asArrayRef()) {
    if (s < 0)
      return inferError(loc, "split sizes must be >= 0, got ", s);
    if (llvm::AddOverflow(total, s, total))
      return inferError(loc, "split sizes overflow int64");
    shape[*axis] = s;
    inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  }
  if (total != in.getDimSize(*axis))
    return inferError(loc, "split sizes sum to ", total, " but dimension ",
                      *axis, " has size ", in.getDimSize(*axis));
  return success();
}

LogicalResult SplitOp::fold(FoldAdaptor adaptor,
                            SmallVectorImpl<OpFoldResult> &results) {
  if (getNumResults() == 1 && getResult(0).getType() == getInput().getType()) {
    results.push_back(getInput());
    return success();
  }
  auto inType = getInput().getType();
  int64_t axis = getAxisAttr().getInt();
  if (axis < 0)
    axis += inType.getRank();
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < inType.getRank(); ++d)
    inner *= inType.getDimSize(d);
  int64_t inRow = inType.getDimSize(axis) * inner, offset = 0;
  SmallVector<OpFoldResult> folded;
  for (auto [size, result] : llvm::zip(getSplit(), getResults())) {
    auto type = cast<ShapedType>(result.getType());
    int64_t outRow = size * inner, start = offset;
    offset += outRow;
    Attribute attr = splatResult(adaptor.getInput(), type);
    if (!attr && outRow > 0)
      attr = remapElements(adaptor.getInput(), type, [&](int64_t i) {
        return (i / outRow) * inRow + start + i % outRow;
      });
    if (!attr && type.getNumElements() == 0)
      attr = DenseElementsAttr::get(type, ArrayRef<Attribute>());
    if (!attr)
      return failure();
    folded.push_back(attr);
  }
  results.append(folded.begin(), folded.end());
  return success();
}

//===----------------------------------------------------------------------===//
// Shape / Size
//===----------------------------------------------------------------------===//

/// The clamped [start, end) of ONNX Shape for a tensor of `rank`.
static std::pair<int64_t, int64_t> shapeRange(int64_t rank, int64_t start,
                                              std::optional<int64_t> end) {
  auto clamp = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::clamp<int64_t>(v, 0, rank);
  };
  int64_t s = clamp(start), e = end ? clamp(*end) : rank;
  return {s, std::max(s, e)};
}

LogicalResult ShapeOp::inferReturnTypes(MLIRContext *context,
                                        std::optional<Location> loc,
                                        ValueRange operands,
                                        DictionaryAttr attributes,
                                        OpaqueProperties, RegionRange,
                                        SmallVectorImpl<Type> &inferred) {
  auto in = rankedOperand(operands, 0);
  if (!in)
    return inferError(loc, "shape expects a ranked tensor operand");
  int64_t start = 0;
  std::optional<int64_t> end;
  if (auto a = attributes.getAs<IntegerAttr>("start"))
    start = a.getInt();
  if (auto a = attributes.getAs<IntegerAttr>("end"))
    end = a.getInt();
  auto [s, e] = shapeRange(in.getRank(), start, end);
  inferred.push_back(
      RankedTensorType::get({e - s}, IntegerType::get(context, 64)));
  return success();
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  std::optional<int64_t> end;
  if (IntegerAttr a = getEndAttr())
    end = a.getInt();
  auto [s, e] = shapeRange(shape.size(), getStartAttr().getInt(), end);
  if (e - s != getType().getNumElements())
    return {};
  return DenseElementsAttr::get(getType(), shape.slice(s, e - s));
}

LogicalResult SizeOp::inferReturnTypes(MLIRContext *context,
                                       std::optional<Location> loc,
                                       ValueRange operands, DictionaryAttr,
                                       OpaqueProperties, RegionRange,
                                       SmallVectorImpl<Type> &inferred) {
  if (!rankedOperand(operands, 0))
    return inferError(loc, "size expects a ranked tensor operand");
  inferred.push_back(RankedTensorType::get({}, IntegerType::get(context, 64)));
  return success();
}

OpFoldResult SizeOp::fold(FoldAdaptor) {
  return DenseElementsAttr::get(getType(),
                                getInput().getType().getNumElements());
}

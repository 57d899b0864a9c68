//===- ShapeSliceOps.cpp - slice, gather, expand, tile, pad, trilu --------===//
//
// Type inference, verifiers and folders of the shape ops that select or
// replicate elements: Slice, Gather, Expand, Tile, Pad and Trilu (the
// folding helpers are in ShapeFolding.h).
//
//===----------------------------------------------------------------------===//

#include "ShapeFolding.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace dlc::graph;
using namespace dlc::graph::shape_folding;

//===----------------------------------------------------------------------===//
// Slice
//===----------------------------------------------------------------------===//

/// Normalized start, step and result size of every dimension of a slice.
static LogicalResult computeSliceRanges(std::optional<Location> loc,
                                        ArrayRef<int64_t> shape,
                                        DictionaryAttr attributes,
                                        SmallVectorImpl<int64_t> &starts,
                                        SmallVectorImpl<int64_t> &steps,
                                        SmallVectorImpl<int64_t> &sizes) {
  auto startsAttr = attributes.getAs<DenseI64ArrayAttr>("starts");
  auto endsAttr = attributes.getAs<DenseI64ArrayAttr>("ends");
  auto axesAttr = attributes.getAs<DenseI64ArrayAttr>("axes");
  auto stepsAttr = attributes.getAs<DenseI64ArrayAttr>("steps");
  if (!startsAttr || !endsAttr || !axesAttr || !stepsAttr)
    return inferError(loc, "slice needs 'starts', 'ends', 'axes' and 'steps'");
  int64_t n = startsAttr.size();
  if (endsAttr.size() != n || axesAttr.size() != n || stepsAttr.size() != n)
    return inferError(loc, "slice 'starts', 'ends', 'axes' and 'steps' must "
                           "have the same length");
  int64_t rank = shape.size();
  starts.assign(rank, 0);
  steps.assign(rank, 1);
  sizes.assign(shape.begin(), shape.end());
  SmallVector<bool> seen(rank, false);
  for (int64_t i = 0; i < n; ++i) {
    int64_t a = axesAttr[i];
    if (a < -rank || a >= rank)
      return inferError(loc, "slice axis ", a, " is out of range for rank ",
                        rank);
    int64_t axis = a < 0 ? a + rank : a;
    if (seen[axis])
      return inferError(loc, "slice axis ", a, " is listed twice");
    seen[axis] = true;
    int64_t step = stepsAttr[i], dim = shape[axis];
    if (step == 0)
      return inferError(loc, "slice step must not be 0");
    int64_t start = startsAttr[i], end = endsAttr[i];
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    uint64_t absStep = step > 0 ? uint64_t(step) : 0 - uint64_t(step);
    uint64_t span = 0;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      span = end > start ? uint64_t(end - start) : 0;
    } else if (dim > 0) {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      span = start > end ? uint64_t(start - end) : 0;
    }
    starts[axis] = span ? start : 0;
    steps[axis] = step;
    sizes[axis] = span ? static_cast<int64_t>((span - 1) / absStep + 1) : 0;
  }
  return success();
}

LogicalResult
SliceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                          ValueRange operands,
                          DictionaryAttr attributes,
                          OpaqueProperties, RegionRange,
                          SmallVectorImpl<Type> &inferred) {
  auto in = rankedOperand(operands, 0);
  if (!in)
    return inferError(loc, "slice expects a ranked tensor operand");
  SmallVector<int64_t> starts, steps, sizes;
  if (failed(computeSliceRanges(loc, in.getShape(), attributes, starts, steps,
                                sizes)))
    return failure();
  inferred.push_back(RankedTensorType::get(sizes, in.getElementType()));
  return success();
}

void SliceOp::getRanges(SmallVectorImpl<int64_t> &starts,
                        SmallVectorImpl<int64_t> &steps,
                        SmallVectorImpl<int64_t> &sizes) {
  if (failed(computeSliceRanges(std::nullopt, getInput().getType().getShape(),
                                (*this)->getAttrDictionary(), starts, steps,
                                sizes))) {
    // Unreachable on verified ops; give an empty slice rather than crash.
    starts.assign(getType().getRank(), 0);
    steps.assign(getType().getRank(), 1);
    sizes.assign(getType().getRank(), 0);
  }
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType() &&
      llvm::all_of(getSteps(), [](int64_t s) { return s == 1; }))
    return getInput();
  if (Attribute splat = splatResult(adaptor.getInput(), getType()))
    return splat;
  SmallVector<int64_t> starts, steps, sizes;
  getRanges(starts, steps, sizes);
  SmallVector<int64_t> inStrides =
      computeStrides(getInput().getType().getShape());
  SmallVector<int64_t> outStrides = computeStrides(getType().getShape());
  SmallVector<int64_t> coords;
  return remapElements(adaptor.getInput(), getType(), [&](int64_t i) {
    delinearize(i, outStrides, coords);
    int64_t j = 0;
    for (size_t d = 0; d < coords.size(); ++d)
      j += (starts[d] + coords[d] * steps[d]) * inStrides[d];
    return j;
  });
}

//===----------------------------------------------------------------------===//
// Gather
//===----------------------------------------------------------------------===//

LogicalResult
GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                           ValueRange operands,
                           DictionaryAttr attributes,
                           OpaqueProperties, RegionRange,
                           SmallVectorImpl<Type> &inferred) {
  auto data = rankedOperand(operands, 0);
  auto indices = rankedOperand(operands, 1);
  if (!data || !indices || data.getRank() == 0)
    return inferError(loc, "gather expects data of rank >= 1 and indices");
  int64_t axis = 0;
  if (auto a = attributes.getAs<IntegerAttr>("axis"))
    axis = a.getInt();
  FailureOr<int64_t> norm = normalizeAxis(loc, axis, data.getRank());
  if (failed(norm))
    return failure();
  SmallVector<int64_t> shape(data.getShape().take_front(*norm));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(*norm + 1));
  inferred.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  if (Attribute splat = splatResult(adaptor.getData(), getType()))
    return splat;
  auto indices = dyn_cast_or_null<DenseElementsAttr>(adaptor.getIndices());
  if (!indices || !adaptor.getData() || !isFoldable(indices.getType()))
    return {};
  auto dataType = getData().getType();
  int64_t axis = getAxisAttr().getInt();
  if (axis < 0)
    axis += dataType.getRank();
  int64_t dim = dataType.getDimSize(axis);
  SmallVector<int64_t> index;
  for (const APInt &v : indices.getValues<APInt>()) {
    int64_t x = v.getSExtValue();
    if (x < -dim || x >= dim)
      return {};
    index.push_back(x < 0 ? x + dim : x);
  }
  // Result = [outer, numIndices, inner]; data = [outer, dim, inner].
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < dataType.getRank(); ++d)
    inner *= dataType.getDimSize(d);
  int64_t count = static_cast<int64_t>(index.size());
  if (inner == 0 || count == 0)
    return {};
  return remapElements(adaptor.getData(), getType(), [&](int64_t i) {
    int64_t col = i % inner, rest = i / inner;
    int64_t k = rest % count, outer = rest / count;
    return (outer * dim + index[k]) * inner + col;
  });
}

//===----------------------------------------------------------------------===//
// Expand / Tile
//===----------------------------------------------------------------------===//

LogicalResult
ExpandOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                           ValueRange operands,
                           DictionaryAttr attributes,
                           OpaqueProperties, RegionRange,
                           SmallVectorImpl<Type> &inferred) {
  auto in = rankedOperand(operands, 0);
  auto shape = attributes.getAs<DenseI64ArrayAttr>("shape");
  if (!in || !shape)
    return inferError(loc, "expand expects a ranked operand and 'shape'");
  if (llvm::any_of(shape.asArrayRef(), [](int64_t d) { return d < 0; }))
    return inferError(loc, "expand shape entries must be >= 0");
  FailureOr<SmallVector<int64_t>> out =
      broadcastShapes(in.getShape(), shape.asArrayRef());
  if (failed(out))
    return inferError(loc, "cannot expand ", Type(in), " to shape [",
                      llvm::join(llvm::map_range(shape.asArrayRef(),
                                                 [](int64_t d) {
                                                   return std::to_string(d);
                                                 }),
                                 ", "),
                      "]");
  if (failed(checkElementCount(loc, *out)))
    return failure();
  inferred.push_back(RankedTensorType::get(*out, in.getElementType()));
  return success();
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (Attribute splat = splatResult(adaptor.getInput(), getType()))
    return splat;
  ArrayRef<int64_t> outShape = getType().getShape();
  ArrayRef<int64_t> inShape = getInput().getType().getShape();
  return remapElements(adaptor.getInput(), getType(), [&](int64_t i) {
    return broadcastIndex(i, outShape, inShape);
  });
}

LogicalResult
TileOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                         ValueRange operands,
                         DictionaryAttr attributes,
                         OpaqueProperties, RegionRange,
                         SmallVectorImpl<Type> &inferred) {
  auto in = rankedOperand(operands, 0);
  auto repeats = attributes.getAs<DenseI64ArrayAttr>("repeats");
  if (!in || !repeats)
    return inferError(loc, "tile expects a ranked operand and 'repeats'");
  if (static_cast<int64_t>(repeats.size()) != in.getRank())
    return inferError(loc, "repeats has ", repeats.size(),
                      " entries but the input has rank ", in.getRank());
  SmallVector<int64_t> shape;
  for (auto [d, r] : llvm::zip(in.getShape(), repeats.asArrayRef())) {
    int64_t size;
    if (r < 0)
      return inferError(loc, "repeats must be >= 0, got ", r);
    if (llvm::MulOverflow(d, r, size))
      return inferError(loc, "repeats ", r, " overflow dimension ", d);
    shape.push_back(size);
  }
  if (failed(checkElementCount(loc, shape)))
    return failure();
  inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

OpFoldResult TileOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (Attribute splat = splatResult(adaptor.getInput(), getType()))
    return splat;
  ArrayRef<int64_t> inShape = getInput().getType().getShape();
  SmallVector<int64_t> inStrides = computeStrides(inShape);
  SmallVector<int64_t> outStrides = computeStrides(getType().getShape());
  SmallVector<int64_t> coords;
  return remapElements(adaptor.getInput(), getType(), [&](int64_t i) {
    delinearize(i, outStrides, coords);
    int64_t j = 0;
    for (size_t d = 0; d < coords.size(); ++d)
      j += (coords[d] % inShape[d]) * inStrides[d];
    return j;
  });
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

LogicalResult
PadOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                        ValueRange operands,
                        DictionaryAttr attributes,
                        OpaqueProperties, RegionRange,
                        SmallVectorImpl<Type> &inferred) {
  auto in = rankedOperand(operands, 0);
  auto pads = attributes.getAs<DenseI64ArrayAttr>("pads");
  if (!in || !pads)
    return inferError(loc, "pad expects a ranked operand and 'pads'");
  int64_t rank = in.getRank();
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return inferError(loc, "pads has ", pads.size(), " entries, expected ",
                      2 * rank, " (begin and end of each dimension)");
  StringRef mode = "constant";
  if (auto m = attributes.getAs<StringAttr>("mode"))
    mode = m.getValue();
  if (mode != "constant" && mode != "reflect" && mode != "edge" &&
      mode != "wrap")
    return inferError(loc, "unknown pad mode '", mode,
                      "' (expected constant, reflect, edge or wrap)");
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = in.getDimSize(d), lo = pads[d], hi = pads[d + rank];
    int64_t size;
    if (llvm::AddOverflow(dim, lo, size) || llvm::AddOverflow(size, hi, size))
      return inferError(loc, "pads of dimension ", d, " overflow int64");
    if (size < 0)
      return inferError(loc, "pads ", lo, " and ", hi, " crop dimension ", d,
                        " of size ", dim, " below zero");
    int64_t grow = std::max<int64_t>({lo, hi, 0});
    if (mode == "reflect" && grow > 0 && grow >= dim)
      return inferError(loc, "reflect pads of dimension ", d,
                        " must be smaller than its size ", dim);
    if ((mode == "edge" || mode == "wrap") && grow > 0 && dim == 0)
      return inferError(loc, mode, " padding of an empty dimension ", d);
    shape.push_back(size);
  }
  if (failed(checkElementCount(loc, shape)))
    return failure();
  inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult PadOp::verify() {
  if (std::optional<TypedAttr> value = getValue()) {
    Type element = getType().getElementType();
    if (value->getType() != element ||
        !isa<FloatAttr, IntegerAttr>(*value))
      return emitOpError("'value' must be a ")
             << element << " scalar attribute, got " << *value;
    if (getMode() != "constant")
      return emitOpError("'value' is only meaningful in constant mode");
  }
  return success();
}

OpFoldResult PadOp::fold(FoldAdaptor adaptor) {
  if (llvm::all_of(getPads(), [](int64_t p) { return p == 0; }))
    return getInput();
  ArrayRef<int64_t> inShape = getInput().getType().getShape();
  ArrayRef<int64_t> pads = getPads();
  int64_t rank = inShape.size();
  SmallVector<int64_t> inStrides = computeStrides(inShape);
  SmallVector<int64_t> outStrides = computeStrides(getType().getShape());
  SmallVector<int64_t> coords;
  StringRef mode = getMode();
  Attribute fill;
  if (std::optional<TypedAttr> value = getValue())
    fill = *value;
  return remapElements(
      adaptor.getInput(), getType(),
      [&](int64_t i) {
        delinearize(i, outStrides, coords);
        int64_t j = 0;
        for (int64_t d = 0; d < rank; ++d) {
          int64_t c = coords[d] - pads[d], dim = inShape[d];
          if (c < 0 || c >= dim) {
            if (mode == "constant" || dim == 0)
              return kFill;
            if (mode == "edge")
              c = std::clamp<int64_t>(c, 0, dim - 1);
            else if (mode == "wrap")
              c = ((c % dim) + dim) % dim;
            else
              c = c < 0 ? -c : 2 * (dim - 1) - c;
            if (c < 0 || c >= dim)
              return kRefuse;
          }
          j += c * inStrides[d];
        }
        return j;
      },
      fill);
}

//===----------------------------------------------------------------------===//
// Trilu
//===----------------------------------------------------------------------===//

LogicalResult TriluOp::verify() {
  if (getType().getRank() < 2)
    return emitOpError("expects a tensor of rank >= 2, got ") << getType();
  return success();
}

OpFoldResult TriluOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> shape = getType().getShape();
  if (shape.size() < 2)
    return {};
  int64_t rows = std::max<int64_t>(shape[shape.size() - 2], 1);
  int64_t cols = std::max<int64_t>(shape.back(), 1);
  bool upper = getUpper();
  int64_t k = getKAttr().getInt();
  return remapElements(adaptor.getInput(), getType(), [&](int64_t i) {
    int64_t col = i % cols, row = (i / cols) % rows;
    bool keep = upper ? col - row >= k : col - row <= k;
    return keep ? i : kFill;
  });
}


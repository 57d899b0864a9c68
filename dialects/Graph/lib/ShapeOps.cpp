//===- ShapeOps.cpp - reshape, transpose, slice, ... ----------------------===//
//
// Type inference, verifiers and folders of the shape manipulation ops. All
// of them move or replicate elements, so one helper (remapElements) folds
// them: it builds the result element by element from a map of result
// indices to input indices.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Graph/GraphOps.h"
#include "dlc/Dialect/Graph/GraphUtils.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace dlc::graph;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Result of an index map: the element is the fill value.
constexpr int64_t kFill = -1;
/// Result of an index map: the fold is refused.
constexpr int64_t kRefuse = -2;

using IndexMap = llvm::function_ref<int64_t(int64_t)>;

template <typename T>
static Attribute remapValues(ArrayRef<DenseElementsAttr> inputs,
                             ShapedType resultType, IndexMap map,
                             const T &fill) {
  SmallVector<T> all;
  for (DenseElementsAttr in : inputs)
    llvm::append_range(all, in.getValues<T>());
  SmallVector<T> out;
  int64_t n = resultType.getNumElements();
  out.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    int64_t j = map(i);
    if (j == kFill) {
      out.push_back(fill);
      continue;
    }
    if (j < 0 || j >= static_cast<int64_t>(all.size()))
      return {};
    out.push_back(all[j]);
  }
  return DenseElementsAttr::get(resultType, out);
}

/// Folds an op that moves elements: result element `i` is element `map(i)`
/// of the inputs' values laid end to end, or `fill` (zero when null) when
/// the map returns kFill. Returns null when an input is not a dense constant
/// or a tensor is too large to fold.
static Attribute remapElements(ArrayRef<Attribute> inputs,
                               ShapedType resultType, IndexMap map,
                               Attribute fill = {}) {
  SmallVector<DenseElementsAttr> dense;
  for (Attribute a : inputs) {
    auto d = dyn_cast_or_null<DenseElementsAttr>(a);
    if (!d || !isFoldable(d.getType()))
      return {};
    dense.push_back(d);
  }
  if (!isFoldable(resultType))
    return {};
  if (resultType.getNumElements() == 0)
    return DenseElementsAttr::get(resultType, ArrayRef<Attribute>());
  Type element = resultType.getElementType();
  for (DenseElementsAttr d : dense)
    if (d.getElementType() != element)
      return {};
  if (auto floatType = dyn_cast<FloatType>(element)) {
    APFloat f = APFloat::getZero(floatType.getFloatSemantics());
    if (fill) {
      auto attr = dyn_cast<FloatAttr>(fill);
      if (!attr || attr.getType() != element)
        return {};
      f = attr.getValue();
    }
    return remapValues<APFloat>(dense, resultType, map, f);
  }
  auto intType = dyn_cast<IntegerType>(element);
  if (!intType)
    return {};
  APInt v(intType.getWidth(), 0);
  if (fill) {
    auto attr = dyn_cast<IntegerAttr>(fill);
    if (!attr || attr.getType() != element)
      return {};
    v = attr.getValue();
  }
  return remapValues<APInt>(dense, resultType, map, v);
}

/// A splat constant input gives a splat result of any size.
static Attribute splatResult(Attribute input, ShapedType resultType) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(input);
  if (!dense || !dense.isSplat())
    return {};
  return DenseElementsAttr::get(resultType, dense.getSplatValue<Attribute>());
}

/// Folds an op whose result has the input's elements in the same order.
static OpFoldResult foldReshapeLike(Value input, Attribute inputAttr,
                                    ShapedType resultType) {
  if (input.getType() == resultType)
    return input;
  auto dense = dyn_cast_or_null<DenseElementsAttr>(inputAttr);
  if (dense && (dense.isSplat() || isFoldable(dense.getType())))
    return dense.reshape(resultType);
  return {};
}

static RankedTensorType rankedOperand(ValueRange operands, size_t i) {
  return i < operands.size() ? dyn_cast<RankedTensorType>(operands[i].getType())
                             : RankedTensorType();
}

/// Fails when the element count of `shape` does not fit in int64 (a huge
/// repeats/pads/shape attribute in user IR), so no op gets a wrapped-around
/// dimension.
static LogicalResult checkElementCount(std::optional<Location> loc,
                                       ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t d : shape)
    if (d < 0 || llvm::MulOverflow(count, d, count))
      return inferError(loc, "result shape has more elements than int64 can "
                             "count");
  return success();
}

/// Coordinates of flat index `flat` in a tensor with `strides`.
static void delinearize(int64_t flat, ArrayRef<int64_t> strides,
                        SmallVectorImpl<int64_t> &coords) {
  coords.resize(strides.size());
  for (size_t d = 0; d < strides.size(); ++d) {
    coords[d] = flat / strides[d];
    flat %= strides[d];
  }
}

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

//===- ShapeFolding.h - helpers of the shape ops' folders -------*- C++ -*-===//
//
// Shared by ShapeOps.cpp and ShapeSliceOps.cpp. All shape ops move or
// replicate elements, so one helper (remapElements) folds them: it builds
// the result element by element from a map of result indices to input
// indices.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_GRAPH_LIB_SHAPEFOLDING_H
#define DLC_DIALECT_GRAPH_LIB_SHAPEFOLDING_H

#include "dlc/Dialect/Graph/GraphOps.h"
#include "dlc/Dialect/Graph/GraphUtils.h"
#include "llvm/Support/MathExtras.h"

namespace dlc::graph::shape_folding {
using namespace mlir;

/// Result of an index map: the element is the fill value.
constexpr int64_t kFill = -1;
/// Result of an index map: the fold is refused.
constexpr int64_t kRefuse = -2;

using IndexMap = llvm::function_ref<int64_t(int64_t)>;

template <typename T>
inline Attribute remapValues(ArrayRef<DenseElementsAttr> inputs,
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
inline Attribute remapElements(ArrayRef<Attribute> inputs,
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
inline Attribute splatResult(Attribute input, ShapedType resultType) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(input);
  if (!dense || !dense.isSplat())
    return {};
  return DenseElementsAttr::get(resultType, dense.getSplatValue<Attribute>());
}

/// Folds an op whose result has the input's elements in the same order.
inline OpFoldResult foldReshapeLike(Value input, Attribute inputAttr,
                                    ShapedType resultType) {
  if (input.getType() == resultType)
    return input;
  auto dense = dyn_cast_or_null<DenseElementsAttr>(inputAttr);
  if (dense && (dense.isSplat() || isFoldable(dense.getType())))
    return dense.reshape(resultType);
  return {};
}

inline RankedTensorType rankedOperand(ValueRange operands, size_t i) {
  return i < operands.size() ? dyn_cast<RankedTensorType>(operands[i].getType())
                             : RankedTensorType();
}

/// Fails when the element count of `shape` does not fit in int64 (a huge
/// repeats/pads/shape attribute in user IR), so no op gets a wrapped-around
/// dimension.
inline LogicalResult checkElementCount(std::optional<Location> loc,
                                       ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t d : shape)
    if (d < 0 || llvm::MulOverflow(count, d, count))
      return inferError(loc, "result shape has more elements than int64 can "
                             "count");
  return success();
}

/// Coordinates of flat index `flat` in a tensor with `strides`.
inline void delinearize(int64_t flat, ArrayRef<int64_t> strides,
                        SmallVectorImpl<int64_t> &coords) {
  coords.resize(strides.size());
  for (size_t d = 0; d < strides.size(); ++d) {
    coords[d] = flat / strides[d];
    flat %= strides[d];
  }
}

} // namespace dlc::graph::shape_folding

#endif // DLC_DIALECT_GRAPH_LIB_SHAPEFOLDING_H

//===- Compose.cpp - building ONNX ops from several graph ops -------------===//

#include "Compose.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace dlc::compose {

FailureOr<Value> reshape(NodeImporter &n, Value v, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  return n.create<graph::ReshapeOp>(v, {}, TypeRange{type.clone(shape)});
}

FailureOr<Value> transpose(NodeImporter &n, Value v, ArrayRef<int64_t> perm) {
  return n.create<graph::TransposeOp>(v, {n.i64ArrayAttr("perm", perm)});
}

FailureOr<Value> castTo(NodeImporter &n, Value v, Type element) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType() == element)
    return v;
  return n.create<graph::CastOp>(v, {}, TypeRange{type.clone(element)});
}

Value positions(NodeImporter &n, int64_t rank, int64_t axis, int64_t size) {
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = size;
  SmallVector<int64_t> values(size);
  for (int64_t i = 0; i < size; ++i)
    values[i] = i;
  auto type = RankedTensorType::get(shape, n.builder().getI64Type());
  return n.constant(DenseElementsAttr::get(type, ArrayRef<int64_t>(values)));
}

/// Checks the shapes of GatherElements and, for constant indices, their
/// range.
static LogicalResult checkGatherElements(NodeImporter &n, RankedTensorType data,
                                         Value indices, int64_t axis) {
  auto idx = cast<RankedTensorType>(indices.getType());
  if (!isa<IntegerType>(idx.getElementType()) ||
      idx.getElementType().isInteger(1))
    return n.emitError() << "GatherElements indices must be int32 or int64, "
                            "got "
                         << idx.getElementType();
  if (idx.getRank() != data.getRank() || data.getRank() == 0)
    return n.emitError() << "GatherElements indices must have the data's "
                            "rank (>= 1), got "
                         << idx << " for data " << data;
  for (int64_t d = 0; d < data.getRank(); ++d)
    if (d != axis && idx.getDimSize(d) > data.getDimSize(d))
      return n.emitError() << "GatherElements indices dimension " << d << " ("
                           << idx.getDimSize(d) << ") exceeds the data's ("
                           << data.getDimSize(d) << ")";
  int64_t size = data.getDimSize(axis);
  Attribute attr;
  if (matchPattern(indices, m_Constant(&attr)))
    if (auto value = dyn_cast<DenseElementsAttr>(attr))
      for (APInt v : value.getValues<APInt>())
        if (v.getSExtValue() < -size || v.getSExtValue() >= size)
          return n.emitError()
                 << "GatherElements index " << v.getSExtValue()
                 << " is out of range for axis " << axis << " of size " << size;
  return success();
}

FailureOr<Value> gatherElements(NodeImporter &n, Value data, Value indices,
                                int64_t axis) {
  auto dataType = cast<RankedTensorType>(data.getType());
  if (failed(checkGatherElements(n, dataType, indices, axis)))
    return failure();
  auto idxType = cast<RankedTensorType>(indices.getType());
  int64_t rank = dataType.getRank();
  Type i64 = n.builder().getI64Type();
  // Row-major strides of the data.
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * dataType.getDimSize(d + 1);

  FailureOr<Value> idx = castTo(n, indices, i64);
  Value size = n.scalarConstant(i64, double(dataType.getDimSize(axis)));
  Value zero = n.scalarConstant(i64, 0);
  FailureOr<Value> negative, wrapped, flat;
  if (succeeded(idx))
    negative = n.create<graph::LessOp>(ValueRange{*idx, zero});
  if (succeeded(negative))
    wrapped = n.create<graph::AddOp>(ValueRange{*idx, size});
  if (succeeded(wrapped))
    wrapped = n.create<graph::WhereOp>(ValueRange{*negative, *wrapped, *idx});
  if (succeeded(wrapped))
    flat = n.create<graph::MulOp>(
        ValueRange{*wrapped, n.scalarConstant(i64, double(strides[axis]))});
  // Every other dimension contributes its position times its stride.
  for (int64_t d = 0; d < rank && succeeded(flat); ++d) {
    if (d == axis || idxType.getDimSize(d) == 1)
      continue;
    SmallVector<int64_t> shape(rank, 1);
    shape[d] = idxType.getDimSize(d);
    SmallVector<int64_t> values(shape[d]);
    for (int64_t i = 0; i < shape[d]; ++i)
      values[i] = i * strides[d];
    Value offsets = n.constant(DenseElementsAttr::get(
        RankedTensorType::get(shape, i64), ArrayRef<int64_t>(values)));
    flat = n.create<graph::AddOp>(ValueRange{*flat, offsets});
  }
  if (failed(flat))
    return failure();
  FailureOr<Value> flatData = reshape(n, data, {dataType.getNumElements()});
  if (failed(flatData))
    return failure();
  return n.create<graph::GatherOp>(ValueRange{*flatData, *flat},
                                   {n.i64Attr("axis", 0)});
}

} // namespace dlc::compose

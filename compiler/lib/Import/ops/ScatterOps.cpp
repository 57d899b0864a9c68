//===- ScatterOps.cpp - ONNX scatter and gather-by-tuple ops --------------===//
//
// ScatterElements, Scatter (opset 9-10), ScatterND and TensorScatter become
// one graph.scatter: the flat offset of every written element is computed
// from the (runtime) indices with broadcast graph ops, the data and the
// updates are flattened, and graph.scatter writes them in ONNX's order.
// GatherND is a Gather from the data reshaped to [rows, slice...] at the row
// offsets sum_j index_j * stride_j (plus the batch offsets). Negative
// indices count from the end of their dimension; constant indices out of
// range are rejected, runtime ones are skipped by the scatter (undefined in
// ONNX).
//
//===----------------------------------------------------------------------===//

#include "../OpTable.h"
#include "Compose.h"

#include "dlc/Dialect/Graph/GraphUtils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::compose;

namespace {

/// Row-major strides of `shape`.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

int64_t product(ArrayRef<int64_t> shape) {
  int64_t p = 1;
  for (int64_t s : shape)
    p *= s;
  return p;
}

/// An i64 constant of `shape`.
Value i64Constant(NodeImporter &n, ArrayRef<int64_t> shape,
                  ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, n.builder().getI64Type());
  return n.constant(DenseElementsAttr::get(type, values));
}

/// Checks that the indices are int32/int64 and, when constant, that entry
/// `e` lies in [-dims[e % dims.size()], dims[...]) (dims cycles over the
/// innermost dimension of the indices, or is one size for all of them).
LogicalResult checkIndices(NodeImporter &n, StringRef op, Value indices,
                           ArrayRef<int64_t> dims) {
  auto type = cast<RankedTensorType>(indices.getType());
  if (!isa<IntegerType>(type.getElementType()) ||
      !(type.getElementType().isInteger(32) ||
        type.getElementType().isInteger(64)))
    return n.emitError() << op << " indices must be int32 or int64, got "
                         << type.getElementType();
  Attribute attr;
  if (!matchPattern(indices, m_Constant(&attr)))
    return success();
  auto value = dyn_cast<DenseElementsAttr>(attr);
  if (!value)
    return success();
  int64_t e = 0;
  for (APInt v : value.getValues<APInt>()) {
    int64_t size = dims[e++ % dims.size()], i = v.getSExtValue();
    if (i < -size || i >= size)
      return n.emitError() << op << " index " << i
                           << " is out of range for a dimension of size "
                           << size;
  }
  return success();
}

/// `idx` (i64) with negative entries plus `dims` (broadcast).
FailureOr<Value> wrapNegative(NodeImporter &n, Value idx, Value dims) {
  Value zero = n.scalarConstant(n.builder().getI64Type(), 0);
  FailureOr<Value> negative = n.create<graph::LessOp>(ValueRange{idx, zero});
  FailureOr<Value> shifted;
  if (succeeded(negative))
    shifted = n.create<graph::AddOp>(ValueRange{idx, dims});
  if (failed(shifted))
    return failure();
  return n.create<graph::WhereOp>(ValueRange{*negative, *shifted, idx});
}

/// Adds `positions(d) * strides[d]` for every dimension d of `shape` with
/// `skip[d]` false and a size above 1.
FailureOr<Value> addPositions(NodeImporter &n, FailureOr<Value> flat,
                              ArrayRef<int64_t> shape,
                              ArrayRef<int64_t> strides,
                              ArrayRef<bool> skip) {
  int64_t rank = shape.size();
  for (int64_t d = 0; d < rank && succeeded(flat); ++d) {
    if (skip[d] || shape[d] == 1)
      continue;
    SmallVector<int64_t> dims(rank, 1), values(shape[d]);
    dims[d] = shape[d];
    for (int64_t i = 0; i < shape[d]; ++i)
      values[i] = i * strides[d];
    flat = n.create<graph::AddOp>(ValueRange{*flat, i64Constant(n, dims, values)});
  }
  return flat;
}

/// The index tuples of `indices` ([..., k], any integer type) as one row
/// offset each (shape [...]): sum_j wrap(index_j, dims[j]) * strides[j].
FailureOr<Value> tupleOffsets(NodeImporter &n, Value indices,
                              ArrayRef<int64_t> dims,
                              ArrayRef<int64_t> strides) {
  auto type = cast<RankedTensorType>(indices.getType());
  int64_t k = dims.size(), q = type.getRank();
  FailureOr<Value> idx = castTo(n, indices, n.builder().getI64Type());
  if (succeeded(idx))
    idx = wrapNegative(n, *idx, i64Constant(n, {k}, dims));
  if (succeeded(idx))
    idx = n.create<graph::MulOp>(ValueRange{*idx, i64Constant(n, {k}, strides)});
  if (succeeded(idx))
    idx = n.create<graph::ReduceSumOp>(
        *idx, {n.i64ArrayAttr("axes", {q - 1}), n.boolAttr("keepdims", false)});
  return idx;
}

/// Reduction attribute of the scatter ops ("none" before `since`).
FailureOr<std::string> getReduction(NodeImporter &n, StringRef op,
                                    int64_t since, bool minMax) {
  if (n.opset() < since)
    return std::string("none");
  FailureOr<std::string> r = n.getString("reduction", StringRef("none"));
  if (failed(r))
    return failure();
  if (*r != "none" && *r != "add" && *r != "mul" &&
      !(minMax && (*r == "max" || *r == "min")))
    return n.emitError() << op << " reduction '" << *r
                         << "' is not supported (none, add, mul"
                         << (minMax ? ", max, min" : "") << ")";
  return *r;
}

/// data with `updates` written at the flat offsets `flat` (same shape as
/// `updates`), combined by `reduction`.
FailureOr<Value> scatterAt(NodeImporter &n, StringRef op, Value data,
                           Value flat, Value updates, StringRef reduction) {
  auto dataType = cast<RankedTensorType>(data.getType());
  auto updType = cast<RankedTensorType>(updates.getType());
  Type e = dataType.getElementType();
  if (updType.getElementType() != e)
    return n.emitError() << op << " updates element type "
                         << updType.getElementType()
                         << " differs from the data's " << e;
  if (reduction != "none" && !isa<FloatType, IntegerType>(e))
    return n.emitError() << op << " reduction '" << reduction
                         << "' is not supported for " << e;
  if (reduction != "none" &&
      (e.isInteger(1) ||
       (isa<FloatType>(e) && !(e.isF16() || e.isBF16() || e.isF32() ||
                               e.isF64()))))
    return n.emitError() << op << " reduction '" << reduction
                         << "' is not supported for " << e;
  int64_t count = updType.getNumElements();
  FailureOr<Value> flatData = reshape(n, data, {dataType.getNumElements()});
  FailureOr<Value> offsets = reshape(n, flat, {count});
  FailureOr<Value> values = reshape(n, updates, {count});
  if (failed(flatData) || failed(offsets) || failed(values))
    return failure();
  FailureOr<Value> out = n.create<graph::ScatterOp>(
      ValueRange{*flatData, *offsets, *values},
      {n.strAttr("reduction", reduction)},
      TypeRange{(*flatData).getType()});
  if (failed(out))
    return failure();
  return reshape(n, *out, dataType.getShape());
}

/// ScatterElements (and Scatter): indices and updates of one shape, the
/// data's rank; updates[i...] goes to data[i... with i_axis = indices[i...]].
FailureOr<Value> scatterElements(NodeImporter &n, StringRef op,
                                 StringRef reduction) {
  FailureOr<int64_t> axis = n.getInt("axis", 0);
  if (failed(axis) || failed(n.checkInputCount(3, 3)))
    return failure();
  RankedTensorType data = n.inputType(0), idx = n.inputType(1),
                   upd = n.inputType(2);
  int64_t rank = data.getRank();
  if (rank == 0)
    return n.emitError() << op << " data must have rank >= 1";
  if (idx.getRank() != rank)
    return n.emitError() << op << " indices must have the data's rank ("
                         << rank << "), got " << idx;
  if (upd.getShape() != idx.getShape())
    return n.emitError() << op << " updates " << upd
                         << " must have the shape of the indices " << idx;
  FailureOr<int64_t> norm = graph::normalizeAxis(n.loc(), *axis, rank);
  if (failed(norm))
    return failure();
  for (int64_t d = 0; d < rank; ++d)
    if (d != *norm && idx.getDimSize(d) > data.getDimSize(d))
      return n.emitError() << op << " indices dimension " << d << " ("
                           << idx.getDimSize(d) << ") exceeds the data's ("
                           << data.getDimSize(d) << ")";
  int64_t size = data.getDimSize(*norm);
  if (failed(checkIndices(n, op, n.input(1), {size})))
    return failure();
  SmallVector<int64_t> strides = stridesOf(data.getShape());
  Type i64 = n.builder().getI64Type();
  FailureOr<Value> flat = castTo(n, n.input(1), i64);
  if (succeeded(flat))
    flat = wrapNegative(n, *flat, n.scalarConstant(i64, double(size)));
  if (succeeded(flat))
    flat = n.create<graph::MulOp>(
        ValueRange{*flat, n.scalarConstant(i64, double(strides[*norm]))});
  SmallVector<bool> skip(rank, false);
  skip[*norm] = true;
  flat = addPositions(n, flat, idx.getShape(), strides, skip);
  if (failed(flat))
    return failure();
  return scatterAt(n, op, n.input(0), *flat, n.input(2), reduction);
}

LogicalResult importScatterElements(NodeImporter &n) {
  FailureOr<std::string> r = getReduction(n, "ScatterElements", 16,
                                          n.opset() >= 18);
  if (failed(r))
    return failure();
  return setCreated(n, scatterElements(n, "ScatterElements", *r));
}

LogicalResult importScatter(NodeImporter &n) {
  return setCreated(n, scatterElements(n, "Scatter", "none"));
}

/// ScatterND: indices [..., k] address slices data[i_0, ..., i_{k-1}, :...]
/// that updates[..., :...] replaces (or is combined with).
LogicalResult importScatterND(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 3)))
    return failure();
  FailureOr<std::string> r =
      getReduction(n, "ScatterND", 16, n.opset() >= 18);
  if (failed(r))
    return failure();
  RankedTensorType data = n.inputType(0), idx = n.inputType(1),
                   upd = n.inputType(2);
  int64_t rank = data.getRank(), q = idx.getRank();
  if (rank == 0 || q == 0)
    return n.emitError() << "ScatterND data and indices must have rank >= 1, "
                            "got "
                         << data << " and " << idx;
  int64_t k = idx.getDimSize(q - 1);
  if (k < 1 || k > rank)
    return n.emitError() << "ScatterND indices' last dimension (" << k
                         << ") must be in [1, " << rank << "]";
  SmallVector<int64_t> updShape(idx.getShape().drop_back());
  llvm::append_range(updShape, data.getShape().drop_front(k));
  if (upd.getShape() != ArrayRef<int64_t>(updShape))
    return n.emitError() << "ScatterND updates " << upd << " must have shape "
                         << "indices.shape[:-1] + data.shape[k:] for indices "
                         << idx << " and data " << data;
  ArrayRef<int64_t> dims = data.getShape().take_front(k);
  if (failed(checkIndices(n, "ScatterND", n.input(1), dims)))
    return failure();
  SmallVector<int64_t> strides = stridesOf(data.getShape());
  FailureOr<Value> flat = tupleOffsets(
      n, n.input(1), dims, ArrayRef<int64_t>(strides).take_front(k));
  if (succeeded(flat) && k < rank) {
    // Every element of the slice: offsets [1..1, data.shape[k:]].
    SmallVector<int64_t> shape(idx.getShape().drop_back());
    shape.append(rank - k, 1);
    flat = reshape(n, *flat, shape);
    SmallVector<int64_t> sliceShape(q - 1, 1);
    llvm::append_range(sliceShape, data.getShape().drop_front(k));
    SmallVector<int64_t> values(product(data.getShape().drop_front(k)));
    for (int64_t i = 0, e = values.size(); i < e; ++i)
      values[i] = i;
    if (succeeded(flat))
      flat = n.create<graph::AddOp>(
          ValueRange{*flat, i64Constant(n, sliceShape, values)});
  }
  if (failed(flat))
    return failure();
  return setCreated(
      n, scatterAt(n, "ScatterND", n.input(0), *flat, n.input(2), *r));
}

/// TensorScatter: update[b, ..., s, ...] goes to
/// cache[b, ..., write_indices[b] + s (mod max_seq if circular), ...].
LogicalResult importTensorScatter(NodeImporter &n) {
  FailureOr<int64_t> axis = n.getInt("axis", -2);
  FailureOr<std::string> mode = n.getString("mode", StringRef("linear"));
  if (failed(axis) || failed(mode) || failed(n.checkInputCount(2, 3)))
    return failure();
  if (*mode != "linear" && *mode != "circular")
    return n.emitError() << "TensorScatter mode must be linear or circular, "
                            "got '"
                         << *mode << "'";
  RankedTensorType cache = n.inputType(0), upd = n.inputType(1);
  int64_t rank = cache.getRank();
  if (rank < 2)
    return n.emitError() << "TensorScatter past_cache must have rank >= 2, "
                            "got "
                         << cache;
  FailureOr<int64_t> norm = graph::normalizeAxis(n.loc(), *axis, rank);
  if (failed(norm))
    return failure();
  if (*norm == 0)
    return n.emitError() << "TensorScatter axis cannot be the batch "
                            "dimension (0)";
  int64_t ax = *norm, maxSeq = cache.getDimSize(ax);
  bool sameShape = upd.getRank() == rank;
  for (int64_t d = 0; sameShape && d < rank; ++d)
    sameShape = d == ax || upd.getDimSize(d) == cache.getDimSize(d);
  if (!sameShape || upd.getDimSize(ax) > maxSeq)
    return n.emitError() << "TensorScatter update " << upd
                         << " must match past_cache " << cache
                         << " except along axis " << ax
                         << " (no longer than it)";
  int64_t batch = cache.getDimSize(0), seq = upd.getDimSize(ax);
  Type i64 = n.builder().getI64Type();
  SmallVector<int64_t> posShape(rank, 1), posValues(seq);
  posShape[ax] = seq;
  for (int64_t i = 0; i < seq; ++i)
    posValues[i] = i;
  FailureOr<Value> row = i64Constant(n, posShape, posValues);
  if (n.hasInput(2)) {
    RankedTensorType w = n.inputType(2);
    if (w.getRank() != 1 || w.getDimSize(0) != batch)
      return n.emitError() << "TensorScatter write_indices must have shape ["
                           << batch << "], got " << w;
    if (failed(checkIndices(n, "TensorScatter", n.input(2), {maxSeq})))
      return failure();
    SmallVector<int64_t> wShape(rank, 1);
    wShape[0] = batch;
    FailureOr<Value> start = castTo(n, n.input(2), i64);
    if (succeeded(start))
      start = reshape(n, *start, wShape);
    if (succeeded(start))
      row = n.create<graph::AddOp>(ValueRange{*start, *row});
    else
      return failure();
  }
  if (succeeded(row) && *mode == "circular")
    row = n.create<graph::ModOp>(
        ValueRange{*row, n.scalarConstant(i64, double(maxSeq))});
  SmallVector<int64_t> strides = stridesOf(cache.getShape());
  if (succeeded(row))
    row = n.create<graph::MulOp>(
        ValueRange{*row, n.scalarConstant(i64, double(strides[ax]))});
  SmallVector<bool> skip(rank, false);
  skip[ax] = true;
  FailureOr<Value> flat = addPositions(n, row, upd.getShape(), strides, skip);
  if (failed(flat))
    return failure();
  if (cast<RankedTensorType>(flat->getType()).getShape() != upd.getShape())
    flat = n.create<graph::ExpandOp>(*flat,
                                     {n.i64ArrayAttr("shape", upd.getShape())});
  if (failed(flat))
    return failure();
  return setCreated(n, scatterAt(n, "TensorScatter", n.input(0), *flat,
                                 n.input(1), "none"));
}

/// GatherND: out[b..., i...] = data[b..., indices[b..., i..., :], :...].
LogicalResult importGatherND(NodeImporter &n) {
  FailureOr<int64_t> batchDims = n.getInt("batch_dims", 0);
  if (failed(batchDims) || failed(n.checkInputCount(2, 2)))
    return failure();
  RankedTensorType data = n.inputType(0), idx = n.inputType(1);
  int64_t rank = data.getRank(), q = idx.getRank(), b = *batchDims;
  if (rank == 0 || q == 0)
    return n.emitError() << "GatherND data and indices must have rank >= 1, "
                            "got "
                         << data << " and " << idx;
  if (b < 0 || b >= std::min(rank, q))
    return n.emitError() << "GatherND batch_dims (" << b
                         << ") must be in [0, min(data rank, indices rank))";
  if (data.getShape().take_front(b) != idx.getShape().take_front(b))
    return n.emitError() << "GatherND indices " << idx << " and data " << data
                         << " must agree on the first " << b << " dimensions";
  int64_t k = idx.getDimSize(q - 1);
  if (k < 1 || k > rank - b)
    return n.emitError() << "GatherND indices' last dimension (" << k
                         << ") must be in [1, " << rank - b << "]";
  ArrayRef<int64_t> dims = data.getShape().slice(b, k);
  if (failed(checkIndices(n, "GatherND", n.input(1), dims)))
    return failure();
  SmallVector<int64_t> strides = stridesOf(dims);
  FailureOr<Value> flat = tupleOffsets(n, n.input(1), dims, strides);
  // Batch offsets: position of b... times the rows of one batch.
  ArrayRef<int64_t> outBatch = idx.getShape().drop_back();
  SmallVector<int64_t> batchStrides = stridesOf(data.getShape().take_front(b));
  for (int64_t &s : batchStrides)
    s *= product(dims);
  batchStrides.append(outBatch.size() - b, 0);
  SmallVector<bool> skip(outBatch.size(), false);
  for (int64_t d = b; d < int64_t(outBatch.size()); ++d)
    skip[d] = true;
  flat = addPositions(n, flat, outBatch, batchStrides, skip);
  SmallVector<int64_t> rowsShape{product(data.getShape().take_front(b + k))};
  llvm::append_range(rowsShape, data.getShape().drop_front(b + k));
  FailureOr<Value> rows = reshape(n, n.input(0), rowsShape);
  if (failed(flat) || failed(rows))
    return failure();
  return setCreated(n, n.create<graph::GatherOp>(ValueRange{*rows, *flat},
                                                 {n.i64Attr("axis", 0)}));
}

} // namespace

void dlc::registerScatterOps(OpTable &t) {
  t.add("Scatter", 9, 10, importScatter);
  t.add("ScatterElements", 11, kMaxOpset, importScatterElements);
  t.add("ScatterND", 11, kMaxOpset, importScatterND);
  t.add("TensorScatter", 24, kMaxOpset, importTensorScatter);
  t.add("GatherND", 11, kMaxOpset, importGatherND);
}

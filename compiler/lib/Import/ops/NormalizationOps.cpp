//===- NormalizationOps.cpp - normalizations built from graph ops ---------===//
//
// ONNX normalizations without a graph op of their own, as compositions of
// elementwise ops and reductions: RMSNormalization (x / sqrt(mean(x^2) +
// epsilon) * scale over the dimensions from `axis` on) and the statistics
// outputs of LayerNormalization (Mean and InvStdDev, next to the fused
// graph.layer_norm of output 0), GroupNormalization (a layer norm of each
// group of channels, then per-channel scale and bias), LpNormalization
// (x / its L1 or L2 norm along an axis, 0 where the norm is 0),
// MeanVarianceNormalization ((x - mean) / (std + 1e-9) over `axes`) and
// LRN (x / (bias + alpha / size * the sum of squares over a window of
// channels) ^ beta). Statistics are computed in f32 for f16 and bf16
// inputs (ONNX's stash_type 1), in the input's type otherwise.
//
//===----------------------------------------------------------------------===//

#include "../OpTable.h"
#include "Compose.h"

#include "dlc/Dialect/Graph/GraphUtils.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::compose;

namespace {

/// The element type the statistics of `input` are computed in.
Type statsElement(NodeImporter &n, RankedTensorType input) {
  Type e = input.getElementType();
  return e.isF32() || e.isF64() ? e : n.builder().getF32Type();
}

/// Reads `axis` (default -1) and `stash_type` (only 1, f32, is supported)
/// and returns the normalized axis.
FailureOr<int64_t> readNormAxis(NodeImporter &n) {
  FailureOr<int64_t> axis = n.getInt("axis", -1);
  FailureOr<int64_t> stash = n.getInt("stash_type", 1);
  if (failed(axis) || failed(stash))
    return failure();
  if (*stash != 1)
    return n.emitError() << n.node().op_type() << " stash_type " << *stash
                         << " is not supported (only 1, float32)";
  RankedTensorType in = n.inputType(0);
  if (!isa<FloatType>(in.getElementType()))
    return n.emitError() << n.node().op_type() << " input element type "
                         << in.getElementType() << " is not supported";
  if (in.getRank() == 0)
    return n.emitError() << n.node().op_type() << " input must have rank >= 1";
  return graph::normalizeAxis(n.loc(), *axis, in.getRank());
}

SmallVector<int64_t> axesFrom(int64_t axis, int64_t rank) {
  SmallVector<int64_t> axes;
  for (int64_t d = axis; d < rank; ++d)
    axes.push_back(d);
  return axes;
}

FailureOr<Value> mean(NodeImporter &n, Value v, ArrayRef<int64_t> axes) {
  return n.create<graph::ReduceMeanOp>(
      v, {n.i64ArrayAttr("axes", axes), n.boolAttr("keepdims", true)});
}

/// 1 / sqrt(meanSquare + epsilon).
FailureOr<Value> invSqrt(NodeImporter &n, Value meanSquare, double epsilon) {
  Type e = cast<RankedTensorType>(meanSquare.getType()).getElementType();
  FailureOr<Value> v = n.create<graph::AddOp>(
      ValueRange{meanSquare, n.scalarConstant(e, epsilon)});
  if (succeeded(v))
    v = n.create<graph::SqrtOp>(*v);
  if (succeeded(v))
    v = n.create<graph::ReciprocalOp>(*v);
  return v;
}

LogicalResult importRMSNorm(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<int64_t> axis = readNormAxis(n);
  FailureOr<double> eps = n.getFloat("epsilon", 1e-5);
  if (failed(axis) || failed(eps))
    return failure();
  RankedTensorType in = n.inputType(0);
  SmallVector<int64_t> axes = axesFrom(*axis, in.getRank());
  FailureOr<Value> x = castTo(n, n.input(0), statsElement(n, in));
  FailureOr<Value> square, inv, y;
  if (succeeded(x))
    square = n.create<graph::MulOp>(ValueRange{*x, *x});
  if (succeeded(square))
    square = mean(n, *square, axes);
  if (succeeded(square))
    inv = invSqrt(n, *square, *eps);
  if (succeeded(inv))
    y = n.create<graph::MulOp>(ValueRange{*x, *inv});
  if (succeeded(y))
    y = castTo(n, *y, in.getElementType());
  if (succeeded(y))
    y = n.create<graph::MulOp>(ValueRange{*y, n.input(1)});
  if (succeeded(y) && cast<RankedTensorType>(y->getType()) != in)
    return n.emitError() << "RMSNormalization scale " << n.inputType(1)
                         << " does not broadcast to the normalized shape of "
                         << in;
  return setCreated(n, y);
}

/// GroupNormalization: x (N, C, ...) seen as (N, G, C / G * spatial),
/// normalized over its last dimension, then scale and bias per channel
/// (opset 21) or per group (opset 18).
LogicalResult importGroupNorm(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 3)))
    return failure();
  FailureOr<int64_t> groups = n.getInt("num_groups");
  FailureOr<double> eps = n.getFloat("epsilon", 1e-5);
  FailureOr<int64_t> stash = n.getInt("stash_type", 1);
  if (failed(groups) || failed(eps) || failed(stash))
    return failure();
  RankedTensorType in = n.inputType(0);
  if (!isa<FloatType>(in.getElementType()) || in.getRank() < 2)
    return n.emitError() << "GroupNormalization input must be a float tensor "
                            "of rank >= 2, got "
                         << in;
  if (*stash != 1)
    return n.emitError() << "GroupNormalization stash_type " << *stash
                         << " is not supported (only 1, float32)";
  int64_t c = in.getDimSize(1);
  if (*groups <= 0 || c % *groups != 0)
    return n.emitError() << "GroupNormalization num_groups " << *groups
                         << " does not divide the " << c << " channels";
  int64_t paramSize = n.opset() >= 21 ? c : *groups;
  for (size_t i = 1; i < 3; ++i) {
    RankedTensorType p = n.inputType(i);
    if (p.getRank() != 1 || p.getDimSize(0) != paramSize ||
        p.getElementType() != in.getElementType())
      return n.emitError() << "GroupNormalization "
                           << (i == 1 ? "scale" : "bias")
                           << " must have shape (" << paramSize << "), got "
                           << p;
  }
  int64_t inner = in.getNumElements() / (in.getDimSize(0) * *groups);
  FailureOr<Value> x = castTo(n, n.input(0), statsElement(n, in));
  FailureOr<Value> m, diff, var, inv, y;
  if (succeeded(x))
    x = reshape(n, *x, {in.getDimSize(0), *groups, inner});
  if (succeeded(x))
    m = mean(n, *x, {2});
  if (succeeded(m))
    diff = n.create<graph::SubOp>(ValueRange{*x, *m});
  if (succeeded(diff))
    var = n.create<graph::MulOp>(ValueRange{*diff, *diff});
  if (succeeded(var))
    var = mean(n, *var, {2});
  if (succeeded(var))
    inv = invSqrt(n, *var, *eps);
  if (succeeded(inv))
    y = n.create<graph::MulOp>(ValueRange{*diff, *inv});
  if (succeeded(y))
    y = reshape(n, *y, in.getShape());
  if (succeeded(y))
    y = castTo(n, *y, in.getElementType());
  // Scale and bias as (C, 1, ..., 1).
  SmallVector<int64_t> paramShape(in.getRank() - 1, 1);
  paramShape[0] = c;
  auto perChannel = [&](Value p) -> FailureOr<Value> {
    if (paramSize != c) {
      FailureOr<Value> e = reshape(n, p, {*groups, 1});
      if (succeeded(e))
        e = n.create<graph::ExpandOp>(
            *e, {n.i64ArrayAttr("shape", {*groups, c / *groups})});
      if (failed(e))
        return failure();
      p = *e;
    }
    return reshape(n, p, paramShape);
  };
  FailureOr<Value> scale, bias;
  if (succeeded(y))
    scale = perChannel(n.input(1));
  if (succeeded(scale))
    bias = perChannel(n.input(2));
  if (succeeded(bias))
    y = n.create<graph::MulOp>(ValueRange{*y, *scale});
  if (succeeded(bias) && succeeded(y))
    y = n.create<graph::AddOp>(ValueRange{*y, *bias});
  return failed(bias) ? failure() : setCreated(n, y);
}

LogicalResult importLpNorm(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<int64_t> axis = n.getInt("axis", -1);
  FailureOr<int64_t> p = n.getInt("p", 2);
  if (failed(axis) || failed(p))
    return failure();
  RankedTensorType in = n.inputType(0);
  if (!isa<FloatType>(in.getElementType()) || in.getRank() == 0)
    return n.emitError() << "LpNormalization input must be a float tensor of "
                            "rank >= 1, got "
                         << in;
  if (*p != 1 && *p != 2)
    return n.emitError() << "LpNormalization p must be 1 or 2, got " << *p;
  FailureOr<int64_t> norm = graph::normalizeAxis(n.loc(), *axis, in.getRank());
  if (failed(norm))
    return failure();
  SmallVector<NamedAttribute> attrs{n.i64ArrayAttr("axes", {*norm}),
                                    n.boolAttr("keepdims", true)};
  FailureOr<Value> l = *p == 1 ? n.create<graph::ReduceL1Op>(n.input(0), attrs)
                               : n.create<graph::ReduceL2Op>(n.input(0), attrs);
  Value zero = n.scalarConstant(in.getElementType(), 0);
  FailureOr<Value> isZero, y;
  if (succeeded(l))
    isZero = n.create<graph::EqualOp>(ValueRange{*l, zero});
  if (succeeded(isZero))
    y = n.create<graph::DivOp>(ValueRange{n.input(0), *l});
  if (succeeded(y))
    y = n.create<graph::WhereOp>(ValueRange{*isZero, zero, *y});
  return setCreated(n, y);
}

LogicalResult importMVN(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  RankedTensorType in = n.inputType(0);
  if (!isa<FloatType>(in.getElementType()))
    return n.emitError() << "MeanVarianceNormalization input element type "
                         << in.getElementType() << " is not supported";
  FailureOr<SmallVector<int64_t>> axes =
      n.getInts("axes", ArrayRef<int64_t>{0, 2, 3});
  if (failed(axes))
    return failure();
  SmallVector<int64_t> norm;
  for (int64_t a : *axes) {
    FailureOr<int64_t> v = graph::normalizeAxis(n.loc(), a, in.getRank());
    if (failed(v))
      return failure();
    norm.push_back(*v);
  }
  llvm::sort(norm);
  if (std::adjacent_find(norm.begin(), norm.end()) != norm.end())
    return n.emitError() << "MeanVarianceNormalization axes repeat an axis";
  Value x = n.input(0);
  Type e = in.getElementType();
  FailureOr<Value> m, m2, sq, std, y;
  m = mean(n, x, norm);
  if (succeeded(m))
    m2 = n.create<graph::MulOp>(ValueRange{*m, *m});
  if (succeeded(m2))
    sq = n.create<graph::MulOp>(ValueRange{x, x});
  if (succeeded(sq))
    sq = mean(n, *sq, norm);
  if (succeeded(sq))
    std = n.create<graph::SubOp>(ValueRange{*sq, *m2});
  if (succeeded(std))
    std = n.create<graph::SqrtOp>(*std);
  if (succeeded(std))
    std = n.create<graph::AddOp>(ValueRange{*std, n.scalarConstant(e, 1e-9)});
  if (succeeded(std))
    y = n.create<graph::SubOp>(ValueRange{x, *m});
  if (succeeded(y))
    y = n.create<graph::DivOp>(ValueRange{*y, *std});
  return setCreated(n, y);
}

/// LRN: the window of `size` channels around c runs from c - floor((size -
/// 1) / 2) to c + ceil((size - 1) / 2): a sum of `size` shifted slices of
/// the zero-padded squares.
LogicalResult importLRN(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<int64_t> size = n.getInt("size");
  FailureOr<double> alpha = n.getFloat("alpha", 1e-4);
  FailureOr<double> beta = n.getFloat("beta", 0.75);
  FailureOr<double> bias = n.getFloat("bias", 1.0);
  if (failed(size) || failed(alpha) || failed(beta) || failed(bias))
    return failure();
  RankedTensorType in = n.inputType(0);
  if (!isa<FloatType>(in.getElementType()) || in.getRank() < 3)
    return n.emitError() << "LRN input must be a float tensor of rank >= 3, "
                            "got "
                         << in;
  int64_t c = in.getDimSize(1);
  if (*size < 1 || *size > 4096)
    return n.emitError() << "LRN size must be in [1, 4096], got " << *size;
  int64_t before = (*size - 1) / 2, after = *size / 2;
  Type e = in.getElementType();
  Value x = n.input(0);
  SmallVector<int64_t> pads(2 * in.getRank(), 0);
  pads[1] = before;
  pads[in.getRank() + 1] = after;
  FailureOr<Value> sq = n.create<graph::MulOp>(ValueRange{x, x});
  if (succeeded(sq))
    sq = n.create<graph::PadOp>(
        *sq, {n.i64ArrayAttr("pads", pads), n.strAttr("mode", "constant")});
  FailureOr<Value> sum;
  for (int64_t k = 0; k < *size && succeeded(sq); ++k) {
    FailureOr<Value> s = n.create<graph::SliceOp>(
        *sq, {n.i64ArrayAttr("starts", {k}), n.i64ArrayAttr("ends", {k + c}),
              n.i64ArrayAttr("axes", {1}), n.i64ArrayAttr("steps", {1})});
    if (failed(s))
      return failure();
    sum = k == 0 ? s : n.create<graph::AddOp>(ValueRange{*sum, *s});
    if (failed(sum))
      return failure();
  }
  FailureOr<Value> d;
  if (succeeded(sum))
    d = n.create<graph::MulOp>(
        ValueRange{*sum, n.scalarConstant(e, *alpha / double(*size))});
  if (succeeded(d))
    d = n.create<graph::AddOp>(ValueRange{*d, n.scalarConstant(e, *bias)});
  if (succeeded(d))
    d = n.create<graph::PowOp>(ValueRange{*d, n.scalarConstant(e, *beta)});
  if (succeeded(d))
    d = n.create<graph::DivOp>(ValueRange{x, *d});
  return setCreated(n, d);
}

} // namespace

FailureOr<std::pair<Value, Value>>
dlc::compose::layerNormStats(NodeImporter &n, Value input, int64_t axis,
                             double epsilon) {
  auto in = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> axes = axesFrom(axis, in.getRank());
  FailureOr<Value> x = castTo(n, input, statsElement(n, in));
  FailureOr<Value> m, diff, var, inv;
  if (succeeded(x))
    m = mean(n, *x, axes);
  if (succeeded(m))
    diff = n.create<graph::SubOp>(ValueRange{*x, *m});
  if (succeeded(diff))
    var = n.create<graph::MulOp>(ValueRange{*diff, *diff});
  if (succeeded(var))
    var = mean(n, *var, axes);
  if (succeeded(var))
    inv = invSqrt(n, *var, epsilon);
  if (failed(inv))
    return failure();
  return std::make_pair(*m, *inv);
}

/// BatchNormalization in training mode (opset 14 on): normalized with the
/// batch's statistics over every axis but the channels (the population
/// variance), the running statistics blended with `momentum`.
LogicalResult dlc::compose::batchNormTraining(NodeImporter &n, double eps) {
  FailureOr<double> momentum = n.getFloat("momentum", 0.9);
  if (failed(momentum))
    return failure();
  RankedTensorType x = n.inputType(0);
  int64_t rank = x.getRank();
  if (rank < 2)
    return n.emitError() << "BatchNormalization input must have rank >= 2, "
                            "got "
                         << rank;
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < rank; ++d)
    if (d != 1)
      axes.push_back(d);
  Type e = x.getElementType();
  auto reduce = [&](Value v, bool keep) {
    return n.create<graph::ReduceMeanOp>(
        v, {n.i64ArrayAttr("axes", axes), n.boolAttr("keepdims", keep)});
  };
  FailureOr<Value> meanKept = reduce(n.input(0), true);
  FailureOr<Value> diff, square, mean, var, y;
  if (succeeded(meanKept))
    diff = n.create<graph::SubOp>(ValueRange{n.input(0), *meanKept});
  if (succeeded(diff))
    square = n.create<graph::MulOp>(ValueRange{*diff, *diff});
  if (succeeded(square))
    var = reduce(*square, false);
  if (succeeded(var))
    mean = reduce(n.input(0), false);
  if (succeeded(mean))
    y = n.create<graph::BatchNormOp>(
        ValueRange{n.input(0), n.input(1), n.input(2), *mean, *var},
        {n.f32Attr("epsilon", eps)});
  if (failed(y))
    return failure();
  auto blend = [&](Value running, Value batch) -> FailureOr<Value> {
    FailureOr<Value> kept = n.create<graph::MulOp>(
        ValueRange{running, n.scalarConstant(e, *momentum)});
    FailureOr<Value> added = n.create<graph::MulOp>(
        ValueRange{batch, n.scalarConstant(e, 1 - *momentum)});
    if (failed(kept) || failed(added))
      return failure();
    return n.create<graph::AddOp>(ValueRange{*kept, *added});
  };
  SmallVector<Value> results{*y};
  if (n.numOutputs() > 1) {
    FailureOr<Value> runningMean = blend(n.input(3), *mean);
    FailureOr<Value> runningVar = blend(n.input(4), *var);
    if (failed(runningMean) || failed(runningVar))
      return failure();
    results.append({*runningMean, *runningVar});
  }
  return n.setResults(results);
}

void dlc::registerNormalizationOps(OpTable &t) {
  t.add("RMSNormalization", 23, kMaxOpset, importRMSNorm);
  t.add("GroupNormalization", 18, kMaxOpset, importGroupNorm);
  t.add("LpNormalization", 1, kMaxOpset, importLpNorm);
  t.add("MeanVarianceNormalization", 9, kMaxOpset, importMVN);
  t.add("LRN", 1, kMaxOpset, importLRN);
}

//===- NNOps.cpp - ONNX matmul, convolution, pooling, ... -----------------===//
//
// MatMul, Gemm, Conv, ConvTranspose, the pools (LpPool as an AveragePool of
// |x|^p), BatchNormalization, InstanceNormalization, LayerNormalization, Einsum
// and Resize. The handlers resolve ONNX's defaults, auto_pad, kernel shapes
// from the weights and omitted optional operands, so that the graph ops
// carry explicit attributes only.
//
//===----------------------------------------------------------------------===//

#include "../OpTable.h"
#include "Compose.h"
#include "dlc/Dialect/Graph/GraphUtils.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace dlc;

namespace {

LogicalResult setCreated(NodeImporter &n, FailureOr<Value> v) {
  return failed(v) ? failure() : n.setResult(*v);
}

LogicalResult requireFloat(NodeImporter &n, size_t count) {
  for (size_t i = 0; i < std::min(count, n.numInputs()); ++i)
    if (n.hasInput(i) && !isa<FloatType>(n.inputType(i).getElementType()))
      return n.emitError() << "input element type "
                           << n.inputType(i).getElementType()
                           << " is not supported by " << n.node().op_type();
  return success();
}

/// Only output 0 may be used (e.g. MaxPool's Indices, BatchNormalization's
/// running statistics).
LogicalResult onlyFirstOutput(NodeImporter &n, StringRef what) {
  for (int i = 1; i < n.node().output_size(); ++i)
    if (!n.node().output(i).empty())
      return n.emitError() << n.node().op_type() << " output #" << i << " ("
                           << what << ") is not supported";
  return success();
}

LogicalResult importMatMul(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  return setCreated(
      n, n.create<graph::MatMulOp>(ValueRange{n.input(0), n.input(1)}));
}

LogicalResult importGemm(NodeImporter &n) {
  if (failed(n.checkInputCount(n.opset() < 11 ? 3 : 2, 3)))
    return failure();
  FailureOr<double> alpha = n.getFloat("alpha", 1.0);
  FailureOr<double> beta = n.getFloat("beta", 1.0);
  FailureOr<int64_t> ta = n.getInt("transA", 0);
  FailureOr<int64_t> tb = n.getInt("transB", 0);
  if (failed(alpha) || failed(beta) || failed(ta) || failed(tb))
    return failure();
  Value c = n.hasInput(2)
                ? n.input(2)
                : n.scalarConstant(n.inputType(0).getElementType(), 0);
  return setCreated(
      n, n.create<graph::GemmOp>(
             ValueRange{n.input(0), n.input(1), c},
             {n.f32Attr("alpha", *alpha),
              n.f32Attr("beta", n.hasInput(2) ? *beta : 0.0),
              n.boolAttr("trans_a", *ta != 0),
              n.boolAttr("trans_b", *tb != 0)}));
}

/// Window attributes of Conv/ConvTranspose/pools, defaults filled in.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, pads;
};

/// Reads strides, dilations, pads and auto_pad for `spatial` dims. For
/// convolutions `kernel` comes from the weight when the attribute is absent.
FailureOr<Window> readWindow(NodeImporter &n, size_t spatial,
                             ArrayRef<int64_t> inputDims,
                             std::optional<ArrayRef<int64_t>> weightKernel,
                             bool transposed = false) {
  Window w;
  SmallVector<int64_t> ones(spatial, 1), zeros(2 * spatial, 0);
  FailureOr<SmallVector<int64_t>> kernel =
      weightKernel ? n.getInts("kernel_shape", *weightKernel)
                   : n.getInts("kernel_shape");
  FailureOr<SmallVector<int64_t>> strides = n.getInts("strides", ones);
  FailureOr<SmallVector<int64_t>> dilations = n.getInts("dilations", ones);
  FailureOr<SmallVector<int64_t>> pads = n.getInts("pads", zeros);
  FailureOr<std::string> autoPad = n.getString("auto_pad", StringRef("NOTSET"));
  if (failed(kernel) || failed(strides) || failed(dilations) ||
      failed(pads) || failed(autoPad))
    return failure();
  auto check = [&](StringRef name, ArrayRef<int64_t> v, size_t size,
                   int64_t min) -> LogicalResult {
    if (v.size() != size)
      return n.emitError() << "'" << name << "' has " << v.size()
                           << " entries, expected " << size;
    for (int64_t x : v)
      if (x < min || x > (int64_t(1) << 31))
        return n.emitError() << "'" << name << "' entry " << x
                             << " is out of range";
    return success();
  };
  if (failed(check("kernel_shape", *kernel, spatial, 1)) ||
      failed(check("strides", *strides, spatial, 1)) ||
      failed(check("dilations", *dilations, spatial, 1)) ||
      failed(check("pads", *pads, 2 * spatial, 0)))
    return failure();
  if (weightKernel && ArrayRef<int64_t>(*kernel) != *weightKernel)
    return n.emitError() << "kernel_shape does not match the weight's "
                            "spatial dimensions";
  w.kernel = *kernel;
  w.strides = *strides;
  w.dilations = *dilations;
  w.pads = *pads;
  if (*autoPad == "NOTSET")
    return w;
  if (*autoPad == "VALID") {
    w.pads.assign(2 * spatial, 0);
    return w;
  }
  if (*autoPad != "SAME_UPPER" && *autoPad != "SAME_LOWER")
    return n.emitError() << "auto_pad '" << *autoPad << "' is not supported";
  if (transposed)
    return w; // ConvTranspose resolves SAME from its output shape.
  for (size_t i = 0; i < spatial; ++i) {
    int64_t in = inputDims[i], s = w.strides[i];
    int64_t out = (in + s - 1) / s;
    int64_t span = w.dilations[i] * (w.kernel[i] - 1) + 1;
    int64_t total = std::max<int64_t>(0, (out - 1) * s + span - in);
    int64_t small = total / 2, large = total - small;
    bool upper = *autoPad == "SAME_UPPER";
    w.pads[i] = upper ? small : large;
    w.pads[spatial + i] = upper ? large : small;
  }
  return w;
}

LogicalResult checkConvRanks(NodeImporter &n) {
  RankedTensorType x = n.inputType(0), w = n.inputType(1);
  if (x.getRank() < 3 || w.getRank() != x.getRank())
    return n.emitError() << n.node().op_type()
                         << " needs input and weight of the same rank >= 3, "
                            "got "
                         << x.getRank() << " and " << w.getRank();
  return success();
}

/// The bias operand: the given one, or zeros of `channels`.
Value biasOrZeros(NodeImporter &n, size_t index, int64_t channels) {
  if (n.hasInput(index))
    return n.input(index);
  auto type = RankedTensorType::get({channels},
                                    n.inputType(0).getElementType());
  return n.constant(DenseElementsAttr::get(
      type, FloatAttr::get(type.getElementType(), 0.0)));
}

LogicalResult importConv(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 3)) || failed(requireFloat(n, 3)) ||
      failed(checkConvRanks(n)))
    return failure();
  RankedTensorType x = n.inputType(0), wt = n.inputType(1);
  size_t spatial = x.getRank() - 2;
  FailureOr<Window> w = readWindow(n, spatial, x.getShape().drop_front(2),
                                   wt.getShape().drop_front(2));
  FailureOr<int64_t> group = n.getInt("group", 1);
  if (failed(w) || failed(group))
    return failure();
  return setCreated(
      n, n.create<graph::ConvOp>(
             ValueRange{n.input(0), n.input(1),
                        biasOrZeros(n, 2, wt.getDimSize(0))},
             {n.i64ArrayAttr("strides", w->strides),
              n.i64ArrayAttr("dilations", w->dilations),
              n.i64ArrayAttr("pads", w->pads), n.i64Attr("group", *group)}));
}

/// `n.input(i)` minus the zero point `n.input(zp)` (a scalar or one per
/// `perChannel` leading channels, reshaped to [C, 1, ...]) in f64, where
/// the sums of 8-bit products stay exact.
FailureOr<Value> centeredF64(NodeImporter &n, size_t i, size_t zp,
                             StringRef what, int64_t perChannel) {
  Type f64 = n.builder().getF64Type();
  RankedTensorType type = n.inputType(i);
  if (!type.getElementType().isInteger(8))
    return n.emitError() << "input " << i << " must be int8 or uint8, got "
                         << type;
  auto toF64 = [&](Value v) {
    auto t = cast<RankedTensorType>(v.getType());
    return n.create<graph::CastOp>(v, {}, TypeRange{t.clone(f64)});
  };
  FailureOr<Value> v = toF64(n.input(i));
  if (failed(v) || !n.hasInput(zp))
    return v;
  RankedTensorType zt = n.inputType(zp);
  if (zt.getElementType() != type.getElementType())
    return n.emitError() << what << " has element type " << zt.getElementType()
                         << ", but its operand has " << type.getElementType();
  Value z = n.input(zp);
  SmallVector<int64_t> shape;
  if (zt.getNumElements() != 1) {
    if (perChannel == 0 || zt.getRank() != 1 || zt.getDimSize(0) != perChannel)
      return n.emitError() << what << " of type " << zt << " must be a scalar"
                           << (perChannel ? " or 1-D with one value per "
                                            "output channel"
                                          : "");
    shape.assign(type.getRank(), 1);
    shape[0] = perChannel;
  }
  FailureOr<Value> r = n.create<graph::ReshapeOp>(
      z, {}, TypeRange{RankedTensorType::get(shape, zt.getElementType())});
  if (failed(r) || failed(r = toF64(*r)))
    return failure();
  return n.create<graph::SubOp>({*v, *r});
}

/// The convolution of ConvInteger / QLinearConv (x, w and their zero
/// points at the given inputs) in f64.
FailureOr<Value> integerConv(NodeImporter &n, size_t x, size_t xzp, size_t w,
                             size_t wzp) {
  RankedTensorType xt = n.inputType(x), wt = n.inputType(w);
  if (xt.getRank() < 3 || wt.getRank() != xt.getRank())
    return n.emitError() << n.node().op_type()
                         << " needs input and weight of the same rank >= 3";
  size_t spatial = xt.getRank() - 2;
  FailureOr<Window> win = readWindow(n, spatial, xt.getShape().drop_front(2),
                                     wt.getShape().drop_front(2));
  FailureOr<int64_t> group = n.getInt("group", 1);
  FailureOr<Value> xc = centeredF64(n, x, xzp, "x_zero_point", 0);
  FailureOr<Value> wc =
      centeredF64(n, w, wzp, "w_zero_point", wt.getDimSize(0));
  if (failed(win) || failed(group) || failed(xc) || failed(wc))
    return failure();
  auto biasType =
      RankedTensorType::get({wt.getDimSize(0)}, n.builder().getF64Type());
  Value bias = n.constant(DenseElementsAttr::get(
      biasType, FloatAttr::get(biasType.getElementType(), 0.0)));
  return n.create<graph::ConvOp>(ValueRange{*xc, *wc, bias},
                                 {n.i64ArrayAttr("strides", win->strides),
                                  n.i64ArrayAttr("dilations", win->dilations),
                                  n.i64ArrayAttr("pads", win->pads),
                                  n.i64Attr("group", *group)});
}

LogicalResult importConvInteger(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 4)))
    return failure();
  FailureOr<Value> y = integerConv(n, 0, 2, 1, 3);
  if (failed(y))
    return failure();
  auto t = cast<RankedTensorType>(y->getType());
  return setCreated(
      n, n.create<graph::CastOp>(*y, {},
                                 TypeRange{t.clone(n.builder().getI32Type())}));
}

/// A scale or zero point of the output: a scalar or one per channel,
/// shaped [C, 1, ...] against an output of `rank`, in f64.
FailureOr<Value> outputParam(NodeImporter &n, size_t i, StringRef what,
                             int64_t channels, int64_t rank) {
  RankedTensorType t = n.inputType(i);
  SmallVector<int64_t> shape;
  if (t.getNumElements() != 1) {
    if (t.getRank() != 1 || t.getDimSize(0) != channels)
      return n.emitError() << what << " of type " << t
                           << " must be a scalar or 1-D with one value per "
                              "output channel";
    shape.assign(rank - 1, 1);
    shape[0] = channels;
  }
  FailureOr<Value> r = n.create<graph::ReshapeOp>(
      n.input(i), {},
      TypeRange{RankedTensorType::get(shape, t.getElementType())});
  if (failed(r))
    return failure();
  auto rt = cast<RankedTensorType>(r->getType());
  return n.create<graph::CastOp>(*r, {},
                                 TypeRange{rt.clone(n.builder().getF64Type())});
}

LogicalResult importQLinearConv(NodeImporter &n) {
  // x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B.
  if (failed(n.checkInputCount(8, 9)))
    return failure();
  Type outElement = n.inputType(7).getElementType();
  if (!outElement.isInteger(8))
    return n.emitError() << "y_zero_point must be int8 or uint8, got "
                         << n.inputType(7);
  FailureOr<Value> acc = integerConv(n, 0, 2, 3, 5);
  if (failed(acc))
    return failure();
  auto accType = cast<RankedTensorType>(acc->getType());
  int64_t channels = accType.getDimSize(1), rank = accType.getRank();
  if (n.hasInput(8)) {
    FailureOr<Value> b = outputParam(n, 8, "B", channels, rank);
    if (failed(b) || failed(acc = n.create<graph::AddOp>({*acc, *b})))
      return failure();
  }
  FailureOr<Value> xs = outputParam(n, 1, "x_scale", 1, rank);
  FailureOr<Value> ws = outputParam(n, 4, "w_scale", channels, rank);
  FailureOr<Value> ys = outputParam(n, 6, "y_scale", channels, rank);
  FailureOr<Value> yz = outputParam(n, 7, "y_zero_point", channels, rank);
  FailureOr<Value> s, v;
  Type f64 = n.builder().getF64Type();
  bool isUns = outElement.isUnsignedInteger();
  if (failed(xs) || failed(ws) || failed(ys) || failed(yz) ||
      failed(s = n.create<graph::MulOp>({*xs, *ws})) ||
      failed(s = n.create<graph::DivOp>({*s, *ys})) ||
      failed(v = n.create<graph::MulOp>({*acc, *s})) ||
      failed(v = n.create<graph::RoundOp>(*v)) ||
      failed(v = n.create<graph::AddOp>({*v, *yz})) ||
      failed(v = n.create<graph::ClipOp>(
                 ValueRange{*v, n.scalarConstant(f64, isUns ? 0.0 : -128.0),
                            n.scalarConstant(f64, isUns ? 255.0 : 127.0)},
                 {}, TypeRange{v->getType()})))
    return failure();
  auto vt = cast<RankedTensorType>(v->getType());
  return setCreated(
      n, n.create<graph::CastOp>(*v, {}, TypeRange{vt.clone(outElement)}));
}

LogicalResult importConvTranspose(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 3)) || failed(requireFloat(n, 3)) ||
      failed(checkConvRanks(n)))
    return failure();
  RankedTensorType x = n.inputType(0), wt = n.inputType(1);
  size_t spatial = x.getRank() - 2;
  FailureOr<Window> w =
      readWindow(n, spatial, x.getShape().drop_front(2),
                 wt.getShape().drop_front(2), /*transposed=*/true);
  FailureOr<int64_t> group = n.getInt("group", 1);
  SmallVector<int64_t> zeros(spatial, 0);
  FailureOr<SmallVector<int64_t>> outPad = n.getInts("output_padding", zeros);
  FailureOr<std::string> autoPad = n.getString("auto_pad", StringRef("NOTSET"));
  if (failed(w) || failed(group) || failed(outPad) || failed(autoPad))
    return failure();
  if (outPad->size() != spatial)
    return n.emitError() << "'output_padding' has " << outPad->size()
                         << " entries, expected " << spatial;
  if (*group < 1)
    return n.emitError() << "group must be >= 1, got " << *group;
  // output_shape (or SAME auto_pad) fixes the total padding per dimension.
  bool hasOutputShape = n.hasAttr("output_shape");
  if (hasOutputShape || *autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
    SmallVector<int64_t> target;
    if (hasOutputShape) {
      FailureOr<SmallVector<int64_t>> os = n.getInts("output_shape");
      if (failed(os))
        return failure();
      target.assign(os->end() - std::min(os->size(), spatial), os->end());
      if (target.size() != spatial)
        return n.emitError() << "'output_shape' has " << os->size()
                             << " entries, expected " << spatial;
    } else {
      for (size_t i = 0; i < spatial; ++i)
        target.push_back(x.getDimSize(2 + i) * w->strides[i]);
    }
    for (size_t i = 0; i < spatial; ++i) {
      int64_t full = w->strides[i] * (x.getDimSize(2 + i) - 1) +
                     (*outPad)[i] + w->dilations[i] * (w->kernel[i] - 1) + 1;
      int64_t total = full - target[i];
      if (total < 0) {
        // A larger output than the full one extends it at the end, as
        // output_padding does.
        (*outPad)[i] -= total;
        total = 0;
      }
      bool lower = *autoPad == "SAME_LOWER";
      w->pads[i] = lower ? total - total / 2 : total / 2;
      w->pads[spatial + i] = total - w->pads[i];
    }
  }
  return setCreated(
      n, n.create<graph::ConvTransposeOp>(
             ValueRange{n.input(0), n.input(1),
                        biasOrZeros(n, 2, wt.getDimSize(1) * *group)},
             {n.i64ArrayAttr("strides", w->strides),
              n.i64ArrayAttr("dilations", w->dilations),
              n.i64ArrayAttr("pads", w->pads),
              n.i64ArrayAttr("output_padding", *outPad),
              n.i64Attr("group", *group)}));
}

template <typename OpTy>
LogicalResult importPool(NodeImporter &n) {
  bool isMax = std::is_same_v<OpTy, graph::MaxPoolOp>;
  if (failed(n.checkInputCount(1, 1)) || failed(onlyFirstOutput(n, "Indices")))
    return failure();
  // MaxPool also takes int8/uint8 (opset 12 on).
  Type element = n.inputType(0).getElementType();
  bool byteMax = isMax && n.opset() >= 12 && element.isInteger(8);
  if (!byteMax && failed(requireFloat(n, 1)))
    return failure();
  RankedTensorType x = n.inputType(0);
  if (x.getRank() < 3)
    return n.emitError() << n.node().op_type()
                         << " needs an input of rank >= 3, got "
                         << x.getRank();
  size_t spatial = x.getRank() - 2;
  FailureOr<Window> w =
      readWindow(n, spatial, x.getShape().drop_front(2), std::nullopt);
  FailureOr<int64_t> ceil = n.getInt("ceil_mode", 0);
  FailureOr<int64_t> storage = n.getInt("storage_order", 0);
  if (failed(w) || failed(ceil) || failed(storage))
    return failure();
  SmallVector<NamedAttribute> attrs{
      n.i64ArrayAttr("kernel_shape", w->kernel),
      n.i64ArrayAttr("strides", w->strides),
      n.i64ArrayAttr("dilations", w->dilations),
      n.i64ArrayAttr("pads", w->pads), n.boolAttr("ceil_mode", *ceil != 0)};
  if (!isMax) {
    FailureOr<int64_t> include = n.getInt("count_include_pad", 0);
    if (failed(include))
      return failure();
    attrs.push_back(n.boolAttr("count_include_pad", *include != 0));
  }
  return setCreated(n, n.create<OpTy>(n.input(0), attrs));
}

/// LpPool: (sum over the window of |x|^p)^(1/p), the sum being an
/// AveragePool that counts the padding times the window's size.
LogicalResult importLpPool(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)) || failed(requireFloat(n, 1)))
    return failure();
  RankedTensorType x = n.inputType(0);
  if (x.getRank() < 3)
    return n.emitError() << "LpPool needs an input of rank >= 3, got "
                         << x.getRank();
  size_t spatial = x.getRank() - 2;
  FailureOr<Window> w =
      readWindow(n, spatial, x.getShape().drop_front(2), std::nullopt);
  FailureOr<int64_t> ceil = n.getInt("ceil_mode", 0);
  FailureOr<int64_t> p = n.getInt("p", 2);
  if (failed(w) || failed(ceil) || failed(p))
    return failure();
  if (*ceil)
    return n.emitError() << "LpPool ceil_mode is not supported";
  if (*p < 1 || *p > 64)
    return n.emitError() << "LpPool p must be in [1, 64], got " << *p;
  double count = 1;
  for (int64_t k : w->kernel)
    count *= double(k);
  Type e = x.getElementType();
  FailureOr<Value> v = n.create<graph::AbsOp>(n.input(0));
  if (succeeded(v) && *p != 1)
    v = n.create<graph::PowOp>(ValueRange{*v, n.scalarConstant(e, *p)});
  if (succeeded(v))
    v = n.create<graph::AveragePoolOp>(
        *v, {n.i64ArrayAttr("kernel_shape", w->kernel),
             n.i64ArrayAttr("strides", w->strides),
             n.i64ArrayAttr("dilations", w->dilations),
             n.i64ArrayAttr("pads", w->pads), n.boolAttr("ceil_mode", false),
             n.boolAttr("count_include_pad", true)});
  if (succeeded(v))
    v = n.create<graph::MulOp>(ValueRange{*v, n.scalarConstant(e, count)});
  if (succeeded(v) && *p != 1)
    v = n.create<graph::PowOp>(
        ValueRange{*v, n.scalarConstant(e, 1.0 / double(*p))});
  return setCreated(n, v);
}

/// GlobalAveragePool / GlobalMaxPool are reductions over the spatial
/// dimensions that keep them as size 1.
template <typename ReduceOp>
LogicalResult importGlobalPool(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)) || failed(requireFloat(n, 1)))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  if (rank < 3)
    return n.emitError() << n.node().op_type()
                         << " needs an input of rank >= 3, got " << rank;
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  return setCreated(n, n.create<ReduceOp>(n.input(0),
                                          {n.i64ArrayAttr("axes", axes),
                                           n.boolAttr("keepdims", true)}));
}

LogicalResult importBatchNorm(NodeImporter &n) {
  if (failed(n.checkInputCount(5, 5)) || failed(requireFloat(n, 5)))
    return failure();
  FailureOr<double> eps = n.getFloat("epsilon", 1e-5);
  FailureOr<int64_t> training = n.getInt("training_mode", 0);
  if (failed(eps) || failed(training))
    return failure();
  if (*training)
    return compose::batchNormTraining(n, *eps);
  if (failed(onlyFirstOutput(n, "running statistics")))
    return failure();
  return setCreated(
      n, n.create<graph::BatchNormOp>(
             ValueRange{n.input(0), n.input(1), n.input(2), n.input(3),
                        n.input(4)},
             {n.f32Attr("epsilon", *eps)}));
}

LogicalResult importInstanceNorm(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 3)) || failed(requireFloat(n, 3)))
    return failure();
  FailureOr<double> eps = n.getFloat("epsilon", 1e-5);
  if (failed(eps))
    return failure();
  return setCreated(
      n, n.create<graph::InstanceNormOp>(
             ValueRange{n.input(0), n.input(1), n.input(2)},
             {n.f32Attr("epsilon", *eps)}));
}

LogicalResult importLayerNorm(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 3)) || failed(requireFloat(n, 3)))
    return failure();
  FailureOr<int64_t> axis = n.getInt("axis", -1);
  FailureOr<double> eps = n.getFloat("epsilon", 1e-5);
  FailureOr<int64_t> stash = n.getInt("stash_type", 1);
  if (failed(axis) || failed(eps) || failed(stash))
    return failure();
  FailureOr<int64_t> norm =
      graph::normalizeAxis(n.loc(), *axis, n.inputType(0).getRank());
  if (failed(norm))
    return failure();
  Value bias = n.hasInput(2)
                   ? n.input(2)
                   : n.scalarConstant(n.inputType(0).getElementType(), 0);
  FailureOr<Value> y = n.create<graph::LayerNormOp>(
      ValueRange{n.input(0), n.input(1), bias},
      {n.i64Attr("axis", *norm), n.f32Attr("epsilon", *eps)});
  if (failed(y))
    return failure();
  if (!compose::wantsOutput(n, 1) && !compose::wantsOutput(n, 2))
    return n.setResult(*y);
  // Mean and InvStdDev: the statistics again, as their own reductions.
  if (*stash != 1)
    return n.emitError() << "LayerNormalization stash_type " << *stash
                         << " is not supported with the Mean/InvStdDev "
                            "outputs (only 1, float32)";
  FailureOr<std::pair<Value, Value>> stats =
      compose::layerNormStats(n, n.input(0), *norm, *eps);
  if (failed(stats))
    return failure();
  return n.setResults({*y, stats->first, stats->second});
}

LogicalResult importEinsum(NodeImporter &n) {
  if (failed(n.checkInputCount(1, std::numeric_limits<size_t>::max())))
    return failure();
  FailureOr<std::string> equation = n.getString("equation");
  if (failed(equation))
    return failure();
  SmallVector<Value> inputs;
  for (size_t i = 0; i < n.numInputs(); ++i) {
    FailureOr<Value> v = n.requireInput(i);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
  }
  SmallVector<int64_t> ranks;
  for (Value v : inputs)
    ranks.push_back(cast<RankedTensorType>(v.getType()).getRank());
  FailureOr<std::string> explicitEq =
      compose::explicitEinsum(n, *equation, ranks);
  if (failed(explicitEq))
    return failure();
  return setCreated(n, n.create<graph::EinsumOp>(
                           inputs, {n.strAttr("equation", *explicitEq)}));
}

/// The float values of a constant Resize/Upsample 'scales' input.
FailureOr<SmallVector<double>> constantScales(NodeImporter &n, size_t i) {
  DenseElementsAttr s = n.constantInput(i);
  if (!s || !isa<FloatType>(s.getElementType()))
    return n.emitError() << "input 'scales' must be a constant; dlc needs it "
                            "at compile time";
  SmallVector<double> values;
  for (APFloat v : s.getValues<APFloat>())
    values.push_back(v.convertToDouble());
  return values;
}

/// Resize (opset 10+) and Upsample (7-9): nearest, linear or (Resize 11+)
/// cubic, from constant scales or sizes (sizes may keep the aspect ratio),
/// and tf_crop_and_resize with a constant roi.
LogicalResult importResize(NodeImporter &n) {
  bool upsample = n.node().op_type() == "Upsample";
  RankedTensorType x = n.inputType(0);
  if (failed(requireFloat(n, 1)))
    return failure();
  int64_t rank = x.getRank();
  FailureOr<std::string> mode = n.getString("mode", StringRef("nearest"));
  if (failed(mode))
    return failure();
  if (*mode == "bilinear" || *mode == "trilinear")
    *mode = "linear";
  bool cubicAllowed = !upsample && n.opset() >= 11;
  if (*mode != "nearest" && *mode != "linear" &&
      !(*mode == "cubic" && cubicAllowed))
    return n.emitError() << "Resize mode '" << *mode << "' is not supported";
  std::string ct = "asymmetric", nearest = "round_prefer_floor";
  SmallVector<double> scales;
  SmallVector<NamedAttribute> extra;
  SmallVector<int64_t> sizes;
  if (upsample) {
    if (n.opset() < 9) {
      if (failed(n.checkInputCount(1, 1)))
        return failure();
      FailureOr<SmallVector<double>> s = n.getFloats("scales");
      if (failed(s))
        return failure();
      scales = *s;
    } else {
      if (failed(n.checkInputCount(2, 2)))
        return failure();
      FailureOr<SmallVector<double>> s = constantScales(n, 1);
      if (failed(s))
        return failure();
      scales = *s;
    }
    nearest = "floor";
  } else if (n.opset() < 11) {
    if (failed(n.checkInputCount(2, 2)))
      return failure();
    FailureOr<SmallVector<double>> s = constantScales(n, 1);
    if (failed(s))
      return failure();
    scales = *s;
    nearest = "floor";
  } else {
    if (failed(n.checkInputCount(1, 4)))
      return failure();
    FailureOr<std::string> ctAttr = n.getString(
        "coordinate_transformation_mode", StringRef("half_pixel"));
    FailureOr<std::string> nm =
        n.getString("nearest_mode", StringRef("round_prefer_floor"));
    FailureOr<int64_t> antialias = n.getInt("antialias", 0);
    FailureOr<int64_t> exclude = n.getInt("exclude_outside", 0);
    FailureOr<std::string> policy =
        n.getString("keep_aspect_ratio_policy", StringRef("stretch"));
    FailureOr<double> cubicA = n.getFloat("cubic_coeff_a", -0.75);
    FailureOr<double> extrapolation = n.getFloat("extrapolation_value", 0.0);
    if (failed(ctAttr) || failed(nm) || failed(antialias) ||
        failed(exclude) || failed(policy) || failed(cubicA) ||
        failed(extrapolation))
      return failure();
    if (*antialias != 0 && *antialias != 1)
      return n.emitError() << "Resize antialias must be 0 or 1, got "
                           << *antialias;
    // Nearest ignores antialias.
    if (*antialias == 1 && *mode != "nearest")
      extra.push_back(n.boolAttr("antialias", true));
    if (*policy != "stretch" && *policy != "not_larger" &&
        *policy != "not_smaller")
      return n.emitError() << "Resize keep_aspect_ratio_policy '" << *policy
                           << "' is not supported";
    if (*exclude != 0 && *exclude != 1)
      return n.emitError() << "Resize exclude_outside must be 0 or 1, got "
                           << *exclude;
    ct = *ctAttr;
    nearest = *nm;
    SmallVector<int64_t> axes;
    if (n.hasAttr("axes")) {
      FailureOr<SmallVector<int64_t>> a = n.getInts("axes");
      if (failed(a))
        return failure();
      for (int64_t v : *a) {
        FailureOr<int64_t> norm = graph::normalizeAxis(n.loc(), v, rank);
        if (failed(norm))
          return failure();
        axes.push_back(*norm);
      }
    } else {
      for (int64_t d = 0; d < rank; ++d)
        axes.push_back(d);
    }
    bool hasScales = n.hasInput(2) && n.inputType(2).getNumElements() > 0;
    bool hasSizes = n.hasInput(3) && n.inputType(3).getNumElements() > 0;
    if (hasScales == hasSizes)
      return n.emitError() << "Resize needs exactly one of 'scales' and "
                              "'sizes'";
    SmallVector<double> partial;
    if (hasScales) {
      FailureOr<SmallVector<double>> s = constantScales(n, 2);
      if (failed(s))
        return failure();
      partial = *s;
    } else {
      FailureOr<SmallVector<int64_t>> sz = n.constantInts(3, "sizes");
      if (failed(sz))
        return failure();
      for (int64_t v : *sz)
        partial.push_back(double(v));
    }
    if (partial.size() != axes.size())
      return n.emitError() << "Resize has " << partial.size()
                           << " scales or sizes for " << axes.size()
                           << " axes";
    scales.assign(rank, 1.0);
    sizes.assign(x.getShape().begin(), x.getShape().end());
    for (auto [a, v] : llvm::zip(axes, partial)) {
      if (hasScales) {
        scales[a] = v;
      } else {
        if (v < 1 || v > double(int64_t(1) << 40))
          return n.emitError() << "Resize size " << v << " is out of range";
        sizes[a] = int64_t(v);
        scales[a] = v / double(x.getDimSize(a));
      }
    }
    if (*policy != "stretch") {
      if (hasScales)
        return n.emitError() << "Resize keep_aspect_ratio_policy '" << *policy
                             << "' needs 'sizes', not 'scales'";
      // One scale for all the axes: the smallest (not_larger) or largest
      // (not_smaller), the sizes rounded half up.
      double scale = scales[axes.front()];
      for (int64_t a : axes)
        scale = *policy == "not_larger" ? std::min(scale, scales[a])
                                        : std::max(scale, scales[a]);
      for (int64_t a : axes) {
        scales[a] = scale;
        sizes[a] = int64_t(scale * double(x.getDimSize(a)) + 0.5);
        if (sizes[a] < 1)
          return n.emitError() << "Resize size " << sizes[a]
                               << " is out of range";
      }
    }
    if (hasScales)
      sizes.clear();
    if (*mode == "cubic")
      extra.append({n.f32Attr("cubic_coeff_a", *cubicA),
                    n.boolAttr("exclude_outside", *exclude == 1)});
    if (ct == "tf_crop_and_resize") {
      DenseElementsAttr r = n.hasInput(1) ? n.constantInput(1) : nullptr;
      if (!r || !isa<FloatType>(r.getElementType()))
        return n.emitError() << "input 'roi' must be a constant; dlc needs "
                                "it at compile time";
      SmallVector<double> given;
      for (APFloat v : r.getValues<APFloat>())
        given.push_back(v.convertToDouble());
      size_t count = axes.size();
      if (given.size() != 2 * count)
        return n.emitError() << "Resize roi has " << given.size()
                             << " values, expected 2 * " << count;
      SmallVector<float> roi(rank, 0.0f);
      roi.append(rank, 1.0f);
      for (auto [i, a] : llvm::enumerate(axes)) {
        roi[a] = float(given[i]);
        roi[rank + a] = float(given[count + i]);
      }
      extra.push_back(n.f32Attr("extrapolation_value", *extrapolation));
      extra.push_back(
          n.attr("roi", n.builder().getDenseF32ArrayAttr(roi)));
    }
  }
  if (static_cast<int64_t>(scales.size()) != rank)
    return n.emitError() << "Resize has " << scales.size()
                         << " scales for an input of rank " << rank;
  if (sizes.empty()) {
    for (int64_t d = 0; d < rank; ++d) {
      if (!(scales[d] > 0) || scales[d] > 1e6)
        return n.emitError() << "Resize scale " << scales[d]
                             << " is out of range";
      sizes.push_back(int64_t(std::floor(double(x.getDimSize(d)) * scales[d])));
    }
  }
  SmallVector<float> fscales(scales.begin(), scales.end());
  auto type = RankedTensorType::get(sizes, x.getElementType());
  SmallVector<NamedAttribute> attrs{
      n.strAttr("mode", *mode),
      n.strAttr("coordinate_transformation_mode", ct),
      n.strAttr("nearest_mode", nearest),
      n.attr("scales", n.builder().getDenseF32ArrayAttr(fscales))};
  llvm::append_range(attrs, extra);
  return setCreated(
      n, n.create<graph::ResizeOp>(n.input(0), attrs, TypeRange{type}));
}

} // namespace

void dlc::registerNNOps(OpTable &t) {
  t.add("MatMul", 1, kMaxOpset, importMatMul);
  t.add("Gemm", 7, kMaxOpset, importGemm);
  t.add("Conv", 1, kMaxOpset, importConv);
  t.add("ConvTranspose", 1, kMaxOpset, importConvTranspose);
  t.add("ConvInteger", 10, kMaxOpset, importConvInteger);
  t.add("QLinearConv", 10, kMaxOpset, importQLinearConv);
  t.add("MaxPool", 1, kMaxOpset, importPool<graph::MaxPoolOp>);
  t.add("AveragePool", 1, kMaxOpset, importPool<graph::AveragePoolOp>);
  t.add("LpPool", 2, kMaxOpset, importLpPool);
  t.add("GlobalAveragePool", 1, kMaxOpset,
        importGlobalPool<graph::ReduceMeanOp>);
  t.add("GlobalMaxPool", 1, kMaxOpset, importGlobalPool<graph::ReduceMaxOp>);
  t.add("BatchNormalization", 7, kMaxOpset, importBatchNorm);
  t.add("InstanceNormalization", 6, kMaxOpset, importInstanceNorm);
  t.add("LayerNormalization", 17, kMaxOpset, importLayerNorm);
  t.add("Einsum", 12, kMaxOpset, importEinsum);
  t.add("Resize", 10, kMaxOpset, importResize);
  t.add("Upsample", 7, 9, importResize);
}

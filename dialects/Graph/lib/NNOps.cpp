//===- NNOps.cpp - matmul, convolution, pooling, ... ----------------------===//

#include "dlc/Dialect/Graph/GraphOps.h"
#include "dlc/Dialect/Graph/GraphUtils.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace dlc::graph;

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         ValueRange operands, DictionaryAttr,
                                         OpaqueProperties, RegionRange,
                                         SmallVectorImpl<Type> &inferred) {
  auto lhs = cast<RankedTensorType>(operands[0].getType());
  auto rhs = cast<RankedTensorType>(operands[1].getType());
  if (lhs.getElementType() != rhs.getElementType())
    return inferError(loc, "matmul operand element types differ");
  if (lhs.getRank() < 1 || rhs.getRank() < 1)
    return inferError(loc, "matmul operands must have rank >= 1");
  SmallVector<int64_t> l(lhs.getShape()), r(rhs.getShape());
  bool lhsVector = l.size() == 1, rhsVector = r.size() == 1;
  if (lhsVector)
    l.insert(l.begin(), 1);
  if (rhsVector)
    r.push_back(1);
  int64_t k = l.back(), k2 = r[r.size() - 2];
  if (k != k2)
    return inferError(loc, "matmul contraction dimensions differ: ", k,
                      " vs ", k2);
  FailureOr<SmallVector<int64_t>> batch = broadcastShapes(
      ArrayRef<int64_t>(l).drop_back(2), ArrayRef<int64_t>(r).drop_back(2));
  if (failed(batch))
    return inferError(loc, "matmul batch dimensions do not broadcast");
  SmallVector<int64_t> shape(*batch);
  if (!lhsVector)
    shape.push_back(l[l.size() - 2]);
  if (!rhsVector)
    shape.push_back(r.back());
  inferred.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

namespace {

/// Reads a required dense i64 array attribute of `rank` entries.
FailureOr<ArrayRef<int64_t>> spatialAttr(std::optional<Location> loc,
                                         DictionaryAttr attrs, StringRef name,
                                         size_t count) {
  auto attr = attrs ? attrs.getAs<DenseI64ArrayAttr>(name) : nullptr;
  if (!attr)
    return inferError(loc, "missing attribute '", name, "'");
  if (attr.size() != static_cast<int64_t>(count))
    return inferError(loc, "'", name, "' has ", attr.size(),
                      " entries, expected ", count);
  return attr.asArrayRef();
}

/// Output size of a sliding window; fails on overflow or an empty window.
FailureOr<int64_t> windowOutput(std::optional<Location> loc, int64_t in,
                                int64_t kernel, int64_t stride,
                                int64_t dilation, int64_t padBegin,
                                int64_t padEnd, bool ceilMode) {
  if (kernel < 1 || stride < 1 || dilation < 1)
    return inferError(loc, "kernel, stride and dilation must be >= 1, got ",
                      kernel, ", ", stride, ", ", dilation);
  if (padBegin < 0 || padEnd < 0)
    return inferError(loc, "pads must be >= 0, got ", padBegin, " and ",
                      padEnd);
  int64_t span, padded;
  if (llvm::MulOverflow(dilation, kernel - 1, span) ||
      llvm::AddOverflow(in, padBegin, padded) ||
      llvm::AddOverflow(padded, padEnd, padded))
    return inferError(loc, "window arithmetic overflows int64");
  span += 1;
  if (padded < span)
    return inferError(loc, "the window (", span,
                      " with dilation) is larger than the padded input (",
                      padded, ")");
  int64_t out = (padded - span) / stride + 1;
  if (ceilMode && (padded - span) % stride != 0) {
    ++out;
    // The last window must start inside the input or the begin padding.
    if ((out - 1) * stride >= in + padBegin)
      --out;
  }
  return out;
}

LogicalResult sameElementTypes(std::optional<Location> loc,
                               ValueRange operands, StringRef what) {
  Type element = getElementTypeOrSelf(operands[0].getType());
  for (Value v : operands.drop_front())
    if (getElementTypeOrSelf(v.getType()) != element)
      return inferError(loc, what, " operand element types differ");
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// Gemm
//===----------------------------------------------------------------------===//

LogicalResult GemmOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       ValueRange operands,
                                       DictionaryAttr attrs, OpaqueProperties,
                                       RegionRange,
                                       SmallVectorImpl<Type> &inferred) {
  auto a = cast<RankedTensorType>(operands[0].getType());
  auto b = cast<RankedTensorType>(operands[1].getType());
  auto c = cast<RankedTensorType>(operands[2].getType());
  if (failed(sameElementTypes(loc, operands, "gemm")))
    return failure();
  if (a.getRank() != 2 || b.getRank() != 2)
    return inferError(loc, "gemm A and B must be matrices, got ranks ",
                      a.getRank(), " and ", b.getRank());
  auto ta = attrs ? attrs.getAs<BoolAttr>("trans_a") : nullptr;
  auto tb = attrs ? attrs.getAs<BoolAttr>("trans_b") : nullptr;
  if (!ta || !tb)
    return inferError(loc, "gemm needs 'trans_a' and 'trans_b'");
  int64_t m = a.getDimSize(ta.getValue() ? 1 : 0);
  int64_t k = a.getDimSize(ta.getValue() ? 0 : 1);
  int64_t k2 = b.getDimSize(tb.getValue() ? 1 : 0);
  int64_t n = b.getDimSize(tb.getValue() ? 0 : 1);
  if (k != k2)
    return inferError(loc, "gemm inner dimensions differ: ", k, " vs ", k2);
  if (c.getRank() > 2)
    return inferError(loc, "gemm C must have rank <= 2, got ", c.getRank());
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(c.getShape(), ArrayRef<int64_t>{m, n});
  if (failed(shape) || (*shape)[0] != m || (*shape)[1] != n)
    return inferError(loc, "gemm C does not broadcast to (", m, ", ", n, ")");
  inferred.push_back(RankedTensorType::get({m, n}, a.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

/// Checks the operands of conv / conv_transpose and reads the spatial
/// attributes. `transposed` swaps the weight's channel dimensions.
static LogicalResult
convCommon(std::optional<Location> loc, ValueRange operands,
           DictionaryAttr attrs, bool transposed, int64_t &group,
           ArrayRef<int64_t> &strides, ArrayRef<int64_t> &dilations,
           ArrayRef<int64_t> &pads) {
  auto x = cast<RankedTensorType>(operands[0].getType());
  auto w = cast<RankedTensorType>(operands[1].getType());
  auto bias = cast<RankedTensorType>(operands[2].getType());
  StringRef name = transposed ? "conv_transpose" : "conv";
  if (failed(sameElementTypes(loc, operands, name)))
    return failure();
  if (x.getRank() < 3 || w.getRank() != x.getRank())
    return inferError(loc, name, " needs input and weight of the same rank "
                      ">= 3, got ", x.getRank(), " and ", w.getRank());
  size_t spatial = x.getRank() - 2;
  auto groupAttr = attrs ? attrs.getAs<IntegerAttr>("group") : nullptr;
  if (!groupAttr || groupAttr.getInt() < 1)
    return inferError(loc, name, " group must be >= 1");
  group = groupAttr.getInt();
  auto s = spatialAttr(loc, attrs, "strides", spatial);
  auto d = spatialAttr(loc, attrs, "dilations", spatial);
  auto p = spatialAttr(loc, attrs, "pads", 2 * spatial);
  if (failed(s) || failed(d) || failed(p))
    return failure();
  strides = *s;
  dilations = *d;
  pads = *p;
  int64_t channels = x.getDimSize(1);
  int64_t outChannels;
  if (!transposed) {
    if (channels % group || w.getDimSize(1) * group != channels)
      return inferError(loc, "conv input has ", channels,
                        " channels, the weight expects ", w.getDimSize(1),
                        " x group ", group);
    if (w.getDimSize(0) % group)
      return inferError(loc, "conv weight has ", w.getDimSize(0),
                        " filters, not a multiple of group ", group);
    outChannels = w.getDimSize(0);
  } else {
    if (w.getDimSize(0) != channels || channels % group)
      return inferError(loc, "conv_transpose input has ", channels,
                        " channels, the weight ", w.getDimSize(0));
    outChannels = w.getDimSize(1) * group;
  }
  if (bias.getRank() != 1 || bias.getDimSize(0) != outChannels)
    return inferError(loc, name, " bias must have shape (", outChannels,
                      "), got ", bias);
  return success();
}

LogicalResult ConvOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       ValueRange operands,
                                       DictionaryAttr attrs, OpaqueProperties,
                                       RegionRange,
                                       SmallVectorImpl<Type> &inferred) {
  int64_t group;
  ArrayRef<int64_t> strides, dilations, pads;
  if (failed(convCommon(loc, operands, attrs, false, group, strides,
                        dilations, pads)))
    return failure();
  auto x = cast<RankedTensorType>(operands[0].getType());
  auto w = cast<RankedTensorType>(operands[1].getType());
  size_t spatial = x.getRank() - 2;
  SmallVector<int64_t> shape{x.getDimSize(0), w.getDimSize(0)};
  for (size_t i = 0; i < spatial; ++i) {
    FailureOr<int64_t> out = windowOutput(
        loc, x.getDimSize(2 + i), w.getDimSize(2 + i), strides[i],
        dilations[i], pads[i], pads[spatial + i], false);
    if (failed(out))
      return failure();
    shape.push_back(*out);
  }
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

LogicalResult ConvTransposeOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange operands,
    DictionaryAttr attrs, OpaqueProperties, RegionRange,
    SmallVectorImpl<Type> &inferred) {
  int64_t group;
  ArrayRef<int64_t> strides, dilations, pads;
  if (failed(convCommon(loc, operands, attrs, true, group, strides,
                        dilations, pads)))
    return failure();
  auto x = cast<RankedTensorType>(operands[0].getType());
  auto w = cast<RankedTensorType>(operands[1].getType());
  size_t spatial = x.getRank() - 2;
  auto outPad = spatialAttr(loc, attrs, "output_padding", spatial);
  if (failed(outPad))
    return failure();
  SmallVector<int64_t> shape{x.getDimSize(0), w.getDimSize(1) * group};
  for (size_t i = 0; i < spatial; ++i) {
    int64_t s = strides[i], d = dilations[i], k = w.getDimSize(2 + i);
    if (s < 1 || d < 1 || (*outPad)[i] < 0 || pads[i] < 0 ||
        pads[spatial + i] < 0)
      return inferError(loc, "conv_transpose strides and dilations must be "
                             ">= 1, pads and output_padding >= 0");
    if (s > (int64_t(1) << 31) || d > (int64_t(1) << 31) ||
        x.getDimSize(2 + i) > (int64_t(1) << 31) || k > (int64_t(1) << 31) ||
        (*outPad)[i] > (int64_t(1) << 31))
      return inferError(loc, "conv_transpose sizes are too large");
    int64_t out = s * (x.getDimSize(2 + i) - 1) + (*outPad)[i] +
                  d * (k - 1) + 1 - pads[i] - pads[spatial + i];
    if (out < 1)
      return inferError(loc, "conv_transpose output dimension ", i,
                        " would be ", out);
    shape.push_back(out);
  }
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

static LogicalResult inferPool(std::optional<Location> loc,
                               ValueRange operands, DictionaryAttr attrs,
                               SmallVectorImpl<Type> &inferred) {
  auto x = cast<RankedTensorType>(operands[0].getType());
  if (x.getRank() < 3)
    return inferError(loc, "pooling needs an input of rank >= 3, got ",
                      x.getRank());
  size_t spatial = x.getRank() - 2;
  auto k = spatialAttr(loc, attrs, "kernel_shape", spatial);
  auto s = spatialAttr(loc, attrs, "strides", spatial);
  auto d = spatialAttr(loc, attrs, "dilations", spatial);
  auto p = spatialAttr(loc, attrs, "pads", 2 * spatial);
  auto ceil = attrs ? attrs.getAs<BoolAttr>("ceil_mode") : nullptr;
  if (failed(k) || failed(s) || failed(d) || failed(p))
    return failure();
  if (!ceil)
    return inferError(loc, "missing attribute 'ceil_mode'");
  SmallVector<int64_t> shape{x.getDimSize(0), x.getDimSize(1)};
  for (size_t i = 0; i < spatial; ++i) {
    // A pad as large as the window would make windows of padding only.
    if ((*p)[i] >= (*k)[i] * (*d)[i] || (*p)[spatial + i] >= (*k)[i] * (*d)[i])
      return inferError(loc, "pads must be smaller than the window");
    FailureOr<int64_t> out =
        windowOutput(loc, x.getDimSize(2 + i), (*k)[i], (*s)[i], (*d)[i],
                     (*p)[i], (*p)[spatial + i], ceil.getValue());
    if (failed(out))
      return failure();
    shape.push_back(*out);
  }
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          ValueRange operands,
                                          DictionaryAttr attrs,
                                          OpaqueProperties, RegionRange,
                                          SmallVectorImpl<Type> &inferred) {
  return inferPool(loc, operands, attrs, inferred);
}

LogicalResult AveragePoolOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange operands,
    DictionaryAttr attrs, OpaqueProperties, RegionRange,
    SmallVectorImpl<Type> &inferred) {
  if (!attrs || !attrs.getAs<BoolAttr>("count_include_pad"))
    return inferError(loc, "missing attribute 'count_include_pad'");
  return inferPool(loc, operands, attrs, inferred);
}

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

static LogicalResult channelParams(std::optional<Location> loc,
                                   ValueRange operands, StringRef name) {
  auto x = cast<RankedTensorType>(operands[0].getType());
  if (failed(sameElementTypes(loc, operands, name)))
    return failure();
  if (x.getRank() < 2)
    return inferError(loc, name, " needs an input of rank >= 2, got ",
                      x.getRank());
  for (Value v : operands.drop_front()) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != 1 || t.getDimSize(0) != x.getDimSize(1))
      return inferError(loc, name, " parameters must have shape (",
                        x.getDimSize(1), "), got ", t);
  }
  return success();
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            ValueRange operands,
                                            DictionaryAttr, OpaqueProperties,
                                            RegionRange,
                                            SmallVectorImpl<Type> &inferred) {
  if (failed(channelParams(loc, operands, "batch_norm")))
    return failure();
  inferred.push_back(operands[0].getType());
  return success();
}

LogicalResult InstanceNormOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange operands,
    DictionaryAttr, OpaqueProperties, RegionRange,
    SmallVectorImpl<Type> &inferred) {
  if (failed(channelParams(loc, operands, "instance_norm")))
    return failure();
  if (cast<RankedTensorType>(operands[0].getType()).getRank() < 3)
    return inferError(loc, "instance_norm needs an input of rank >= 3");
  inferred.push_back(operands[0].getType());
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            ValueRange operands,
                                            DictionaryAttr attrs,
                                            OpaqueProperties, RegionRange,
                                            SmallVectorImpl<Type> &inferred) {
  auto x = cast<RankedTensorType>(operands[0].getType());
  if (failed(sameElementTypes(loc, operands, "layer_norm")))
    return failure();
  auto axisAttr = attrs ? attrs.getAs<IntegerAttr>("axis") : nullptr;
  if (!axisAttr)
    return inferError(loc, "layer_norm needs 'axis'");
  int64_t axis = axisAttr.getInt();
  if (axis < 0 || axis >= std::max<int64_t>(x.getRank(), 1))
    return inferError(loc, "layer_norm axis ", axis,
                      " is out of range for rank ", x.getRank());
  ArrayRef<int64_t> normalized = x.getShape().drop_front(axis);
  for (Value v : operands.drop_front()) {
    auto t = cast<RankedTensorType>(v.getType());
    FailureOr<SmallVector<int64_t>> b =
        broadcastShapes(t.getShape(), normalized);
    if (failed(b) || ArrayRef<int64_t>(*b) != normalized)
      return inferError(loc, "layer_norm scale and bias must broadcast to "
                             "the normalized shape");
  }
  inferred.push_back(x);
  return success();
}

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

namespace dlc::graph {
FailureOr<EinsumEquation> parseEinsum(std::optional<Location> loc,
                                      StringRef equation, size_t numInputs) {
  EinsumEquation eq;
  std::string compact;
  for (char c : equation)
    if (c != ' ')
      compact.push_back(c);
  StringRef s = compact;
  if (s.contains("..."))
    return inferError(loc, "einsum '", equation,
                      "': ellipsis ('...') is not supported");
  auto [lhs, rhs] = s.split("->");
  if (!s.contains("->"))
    return inferError(loc, "einsum '", equation,
                      "': implicit output ('->' missing) is not supported");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != numInputs)
    return inferError(loc, "einsum '", equation, "' has ", terms.size(),
                      " operands, the op ", numInputs);
  auto valid = [](StringRef t) {
    return llvm::all_of(t, [](char c) { return llvm::isAlpha(c); });
  };
  for (StringRef t : terms) {
    if (!valid(t))
      return inferError(loc, "einsum '", equation, "': bad term '", t, "'");
    eq.inputs.push_back(t.str());
  }
  if (!valid(rhs))
    return inferError(loc, "einsum '", equation, "': bad output '", rhs, "'");
  eq.output = rhs.str();
  for (char c : eq.output) {
    if (llvm::count(eq.output, c) != 1)
      return inferError(loc, "einsum '", equation, "': output letter '",
                        std::string(1, c), "' repeats");
    if (!llvm::any_of(eq.inputs, [&](const std::string &t) {
          return t.find(c) != std::string::npos;
        }))
      return inferError(loc, "einsum '", equation, "': output letter '",
                        std::string(1, c), "' is not in any operand");
  }
  return eq;
}
} // namespace dlc::graph

LogicalResult EinsumOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         ValueRange operands,
                                         DictionaryAttr attrs,
                                         OpaqueProperties, RegionRange,
                                         SmallVectorImpl<Type> &inferred) {
  auto eqAttr = attrs ? attrs.getAs<StringAttr>("equation") : nullptr;
  if (!eqAttr || operands.empty())
    return inferError(loc, "einsum needs operands and an 'equation'");
  if (failed(sameElementTypes(loc, operands, "einsum")))
    return failure();
  FailureOr<EinsumEquation> eq =
      parseEinsum(loc, eqAttr.getValue(), operands.size());
  if (failed(eq))
    return failure();
  llvm::DenseMap<char, int64_t> sizes;
  for (auto [term, v] : llvm::zip(eq->inputs, operands)) {
    auto t = cast<RankedTensorType>(v.getType());
    if (static_cast<int64_t>(term.size()) != t.getRank())
      return inferError(loc, "einsum term '", term, "' has ", term.size(),
                        " letters, its operand rank ", t.getRank());
    for (auto [i, c] : llvm::enumerate(term)) {
      int64_t d = t.getDimSize(i);
      auto [it, inserted] = sizes.try_emplace(c, d);
      if (!inserted && it->second != d) {
        if (it->second == 1)
          it->second = d;
        else if (d != 1)
          return inferError(loc, "einsum letter '", std::string(1, c),
                            "' has sizes ", it->second, " and ", d);
      }
    }
  }
  SmallVector<int64_t> shape;
  for (char c : eq->output)
    shape.push_back(sizes[c]);
  inferred.push_back(RankedTensorType::get(
      shape, cast<RankedTensorType>(operands[0].getType()).getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

LogicalResult ResizeOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  if (in.getRank() != out.getRank() ||
      static_cast<int64_t>(getScales().size()) != in.getRank())
    return emitOpError("input, result and scales must have the same rank");
  if (in.getElementType() != out.getElementType())
    return emitOpError("result element type differs from the input's");
  for (float s : getScales())
    if (!(s > 0))
      return emitOpError("scales must be > 0");
  if (getMode() != "nearest" && getMode() != "linear" &&
      getMode() != "cubic")
    return emitOpError("mode must be nearest, linear or cubic, got '")
           << getMode() << "'";
  StringRef ct = getCoordinateTransformationMode();
  if (ct != "half_pixel" && ct != "pytorch_half_pixel" &&
      ct != "align_corners" && ct != "asymmetric" &&
      ct != "tf_half_pixel_for_nearest" && ct != "half_pixel_symmetric" &&
      ct != "tf_crop_and_resize")
    return emitOpError("unsupported coordinate_transformation_mode '")
           << ct << "'";
  if (getAntialias() && getMode() == "nearest")
    return emitOpError("antialias needs mode linear or cubic");
  if (ct == "tf_crop_and_resize" &&
      static_cast<int64_t>(getRoi().size()) != 2 * in.getRank())
    return emitOpError("tf_crop_and_resize needs a roi of 2 * rank = ")
           << 2 * in.getRank() << " values, got " << getRoi().size();
  StringRef nm = getNearestMode();
  if (nm != "round_prefer_floor" && nm != "round_prefer_ceil" &&
      nm != "floor" && nm != "ceil")
    return emitOpError("unsupported nearest_mode '") << nm << "'";
  return success();
}

//===- QuantizeOps.cpp - ONNX linear quantization ops ---------------------===//
//
// QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear, imported as
// graph arithmetic in f32:
//
//   DequantizeLinear  y = (cast<f32>(x) - cast<f32>(zero_point)) * scale
//   QuantizeLinear    y = cast<T>(clip(round(x / scale) + zero_point))
//                         (float8/float4 T: cast<T, saturate>(x / scale))
//
// The scale and zero point are per tensor (a scalar or one element), per
// axis (1-D, the length of x along `axis`) or blocked (x's rank, x's shape
// but ceil(dim / block_size) along `axis`); they are broadcast to x first
// (blocked ones by a gather repeating each element block_size times). The
// storage types (int4, float8, ...) convert through graph.cast, whose
// lowering decodes and encodes them.
//
//===----------------------------------------------------------------------===//

#include "../OpTable.h"
#include "../TensorImport.h"

#include <cmath>

using namespace mlir;
using namespace dlc;

namespace {

FailureOr<Value> castTo(NodeImporter &n, Value v, Type element,
                        ArrayRef<NamedAttribute> attrs = {}) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType() == element)
    return v;
  return n.create<graph::CastOp>(v, attrs, TypeRange{type.clone(element)});
}

std::string shapeOf(RankedTensorType t) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(t.getShape()))
    s += (i ? "," : "") + std::to_string(d);
  return s + "]";
}

/// `param` (a scale or zero point) made broadcastable against x: a scalar,
/// a [C, 1, ..., 1] tensor, or (blocked) x's shape. Errors name `what`.
FailureOr<Value> broadcastParam(NodeImporter &n, Value param, StringRef what,
                                RankedTensorType x, int64_t axis,
                                int64_t blockSize) {
  auto type = cast<RankedTensorType>(param.getType());
  Type element = type.getElementType();
  int64_t rank = x.getRank();
  auto bad = [&]() {
    return n.emitError() << what << " of shape " << shapeOf(type)
                         << " does not fit input of shape " << shapeOf(x)
                         << " (axis " << axis << ", block_size " << blockSize
                         << "): per tensor it is a scalar or has one "
                            "element, per axis it is 1-D with the input's "
                            "length along the axis, blocked it has the "
                            "input's rank";
  };
  if (blockSize == 0 && type.getNumElements() == 1) {
    if (type.getRank() == 0)
      return param;
    return n.create<graph::ReshapeOp>(
        param, {}, TypeRange{RankedTensorType::get({}, element)});
  }
  if (rank == 0 || axis < 0 || axis >= rank)
    return bad();
  int64_t length = x.getDimSize(axis);
  if (blockSize == 0) {
    if (type.getRank() != 1 || type.getDimSize(0) != length)
      return bad();
    SmallVector<int64_t> shape(rank - axis, 1);
    shape[0] = length;
    return n.create<graph::ReshapeOp>(
        param, {}, TypeRange{RankedTensorType::get(shape, element)});
  }
  if (blockSize < 0 || type.getRank() != rank)
    return bad();
  for (int64_t d = 0; d < rank; ++d) {
    int64_t want =
        d == axis ? (length + blockSize - 1) / blockSize : x.getDimSize(d);
    if (type.getDimSize(d) != want)
      return bad();
  }
  SmallVector<int64_t> index(length);
  for (int64_t i = 0; i < length; ++i)
    index[i] = i / blockSize;
  auto indexType = RankedTensorType::get({length}, n.builder().getI64Type());
  Value indices =
      n.constant(DenseElementsAttr::get(indexType, ArrayRef<int64_t>(index)));
  return n.create<graph::GatherOp>({param, indices}, {n.i64Attr("axis", axis)});
}

/// The axis (normalized) and block_size attributes, checked against x.
FailureOr<std::pair<int64_t, int64_t>> axisAndBlock(NodeImporter &n,
                                                    RankedTensorType x) {
  FailureOr<int64_t> axis = n.getInt("axis", 1);
  FailureOr<int64_t> block = n.getInt("block_size", 0);
  if (failed(axis) || failed(block))
    return failure();
  int64_t a = *axis < 0 ? *axis + x.getRank() : *axis;
  if (*block < 0)
    return n.emitError() << "block_size must not be negative, got " << *block;
  return std::make_pair(a, *block);
}

LogicalResult importDequantizeLinear(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 3)))
    return failure();
  RankedTensorType x = n.inputType(0);
  auto ab = axisAndBlock(n, x);
  if (failed(ab))
    return failure();
  Type f32 = n.builder().getF32Type();
  Type scaleElement = n.inputType(1).getElementType();
  if (!isa<FloatType>(scaleElement))
    return n.emitError() << "x_scale must be a float tensor, got "
                         << n.inputType(1);
  Type outElement = scaleElement;
  if (n.hasAttr("output_dtype")) {
    FailureOr<int64_t> dtype = n.getInt("output_dtype");
    if (failed(dtype))
      return failure();
    if (*dtype != 0) {
      llvm::Expected<Type> t = convertElementType(n.context(), int32_t(*dtype));
      if (!t)
        return n.emitError()
               << "output_dtype: " << llvm::toString(t.takeError());
      outElement = *t;
    }
  }
  if (n.hasInput(2) && n.inputType(2).getElementType() != x.getElementType())
    return n.emitError() << "x_zero_point has element type "
                         << n.inputType(2).getElementType() << ", but x has "
                         << x.getElementType();
  FailureOr<Value> v = castTo(n, n.input(0), f32);
  if (failed(v))
    return failure();
  if (n.hasInput(2)) {
    FailureOr<Value> zp =
        broadcastParam(n, n.input(2), "x_zero_point", x, ab->first, ab->second);
    if (failed(zp) || failed(zp = castTo(n, *zp, f32)) ||
        failed(v = n.create<graph::SubOp>({*v, *zp})))
      return failure();
  }
  FailureOr<Value> scale =
      broadcastParam(n, n.input(1), "x_scale", x, ab->first, ab->second);
  if (failed(scale) || failed(scale = castTo(n, *scale, f32)) ||
      failed(v = n.create<graph::MulOp>({*v, *scale})) ||
      failed(v = castTo(n, *v, outElement)))
    return failure();
  return n.setResult(*v);
}

/// The range of an integer quantized type, as floats.
std::pair<double, double> intRange(Type element) {
  unsigned width = element.getIntOrFloatBitWidth();
  if (element.isUnsignedInteger())
    return {0.0, std::ldexp(1.0, width) - 1};
  return {-std::ldexp(1.0, width - 1), std::ldexp(1.0, width - 1) - 1};
}

/// round(v) + zp clipped to `element`'s range and cast (integers), or
/// v + zp cast with `saturate` (floats); v and zp are f32.
FailureOr<Value> quantizeValue(NodeImporter &n, Value v, Value zp, Type element,
                               bool saturate) {
  if (isa<FloatType>(element)) {
    FailureOr<Value> sum = v;
    if (zp && failed(sum = n.create<graph::AddOp>({v, zp})))
      return failure();
    SmallVector<NamedAttribute> attrs;
    if (!saturate)
      attrs.push_back(n.boolAttr("saturate", false));
    return castTo(n, *sum, element, attrs);
  }
  FailureOr<Value> r = n.create<graph::RoundOp>(v);
  if (failed(r) || (zp && failed(r = n.create<graph::AddOp>({*r, zp}))))
    return failure();
  auto [lo, hi] = intRange(element);
  Type f32 = n.builder().getF32Type();
  r = n.create<graph::ClipOp>(
      ValueRange{*r, n.scalarConstant(f32, lo), n.scalarConstant(f32, hi)}, {},
      TypeRange{r->getType()});
  if (failed(r))
    return failure();
  return castTo(n, *r, element);
}

bool isQuantizedType(Type t) {
  if (auto i = dyn_cast<IntegerType>(t))
    return i.getWidth() > 1 && i.getWidth() <= 16;
  return isa<FloatType>(t) && t.getIntOrFloatBitWidth() <= 8;
}

LogicalResult importQuantizeLinear(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 3)))
    return failure();
  RankedTensorType x = n.inputType(0);
  auto ab = axisAndBlock(n, x);
  FailureOr<int64_t> saturate = n.getInt("saturate", 1);
  FailureOr<int64_t> dtype = n.getInt("output_dtype", 0);
  if (failed(ab) || failed(saturate) || failed(dtype))
    return failure();
  Type element = IntegerType::get(n.context(), 8, IntegerType::Unsigned);
  if (n.hasInput(2))
    element = n.inputType(2).getElementType();
  if (*dtype != 0) {
    llvm::Expected<Type> t = convertElementType(n.context(), int32_t(*dtype));
    if (!t)
      return n.emitError() << "output_dtype: " << llvm::toString(t.takeError());
    if (n.hasInput(2) && *t != element)
      return n.emitError() << "output_dtype " << *t
                           << " differs from y_zero_point's element type "
                           << element;
    element = *t;
  }
  if (!isQuantizedType(element))
    return n.emitError() << "QuantizeLinear to " << element
                         << " is not supported (8-, 16-, 4- and 2-bit "
                            "integers, float8 and float4)";
  if (!isa<FloatType>(x.getElementType()) ||
      !isa<FloatType>(n.inputType(1).getElementType()))
    return n.emitError() << "x and y_scale must be float tensors, got " << x
                         << " and " << n.inputType(1);
  Type f32 = n.builder().getF32Type();
  FailureOr<Value> v = castTo(n, n.input(0), f32);
  FailureOr<Value> scale =
      broadcastParam(n, n.input(1), "y_scale", x, ab->first, ab->second);
  if (failed(v) || failed(scale) || failed(scale = castTo(n, *scale, f32)) ||
      failed(v = n.create<graph::DivOp>({*v, *scale})))
    return failure();
  Value zp;
  if (n.hasInput(2)) {
    FailureOr<Value> z =
        broadcastParam(n, n.input(2), "y_zero_point", x, ab->first, ab->second);
    if (failed(z) || failed(z = castTo(n, *z, f32)))
      return failure();
    zp = *z;
  }
  FailureOr<Value> y = quantizeValue(n, *v, zp, element, *saturate != 0);
  return failed(y) ? failure() : n.setResult(*y);
}

/// DynamicQuantizeLinear: uint8 with the scale and zero point of x's range
/// (widened to include 0).
LogicalResult importDynamicQuantizeLinear(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  RankedTensorType x = n.inputType(0);
  if (!x.getElementType().isF32())
    return n.emitError() << "DynamicQuantizeLinear input must be float32, got "
                         << x;
  if (x.getNumElements() == 0)
    return n.emitError() << "DynamicQuantizeLinear input has no elements";
  Type f32 = n.builder().getF32Type();
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < x.getRank(); ++d)
    axes.push_back(d);
  auto reduceAll = [&](auto tag) -> FailureOr<Value> {
    using OpTy = decltype(tag);
    Value v = n.input(0);
    if (x.getRank() == 0)
      return v;
    return n.create<OpTy>(
        v, {n.i64ArrayAttr("axes", axes), n.boolAttr("keepdims", false)});
  };
  FailureOr<Value> hi = reduceAll(graph::ReduceMaxOp());
  FailureOr<Value> lo = reduceAll(graph::ReduceMinOp());
  Value zero = n.scalarConstant(f32, 0.0);
  if (failed(hi) || failed(lo) ||
      failed(hi = n.create<graph::MaxOp>({*hi, zero})) ||
      failed(lo = n.create<graph::MinOp>({*lo, zero})))
    return failure();
  FailureOr<Value> range = n.create<graph::SubOp>({*hi, *lo});
  FailureOr<Value> scale;
  if (failed(range) || failed(scale = n.create<graph::DivOp>(
                                  {*range, n.scalarConstant(f32, 255.0)})))
    return failure();
  // zero_point = clip(round(0 - lo / scale), 0, 255).
  FailureOr<Value> zpf = n.create<graph::DivOp>({*lo, *scale});
  if (failed(zpf) || failed(zpf = n.create<graph::SubOp>({zero, *zpf})))
    return failure();
  Type u8 = IntegerType::get(n.context(), 8, IntegerType::Unsigned);
  FailureOr<Value> zp = quantizeValue(n, *zpf, nullptr, u8, true);
  if (failed(zp))
    return failure();
  // The zero point as a float is already an integer in [0, 255].
  FailureOr<Value> zpAsFloat = castTo(n, *zp, f32);
  FailureOr<Value> q = n.create<graph::DivOp>({n.input(0), *scale});
  FailureOr<Value> y;
  if (failed(zpAsFloat) || failed(q) ||
      failed(y = quantizeValue(n, *q, *zpAsFloat, u8, true)))
    return failure();
  return n.setResults({*y, *scale, *zp});
}

} // namespace

void dlc::registerQuantizeOps(OpTable &t) {
  t.add("QuantizeLinear", 10, kMaxOpset, importQuantizeLinear);
  t.add("DequantizeLinear", 10, kMaxOpset, importDequantizeLinear);
  t.add("DynamicQuantizeLinear", 11, kMaxOpset, importDynamicQuantizeLinear);
}

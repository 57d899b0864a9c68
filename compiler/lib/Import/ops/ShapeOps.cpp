//===- ShapeOps.cpp - ONNX reshape, transpose, constants, ... -------------===//
//
// Handlers of the ONNX shape manipulation ops. Shape-like inputs (shape,
// axes, perm, starts/ends, pads, repeats, split sizes) must be constants;
// they become attributes of the graph ops. Constant, ConstantOfShape and
// Range become graph.constant.
//
//===----------------------------------------------------------------------===//

#include "../OpTable.h"
#include "Compose.h"

#include "dlc/Dialect/Graph/GraphUtils.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace dlc;

static LogicalResult setCreated(NodeImporter &n, FailureOr<Value> v) {
  return failed(v) ? failure() : n.setResult(*v);
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

static LogicalResult importConstant(NodeImporter &n) {
  if (failed(n.checkInputCount(0, 0)))
    return failure();
  Builder &b = n.builder();
  for (StringRef unsupported :
       {"sparse_value", "value_string", "value_strings"})
    if (n.hasAttr(unsupported))
      return n.emitError() << "Constant with '" << unsupported
                           << "' is not supported (dlc handles dense numeric "
                              "tensors only)";
  if (n.hasAttr("value")) {
    FailureOr<DenseElementsAttr> value = n.getTensor("value");
    return failed(value) ? failure() : n.setResult(n.constant(*value));
  }
  if (n.hasAttr("value_float")) {
    FailureOr<double> v = n.getFloat("value_float");
    if (failed(v))
      return failure();
    auto type = RankedTensorType::get({}, b.getF32Type());
    return n.setResult(n.constant(
        DenseElementsAttr::get(type, static_cast<float>(*v))));
  }
  if (n.hasAttr("value_floats")) {
    FailureOr<SmallVector<double>> v = n.getFloats("value_floats");
    if (failed(v))
      return failure();
    SmallVector<float> values(v->begin(), v->end());
    auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                      b.getF32Type());
    return n.setResult(
        n.constant(DenseElementsAttr::get(type, ArrayRef<float>(values))));
  }
  if (n.hasAttr("value_int")) {
    FailureOr<int64_t> v = n.getInt("value_int");
    if (failed(v))
      return failure();
    auto type = RankedTensorType::get({}, b.getI64Type());
    return n.setResult(n.constant(DenseElementsAttr::get(type, *v)));
  }
  if (n.hasAttr("value_ints")) {
    FailureOr<SmallVector<int64_t>> v = n.getInts("value_ints");
    if (failed(v))
      return failure();
    auto type = RankedTensorType::get({static_cast<int64_t>(v->size())},
                                      b.getI64Type());
    return n.setResult(
        n.constant(DenseElementsAttr::get(type, ArrayRef<int64_t>(*v))));
  }
  return n.emitError() << "Constant needs one of the attributes 'value', "
                          "'value_float', 'value_floats', 'value_int' or "
                          "'value_ints'";
}

static LogicalResult importConstantOfShape(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = n.constantInts(0, "shape");
  if (failed(shape))
    return failure();
  int64_t count = 1;
  for (int64_t d : *shape) {
    if (d < 0)
      return n.emitError() << "shape entries must be >= 0, got " << d;
    if (llvm::MulOverflow(count, d, count))
      return n.emitError() << "shape has more elements than int64 can count";
  }
  Attribute element;
  if (n.hasAttr("value")) {
    FailureOr<DenseElementsAttr> value = n.getTensor("value");
    if (failed(value))
      return failure();
    if (value->getNumElements() != 1)
      return n.emitError() << "attribute 'value' must hold one element, got "
                           << value->getType();
    element = *value->getValues<Attribute>().begin();
  } else {
    element = n.builder().getF32FloatAttr(0.0f);
  }
  auto type = RankedTensorType::get(*shape, cast<TypedAttr>(element).getType());
  return n.setResult(n.constant(DenseElementsAttr::get(type, element)));
}

/// Range with constant inputs, evaluated in the element type like the ONNX
/// reference (value_{i+1} = value_i + delta).
static LogicalResult importRange(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 3)))
    return failure();
  DenseElementsAttr start = n.constantInput(0), limit = n.constantInput(1),
                    delta = n.constantInput(2);
  if (!start || !limit || !delta)
    return n.emitError()
           << "each of 'start', 'limit' and 'delta' must be a constant: the "
              "output shape of Range depends on their values (dynamic shapes "
              "are not supported)";
  Type element = start.getElementType();
  if (start.getNumElements() != 1 || limit.getNumElements() != 1 ||
      delta.getNumElements() != 1 || limit.getElementType() != element ||
      delta.getElementType() != element)
    return n.emitError() << "Range inputs must be scalars of one type";
  constexpr int64_t kMaxRange = int64_t(1) << 24;
  int64_t count = 0;
  DenseElementsAttr result;
  if (auto floatType = dyn_cast<FloatType>(element)) {
    APFloat s = *start.getValues<APFloat>().begin();
    APFloat l = *limit.getValues<APFloat>().begin();
    APFloat d = *delta.getValues<APFloat>().begin();
    double ds = s.convertToDouble(), dl = l.convertToDouble(),
           dd = d.convertToDouble();
    if (dd == 0 || !std::isfinite(ds) || !std::isfinite(dl) ||
        !std::isfinite(dd))
      return n.emitError() << "Range needs a finite, non-zero 'delta' and "
                              "finite bounds";
    double c = std::ceil((dl - ds) / dd);
    if (c > kMaxRange)
      return n.emitError() << "Range would produce more than " << kMaxRange
                           << " elements";
    count = std::max<int64_t>(static_cast<int64_t>(c), 0);
    SmallVector<APFloat> values;
    APFloat v = s;
    for (int64_t i = 0; i < count; ++i) {
      values.push_back(v);
      v.add(d, APFloat::rmNearestTiesToEven);
    }
    result = DenseElementsAttr::get(RankedTensorType::get({count}, floatType),
                                    values);
  } else if (auto intType = dyn_cast<IntegerType>(element);
             intType && !intType.isInteger(1) && !intType.isUnsigned()) {
    APInt s = *start.getValues<APInt>().begin();
    APInt d = *delta.getValues<APInt>().begin();
    int64_t is = s.getSExtValue(),
            il = (*limit.getValues<APInt>().begin()).getSExtValue(),
            id = d.getSExtValue();
    if (id == 0)
      return n.emitError() << "Range needs a non-zero 'delta'";
    // ceil((limit - start) / delta) in 128 bits, so nothing overflows.
    __int128 span = static_cast<__int128>(il) - is;
    __int128 q = span / id;
    if (q * id != span && ((span > 0) == (id > 0)))
      ++q;
    if (q > kMaxRange)
      return n.emitError() << "Range would produce more than " << kMaxRange
                           << " elements";
    count = std::max<int64_t>(static_cast<int64_t>(q), 0);
    SmallVector<APInt> values;
    APInt v = s;
    for (int64_t i = 0; i < count; ++i) {
      values.push_back(v);
      v += d;
    }
    result =
        DenseElementsAttr::get(RankedTensorType::get({count}, intType), values);
  } else {
    return n.emitError() << "Range does not support element type " << element;
  }
  return n.setResult(n.constant(result));
}

//===----------------------------------------------------------------------===//
// Reshape-like
//===----------------------------------------------------------------------===//

static LogicalResult importReshape(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = n.constantInts(1, "shape");
  FailureOr<int64_t> allowZero = n.getInt("allowzero", 0);
  if (failed(shape) || failed(allowZero))
    return failure();
  RankedTensorType in = n.inputType(0);
  SmallVector<int64_t> out;
  int64_t known = 1, inferIndex = -1;
  bool hasZero = false;
  for (auto [i, d] : llvm::enumerate(*shape)) {
    if (d == 0 && !*allowZero) {
      if (i >= static_cast<size_t>(in.getRank()))
        return n.emitError() << "shape entry " << i
                             << " is 0 (copy) but the input has rank "
                             << in.getRank();
      d = in.getDimSize(i);
    } else if (d == 0) {
      hasZero = true;
    }
    if (d == -1) {
      if (inferIndex >= 0)
        return n.emitError() << "shape has more than one -1 entry";
      inferIndex = i;
    } else if (d < 0) {
      return n.emitError() << "shape entry " << i << " is " << d;
    } else if (llvm::MulOverflow(known, d, known)) {
      return n.emitError() << "shape entries multiply to more than int64 "
                              "can hold (overflow)";
    }
    out.push_back(d);
  }
  if (inferIndex >= 0) {
    if (hasZero)
      return n.emitError() << "shape has both -1 and 0 with allowzero = 1";
    if (known == 0 || in.getNumElements() % known != 0)
      return n.emitError() << "cannot infer the -1 entry: "
                           << in.getNumElements()
                           << " elements do not divide by " << known;
    out[inferIndex] = in.getNumElements() / known;
  }
  auto type = RankedTensorType::get(out, in.getElementType());
  return setCreated(n, n.create<graph::ReshapeOp>(n.input(0), {}, type));
}

static LogicalResult importFlatten(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<int64_t> axis = n.getInt("axis", 1);
  if (failed(axis))
    return failure();
  return setCreated(n, n.create<graph::FlattenOp>(
                           n.input(0), {n.i64Attr("axis", *axis)}));
}

static LogicalResult importTranspose(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  SmallVector<int64_t> reversed;
  for (int64_t d = rank - 1; d >= 0; --d)
    reversed.push_back(d);
  FailureOr<SmallVector<int64_t>> perm =
      n.getInts("perm", ArrayRef<int64_t>(reversed));
  if (failed(perm))
    return failure();
  return setCreated(n, n.create<graph::TransposeOp>(
                           n.input(0), {n.i64ArrayAttr("perm", *perm)}));
}

/// Axes of Squeeze/Unsqueeze: an attribute before opset 13, then input 1.
static FailureOr<std::optional<SmallVector<int64_t>>>
squeezeAxes(NodeImporter &n) {
  if (n.opset() < 13) {
    if (!n.hasAttr("axes"))
      return std::optional<SmallVector<int64_t>>();
    FailureOr<SmallVector<int64_t>> axes = n.getInts("axes");
    if (failed(axes))
      return failure();
    return std::optional<SmallVector<int64_t>>(*axes);
  }
  if (!n.hasInput(1))
    return std::optional<SmallVector<int64_t>>();
  FailureOr<SmallVector<int64_t>> axes = n.constantInts(1, "axes");
  if (failed(axes))
    return failure();
  return std::optional<SmallVector<int64_t>>(*axes);
}

static LogicalResult importSqueeze(NodeImporter &n) {
  if (failed(n.checkInputCount(1, n.opset() < 13 ? 1 : 2)))
    return failure();
  auto axes = squeezeAxes(n);
  if (failed(axes))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (*axes) {
    if ((*axes)->empty() && n.opset() >= 13)
      return n.emitError() << "input 'axes' is empty";
    attrs.push_back(n.i64ArrayAttr("axes", **axes));
  }
  return setCreated(n, n.create<graph::SqueezeOp>(n.input(0), attrs));
}

static LogicalResult importUnsqueeze(NodeImporter &n) {
  if (failed(n.checkInputCount(n.opset() < 13 ? 1 : 2, n.opset() < 13 ? 1 : 2)))
    return failure();
  auto axes = squeezeAxes(n);
  if (failed(axes))
    return failure();
  if (!*axes)
    return n.emitError() << "missing required attribute 'axes'";
  return setCreated(n, n.create<graph::UnsqueezeOp>(
                           n.input(0), {n.i64ArrayAttr("axes", **axes)}));
}

//===----------------------------------------------------------------------===//
// Concat / Split / Slice
//===----------------------------------------------------------------------===//

static LogicalResult importConcat(NodeImporter &n) {
  if (n.numInputs() == 0)
    return n.emitError() << "Concat needs at least one input";
  SmallVector<Value> inputs;
  for (size_t i = 0; i < n.numInputs(); ++i) {
    FailureOr<Value> v = n.requireInput(i);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
  }
  FailureOr<int64_t> axis = n.getInt("axis");
  if (failed(axis))
    return failure();
  return setCreated(
      n, n.create<graph::ConcatOp>(inputs, {n.i64Attr("axis", *axis)}));
}

static LogicalResult importSplit(NodeImporter &n) {
  if (failed(n.checkInputCount(1, n.opset() < 13 ? 1 : 2)))
    return failure();
  FailureOr<int64_t> axisAttr = n.getInt("axis", 0);
  if (failed(axisAttr))
    return failure();
  RankedTensorType in = n.inputType(0);
  if (in.getRank() == 0)
    return n.emitError() << "cannot split a scalar";
  FailureOr<int64_t> axis =
      graph::normalizeAxis(n.loc(), *axisAttr, in.getRank());
  if (failed(axis))
    return failure();
  int64_t dim = in.getDimSize(*axis);
  int64_t outputs = static_cast<int64_t>(n.numOutputs());
  SmallVector<int64_t> split;
  if (n.opset() < 13 && n.hasAttr("split")) {
    FailureOr<SmallVector<int64_t>> s = n.getInts("split");
    if (failed(s))
      return failure();
    split = *s;
  } else if (n.opset() >= 13 && n.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> s = n.constantInts(1, "split");
    if (failed(s))
      return failure();
    split = *s;
  } else if (n.opset() >= 18 && n.hasAttr("num_outputs")) {
    FailureOr<int64_t> num = n.getInt("num_outputs");
    if (failed(num))
      return failure();
    if (*num < 1 || *num != outputs)
      return n.emitError() << "num_outputs is " << *num << " but the node has "
                           << outputs << " outputs";
    // Chunks of ceil(dim / num); the last one may be smaller.
    int64_t chunk = (dim + *num - 1) / *num;
    if (chunk * (*num - 1) > dim)
      return n.emitError() << "cannot split a dimension of size " << dim
                           << " into " << *num << " chunks of " << chunk;
    split.assign(*num - 1, chunk);
    split.push_back(dim - chunk * (*num - 1));
  } else {
    if (outputs < 1 || dim % outputs != 0)
      return n.emitError() << "cannot split a dimension of size " << dim
                           << " evenly into " << outputs << " outputs";
    split.assign(outputs, dim / outputs);
  }
  if (static_cast<int64_t>(split.size()) != outputs)
    return n.emitError() << "'split' has " << split.size()
                         << " entries but the node has " << outputs
                         << " outputs";
  FailureOr<SmallVector<Value>> results = n.createMulti<graph::SplitOp>(
      n.input(0),
      {n.i64Attr("axis", *axisAttr), n.i64ArrayAttr("split", split)});
  return failed(results) ? failure() : n.setResults(*results);
}

static LogicalResult importSlice(NodeImporter &n) {
  SmallVector<int64_t> starts, ends, axes, steps;
  if (n.opset() < 10) {
    if (failed(n.checkInputCount(1, 1)))
      return failure();
    FailureOr<SmallVector<int64_t>> s = n.getInts("starts");
    FailureOr<SmallVector<int64_t>> e = n.getInts("ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (n.hasAttr("axes")) {
      FailureOr<SmallVector<int64_t>> a = n.getInts("axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
  } else {
    if (failed(n.checkInputCount(3, 5)))
      return failure();
    FailureOr<SmallVector<int64_t>> s = n.constantInts(1, "starts");
    if (failed(s))
      return failure();
    FailureOr<SmallVector<int64_t>> e = n.constantInts(2, "ends");
    if (failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (n.hasInput(3)) {
      FailureOr<SmallVector<int64_t>> a = n.constantInts(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (n.hasInput(4)) {
      FailureOr<SmallVector<int64_t>> st = n.constantInts(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  return setCreated(n, n.create<graph::SliceOp>(
                           n.input(0), {n.i64ArrayAttr("starts", starts),
                                        n.i64ArrayAttr("ends", ends),
                                        n.i64ArrayAttr("axes", axes),
                                        n.i64ArrayAttr("steps", steps)}));
}

//===----------------------------------------------------------------------===//
// Gather / Expand / Tile / Pad / Trilu
//===----------------------------------------------------------------------===//

static LogicalResult importGather(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<int64_t> axis = n.getInt("axis", 0);
  if (failed(axis))
    return failure();
  RankedTensorType data = n.inputType(0);
  Type indexType = n.inputType(1).getElementType();
  if (!indexType.isSignlessInteger(32) && !indexType.isSignlessInteger(64))
    return n.emitError() << "indices must be int32 or int64, got "
                         << indexType;
  if (data.getRank() == 0)
    return n.emitError() << "cannot gather from a scalar";
  FailureOr<int64_t> norm =
      graph::normalizeAxis(n.loc(), *axis, data.getRank());
  if (failed(norm))
    return failure();
  if (DenseElementsAttr indices = n.constantInput(1)) {
    int64_t dim = data.getDimSize(*norm);
    for (const APInt &v : indices.getValues<APInt>()) {
      int64_t x = v.getSExtValue();
      if (x < -dim || x >= dim)
        return n.emitError() << "index " << x << " is out of range for axis "
                             << *axis << " of size " << dim;
    }
  }
  return setCreated(n, n.create<graph::GatherOp>(
                           {n.input(0), n.input(1)},
                           {n.i64Attr("axis", *axis)}));
}

static LogicalResult importExpand(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = n.constantInts(1, "shape");
  if (failed(shape))
    return failure();
  return setCreated(n, n.create<graph::ExpandOp>(
                           n.input(0), {n.i64ArrayAttr("shape", *shape)}));
}

static LogicalResult importTile(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<SmallVector<int64_t>> repeats = n.constantInts(1, "repeats");
  if (failed(repeats))
    return failure();
  return setCreated(n, n.create<graph::TileOp>(
                           n.input(0), {n.i64ArrayAttr("repeats", *repeats)}));
}

/// The pad value as a scalar attribute of `element`, from a float
/// attribute (opset < 11).
static TypedAttr padValueFromDouble(Type element, double v) {
  if (auto f = dyn_cast<FloatType>(element))
    return FloatAttr::get(f, v);
  if (element.isInteger(1))
    return IntegerAttr::get(element, v != 0);
  return IntegerAttr::get(element, static_cast<int64_t>(v));
}

static LogicalResult importPad(NodeImporter &n) {
  bool inputs = n.opset() >= 11;
  if (failed(n.checkInputCount(inputs ? 2 : 1,
                               inputs ? (n.opset() >= 18 ? 4 : 3) : 1)))
    return failure();
  FailureOr<std::string> mode = n.getString("mode", StringRef("constant"));
  if (failed(mode))
    return failure();
  RankedTensorType in = n.inputType(0);
  int64_t rank = in.getRank();
  Type element = in.getElementType();
  SmallVector<int64_t> pads;
  TypedAttr value;
  Value runtimeValue; // a constant_value known only at run time
  if (!inputs) {
    FailureOr<SmallVector<int64_t>> p = n.getInts("pads");
    FailureOr<double> v = n.getFloat("value", 0.0);
    if (failed(p) || failed(v))
      return failure();
    pads = *p;
    if (*v != 0)
      value = padValueFromDouble(element, *v);
  } else {
    FailureOr<SmallVector<int64_t>> p = n.constantInts(1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (n.hasInput(2) && *mode == "constant") {
      RankedTensorType vType = n.inputType(2);
      if (vType.getNumElements() != 1)
        return n.emitError() << "input 'constant_value' must be a scalar, "
                                "got "
                             << vType;
      if (vType.getElementType() != element)
        return n.emitError() << "constant_value has type "
                             << vType.getElementType() << ", expected "
                             << element;
      if (DenseElementsAttr v = n.constantInput(2))
        value = cast<TypedAttr>(*v.getValues<Attribute>().begin());
      else
        runtimeValue = n.input(2);
    }
    if (n.hasInput(3)) {
      FailureOr<SmallVector<int64_t>> axes = n.constantInts(3, "axes");
      if (failed(axes))
        return failure();
      size_t count = axes->size();
      if (pads.size() != 2 * count)
        return n.emitError() << "pads has " << pads.size()
                             << " entries, expected " << 2 * count
                             << " for " << count << " axes";
      SmallVector<int64_t> full(2 * rank, 0);
      SmallVector<bool> seen(rank, false);
      for (size_t i = 0; i < count; ++i) {
        FailureOr<int64_t> a = graph::normalizeAxis(n.loc(), (*axes)[i], rank);
        if (failed(a))
          return failure();
        if (seen[*a])
          return n.emitError() << "axis " << (*axes)[i] << " is listed twice";
        seen[*a] = true;
        full[*a] = pads[i];
        full[*a + rank] = pads[i + count];
      }
      pads = full;
    }
  }
  SmallVector<NamedAttribute> attrs = {n.i64ArrayAttr("pads", pads),
                                       n.strAttr("mode", *mode)};
  if (value && *mode == "constant")
    attrs.push_back(n.attr("value", value));
  FailureOr<Value> padded = n.create<graph::PadOp>(n.input(0), attrs);
  if (!runtimeValue || failed(padded))
    return setCreated(n, padded);
  // A run-time constant_value: zero padding, then the value selected where
  // a padded all-true tensor of the input's shape is false.
  auto boolType = in.clone(n.builder().getI1Type());
  FailureOr<Value> inside = n.create<graph::PadOp>(
      n.constant(DenseElementsAttr::get(boolType, true)),
      {n.i64ArrayAttr("pads", pads), n.strAttr("mode", "constant")});
  FailureOr<Value> scalar = runtimeValue;
  if (n.inputType(2).getRank() != 0)
    scalar = compose::reshape(n, runtimeValue, {});
  if (failed(inside) || failed(scalar))
    return failure();
  return setCreated(
      n, n.create<graph::WhereOp>(ValueRange{*inside, *padded, *scalar}));
}

static LogicalResult importTrilu(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 2)))
    return failure();
  FailureOr<int64_t> upper = n.getInt("upper", 1);
  if (failed(upper))
    return failure();
  int64_t k = 0;
  if (n.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> ks = n.constantInts(1, "k");
    if (failed(ks))
      return failure();
    if (ks->size() != 1)
      return n.emitError() << "input 'k' must hold one value";
    k = ks->front();
  }
  if (n.inputType(0).getRank() < 2)
    return n.emitError() << "Trilu needs a tensor of rank >= 2, got "
                         << n.inputType(0);
  return setCreated(n, n.create<graph::TriluOp>(
                           n.input(0),
                           {n.boolAttr("upper", *upper != 0),
                            n.i64Attr("k", k)},
                           n.inputType(0)));
}

//===----------------------------------------------------------------------===//
// Shape / Size / Identity
//===----------------------------------------------------------------------===//

static LogicalResult importShape(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (n.hasAttr("start")) {
    FailureOr<int64_t> start = n.getInt("start");
    if (failed(start))
      return failure();
    attrs.push_back(n.i64Attr("start", *start));
  }
  if (n.hasAttr("end")) {
    FailureOr<int64_t> end = n.getInt("end");
    if (failed(end))
      return failure();
    attrs.push_back(n.i64Attr("end", *end));
  }
  return setCreated(n, n.create<graph::ShapeOp>(n.input(0), attrs));
}

static LogicalResult importSize(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  return setCreated(n, n.create<graph::SizeOp>(n.input(0)));
}

static LogicalResult importIdentity(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  return n.setResult(n.input(0));
}

void dlc::registerShapeOps(OpTable &t) {
  t.add("Constant", 1, kMaxOpset, importConstant);
  t.add("ConstantOfShape", 9, kMaxOpset, importConstantOfShape);
  t.add("Range", 11, kMaxOpset, importRange);
  t.add("Reshape", 5, kMaxOpset, importReshape);
  t.add("Flatten", 1, kMaxOpset, importFlatten);
  t.add("Transpose", 1, kMaxOpset, importTranspose);
  t.add("Squeeze", 1, kMaxOpset, importSqueeze);
  t.add("Unsqueeze", 1, kMaxOpset, importUnsqueeze);
  t.add("Concat", 4, kMaxOpset, importConcat);
  t.add("Split", 2, kMaxOpset, importSplit);
  t.add("Slice", 1, kMaxOpset, importSlice);
  t.add("Gather", 1, kMaxOpset, importGather);
  t.add("Expand", 8, kMaxOpset, importExpand);
  t.add("Tile", 6, kMaxOpset, importTile);
  t.add("Pad", 2, kMaxOpset, importPad);
  t.add("Trilu", 14, kMaxOpset, importTrilu);
  t.add("Shape", 1, kMaxOpset, importShape);
  t.add("Size", 1, kMaxOpset, importSize);
  t.add("Identity", 1, kMaxOpset, importIdentity);
}

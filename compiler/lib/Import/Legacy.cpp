//===- Legacy.cpp - importing nodes of opsets 1 to 6 ----------------------===//
//
// Each legacy node is copied, its attributes and inputs rewritten into the
// form of the opset its handler was written for, and handed to that handler.
// The forms follow the ONNX operator changelog:
//   - `consumed_inputs` (opsets 1-5) is a memory hint: dropped;
//   - binary ops (opsets 1-6): `broadcast` = 0 needs equal shapes,
//     `broadcast` = 1 broadcasts B to A, aligned at `axis` when given (B gets
//     trailing size-1 dimensions), else at the trailing dimensions (numpy);
//   - Gemm (1-6): `broadcast` dropped (numpy broadcasting of C covers both);
//   - BatchNormalization (1-6): `is_test` dropped, `spatial` must be 1;
//     Dropout (1-6): `is_test` = 0 (training) is refused;
//   - Cast (1-5): `to` is a type name ("FLOAT");
//   - Reshape (1-4): `shape` attribute -> constant input;
//   - Tile (1-5): scalar `tiles` and `axis` inputs -> a repeats vector;
//   - Concat (1-3): `axis` defaults to 1;
//   - Pad (1): `paddings` -> `pads`; Split (1): the `split` input -> attribute;
//     LpPool (1): float `p` -> integer;
//   - Upsample (1-6): `width_scale`/`height_scale` -> `scales`, "bilinear" ->
//     "linear".
//
//===----------------------------------------------------------------------===//

#include "Legacy.h"

#include "ops/Compose.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/STLExtras.h"

#include <cctype>
#include <cmath>

using namespace mlir;
using namespace llvm;

namespace dlc {
namespace {

bool isLegacyBinary(StringRef op) {
  static const StringRef binary[] = {"Add", "Sub", "Mul",   "Div",
                                     "Pow", "And", "Or",    "Xor",
                                     "Equal", "Greater", "Less"};
  return llvm::is_contained(binary, op);
}

void removeAttr(onnx::NodeProto &node, StringRef name) {
  auto *attrs = node.mutable_attribute();
  for (int i = attrs->size() - 1; i >= 0; --i)
    if (attrs->Get(i).name() == name)
      attrs->DeleteSubrange(i, 1);
}

onnx::AttributeProto &replaceAttr(onnx::NodeProto &node, StringRef name,
                                  onnx::AttributeProto::AttributeType type) {
  removeAttr(node, name);
  onnx::AttributeProto *attr = node.add_attribute();
  attr->set_name(name.str());
  attr->set_type(type);
  return *attr;
}

Value i64Vector(NodeImporter &n, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({int64_t(values.size())},
                                    n.builder().getI64Type());
  return n.constant(DenseElementsAttr::get(type, values));
}

std::string shapeString(RankedTensorType t) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(t.getShape()))
    s += (i ? "," : "") + std::to_string(d);
  return s + "]";
}

/// broadcast/axis of the binary ops of opsets 1-6.
LogicalResult rewriteBroadcast(NodeImporter &n, onnx::NodeProto &node,
                               SmallVectorImpl<Value> &inputs) {
  FailureOr<int64_t> broadcast = n.getInt("broadcast", 0);
  if (failed(broadcast))
    return failure();
  bool hasAxis = n.hasAttr("axis");
  removeAttr(node, "broadcast");
  removeAttr(node, "axis");
  if (inputs.size() != 2 || !inputs[0] || !inputs[1])
    return success(); // the handler reports the input count
  auto a = cast<RankedTensorType>(inputs[0].getType());
  auto b = cast<RankedTensorType>(inputs[1].getType());
  if (*broadcast == 0) {
    if (a.getShape() != b.getShape())
      return n.emitError()
             << "legacy broadcast=0 needs inputs of one shape, got "
             << shapeString(a) << " and " << shapeString(b)
             << " (set broadcast=1 to broadcast B)";
    return success();
  }
  if (*broadcast != 1)
    return n.emitError() << "legacy attribute 'broadcast' must be 0 or 1, got "
                         << *broadcast;
  if (!hasAxis)
    return success(); // B aligned at A's trailing dimensions, as numpy
  FailureOr<int64_t> axis = n.getInt("axis");
  if (failed(axis))
    return failure();
  int64_t rankA = a.getRank(), rankB = b.getRank(), ax = *axis;
  if (ax < 0)
    ax += rankA;
  if (ax < 0 || ax + rankB > rankA)
    return n.emitError() << "legacy broadcast axis " << *axis
                         << " does not fit B " << shapeString(b)
                         << " into A " << shapeString(a);
  for (int64_t i = 0; i < rankB; ++i)
    if (b.getDimSize(i) != 1 && b.getDimSize(i) != a.getDimSize(ax + i))
      return n.emitError() << "legacy broadcast of B " << shapeString(b)
                           << " at axis " << *axis << " does not match A "
                           << shapeString(a);
  SmallVector<int64_t> shape(b.getShape());
  shape.append(rankA - ax - rankB, 1);
  FailureOr<Value> reshaped = compose::reshape(n, inputs[1], shape);
  if (failed(reshaped))
    return failure();
  inputs[1] = *reshaped;
  return success();
}

/// Upsample-1: width_scale/height_scale on NCHW.
LogicalResult rewriteUpsample(NodeImporter &n, onnx::NodeProto &node,
                              SmallVectorImpl<Value> &inputs) {
  FailureOr<double> h = n.getFloat("height_scale");
  FailureOr<double> w = n.getFloat("width_scale");
  FailureOr<std::string> mode = n.getString("mode", StringRef("nearest"));
  if (failed(h) || failed(w) || failed(mode))
    return failure();
  if (inputs.empty() || !inputs[0] ||
      cast<RankedTensorType>(inputs[0].getType()).getRank() != 4)
    return n.emitError() << "legacy Upsample needs a rank-4 (NCHW) input";
  removeAttr(node, "height_scale");
  removeAttr(node, "width_scale");
  onnx::AttributeProto &scales =
      replaceAttr(node, "scales", onnx::AttributeProto::FLOATS);
  for (double s : {1.0, 1.0, *h, *w})
    scales.add_floats(float(s));
  if (*mode == "bilinear")
    replaceAttr(node, "mode", onnx::AttributeProto::STRING).set_s("linear");
  return success();
}

LogicalResult rewriteCast(NodeImporter &n, onnx::NodeProto &node) {
  for (const onnx::AttributeProto &attr : node.attribute()) {
    if (attr.name() != "to" || attr.type() != onnx::AttributeProto::STRING)
      continue;
    std::string name = attr.s();
    for (char &c : name)
      c = char(std::toupper(static_cast<unsigned char>(c)));
    onnx::TensorProto_DataType type;
    if (!onnx::TensorProto_DataType_Parse(name, &type))
      return n.emitError() << "legacy Cast 'to' names no ONNX type: '"
                           << attr.s() << "'";
    replaceAttr(node, "to", onnx::AttributeProto::INT).set_i(type);
    break;
  }
  return success();
}

/// Tile-1: (input, tiles, axis) with scalar tiles and axis.
LogicalResult rewriteTile(NodeImporter &n, SmallVectorImpl<Value> &inputs) {
  if (inputs.size() != 3 || !inputs[0] || !inputs[1] || !inputs[2])
    return n.emitError() << "legacy Tile takes inputs (input, tiles, axis)";
  FailureOr<SmallVector<int64_t>> tiles = n.constantInts(1, "tiles");
  FailureOr<SmallVector<int64_t>> axis = n.constantInts(2, "axis");
  if (failed(tiles) || failed(axis))
    return failure();
  int64_t rank = cast<RankedTensorType>(inputs[0].getType()).getRank();
  if (tiles->size() != 1 || axis->size() != 1)
    return n.emitError() << "legacy Tile 'tiles' and 'axis' must be scalars";
  int64_t ax = (*axis)[0] < 0 ? (*axis)[0] + rank : (*axis)[0];
  if (ax < 0 || ax >= rank)
    return n.emitError() << "legacy Tile axis " << (*axis)[0]
                         << " is out of range for rank " << rank;
  SmallVector<int64_t> repeats(rank, 1);
  repeats[ax] = (*tiles)[0];
  inputs.resize(2);
  inputs[1] = i64Vector(n, repeats);
  return success();
}

LogicalResult rewriteNode(NodeImporter &n, onnx::NodeProto &node,
                          SmallVectorImpl<Value> &inputs) {
  removeAttr(node, "consumed_inputs");
  StringRef op = n.node().op_type();
  if (isLegacyBinary(op))
    return rewriteBroadcast(n, node, inputs);
  if (op == "Gemm") {
    removeAttr(node, "broadcast");
    return success();
  }
  if (op == "BatchNormalization") {
    FailureOr<int64_t> spatial = n.getInt("spatial", 1);
    if (failed(spatial))
      return failure();
    if (*spatial != 1)
      return n.emitError() << "legacy BatchNormalization with spatial=0 "
                              "(statistics per activation) is not supported";
    removeAttr(node, "spatial");
    removeAttr(node, "is_test");
    return success();
  }
  if (op == "Dropout") {
    FailureOr<int64_t> isTest = n.getInt("is_test", 0);
    if (failed(isTest))
      return failure();
    if (*isTest == 0 && node.output_size() > 1 && !node.output(1).empty())
      return n.emitError() << "legacy Dropout in training mode (is_test=0) "
                              "with a mask output is not supported";
    removeAttr(node, "is_test");
    return success();
  }
  if (op == "Upsample")
    return rewriteUpsample(n, node, inputs);
  if (op == "Cast")
    return rewriteCast(n, node);
  if (op == "Tile")
    return rewriteTile(n, inputs);
  if (op == "Reshape") {
    FailureOr<SmallVector<int64_t>> shape = n.getInts("shape");
    if (failed(shape))
      return failure();
    removeAttr(node, "shape");
    inputs.resize(1);
    inputs.push_back(i64Vector(n, *shape));
    node.add_input(node.input(0) + ".legacy_shape");
    return success();
  }
  if (op == "Concat") {
    if (!n.hasAttr("axis"))
      replaceAttr(node, "axis", onnx::AttributeProto::INT).set_i(1);
    return success();
  }
  if (op == "Pad") {
    if (n.hasAttr("paddings")) {
      FailureOr<SmallVector<int64_t>> pads = n.getInts("paddings");
      if (failed(pads))
        return failure();
      removeAttr(node, "paddings");
      onnx::AttributeProto &attr =
          replaceAttr(node, "pads", onnx::AttributeProto::INTS);
      for (int64_t p : *pads)
        attr.add_ints(p);
    }
    return success();
  }
  if (op == "Split") {
    if (inputs.size() > 1 && inputs[1]) {
      if (n.hasAttr("split"))
        return n.emitError() << "legacy Split has both a 'split' input and "
                                "a 'split' attribute";
      FailureOr<SmallVector<int64_t>> split = n.constantInts(1, "split");
      if (failed(split))
        return failure();
      onnx::AttributeProto &attr =
          replaceAttr(node, "split", onnx::AttributeProto::INTS);
      for (int64_t s : *split)
        attr.add_ints(s);
    }
    inputs.resize(1);
    while (node.input_size() > 1)
      node.mutable_input()->RemoveLast();
    return success();
  }
  if (op == "LpPool") {
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.name() != "p" || attr.type() != onnx::AttributeProto::FLOAT)
        continue;
      float p = attr.f();
      if (p != std::floor(p) || p < 1)
        return n.emitError() << "legacy LpPool 'p' must be a positive "
                                "integer, got "
                             << p;
      replaceAttr(node, "p", onnx::AttributeProto::INT).set_i(int64_t(p));
      break;
    }
    return success();
  }
  return success();
}

} // namespace

int64_t legacyHandlerOpset(StringRef opType, int64_t opset) {
  // The opset each op's legacy form is rewritten to: the first version
  // without it (or, for ops dlc handles from a later version only, that
  // version when the semantics did not change in between).
  static const StringMap<int64_t> targets = {
      {"Add", 7},      {"Sub", 7},       {"Mul", 7},
      {"Div", 7},      {"Pow", 7},       {"And", 7},
      {"Or", 7},       {"Xor", 7},       {"Equal", 7},
      {"Greater", 7},  {"Less", 7},      {"Gemm", 7},
      {"PRelu", 7},    {"BatchNormalization", 7},
      {"Dropout", 7},  {"Upsample", 7},  {"Abs", 6},
      {"Ceil", 6},     {"Floor", 6},     {"Exp", 6},
      {"Log", 6},      {"Neg", 6},       {"Reciprocal", 6},
      {"Relu", 6},     {"Sigmoid", 6},   {"Sqrt", 6},
      {"Tanh", 6},     {"Elu", 6},       {"HardSigmoid", 6},
      {"LeakyRelu", 6}, {"Selu", 6},     {"Clip", 6},
      {"InstanceNormalization", 6},      {"Sum", 6},
      {"Max", 6},      {"Min", 6},       {"Mean", 6},
      {"Cast", 6},     {"Tile", 6},      {"Reshape", 5},
      {"Concat", 4},   {"Pad", 2},       {"Split", 2},
      {"LpPool", 2}};
  auto it = targets.find(opType);
  if (opset >= kFirstModernOpset || it == targets.end() ||
      opset >= it->second)
    return 0;
  return it->second;
}

LogicalResult importLegacyNode(NodeImporter &n, int64_t handlerOpset,
                               LogicalResult (*handler)(NodeImporter &)) {
  onnx::NodeProto node = n.node();
  SmallVector<Value> inputs;
  for (size_t i = 0; i < n.numInputs(); ++i)
    inputs.push_back(n.input(i));
  if (failed(rewriteNode(n, node, inputs)))
    return failure();
  NodeImporter modern(node, handlerOpset, n.builder(), n.loc(), inputs,
                      n.modelDir());
  if (failed(handler(modern)))
    return failure();
  return n.setResults(modern.results());
}

} // namespace dlc

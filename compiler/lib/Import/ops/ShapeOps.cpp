//===- ShapeOps.cpp - ONNX reshape, transpose, constants, ... -------------===//

#include "../OpTable.h"

using namespace mlir;
using namespace dlc;

static LogicalResult importConstant(NodeImporter &n) {
  if (failed(n.checkInputCount(0, 0)))
    return failure();
  if (!n.hasAttr("value"))
    return n.emitError() << "only the 'value' form of Constant is supported";
  FailureOr<DenseElementsAttr> value = n.getTensor("value");
  if (failed(value))
    return failure();
  return n.setResult(n.constant(*value));
}

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
  for (auto [i, d] : llvm::enumerate(*shape)) {
    if (d == 0 && !*allowZero) {
      if (i >= static_cast<size_t>(in.getRank()))
        return n.emitError() << "shape entry " << i
                             << " is 0 (copy) but the input has rank "
                             << in.getRank();
      d = in.getDimSize(i);
    }
    if (d == -1) {
      if (inferIndex >= 0)
        return n.emitError() << "shape has more than one -1 entry";
      inferIndex = i;
    } else if (d < 0) {
      return n.emitError() << "shape entry " << i << " is " << d;
    } else {
      known *= d;
    }
    out.push_back(d);
  }
  if (inferIndex >= 0) {
    if (known == 0 || in.getNumElements() % known != 0)
      return n.emitError() << "cannot infer the -1 entry: "
                           << in.getNumElements()
                           << " elements do not divide by " << known;
    out[inferIndex] = in.getNumElements() / known;
  }
  auto type = RankedTensorType::get(out, in.getElementType());
  FailureOr<Value> v = n.create<graph::ReshapeOp>(n.input(0), {}, type);
  return failed(v) ? failure() : n.setResult(*v);
}

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
  FailureOr<Value> v = n.create<graph::ShapeOp>(n.input(0), attrs);
  return failed(v) ? failure() : n.setResult(*v);
}

static LogicalResult importIdentity(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  return n.setResult(n.input(0));
}

void dlc::registerShapeOps(OpTable &t) {
  t.add("Constant", 1, kMaxOpset, importConstant);
  t.add("Reshape", 5, kMaxOpset, importReshape);
  t.add("Shape", 1, kMaxOpset, importShape);
  t.add("Identity", 1, kMaxOpset, importIdentity);
}

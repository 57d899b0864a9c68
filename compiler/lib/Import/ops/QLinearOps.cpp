//===- QLinearOps.cpp - ONNX integer and quantized products ---------------===//
//
// MatMulInteger and QLinearMatMul as graph ops: the 8-bit operands minus
// their zero points widen to i32, the product accumulates in i32
// (graph.matmul on i32); QLinearMatMul then requantizes the i32 result:
//
//   y = saturate(round(acc * (a_scale * b_scale / y_scale)) + y_zero_point)
//
// in f32. Zero points and scales are per tensor (scalars or one element),
// per row of a (1-D, a's rows) or per column of b (1-D, b's columns).
//
//===----------------------------------------------------------------------===//

#include "../OpTable.h"

#include <cmath>

using namespace mlir;
using namespace dlc;

namespace {

FailureOr<Value> castTo(NodeImporter &n, Value v, Type element) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType() == element)
    return v;
  return n.create<graph::CastOp>(v, {}, TypeRange{type.clone(element)});
}

bool isByteInt(Type t) {
  return t.isInteger(8); // i8 or ui8
}

/// A zero point or scale of operand `which` ("a": per row, "b": per
/// column) shaped to broadcast against the operand `x`: a scalar, [M, 1]
/// for a's rows, [N] for b's columns.
FailureOr<Value> productParam(NodeImporter &n, Value param, StringRef what,
                              RankedTensorType x, bool isA) {
  auto type = cast<RankedTensorType>(param.getType());
  Type element = type.getElementType();
  if (type.getNumElements() == 1) {
    if (type.getRank() == 0)
      return param;
    return n.create<graph::ReshapeOp>(
        param, {}, TypeRange{RankedTensorType::get({}, element)});
  }
  int64_t rank = x.getRank();
  int64_t length = rank < 2 ? -1 : x.getDimSize(isA ? rank - 2 : rank - 1);
  if (rank < 2 || type.getRank() != 1 || type.getDimSize(0) != length)
    return n.emitError() << what << " of type " << type
                         << " does not fit operand " << x
                         << ": a scalar, or 1-D with "
                         << (isA ? "a's rows" : "b's columns");
  if (!isA)
    return param;
  return n.create<graph::ReshapeOp>(
      param, {}, TypeRange{RankedTensorType::get({length, 1}, element)});
}

/// x - zero_point in i32 (x alone without a zero point).
FailureOr<Value> centered(NodeImporter &n, size_t xIndex, size_t zpIndex,
                          StringRef what, bool isA) {
  Type i32 = n.builder().getI32Type();
  RankedTensorType x = n.inputType(xIndex);
  FailureOr<Value> v = castTo(n, n.input(xIndex), i32);
  if (failed(v) || !n.hasInput(zpIndex))
    return v;
  if (n.inputType(zpIndex).getElementType() != x.getElementType())
    return n.emitError() << what << " has element type "
                         << n.inputType(zpIndex).getElementType()
                         << ", but its operand has " << x.getElementType();
  FailureOr<Value> zp = productParam(n, n.input(zpIndex), what, x, isA);
  if (failed(zp) || failed(zp = castTo(n, *zp, i32)))
    return failure();
  return n.create<graph::SubOp>({*v, *zp});
}

LogicalResult checkByteOperands(NodeImporter &n, size_t a, size_t b) {
  for (size_t i : {a, b})
    if (!isByteInt(n.inputType(i).getElementType()))
      return n.emitError() << "operand " << i << " must be int8 or uint8, got "
                           << n.inputType(i);
  if (n.inputType(a).getRank() < 1 || n.inputType(b).getRank() < 1)
    return n.emitError() << "operands must have rank 1 or more";
  return success();
}

LogicalResult importMatMulInteger(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 4)) || failed(checkByteOperands(n, 0, 1)))
    return failure();
  FailureOr<Value> a = centered(n, 0, 2, "a_zero_point", true);
  FailureOr<Value> b = centered(n, 1, 3, "b_zero_point", false);
  if (failed(a) || failed(b))
    return failure();
  FailureOr<Value> y = n.create<graph::MatMulOp>({*a, *b});
  return failed(y) ? failure() : n.setResult(*y);
}

LogicalResult importQLinearMatMul(NodeImporter &n) {
  // a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zp.
  if (failed(n.checkInputCount(8, 8)) || failed(checkByteOperands(n, 0, 3)))
    return failure();
  for (size_t i : {1, 4, 6})
    if (!isa<FloatType>(n.inputType(i).getElementType()))
      return n.emitError() << "input " << i << " (a scale) must be a float "
                           << "tensor, got " << n.inputType(i);
  Type outElement = n.inputType(7).getElementType();
  if (!isByteInt(outElement))
    return n.emitError() << "y_zero_point must be int8 or uint8, got "
                         << n.inputType(7);
  FailureOr<Value> a = centered(n, 0, 2, "a_zero_point", true);
  FailureOr<Value> b = centered(n, 3, 5, "b_zero_point", false);
  if (failed(a) || failed(b))
    return failure();
  FailureOr<Value> acc = n.create<graph::MatMulOp>({*a, *b});
  Type f32 = n.builder().getF32Type();
  if (failed(acc) || failed(acc = castTo(n, *acc, f32)))
    return failure();
  RankedTensorType accType = cast<RankedTensorType>(acc->getType());
  // The requantization scale a_scale * b_scale / y_scale, broadcast.
  FailureOr<Value> as =
      productParam(n, n.input(1), "a_scale", n.inputType(0), true);
  FailureOr<Value> bs =
      productParam(n, n.input(4), "b_scale", n.inputType(3), false);
  FailureOr<Value> ys = productParam(n, n.input(6), "y_scale", accType, false);
  FailureOr<Value> yz =
      productParam(n, n.input(7), "y_zero_point", accType, false);
  if (failed(as) || failed(bs) || failed(ys) || failed(yz) ||
      failed(as = castTo(n, *as, f32)) || failed(bs = castTo(n, *bs, f32)) ||
      failed(ys = castTo(n, *ys, f32)) || failed(yz = castTo(n, *yz, f32)))
    return failure();
  FailureOr<Value> scale = n.create<graph::MulOp>({*as, *bs});
  FailureOr<Value> v;
  if (failed(scale) || failed(scale = n.create<graph::DivOp>({*scale, *ys})) ||
      failed(v = n.create<graph::MulOp>({*acc, *scale})) ||
      failed(v = n.create<graph::RoundOp>(*v)) ||
      failed(v = n.create<graph::AddOp>({*v, *yz})))
    return failure();
  bool isUns = outElement.isUnsignedInteger();
  v = n.create<graph::ClipOp>(
      ValueRange{*v, n.scalarConstant(f32, isUns ? 0.0 : -128.0),
                 n.scalarConstant(f32, isUns ? 255.0 : 127.0)},
      {}, TypeRange{v->getType()});
  if (failed(v) || failed(v = castTo(n, *v, outElement)))
    return failure();
  return n.setResult(*v);
}

} // namespace

void dlc::registerQLinearOps(OpTable &t) {
  t.add("MatMulInteger", 10, kMaxOpset, importMatMulInteger);
  t.add("QLinearMatMul", 10, kMaxOpset, importQLinearMatMul);
}

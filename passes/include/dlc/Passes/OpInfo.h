//===- OpInfo.h - what diagnostics and kernel lists say of an op -*- C++ -*-===//

#ifndef DLC_PASSES_OPINFO_H
#define DLC_PASSES_OPINFO_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include <algorithm>
#include <cstdint>
#include <string>

namespace dlc {

/// The first ONNX node name in `op`'s location ("" when none).
inline std::string onnxNodeOf(mlir::Operation *op) {
  std::string node;
  op->getLoc()->walk([&](mlir::Location loc) {
    if (auto name = mlir::dyn_cast<mlir::NameLoc>(loc)) {
      node = name.getName().str();
      return mlir::WalkResult::interrupt();
    }
    return mlir::WalkResult::advance();
  });
  return node;
}

/// a * b and a + b (non-negative), saturating at INT64_MAX: the estimates
/// of a model with absurd shapes must not overflow.
inline int64_t saturatingMul(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}
inline int64_t saturatingAdd(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_add_overflow(a, b, &r) ? INT64_MAX : r;
}

/// Bytes of a statically shaped tensor or memref of ints or floats, else 0.
inline int64_t staticBytes(mlir::Type t) {
  auto s = mlir::dyn_cast<mlir::ShapedType>(t);
  if (!s || !s.hasStaticShape() || !s.getElementType().isIntOrFloat())
    return 0;
  int64_t n = 1;
  for (int64_t d : s.getShape())
    n = saturatingMul(n, d);
  return saturatingMul(
      n, std::max<int64_t>(1, s.getElementType().getIntOrFloatBitWidth() / 8));
}

/// Arithmetic ops (arith, math; no constants or index casts) in one
/// execution of a generic's payload.
inline int64_t payloadArith(mlir::linalg::GenericOp g) {
  int64_t arith = 0;
  for (mlir::Operation &p : g.getRegion().front().without_terminator())
    if (mlir::isa<mlir::arith::ArithDialect, mlir::math::MathDialect>(
            p.getDialect()) &&
        !mlir::isa<mlir::arith::ConstantOp, mlir::arith::IndexCastOp>(p))
      ++arith;
  return arith;
}

/// The iterations of a linalg op's static loop ranges (dynamic ones as 1).
inline int64_t staticIterations(mlir::linalg::LinalgOp op) {
  int64_t n = 1;
  for (int64_t r : op.getStaticLoopRanges())
    n = saturatingMul(n, mlir::ShapedType::isDynamic(r) ? 1 : r);
  return n;
}

} // namespace dlc

#endif // DLC_PASSES_OPINFO_H

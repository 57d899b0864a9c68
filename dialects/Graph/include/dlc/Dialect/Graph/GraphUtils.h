//===- GraphUtils.h - shared helpers of the graph dialect -------*- C++ -*-===//
//
// Shape inference and constant-folding helpers shared by the graph ops and
// the ONNX importer.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_GRAPH_GRAPHUTILS_H
#define DLC_DIALECT_GRAPH_GRAPHUTILS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/ValueRange.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include <optional>

namespace dlc::graph {

/// Folders only evaluate constants up to this many elements, so that a
/// large weight is never duplicated by a fold during import.
constexpr int64_t kMaxFoldElements = 1 << 16;

/// Lifts the fold limit on this thread while it lives: dlc-fold-weights
/// folds weight-only subgraphs (a transposed or reshaped initializer)
/// whatever their size, replacing the original constant.
class UnboundedFoldScope {
public:
  UnboundedFoldScope();
  ~UnboundedFoldScope();
  UnboundedFoldScope(const UnboundedFoldScope &) = delete;
  UnboundedFoldScope &operator=(const UnboundedFoldScope &) = delete;

private:
  bool previous;
};

/// Emits an error at `loc` when it is set and returns failure; the shape
/// inference functions report through this so that the importer shows the
/// message at the ONNX node while verification stays quiet.
template <typename... Args>
llvm::LogicalResult inferError(std::optional<mlir::Location> loc,
                               Args &&...args) {
  return mlir::emitOptionalError(loc, std::forward<Args>(args)...);
}

/// Numpy-style multidirectional broadcast of two shapes. Fails when two
/// dimensions differ and neither is 1.
llvm::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs);

/// Result type of a broadcasting binary op: operands must share the element
/// type; the result has `resultElement` (or the operand element type when
/// null) and the broadcast shape.
llvm::LogicalResult
inferBroadcastType(std::optional<mlir::Location> loc, mlir::ValueRange operands,
                   mlir::Type resultElement,
                   llvm::SmallVectorImpl<mlir::Type> &inferred);

/// Maps a possibly negative axis into [0, rank); fails (with a message when
/// loc is set) if it is out of range.
llvm::FailureOr<int64_t> normalizeAxis(std::optional<mlir::Location> loc,
                                       int64_t axis, int64_t rank);

/// Returns the attribute of a constant when the value is produced by a
/// constant-like op, else null.
mlir::ElementsAttr getConstantValue(mlir::Value value);

/// True when a folder may evaluate a tensor of this type.
bool isFoldable(mlir::ShapedType type);

/// Elementwise folding of one dense operand. `fn` returns std::nullopt to
/// refuse (the fold then does not happen).
using FloatUnaryFn =
    llvm::function_ref<std::optional<llvm::APFloat>(const llvm::APFloat &)>;
using IntUnaryFn =
    llvm::function_ref<std::optional<llvm::APInt>(const llvm::APInt &)>;
mlir::Attribute foldUnary(mlir::Attribute operand, mlir::ShapedType resultType,
                          FloatUnaryFn floatFn, IntUnaryFn intFn);

/// Elementwise folding of two dense operands with broadcasting into
/// `resultType`, whose element type is the operands'.
using FloatBinaryFn = llvm::function_ref<std::optional<llvm::APFloat>(
    const llvm::APFloat &, const llvm::APFloat &)>;
using IntBinaryFn = llvm::function_ref<std::optional<llvm::APInt>(
    const llvm::APInt &, const llvm::APInt &)>;
mlir::Attribute foldBinary(mlir::Attribute lhs, mlir::Attribute rhs,
                           mlir::ShapedType resultType, FloatBinaryFn floatFn,
                           IntBinaryFn intFn);

/// Like foldBinary for predicates: the result element type is i1. The
/// integer predicate must honour the operands' signedness itself.
using FloatPredicateFn = llvm::function_ref<std::optional<bool>(
    const llvm::APFloat &, const llvm::APFloat &)>;
using IntPredicateFn = llvm::function_ref<std::optional<bool>(
    const llvm::APInt &, const llvm::APInt &)>;
mlir::Attribute foldPredicate(mlir::Attribute lhs, mlir::Attribute rhs,
                              mlir::ShapedType resultType,
                              FloatPredicateFn floatFn, IntPredicateFn intFn);

/// Maps a flat index of `resultShape` to the flat index of an operand of
/// shape `operandShape` broadcast into it.
int64_t broadcastIndex(int64_t flat, llvm::ArrayRef<int64_t> resultShape,
                       llvm::ArrayRef<int64_t> operandShape);

/// Row-major strides of a static shape.
llvm::SmallVector<int64_t> computeStrides(llvm::ArrayRef<int64_t> shape);

/// A parsed explicit Einsum equation: one letter string per operand and the
/// output's letters.
struct EinsumEquation {
  llvm::SmallVector<std::string> inputs;
  std::string output;
};
llvm::FailureOr<EinsumEquation> parseEinsum(std::optional<mlir::Location> loc,
                                            llvm::StringRef equation,
                                            size_t numInputs);

} // namespace dlc::graph

#endif // DLC_DIALECT_GRAPH_GRAPHUTILS_H

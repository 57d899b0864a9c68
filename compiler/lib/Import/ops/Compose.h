//===- Compose.h - building ONNX ops from several graph ops -----*- C++ -*-===//
//
// Helpers for the handlers that express an ONNX op as a composition of graph
// ops (GatherElements, the losses, Attention, the normalizations without a
// graph op of their own). Each helper returns failure after the diagnostics
// of the op that could not be built.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_COMPILER_IMPORT_OPS_COMPOSE_H
#define DLC_COMPILER_IMPORT_OPS_COMPOSE_H

#include "../NodeImporter.h"

namespace dlc::compose {

/// Sets the node's single result when `v` was built.
inline mlir::LogicalResult setCreated(NodeImporter &n,
                                      mlir::FailureOr<mlir::Value> v) {
  return mlir::failed(v) ? mlir::failure() : n.setResult(*v);
}

/// True when output `i` of the node is named (requested).
inline bool wantsOutput(NodeImporter &n, int i) {
  return i < n.node().output_size() && !n.node().output(i).empty();
}

/// `v` reshaped to `shape` (same element count).
mlir::FailureOr<mlir::Value> reshape(NodeImporter &n, mlir::Value v,
                                     llvm::ArrayRef<int64_t> shape);
/// `v` with its dimensions permuted.
mlir::FailureOr<mlir::Value> transpose(NodeImporter &n, mlir::Value v,
                                       llvm::ArrayRef<int64_t> perm);
/// `v` converted to element type `element` (itself when it already is).
mlir::FailureOr<mlir::Value> castTo(NodeImporter &n, mlir::Value v,
                                    mlir::Type element);
/// An i64 constant of rank `rank` holding 0..size-1 along `axis` (every
/// other dimension 1).
mlir::Value positions(NodeImporter &n, int64_t rank, int64_t axis,
                      int64_t size);

/// ONNX GatherElements: out[i...] = data[i... with i_axis = indices[i...]].
/// `indices` has data's rank, its dimensions no larger than data's (along
/// `axis`, any size); negative indices count from the end of the axis.
/// Built as a Gather from the flattened data at the flat offsets. `axis` is
/// normalized; constant indices are checked against the axis size.
mlir::FailureOr<mlir::Value> gatherElements(NodeImporter &n, mlir::Value data,
                                            mlir::Value indices, int64_t axis);

/// The Mean and InvStdDev outputs of LayerNormalization over the
/// dimensions from `axis` on, kept as size 1 (NormalizationOps.cpp).
mlir::FailureOr<std::pair<mlir::Value, mlir::Value>>
layerNormStats(NodeImporter &n, mlir::Value input, int64_t axis,
               double epsilon);

/// BatchNormalization with training_mode=1 (NormalizationOps.cpp): the
/// batch's statistics normalize the input; running statistics blended with
/// `momentum` as outputs 1 and 2 when asked for.
mlir::LogicalResult batchNormTraining(NodeImporter &n, double epsilon);

/// An ONNX einsum equation in the explicit, letters-only form graph.einsum
/// takes: ellipses expanded to unused letters, an implicit output made
/// explicit (Einsum.cpp). `ranks` are the operands' ranks.
mlir::FailureOr<std::string> explicitEinsum(NodeImporter &n,
                                            llvm::StringRef equation,
                                            llvm::ArrayRef<int64_t> ranks);

} // namespace dlc::compose

#endif // DLC_COMPILER_IMPORT_OPS_COMPOSE_H

//===- Legacy.h - importing nodes of opsets 1 to 6 --------------*- C++ -*-===//
//
// Models stamped with default-domain opset 1 to 6 use forms that opset 7
// replaced: the `broadcast`/`axis` attributes of binary ops, the
// `consumed_inputs` memory hint, `is_test`, Cast's string `to`, Reshape's
// `shape` attribute, Tile's scalar tiles/axis inputs, Pad's `paddings`,
// Upsample's per-axis scale attributes. Each such node is rewritten into the
// form of the first opset dlc has a handler for, and that handler imports it.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_COMPILER_IMPORT_LEGACY_H
#define DLC_COMPILER_IMPORT_LEGACY_H

#include "NodeImporter.h"

namespace dlc {

/// The first default-domain opset with dlc's own op semantics; nodes of
/// older models go through importLegacyNode.
constexpr int64_t kFirstModernOpset = 7;

/// The opset whose handler imports `opType` of a model at `opset`
/// (< kFirstModernOpset) once importLegacyNode has rewritten the node, or 0
/// when dlc does not convert that op's legacy form.
int64_t legacyHandlerOpset(llvm::StringRef opType, int64_t opset);

/// Rewrites the node of `n` (its model's opset < kFirstModernOpset) into its
/// form at `handlerOpset` and runs `handler` on it; the results become those
/// of `n`. Errors (a legacy attribute dlc cannot convert) name the node.
mlir::LogicalResult
importLegacyNode(NodeImporter &n, int64_t handlerOpset,
                 mlir::LogicalResult (*handler)(NodeImporter &));

} // namespace dlc

#endif // DLC_COMPILER_IMPORT_LEGACY_H

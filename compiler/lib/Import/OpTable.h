//===- OpTable.h - the supported ONNX ops -----------------------*- C++ -*-===//
//
// A hand-written table keyed by (ONNX op type, opset version range). Each
// family of ops registers its handlers from its own file in ops/.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_COMPILER_IMPORT_OPTABLE_H
#define DLC_COMPILER_IMPORT_OPTABLE_H

#include "NodeImporter.h"
#include "dlc/Compiler/Importer.h"
#include "llvm/ADT/StringMap.h"

namespace dlc {

using OpHandler = mlir::LogicalResult (*)(NodeImporter &);

struct OpTableEntry {
  /// First and last default-domain opset this handler covers.
  int64_t sinceOpset;
  int64_t untilOpset;
  OpHandler handler;
};

class OpTable {
public:
  /// Adds `handler` for `opType` at opsets [since, until].
  void add(llvm::StringRef opType, int64_t since, int64_t until,
           OpHandler handler);
  /// The handler for `opType` at `opset`, or null.
  OpHandler lookup(llvm::StringRef opType, int64_t opset) const;
  /// All registered op types (sorted), for documentation.
  std::vector<std::string> opTypes() const;
  /// The supported opset ranges of one op type.
  llvm::ArrayRef<OpTableEntry> entries(llvm::StringRef opType) const;

  /// The table with every family registered.
  static const OpTable &get();

private:
  llvm::StringMap<llvm::SmallVector<OpTableEntry, 2>> table_;
};

// One registration function per family (ops/*.cpp).
void registerElementwiseOps(OpTable &table);
void registerNNOps(OpTable &table);
void registerShapeOps(OpTable &table);
void registerReductionOps(OpTable &table);
void registerCompositeOps(OpTable &table);
void registerNormalizationOps(OpTable &table);
void registerLossOps(OpTable &table);
void registerAttentionOps(OpTable &table);
void registerQuantizeOps(OpTable &table);
void registerQLinearOps(OpTable &table);
void registerScatterOps(OpTable &table);
void registerSelectionOps(OpTable &table);
void registerRecurrentOps(OpTable &table);
void registerSignalOps(OpTable &table);

} // namespace dlc

#endif // DLC_COMPILER_IMPORT_OPTABLE_H

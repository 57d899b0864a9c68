//===- Stages.h - the named stages of a compile -----------------*- C++ -*-===//
//
// A compile is a sequence of named stages (the import, each pipeline of
// Pipelines.h, LLVM's optimization and code generation, ptxas, ld.lld, the
// archive). A CompileObserver, when the driver gives one, times every stage
// with MLIR's TimingManager (each pipeline's pass timing nested under its
// stage), writes the IR after chosen stages, and reports the current stage
// for a progress line.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CODEGEN_STAGES_H
#define DLC_CODEGEN_STAGES_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"
#include <functional>
#include <string>
#include <vector>

namespace llvm {
class Module;
} // namespace llvm

namespace mlir {
class PassManager;
} // namespace mlir

namespace dlc::codegen {

/// One stage as --list-stages shows it.
struct StageInfo {
  llvm::StringLiteral name;
  llvm::StringLiteral description;
  /// What --dump-after writes: "mlir", "ll" (LLVM IR) or "" (no IR).
  llvm::StringLiteral ir;
};

/// The stages of a compile for `target` ("cpu", "gpu-emu", "cuda", "rocm"),
/// in order.
llvm::ArrayRef<StageInfo> stagesOf(llvm::StringRef target);

/// Observes a compile. Every back-end function that takes one (through
/// CPUOptions::observer or GPUOptions::observer) calls begin() when a
/// stage starts and irAfter() when it ends; without an observer nothing
/// is timed or written.
class CompileObserver {
public:
  /// `stages`: those of the target (stagesOf).
  explicit CompileObserver(llvm::ArrayRef<StageInfo> stages);

  /// Time the stages under `root` (the root scope of a TimingManager).
  void setTiming(mlir::TimingScope root) { this->root = std::move(root); }
  /// Write the IR after each stage of `names` to `dir`/NN-STAGE.mlir
  /// (NN-STAGE.ll for LLVM IR; NN-STAGE.DETAIL.* for a stage run once
  /// per architecture), or to stderr when `dir` is empty. Checks the names.
  llvm::Error setDumps(llvm::ArrayRef<std::string> names, std::string dir);
  /// Called at the start of every stage with its name and detail (an
  /// architecture, a kernel count).
  std::function<void(llvm::StringRef stage, llvm::StringRef detail)> onStage;
  /// Called before IR is dumped to stderr (the driver clears its progress
  /// line).
  std::function<void()> beforeStderr;

  /// Starts `stage` (`detail`: an architecture, shown in the timing as
  /// "stage (detail)"); the stage's time runs until the scope ends.
  mlir::TimingScope begin(llvm::StringRef stage, llvm::StringRef detail = "");
  /// Pass timing of a pipeline, nested under its stage's scope.
  void enablePassTiming(mlir::PassManager &pm, mlir::TimingScope &stage);

  /// The IR after `stage`, written when asked for.
  llvm::Error irAfter(llvm::StringRef stage, mlir::Operation *op,
                      llvm::StringRef detail = "");
  llvm::Error irAfter(llvm::StringRef stage, const llvm::Module &module,
                      llvm::StringRef detail = "");
  /// The stages of setDumps that have not run (yet), in stage order.
  std::vector<std::string> dumpsNotWritten() const;
  /// Printing flags of the dumped MLIR (the driver's --elide-constants).
  int64_t elideConstants = 64;
  /// The kernels of the compile once known (0 before), for the progress.
  size_t kernelCount = 0;

private:
  /// "" when `stage` is not dumped, else the file ("-": stderr).
  std::string dumpPath(llvm::StringRef stage, llvm::StringRef detail,
                       llvm::StringRef extension) const;
  llvm::Error write(llvm::StringRef stage, llvm::StringRef path,
                    llvm::function_ref<void(llvm::raw_ostream &)> print);

  llvm::ArrayRef<StageInfo> stages;
  mlir::TimingScope root;
  llvm::StringSet<> dumps, written;
  std::string dumpDir;
};

/// "name1, name2, ..." of the stages that have IR.
std::string dumpableStageNames(llvm::ArrayRef<StageInfo> stages);

} // namespace dlc::codegen

#endif // DLC_CODEGEN_STAGES_H

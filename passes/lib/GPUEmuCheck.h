//===- GPUEmuCheck.h - the race check of the GPU emulation ------*- C++ -*-===//
//
// Private to dlc-gpu-launch-to-loops: the calls into the runtime's race
// checker (runtime/lib/EmuCheck.cpp) that the emulation of one launch
// makes in checking mode, the order of the threads in a phase, and the
// emulation of nvgpu's asynchronous copies.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_PASSES_GPUEMUCHECK_H
#define DLC_PASSES_GPUEMUCHECK_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

namespace dlc::emu {

enum class ThreadOrder { Forward, Reverse, Shuffle };

struct CheckOptions {
  bool races = false;
  ThreadOrder order = ThreadOrder::Forward;
  int64_t seed = 0;
  /// A block needs the runtime's state (the shadow, or the shuffle).
  bool needsState() const { return races || order == ThreadOrder::Shuffle; }
  /// The thread loops are one loop over a permuted linear id.
  bool linearThreads() const { return races || order != ThreadOrder::Forward; }
};

/// Site strings (kernel, buffer, node, op) as private constants of the
/// module, shared by the launches.
class SiteTable {
public:
  explicit SiteTable(mlir::ModuleOp module) : module(module) {}
  /// The symbol of a NUL-terminated constant holding `text`.
  mlir::memref::GlobalOp get(llvm::StringRef text);
  /// The runtime function `name`, declared on first use (i64 arguments).
  mlir::func::FuncOp helper(llvm::StringRef name, unsigned numArgs,
                            bool returnsValue);

private:
  mlir::ModuleOp module;
  llvm::StringMap<mlir::memref::GlobalOp> globals;
};

/// The checking mode's calls for one launch.
class LaunchCheck {
public:
  LaunchCheck(SiteTable &sites, const CheckOptions &options,
              mlir::gpu::LaunchOp launch, std::string kernel)
      : sites(sites), options(options), launch(launch),
        kernel(std::move(kernel)) {}

  /// dlc_emu_launch_begin/end around `blocks`, block_begin at the start of
  /// its body (block_end is `endBlock`).
  void begin(mlir::scf::ParallelOp blocks, mlir::gpu::KernelDim3 blockSize);
  void endBlock(mlir::OpBuilder &b, mlir::Location loc);
  /// Workgroup attribution `index` lives in `buffer`.
  void trackWorkgroup(mlir::Value buffer, unsigned index,
                      mlir::MemRefType type);

  void barrier(mlir::OpBuilder &b, mlir::Location loc);
  /// Before each loop over a phase's threads (the shuffle's new order),
  /// then the linear thread at `position` (0..count-1) of the phase.
  void phaseOrder(mlir::OpBuilder &b, mlir::Location loc);
  mlir::Value threadAt(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value position, mlir::Value count);

  /// Checking mode: calls before every access of workgroup or global
  /// memory inside `clone` (a phase's copy of a kernel op) by `thread`.
  mlir::LogicalResult instrument(mlir::Operation *clone, mlir::Value thread);
  /// Checking mode: a read of `count` consecutive elements of `memref` at
  /// `indices` by `thread` that the emulation performs itself (the rows of
  /// an ldmatrix); nothing for memory the check does not track.
  void read(mlir::OpBuilder &b, mlir::Operation *op, mlir::Value memref,
            mlir::ValueRange indices, int64_t count, mlir::Value thread);
  /// Replaces the nvgpu async copies, groups and waits inside `clones`
  /// (a phase's ops): runtime calls in checking mode, else copies done at
  /// once.
  mlir::LogicalResult lowerAsyncCopies(llvm::ArrayRef<mlir::Operation *> clones,
                                       mlir::Value thread);

private:
  SiteTable &sites;
  const CheckOptions &options;
  mlir::gpu::LaunchOp launch;
  std::string kernel;
  mlir::Block *blockBody = nullptr;
  mlir::Value blockHandle;
  /// Workgroup buffers: attribution number and type.
  llvm::DenseMap<mlir::Value, std::pair<unsigned, mlir::MemRefType>> shared;
  /// Global memrefs used by the kernel, in order (the kernel's arguments).
  llvm::DenseMap<mlir::Value, unsigned> globals;
  llvm::StringMap<mlir::Value> sitePointers;

  mlir::Value i64(mlir::OpBuilder &b, mlir::Location loc, mlir::Value index);
  mlir::Value constant(mlir::OpBuilder &b, mlir::Location loc, int64_t v);
  mlir::Value sitePointer(llvm::StringRef text);
  /// "workgroup buffer #0 (memref<...>)", "global buffer #2 (...)", or ""
  /// for memory the check does not track (private, emulator slots).
  std::string bufferName(mlir::Value memref);
  std::string siteText(mlir::Operation *op, mlir::Value memref);
  void emitAccess(mlir::OpBuilder &b, mlir::Operation *op, mlir::Value memref,
                  mlir::ValueRange indices, int64_t count, bool write,
                  mlir::Value thread);
};

} // namespace dlc::emu

#endif // DLC_PASSES_GPUEMUCHECK_H

//===- GPULaunches.cpp - kernel module, launches, subgroup reductions ----===//

#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dlc {
#define GEN_PASS_DEF_GPUMERGEMODULES
#define GEN_PASS_DEF_GPULOWERLAUNCHES
#define GEN_PASS_DEF_GPULOWERSUBGROUPREDUCE
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

constexpr StringLiteral kKernelModule = "dlc_kernels";

struct GPUMergeModulesPass
    : dlc::impl::GPUMergeModulesBase<GPUMergeModulesPass> {
  using GPUMergeModulesBase::GPUMergeModulesBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> modules(module.getOps<gpu::GPUModuleOp>());
    if (modules.empty())
      return;
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module.getBody());
    auto merged = gpu::GPUModuleOp::create(b, module.getLoc(), "__dlc_tmp");
    SymbolTable mergedTable(merged);
    // (old module, old kernel) -> new kernel name
    llvm::StringMap<StringAttr> renamed;
    for (gpu::GPUModuleOp m : modules) {
      if (m.getTargetsAttr() || m.getOffloadingHandlerAttr()) {
        m.emitError("dlc-gpu-merge-modules: GPU modules must not have "
                    "targets yet");
        return signalPassFailure();
      }
      for (Operation &op : llvm::make_early_inc_range(m.getBody()->getOperations())) {
        auto fn = dyn_cast<gpu::GPUFuncOp>(op);
        if (!fn) {
          op.emitError("dlc-gpu-merge-modules: only kernels can be merged");
          return signalPassFailure();
        }
        std::string key = (m.getName() + "::" + fn.getName()).str();
        fn->moveBefore(merged.getBody(), merged.getBody()->end());
        // The module's name is unique; a second kernel of the same module
        // gets a suffix from the symbol table.
        fn.setName(m.getName());
        // Every pointer a kernel receives is the start of a buffer: a graph
        // input or output, or a view of the arena or the weights at a
        // 64-byte aligned offset. Knowing 16 bytes lets the back ends use
        // 128-bit loads and stores.
        for (unsigned i = 0, e = fn.getNumArguments(); i < e; ++i)
          if (isa<MemRefType>(fn.getArgument(i).getType()))
            fn.setArgAttr(i, "llvm.align",
                          IntegerAttr::get(IntegerType::get(ctx, 64), 16));
        // Workgroup buffers 16-byte aligned too: cp.async's 16-byte copies
        // and ldmatrix's rows need it (the lowering's default is the
        // element's alignment).
        for (unsigned i = 0, e = fn.getNumWorkgroupAttributions(); i < e; ++i)
          fn.setWorkgroupAttributionAttr(
              i, StringAttr::get(ctx, "llvm.align"),
              IntegerAttr::get(IntegerType::get(ctx, 64), 16));
        StringAttr name = mergedTable.insert(fn);
        renamed[key] = name;
      }
    }
    WalkResult result = module.walk([&](gpu::LaunchFuncOp launch) {
      std::string key = (launch.getKernelModuleName().getValue() +
                         "::" + launch.getKernelName().getValue())
                            .str();
      auto it = renamed.find(key);
      if (it == renamed.end()) {
        launch.emitError("dlc-gpu-merge-modules: unknown kernel ") << key;
        return WalkResult::interrupt();
      }
      launch.setKernelAttr(SymbolRefAttr::get(
          ctx, kKernelModule, {FlatSymbolRefAttr::get(it->second)}));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    for (gpu::GPUModuleOp m : modules)
      m.erase();
    merged.setName(kKernelModule);
  }
};

struct GPULowerLaunchesPass
    : dlc::impl::GPULowerLaunchesBase<GPULowerLaunchesPass> {
  using GPULowerLaunchesBase::GPULowerLaunchesBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    auto fn = module.lookupSymbol<func::FuncOp>(funcName);
    if (!fn || fn.isExternal()) {
      module.emitError() << "dlc-gpu-lower-launches: no function '"
                         << funcName << "' with a body";
      return signalPassFailure();
    }
    SmallVector<Attribute> names;
    llvm::StringMap<int64_t> indexOf;
    if (auto kernels = module.lookupSymbol<gpu::GPUModuleOp>(kKernelModule))
      for (auto k : kernels.getOps<gpu::GPUFuncOp>()) {
        indexOf[k.getName()] = names.size();
        names.push_back(StringAttr::get(ctx, k.getName()));
      }
    module->setAttr("dlc.gpu_kernels", ArrayAttr::get(ctx, names));

    auto ctxType = MemRefType::get({0}, IntegerType::get(ctx, 8));
    unsigned numArgs = fn.getNumArguments();
    if (failed(fn.insertArguments({numArgs}, {ctxType}, {}, {fn.getLoc()}))) {
      fn.emitError("dlc-gpu-lower-launches cannot add the context argument");
      return signalPassFailure();
    }
    Value execCtx = fn.getArgument(numArgs);

    SmallVector<gpu::LaunchFuncOp> launches;
    module.walk([&](gpu::LaunchFuncOp op) { launches.push_back(op); });
    OpBuilder b(ctx);
    for (gpu::LaunchFuncOp launch : launches) {
      if (launch->getParentOfType<func::FuncOp>() != fn ||
          launch.getKernelModuleName().getValue() != kKernelModule ||
          launch.getAsyncToken() || !launch.getAsyncDependencies().empty() ||
          launch.hasClusterSize() || launch.getDynamicSharedMemorySize()) {
        launch.emitError("dlc-gpu-lower-launches: unsupported launch");
        return signalPassFailure();
      }
      auto it = indexOf.find(launch.getKernelName().getValue());
      if (it == indexOf.end()) {
        launch.emitError("dlc-gpu-lower-launches: unknown kernel");
        return signalPassFailure();
      }
      std::string stubName = "__dlc_gpu_launch_" + std::to_string(it->second);
      SmallVector<Value> args{execCtx};
      gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
      gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
      args.append({grid.x, grid.y, grid.z, block.x, block.y, block.z});
      args.append(launch.getKernelOperands().begin(),
                  launch.getKernelOperands().end());
      auto stubType = FunctionType::get(ctx, ValueRange(args).getTypes(), {});
      auto stub = module.lookupSymbol<func::FuncOp>(stubName);
      if (!stub) {
        b.setInsertionPoint(fn);
        stub = func::FuncOp::create(b, launch.getLoc(), stubName, stubType);
        stub.setPrivate();
      } else if (stub.getFunctionType() != stubType) {
        launch.emitError("dlc-gpu-lower-launches: kernel launched with "
                         "different argument types");
        return signalPassFailure();
      }
      b.setInsertionPoint(launch);
      func::CallOp::create(b, launch.getLoc(), stub, args);
      launch.erase();
    }
  }
};

} // namespace

//===----------------------------------------------------------------------===//
// Subgroup reductions to shuffles
//===----------------------------------------------------------------------===//

namespace {
struct GPULowerSubgroupReducePass
    : dlc::impl::GPULowerSubgroupReduceBase<GPULowerSubgroupReducePass> {
  using GPULowerSubgroupReduceBase::GPULowerSubgroupReduceBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateGpuBreakDownSubgroupReducePatterns(patterns, 32);
    populateGpuLowerSubgroupReduceToShufflePatterns(patterns, subgroupSize);
    populateGpuLowerClusteredSubgroupReduceToShufflePatterns(patterns,
                                                             subgroupSize);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace

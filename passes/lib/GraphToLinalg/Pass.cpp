//===- Pass.cpp - the graph-to-linalg conversion pass ---------------------===//
//
// One conversion pattern per graph op (or family of ops). Elementwise ops
// become linalg.generic with broadcasting indexing maps; reductions are
// linalg.generic with reduction iterators; matmul is linalg.matmul (2-D) or
// a batched linalg.generic; shape ops become tensor reshapes, slices and
// concatenations. Unsigned integer tensors become signless ones; the
// patterns read the signedness from the graph op's original types.
//
//
// The patterns live in one file per op family (Elementwise, Shape,
// Contraction, Reduction, NN); this file holds the pass.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "dlc/Passes/OpInfo.h"
#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"

namespace dlc {
#define GEN_PASS_DEF_CONVERTGRAPHTOLINALG
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using namespace dlc;
using namespace dlc::graph_to_linalg;
namespace graph = dlc::graph;

namespace {

struct ConvertGraphToLinalgPass
    : dlc::impl::ConvertGraphToLinalgBase<ConvertGraphToLinalgPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();

    // Tensors past what a 64-bit process can address (a model with absurd
    // dimensions) stop here, with the node, before any size computation
    // downstream can overflow.
    constexpr int64_t kMaxTensorBytes = int64_t(1) << 46;
    WalkResult tooLarge = module.walk([&](Operation *op) {
      for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults())) {
        int64_t bytes = dlc::staticBytes(v.getType());
        if (bytes <= kMaxTensorBytes)
          continue;
        std::string node = dlc::onnxNodeOf(op);
        op->emitError() << (node.empty() ? "" : "node '" + node + "': ")
                        << "a tensor of " << v.getType() << " ("
                        << (bytes == INT64_MAX ? std::string("over 2^63")
                                               : std::to_string(bytes))
                        << " bytes) is larger than dlc supports (2^46 bytes)";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (tooLarge.wasInterrupted())
      return signalPassFailure();

    // Record the original element types of the function boundary before
    // signatures become signless.
    module.walk([&](func::FuncOp fn) {
      FunctionType type = fn.getFunctionType();
      for (auto [i, t] : llvm::enumerate(type.getInputs()))
        fn.setArgAttr(i, "graph.dtype",
                      TypeAttr::get(getElementTypeOrSelf(t)));
      for (auto [i, t] : llvm::enumerate(type.getResults()))
        fn.setResultAttr(i, "graph.dtype",
                         TypeAttr::get(getElementTypeOrSelf(t)));
    });

    TypeConverter converter;
    converter.addConversion([](Type t) { return t; });
    converter.addConversion([](RankedTensorType t) -> Type {
      return signlessType(t);
    });

    ConversionTarget target(*ctx);
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect,
                           scf::SCFDialect>();
    target.addIllegalDialect<graph::GraphDialect>();
    target.addLegalOp<ModuleOp>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp fn) {
      return converter.isSignatureLegal(fn.getFunctionType()) &&
             converter.isLegal(&fn.getBody());
    });
    target.addDynamicallyLegalOp<func::ReturnOp>(
        [&](func::ReturnOp op) { return converter.isLegal(op); });

    RewritePatternSet patterns(ctx);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateGraphToLinalgElementwisePatterns(converter, patterns);
    populateGraphToLinalgShapePatterns(converter, patterns);
    populateGraphToLinalgContractionPatterns(converter, patterns);
    populateGraphToLinalgReductionPatterns(converter, patterns);
    populateGraphToLinalgNNPatterns(converter, patterns);
    populateGraphToLinalgScatterPatterns(converter, patterns);

    // An op without a lowering gets one clear error instead of the
    // conversion driver's "failed to legalize".
    llvm::DenseSet<OperationName> lowered;
    for (const std::unique_ptr<RewritePattern> &p :
         patterns.getNativePatterns())
      if (std::optional<OperationName> root = p->getRootKind())
        lowered.insert(*root);
    WalkResult walk = module.walk([&](Operation *op) {
      if (op->getDialect() &&
          isa<graph::GraphDialect>(op->getDialect()) &&
          !lowered.contains(op->getName())) {
        op->emitError() << "'" << op->getName()
                        << "' is not supported by the CPU back end yet";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    if (failed(applyFullConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

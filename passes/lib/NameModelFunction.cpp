//===- NameModelFunction.cpp - the model function's symbol name -----------===//
//
// Renames the importer's `@main` to `<model-name>_forward` and drops its
// argument and result attributes, so that the back ends' pipelines start
// from the function the entry wrapper calls.
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/Passes.h"

namespace dlc {
#define GEN_PASS_DEF_NAMEMODELFUNCTION
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {
struct NameModelFunction : dlc::impl::NameModelFunctionBase<NameModelFunction> {
  using Base::Base;

  void runOnOperation() override {
    if (modelName.empty())
      return;
    ModuleOp module = getOperation();
    auto fn = module.lookupSymbol<func::FuncOp>("main");
    if (!fn)
      return;
    std::string forward = modelName + "_forward";
    if (module.lookupSymbol(forward)) {
      fn.emitError("cannot rename @main to @")
          << forward << ": the module already has that symbol";
      return signalPassFailure();
    }
    fn.setSymName(forward);
    fn.removeArgAttrsAttr();
    fn.removeResAttrsAttr();
  }
};
} // namespace

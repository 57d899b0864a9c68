//===- Passes.cpp - dlc pass registration ---------------------------------===//

#include "dlc/Passes/Passes.h"
#include "mlir/Transforms/Passes.h"

void dlc::registerDLCPasses() {
  // Graph-level clean-up relies on the ops' folders and canonicalization.
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
  registerLoweringPasses();
}

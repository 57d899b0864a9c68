//===- Passes.td - dlc passes ------------------------------*- tablegen -*-===//

#ifndef DLC_PASSES_PASSES_TD
#define DLC_PASSES_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertGraphToLinalg : Pass<"convert-graph-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower graph ops to linalg, tensor, arith and math";
  let description = [{
    Every graph op becomes destination-style tensor code: named linalg ops
    where they exist (matmul, fill, transpose), linalg.generic for
    elementwise math with broadcasting and for reductions, and tensor ops
    for reshapes, slices and concatenation. Unsigned element types become
    signless integers of the same width (the signedness is kept in the
    arithmetic that is chosen). Function signatures are converted the same
    way; the original element types stay in each argument's and result's
    `graph.dtype` attribute for the runtime's tensor descriptors. An op
    without a lowering is an error that names the op.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect", "mlir::tensor::TensorDialect",
    "mlir::func::FuncDialect"
  ];
}

#endif // DLC_PASSES_PASSES_TD

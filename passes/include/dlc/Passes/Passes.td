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

def PlanMemory : Pass<"dlc-plan-memory", "mlir::ModuleOp"> {
  let summary = "Place intermediate buffers in one arena; optionally move "
                "weights to an external blob";
  let description = [{
    Runs on bufferized code. The model function `func` gets two trailing
    arguments, the arena and the weights blob (memref<Nxi8>). Every
    statically shaped `memref.alloc` of the function body becomes a
    `memref.view` into the arena; buffers whose live ranges (from the
    allocation to the last use through any view of it, at the granularity
    of the body's top-level ops) do not overlap share bytes. Offsets are
    aligned to 64 bytes. The arena size is stored in the module attribute
    `dlc.arena_bytes`.

    With `external-weights`, every `memref.get_global` of a constant global
    becomes a view into the weights argument; each global gets a
    `dlc.weights_offset` attribute and the module `dlc.weight_bytes`, so
    that the back end can write the blob and drop the globals.

    A `memref.copy` involving a strided view becomes `linalg.copy`, so that
    it lowers to loops instead of a call into MLIR's runner library.
  }];
  let options = [
    Option<"funcName", "func", "std::string", "\"main\"",
           "Name of the model function">,
    Option<"externalWeights", "external-weights", "bool", "false",
           "Read constant globals from the weights argument">,
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect"];
}

def OutlineParallel : Pass<"dlc-outline-parallel", "mlir::ModuleOp"> {
  let summary = "Run the model's top-level parallel loops on the runtime's "
                "thread pool";
  let description = [{
    Runs after `convert-linalg-to-parallel-loops`. The model function `func`
    gets a trailing `memref<0xi8>` argument, the runtime's execution context.
    Each `scf.parallel` directly in its body with constant bounds and at
    least `min-trip-count` iterations in its outermost dimension that runs
    more than once (earlier dimensions of one iteration, such as a batch of
    1, stay inside) becomes
      * a private function `__dlc_par_N(%begin, %end, captured memrefs...)`
        running iterations [begin, end) of that dimension (the loop's other
        dimensions stay inside), and
      * a call to `__dlc_launch_N(%ctx, %iterations, captured memrefs...)`,
        declared here and defined by the CPU back end in LLVM IR as a call
        to the runtime's `dlc_parallel_for`.
    Constants used by the loop are cloned into the outlined function;
    captured memrefs must be statically shaped with identity layouts (bare
    pointers), otherwise the loop stays serial.
  }];
  let options = [
    Option<"funcName", "func", "std::string", "\"main\"",
           "Name of the model function">,
    Option<"minTripCount", "min-trip-count", "int64_t", "2",
           "Smallest first-dimension trip count worth distributing">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect"];
}

def InterchangeReductions
    : Pass<"dlc-interchange-reductions", "mlir::ModuleOp"> {
  let summary = "Move the reduction loops of contractions outside the "
                "innermost parallel loop";
  let description = [{
    For a linalg op whose innermost loop is a reduction (matmul, convolution,
    Einsum contractions) and whose last parallel dimension indexes the
    innermost dimension of its output and of one of its inputs, the loops are
    reordered to (other parallel dims, reduction dims, last parallel dim):
    the innermost loop then walks contiguous memory and updates independent
    outputs, which LLVM vectorizes, instead of a strided scalar reduction.
    Named ops are generalized first.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def FuseElementwise : Pass<"dlc-fuse-elementwise", "mlir::ModuleOp"> {
  let summary = "Fuse chains of elementwise linalg ops without recomputation";
  let description = [{
    Upstream elementwise fusion (`populateElementwiseOpsFusionPatterns`)
    restricted to consumers that are themselves elementwise (all loops
    parallel): an elementwise producer fused into a reduction such as a
    matmul would be recomputed once per reduction step. Shape ops stay as
    they are.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

#endif // DLC_PASSES_PASSES_TD

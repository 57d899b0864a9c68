//===- GraphReductionOps.td - reductions and normalizations *- tablegen -*-===//

#ifndef DLC_DIALECT_GRAPH_GRAPHREDUCTIONOPS_TD
#define DLC_DIALECT_GRAPH_GRAPHREDUCTIONOPS_TD

def Graph_ReduceSumOp : Graph_InferredOp<"reduce_sum"> {
  let summary = "Sum over the given axes (ONNX ReduceSum)";
  let description = [{
    `axes` holds normalized (non-negative), sorted, unique axes; an empty
    list reduces every axis.
  }];
  let arguments = (ins Graph_NumericTensor:$input,
                   DenseI64ArrayAttr:$axes,
                   DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs Graph_NumericTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // DLC_DIALECT_GRAPH_GRAPHREDUCTIONOPS_TD

//===- GraphNNOps.td - convolution, matmul, pooling, ... ---*- tablegen -*-===//

#ifndef DLC_DIALECT_GRAPH_GRAPHNNOPS_TD
#define DLC_DIALECT_GRAPH_GRAPHNNOPS_TD

def Graph_MatMulOp : Graph_InferredOp<"matmul"> {
  let summary = "Matrix product with numpy semantics (ONNX MatMul)";
  let description = [{
    1-D operands are promoted as in numpy.matmul; leading batch
    dimensions broadcast.
  }];
  let arguments = (ins Graph_NumericTensor:$lhs, Graph_NumericTensor:$rhs);
  let results = (outs Graph_NumericTensor:$output);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

#endif // DLC_DIALECT_GRAPH_GRAPHNNOPS_TD

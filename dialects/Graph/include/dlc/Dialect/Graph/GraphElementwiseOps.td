//===- GraphElementwiseOps.td - elementwise ops ------------*- tablegen -*-===//

#ifndef DLC_DIALECT_GRAPH_GRAPHELEMENTWISEOPS_TD
#define DLC_DIALECT_GRAPH_GRAPHELEMENTWISEOPS_TD

def Graph_ReluOp : Graph_UnaryOp<"relu", Graph_NumericTensor> {
  let summary = "max(x, 0) (ONNX Relu)";
  let hasFolder = 1;
}

def Graph_AddOp : Graph_BroadcastOp<"add", Graph_NumericTensor, Graph_NumericTensor, [Commutative]> {
  let summary = "Elementwise sum with broadcasting (ONNX Add)";
}

#endif // DLC_DIALECT_GRAPH_GRAPHELEMENTWISEOPS_TD

//===- GraphShapeOps.td - shape manipulation ops -----------*- tablegen -*-===//

#ifndef DLC_DIALECT_GRAPH_GRAPHSHAPEOPS_TD
#define DLC_DIALECT_GRAPH_GRAPHSHAPEOPS_TD

def Graph_ReshapeOp : Graph_Op<"reshape", [Pure]> {
  let summary = "Reinterpret the shape, same elements (ONNX Reshape)";
  let description = [{
    The result type carries the new static shape; the importer resolves
    ONNX's `0` and `-1` entries.
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_ShapeOp : Graph_InferredOp<"shape"> {
  let summary = "The shape of a tensor as i64 (ONNX Shape)";
  let arguments = (ins Graph_Tensor:$input,
                   DefaultValuedAttr<I64Attr, "0">:$start,
                   OptionalAttr<I64Attr>:$end);
  let results = (outs Graph_I64Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

#endif // DLC_DIALECT_GRAPH_GRAPHSHAPEOPS_TD

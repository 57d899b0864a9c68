//===- GraphScatterOps.td - sequential scatter ------------*- tablegen -*-===//
//
// The one op behind ONNX ScatterElements, Scatter, ScatterND and
// TensorScatter: the importer computes the flat offsets of every written
// element and flattens the data and the updates.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_GRAPH_GRAPHSCATTEROPS_TD
#define DLC_DIALECT_GRAPH_GRAPHSCATTEROPS_TD

def Graph_ScatterOp : Graph_Op<"scatter",
    [Pure, AllTypesMatch<["data", "output"]>]> {
  let summary = "Write updates into a copy of 1-D data at flat offsets, in order";
  let description = [{
    `output` is a copy of `data` (1-D) in which, for i = 0, 1, ... in order,
    `output[offsets[i]]` becomes `updates[i]` (reduction `none`) or its
    combination with the value there (`add`, `mul`, `max`, `min`). Later
    writes to the same offset see the earlier ones, as ONNX specifies;
    without a reduction the writes may run in parallel, so which of several
    updates of one offset lands is unspecified (as in ONNX).
    Offsets are in [0, size); an offset out of range is skipped.
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_I64Tensor:$offsets,
                   Graph_Tensor:$updates,
                   DefaultValuedStrAttr<StrAttr, "none">:$reduction);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$data `,` $offsets `,` $updates attr-dict `:` "
                       "functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // DLC_DIALECT_GRAPH_GRAPHSCATTEROPS_TD

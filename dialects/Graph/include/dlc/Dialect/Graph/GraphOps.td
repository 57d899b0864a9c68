//===- GraphOps.td - graph dialect operations --------------*- tablegen -*-===//

#ifndef DLC_DIALECT_GRAPH_GRAPHOPS_TD
#define DLC_DIALECT_GRAPH_GRAPHOPS_TD

include "dlc/Dialect/Graph/GraphBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

//===----------------------------------------------------------------------===//
// Shared op classes
//===----------------------------------------------------------------------===//

// Elementwise op with one operand; the result has the operand's type.
class Graph_UnaryOp<string mnemonic, Type T, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType])> {
  let arguments = (ins T:$input);
  let results = (outs T:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

// Elementwise op with two operands of one element type and numpy-style
// (multidirectional) broadcasting of their shapes.
class Graph_BroadcastOp<string mnemonic, Type T, Type R, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits,
        [Pure, DeclareOpInterfaceMethods<InferTypeOpInterface>])> {
  let arguments = (ins T:$lhs, T:$rhs);
  let results = (outs R:$output);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

// Any op whose result type is computed in C++ from operands and attributes.
class Graph_InferredOp<string mnemonic, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits,
        [Pure, DeclareOpInterfaceMethods<InferTypeOpInterface>])>;

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Graph_ConstantOp : Graph_InferredOp<"constant", [ConstantLike]> {
  let summary = "A constant tensor (ONNX Constant and initializers)";
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

include "dlc/Dialect/Graph/GraphElementwiseOps.td"
include "dlc/Dialect/Graph/GraphNNOps.td"
include "dlc/Dialect/Graph/GraphShapeOps.td"
include "dlc/Dialect/Graph/GraphReductionOps.td"
include "dlc/Dialect/Graph/GraphScatterOps.td"

#endif // DLC_DIALECT_GRAPH_GRAPHOPS_TD

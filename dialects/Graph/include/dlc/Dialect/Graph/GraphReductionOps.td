//===- GraphReductionOps.td - reductions and normalizations *- tablegen -*-===//
//
// Reductions over a set of axes (ONNX Reduce*), index reductions (ArgMax,
// ArgMin), the running sum (CumSum) and the softmax family. Axes are always
// normalized here (in [0, rank)); the importer maps ONNX's negative axes,
// its axes attribute/input forms and its defaults onto these ops.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_GRAPH_GRAPHREDUCTIONOPS_TD
#define DLC_DIALECT_GRAPH_GRAPHREDUCTIONOPS_TD

//===----------------------------------------------------------------------===//
// Reductions over a set of axes
//===----------------------------------------------------------------------===//

// `axes` lists the reduced axes: non-negative, sorted and unique. Unlike
// ONNX, an empty list reduces nothing (the importer spells out "all axes",
// and ONNX's `noop_with_empty_axes` becomes the empty list). A reduced
// dimension becomes 1 with `keepdims` and is dropped otherwise. Reducing
// nothing leaves only the elementwise steps of a composite reduction, e.g.
// `reduce_sum_square` with no axes squares each element. Reducing an empty
// set (a zero-sized reduced dimension) yields `emptyValue`. Type inference
// is shared by all of them (ReductionOps.cpp).
class Graph_ReduceOp<string mnemonic, string onnxName, string computes,
                     string emptyValue, Type T = Graph_NumericTensor>
    : Graph_InferredOp<mnemonic> {
  let summary = computes # " over the given axes (ONNX " # onnxName # ")";
  let description = [{
    `axes` lists the reduced axes: non-negative, sorted and unique. An empty
    list reduces nothing (only the elementwise steps of a composite
    reduction remain). A reduced dimension becomes 1 with `keepdims` and is
    dropped otherwise.
  }] # "Reducing an empty set yields " # emptyValue # ".";
  let arguments = (ins T:$input, DenseI64ArrayAttr:$axes,
                   DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs T:$output);
  let assemblyFormat =
      "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_ReduceSumOp
    : Graph_ReduceOp<"reduce_sum", "ReduceSum", "Sum", "0">;
def Graph_ReduceMeanOp
    : Graph_ReduceOp<"reduce_mean", "ReduceMean", "Arithmetic mean",
                     "an undefined value (NaN for floats); integer means "
                     "truncate toward zero">;
def Graph_ReduceProdOp
    : Graph_ReduceOp<"reduce_prod", "ReduceProd", "Product", "1">;
// Booleans compare with false < true.
def Graph_ReduceMaxOp
    : Graph_ReduceOp<"reduce_max", "ReduceMax", "Maximum",
                     "-inf for floats, the smallest value for integers and "
                     "false for booleans", Graph_Tensor>;
def Graph_ReduceMinOp
    : Graph_ReduceOp<"reduce_min", "ReduceMin", "Minimum",
                     "+inf for floats, the largest value for integers and "
                     "true for booleans", Graph_Tensor>;
def Graph_ReduceL1Op
    : Graph_ReduceOp<"reduce_l1", "ReduceL1", "Sum of absolute values", "0">;
def Graph_ReduceL2Op
    : Graph_ReduceOp<"reduce_l2", "ReduceL2",
                     "Square root of the sum of squares", "0",
                     Graph_FloatTensor>;
def Graph_ReduceSumSquareOp
    : Graph_ReduceOp<"reduce_sum_square", "ReduceSumSquare",
                     "Sum of squares", "0">;
def Graph_ReduceLogSumOp
    : Graph_ReduceOp<"reduce_log_sum", "ReduceLogSum", "Log of the sum",
                     "-inf", Graph_FloatTensor>;
def Graph_ReduceLogSumExpOp
    : Graph_ReduceOp<"reduce_log_sum_exp", "ReduceLogSumExp",
                     "Log of the sum of exponentials", "-inf",
                     Graph_FloatTensor>;

//===----------------------------------------------------------------------===//
// Index reductions
//===----------------------------------------------------------------------===//

// The i64 index of the extreme element along `axis` (in [0, rank), of
// non-zero size); ties give the first index, or the last one with
// `select_last_index`. With `keepdims` the axis becomes 1, else it is
// dropped.
class Graph_ArgReduceOp<string mnemonic, string onnxName, string extreme>
    : Graph_InferredOp<mnemonic> {
  let summary = "Index of the " # extreme # " along an axis (ONNX " #
                onnxName # ")";
  let arguments = (ins Graph_NumericTensor:$input, I64Attr:$axis,
                   DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                   DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs Graph_I64Tensor:$output);
  let assemblyFormat =
      "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_ArgMaxOp : Graph_ArgReduceOp<"argmax", "ArgMax", "maximum">;
def Graph_ArgMinOp : Graph_ArgReduceOp<"argmin", "ArgMin", "minimum">;

//===----------------------------------------------------------------------===//
// Running sum
//===----------------------------------------------------------------------===//

def Graph_CumSumOp
    : Graph_Op<"cumsum", [Pure, SameOperandsAndResultType]> {
  let summary = "Cumulative sum along an axis (ONNX CumSum)";
  let description = [{
    Element `i` along `axis` (in [0, rank)) is the sum of elements `0..i`;
    `exclusive` leaves element `i` itself out (the first sum is 0) and
    `reverse` sums from the end of the axis instead.
  }];
  let arguments = (ins Graph_NumericTensor:$input, I64Attr:$axis,
                   DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                   DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs Graph_NumericTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Softmax family
//===----------------------------------------------------------------------===//

// Normalization along the single axis `axis` (in [0, rank)). This is the
// ONNX semantics from opset 13; the importer expresses the older form
// (softmax over the input coerced to 2-D at `axis`) as reshape, this op on
// axis 1, reshape back.
class Graph_SoftmaxLikeOp<string mnemonic, string onnxName, string computes>
    : Graph_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = computes # " along an axis (ONNX " # onnxName # ")";
  let arguments = (ins Graph_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def Graph_SoftmaxOp
    : Graph_SoftmaxLikeOp<"softmax", "Softmax", "exp(x) / sum(exp(x))">;
def Graph_LogSoftmaxOp
    : Graph_SoftmaxLikeOp<"log_softmax", "LogSoftmax",
                          "x - log(sum(exp(x)))">;

#endif // DLC_DIALECT_GRAPH_GRAPHREDUCTIONOPS_TD

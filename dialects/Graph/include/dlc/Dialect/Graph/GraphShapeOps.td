//===- GraphShapeOps.td - shape manipulation ops -----------*- tablegen -*-===//
//
// Ops that move, select or replicate elements without arithmetic, and the
// ops that describe shapes. Shape-like ONNX operands (perm, axes, repeats,
// starts/ends, pads, split sizes, ...) are attributes here. Every op folds
// when its data operands are constants of at most kMaxFoldElements elements
// so that the shape computations of exported models (Shape -> Gather ->
// Unsqueeze -> Concat -> Reshape) become constants at import.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_GRAPH_GRAPHSHAPEOPS_TD
#define DLC_DIALECT_GRAPH_GRAPHSHAPEOPS_TD

def Graph_ReshapeOp : Graph_Op<"reshape", [Pure]> {
  let summary = "Reinterpret the shape, same elements (ONNX Reshape)";
  let description = [{
    The result type carries the new static shape; the importer resolves
    ONNX's `0` and `-1` entries (and `allowzero`).
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_FlattenOp : Graph_InferredOp<"flatten"> {
  let summary = "Collapse to 2-D around `axis` (ONNX Flatten)";
  let description = [{
    The result is `[prod(dims[0:axis]), prod(dims[axis:])]`; `axis` may be
    negative and lies in `[-rank, rank]`.
  }];
  let arguments = (ins Graph_Tensor:$input,
                   DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_TransposeOp : Graph_InferredOp<"transpose"> {
  let summary = "Permute the dimensions (ONNX Transpose)";
  let description = [{
    Result dimension `i` is input dimension `perm[i]`. `perm` is a
    permutation of `[0, rank)`; the importer fills ONNX's default (the
    reversed dimensions).
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_SqueezeOp : Graph_InferredOp<"squeeze"> {
  let summary = "Remove size-1 dimensions (ONNX Squeeze)";
  let description = [{
    `axes` (possibly negative, each of size 1) are removed; an empty list
    removes every size-1 dimension.
  }];
  let arguments = (ins Graph_Tensor:$input,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_UnsqueezeOp : Graph_InferredOp<"unsqueeze"> {
  let summary = "Insert size-1 dimensions (ONNX Unsqueeze)";
  let description = [{
    `axes` index the result (rank = input rank + number of axes), may be
    negative, in any order, without duplicates.
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_ConcatOp : Graph_InferredOp<"concat"> {
  let summary = "Join tensors along an axis (ONNX Concat)";
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat =
      "$inputs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_SplitOp : Graph_InferredOp<"split"> {
  let summary = "Cut a tensor into consecutive pieces along an axis (ONNX Split)";
  let description = [{
    `split` holds the size of each piece along `axis` and sums to that
    dimension; the importer computes it from ONNX's `split` input or
    attribute, or `num_outputs` (whose last piece may be smaller).
  }];
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis,
                   DenseI64ArrayAttr:$split);
  let results = (outs Variadic<Graph_Tensor>:$outputs);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_SliceOp : Graph_InferredOp<"slice"> {
  let summary = "Strided sub-tensor (ONNX Slice)";
  let description = [{
    `starts`, `ends`, `axes` and `steps` have one entry per sliced axis with
    ONNX semantics: negative starts/ends count from the end of the dimension,
    out-of-range values clamp (INT64_MAX / INT64_MIN included), negative
    steps walk backwards, and axes may be negative. Axes not listed are
    kept whole. `getRanges` gives the normalized start, step and size of
    every dimension.
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$starts,
                   DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$axes,
                   DenseI64ArrayAttr:$steps);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// Per input dimension: the first index read, the step and the number
    /// of elements in the result.
    void getRanges(::llvm::SmallVectorImpl<int64_t> &starts,
                   ::llvm::SmallVectorImpl<int64_t> &steps,
                   ::llvm::SmallVectorImpl<int64_t> &sizes);
  }];
}

def Graph_GatherOp : Graph_InferredOp<"gather"> {
  let summary = "Take slices along an axis at the given indices (ONNX Gather)";
  let description = [{
    The result shape is `data[:axis] + indices + data[axis+1:]`. Negative
    indices count from the end of the axis; an index out of range has
    undefined behaviour at run time (and is never folded).
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_IndexTensor:$indices,
                   DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat =
      "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_ExpandOp : Graph_InferredOp<"expand"> {
  let summary = "Broadcast to a shape (ONNX Expand)";
  let description = [{
    The result shape is the numpy broadcast of the input shape and `shape`
    (so a 1 in `shape` keeps the input dimension).
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_TileOp : Graph_InferredOp<"tile"> {
  let summary = "Repeat the tensor along each dimension (ONNX Tile)";
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$repeats);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_PadOp : Graph_InferredOp<"pad"> {
  let summary = "Pad (or crop, with negative pads) each dimension (ONNX Pad)";
  let description = [{
    `pads` holds the begin pads of all r dimensions, then their end pads
    (negative pads crop). `mode` is `constant` (fill with `value`, zero when
    absent), `reflect` (mirror without the edge; pads must be smaller than
    the dimension), `edge` (repeat the edge) or `wrap` (cyclic).
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$pads,
                   DefaultValuedStrAttr<StrAttr, "constant">:$mode,
                   OptionalAttr<TypedAttrInterface>:$value);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_TriluOp : Graph_Op<"trilu", [Pure, SameOperandsAndResultType]> {
  let summary = "Keep the upper or lower triangle of the last two dims (ONNX Trilu)";
  let description = [{
    With `upper`, element (i, j) of each matrix is kept when `j - i >= k`,
    otherwise when `j - i <= k`; the others become zero.
  }];
  let arguments = (ins Graph_Tensor:$input,
                   DefaultValuedAttr<BoolAttr, "true">:$upper,
                   DefaultValuedAttr<I64Attr, "0">:$k);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_ShapeOp : Graph_InferredOp<"shape"> {
  let summary = "The shape of a tensor as i64 (ONNX Shape)";
  let description = [{
    Dimensions `[start, end)` (negative values count from the rank, both
    clamp to `[0, rank]`). Always folds, since shapes are static.
  }];
  let arguments = (ins Graph_Tensor:$input,
                   DefaultValuedAttr<I64Attr, "0">:$start,
                   OptionalAttr<I64Attr>:$end);
  let results = (outs Graph_I64Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Graph_SizeOp : Graph_InferredOp<"size"> {
  let summary = "The number of elements as an i64 scalar (ONNX Size)";
  let description = "Always folds, since shapes are static.";
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_I64Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

#endif // DLC_DIALECT_GRAPH_GRAPHSHAPEOPS_TD

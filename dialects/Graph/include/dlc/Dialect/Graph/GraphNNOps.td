//===- GraphNNOps.td - convolution, matmul, pooling, ... ---*- tablegen -*-===//
//
// Matrix products, convolutions, pooling, normalizations, Einsum and
// Resize. Every attribute is explicit and normalized: the importer resolves
// ONNX's defaults, auto_pad, kernel shapes taken from the weights and
// missing optional operands (a zero bias), so lowering never re-derives
// them. Spatial attributes hold one entry per spatial dimension; `pads`
// holds the begin pads of every spatial dimension, then the end pads.
//
//===----------------------------------------------------------------------===//

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

def Graph_GemmOp : Graph_InferredOp<"gemm"> {
  let summary = "alpha * op(A) * op(B) + beta * C (ONNX Gemm)";
  let description = [{
    A and B are matrices, transposed first when `trans_a` / `trans_b` is
    set; C broadcasts to the (M, N) result (the importer passes a zero
    scalar when ONNX's C is absent).
  }];
  let arguments = (ins Graph_NumericTensor:$a, Graph_NumericTensor:$b,
                   Graph_NumericTensor:$c, F32Attr:$alpha, F32Attr:$beta,
                   BoolAttr:$trans_a, BoolAttr:$trans_b);
  let results = (outs Graph_NumericTensor:$output);
  let assemblyFormat =
      "$a `,` $b `,` $c attr-dict `:` functional-type(operands, results)";
}

def Graph_ConvOp : Graph_InferredOp<"conv"> {
  let summary = "N-d grouped convolution, NC[D]HW layout (ONNX Conv)";
  let description = [{
    input (N, C, x1..xk), weight (F, C / group, k1..kk), bias (F). Output
    dimension i is floor((xi + pad_begin + pad_end - dilation * (ki - 1) -
    1) / stride) + 1.
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$weight,
                   Graph_FloatTensor:$bias, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$dilations, DenseI64ArrayAttr:$pads,
                   I64Attr:$group);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "$input `,` $weight `,` $bias attr-dict `:` "
                       "functional-type(operands, results)";
}

def Graph_ConvTransposeOp : Graph_InferredOp<"conv_transpose"> {
  let summary = "N-d grouped transposed convolution (ONNX ConvTranspose)";
  let description = [{
    input (N, C, x1..xk), weight (C, F / group, k1..kk), bias (F). Output
    dimension i is stride * (xi - 1) + output_padding + dilation * (ki - 1)
    + 1 - pad_begin - pad_end.
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$weight,
                   Graph_FloatTensor:$bias, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$dilations, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$output_padding, I64Attr:$group);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "$input `,` $weight `,` $bias attr-dict `:` "
                       "functional-type(operands, results)";
}

// Pooling windows: positions outside the input (padding, or past its end
// with ceil_mode) are ignored by max; average divides by the number of
// positions inside the input, or inside the padded input with
// `count_include_pad`.
class Graph_PoolOp<string mnemonic, string onnxName, dag extra>
    : Graph_InferredOp<mnemonic> {
  let summary = "N-d " # onnxName # ", NC[D]HW layout";
  // (Float; MaxPool also int8/uint8, which the importer admits.)
  let arguments = !con((ins Graph_NumericTensor:$input,
                        DenseI64ArrayAttr:$kernel_shape,
                        DenseI64ArrayAttr:$strides,
                        DenseI64ArrayAttr:$dilations,
                        DenseI64ArrayAttr:$pads, BoolAttr:$ceil_mode),
                       extra);
  let results = (outs Graph_NumericTensor:$output);
  let assemblyFormat =
      "$input attr-dict `:` functional-type(operands, results)";
}

def Graph_MaxPoolOp : Graph_PoolOp<"max_pool", "MaxPool", (ins)>;
def Graph_AveragePoolOp
    : Graph_PoolOp<"average_pool", "AveragePool",
                   (ins BoolAttr:$count_include_pad)>;

def Graph_BatchNormOp : Graph_InferredOp<"batch_norm"> {
  let summary = "Inference batch normalization (ONNX BatchNormalization)";
  let description = [{
    (x - mean) / sqrt(var + epsilon) * scale + bias, the four parameters of
    shape (C) applied along dimension 1.
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                   Graph_FloatTensor:$bias, Graph_FloatTensor:$mean,
                   Graph_FloatTensor:$variance, F32Attr:$epsilon);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "$input `,` $scale `,` $bias `,` $mean `,` $variance "
                       "attr-dict `:` functional-type(operands, results)";
}

def Graph_InstanceNormOp : Graph_InferredOp<"instance_norm"> {
  let summary = "Instance normalization (ONNX InstanceNormalization)";
  let description = [{
    Normalizes each (n, c) over the spatial dimensions, then applies
    scale and bias of shape (C).
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                   Graph_FloatTensor:$bias, F32Attr:$epsilon);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "$input `,` $scale `,` $bias attr-dict `:` "
                       "functional-type(operands, results)";
}

def Graph_LayerNormOp : Graph_InferredOp<"layer_norm"> {
  let summary = "Layer normalization (ONNX LayerNormalization)";
  let description = [{
    Normalizes over dimensions `axis`..rank-1 (axis in [0, rank)), then
    multiplies by scale and adds bias, both broadcast to the normalized
    shape.
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$scale,
                   Graph_FloatTensor:$bias, I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "$input `,` $scale `,` $bias attr-dict `:` "
                       "functional-type(operands, results)";
}

def Graph_EinsumOp : Graph_InferredOp<"einsum"> {
  let summary = "Einstein summation (ONNX Einsum)";
  let description = [{
    `equation` is explicit ("ij,jk->ik"): lowercase or uppercase letters, no
    ellipsis. Letters of the output are kept, the others summed; a letter
    repeated in an operand takes its diagonal.
  }];
  let arguments = (ins Variadic<Graph_NumericTensor>:$inputs,
                   StrAttr:$equation);
  let results = (outs Graph_NumericTensor:$output);
  let assemblyFormat =
      "$inputs attr-dict `:` functional-type(operands, results)";
}

def Graph_ResizeOp : Graph_Op<"resize", [Pure]> {
  let summary = "Nearest, N-linear or cubic resize (ONNX Resize, Upsample)";
  let description = [{
    The result type holds the output shape; `scales` (one per dimension)
    maps output to input coordinates through
    `coordinate_transformation_mode` (half_pixel, half_pixel_symmetric,
    pytorch_half_pixel, align_corners, asymmetric, tf_half_pixel_for_nearest,
    tf_crop_and_resize). `mode` is nearest (rounded by `nearest_mode`:
    round_prefer_floor, round_prefer_ceil, floor, ceil), linear or cubic
    (4 taps per resized dimension with coefficient `cubic_coeff_a`; with
    `exclude_outside` the taps outside the input get weight 0 and the
    others are renormalized). tf_crop_and_resize reads the region `roi`
    (the starts of all dimensions, then their ends, as fractions of the
    input) and writes `extrapolation_value` where a source coordinate falls
    outside the input. `antialias` (linear or cubic) stretches the kernel
    by 1 / scale where a dimension is downsampled, as ONNX Resize does.
  }];
  let arguments = (ins Graph_FloatTensor:$input, StrAttr:$mode,
                   StrAttr:$coordinate_transformation_mode,
                   StrAttr:$nearest_mode, DenseF32ArrayAttr:$scales,
                   DefaultValuedAttr<F32Attr, "-0.75">:$cubic_coeff_a,
                   DefaultValuedAttr<BoolAttr, "false">:$exclude_outside,
                   DefaultValuedAttr<F32Attr, "0.0">:$extrapolation_value,
                   DefaultValuedAttr<DenseF32ArrayAttr, "{}">:$roi,
                   DefaultValuedAttr<BoolAttr, "false">:$antialias);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat =
      "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // DLC_DIALECT_GRAPH_GRAPHNNOPS_TD

//===- GraphElementwiseOps.td - elementwise ops ------------*- tablegen -*-===//
//
// Unary math and activations, binary arithmetic and comparisons with numpy
// broadcasting, logic on booleans, select (Where), clamping (Clip) and
// element type conversion (Cast). ONNX's variadic Sum/Mean/Min/Max are
// chains of the binary ops; Dropout in inference is the identity.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_GRAPH_GRAPHELEMENTWISEOPS_TD
#define DLC_DIALECT_GRAPH_GRAPHELEMENTWISEOPS_TD

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

def Graph_ReluOp : Graph_UnaryOp<"relu", Graph_NumericTensor> {
  let summary = "max(x, 0) (ONNX Relu)";
  let hasFolder = 1;
}

def Graph_NegOp : Graph_UnaryOp<"neg", Graph_SignedNumericTensor> {
  let summary = "-x (ONNX Neg)";
  let hasFolder = 1;
}

def Graph_AbsOp : Graph_UnaryOp<"abs", Graph_NumericTensor> {
  let summary = "|x| (ONNX Abs)";
  let hasFolder = 1;
}

def Graph_NotOp : Graph_UnaryOp<"not", Graph_BoolTensor> {
  let summary = "Logical negation (ONNX Not)";
  let hasFolder = 1;
}

// Float-only math functions without attributes; folded through double
// precision and rounded back to the element type.
class Graph_FloatMathOp<string mnemonic, string summaryText>
    : Graph_UnaryOp<mnemonic, Graph_FloatTensor> {
  let summary = summaryText;
  let hasFolder = 1;
}

def Graph_SqrtOp : Graph_FloatMathOp<"sqrt", "Square root (ONNX Sqrt)">;
def Graph_ReciprocalOp
    : Graph_FloatMathOp<"reciprocal", "1 / x (ONNX Reciprocal)">;
def Graph_ExpOp : Graph_FloatMathOp<"exp", "e^x (ONNX Exp)">;
def Graph_LogOp : Graph_FloatMathOp<"log", "Natural logarithm (ONNX Log)">;
def Graph_ErfOp : Graph_FloatMathOp<"erf", "Gauss error function (ONNX Erf)">;
def Graph_TanhOp : Graph_FloatMathOp<"tanh", "Hyperbolic tangent (ONNX Tanh)">;
def Graph_SigmoidOp
    : Graph_FloatMathOp<"sigmoid", "1 / (1 + e^-x) (ONNX Sigmoid)">;
def Graph_HardSwishOp
    : Graph_FloatMathOp<"hard_swish",
                        "x * max(0, min(1, x / 6 + 1 / 2)) (ONNX HardSwish)">;

// Activations with float parameters; the importer always sets them (ONNX's
// defaults are spelled out).
def Graph_LeakyReluOp : Graph_Op<"leaky_relu",
    [Pure, SameOperandsAndResultType]> {
  let summary = "x < 0 ? alpha * x : x (ONNX LeakyRelu)";
  let arguments = (ins Graph_FloatTensor:$input, F32Attr:$alpha);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

def Graph_EluOp : Graph_Op<"elu", [Pure, SameOperandsAndResultType]> {
  let summary = "x < 0 ? alpha * (e^x - 1) : x (ONNX Elu)";
  let arguments = (ins Graph_FloatTensor:$input, F32Attr:$alpha);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

def Graph_HardSigmoidOp : Graph_Op<"hard_sigmoid",
    [Pure, SameOperandsAndResultType]> {
  let summary = "max(0, min(1, alpha * x + beta)) (ONNX HardSigmoid)";
  let arguments = (ins Graph_FloatTensor:$input, F32Attr:$alpha,
                   F32Attr:$beta);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

def Graph_GeluOp : Graph_Op<"gelu", [Pure, SameOperandsAndResultType]> {
  let summary = "Gaussian error linear unit (ONNX Gelu)";
  let description = [{
    `approximate` is "none" (x * (1 + erf(x / sqrt(2))) / 2) or "tanh"
    (x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))) / 2).
  }];
  let arguments = (ins Graph_FloatTensor:$input, StrAttr:$approximate);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

// min and max are rank-0 tensors of the input's element type (the importer
// materializes the type's lowest/highest value for an omitted bound). A
// lower bound above the upper bound gives the upper bound, as in ONNX.
def Graph_ClipOp : Graph_Op<"clip", [Pure]> {
  let summary = "min(max(x, min), max) (ONNX Clip)";
  let arguments = (ins Graph_NumericTensor:$input, Graph_NumericTensor:$min,
                   Graph_NumericTensor:$max);
  let results = (outs Graph_NumericTensor:$output);
  let assemblyFormat =
      "$input `,` $min `,` $max attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

// Element type conversion; the shape is unchanged. Float to integer rounds
// toward zero, integer narrowing wraps, anything to bool is `x != 0`.
def Graph_CastOp : Graph_Op<"cast", [Pure]> {
  let summary = "Element type conversion (ONNX Cast, CastLike)";
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Binary with broadcasting
//===----------------------------------------------------------------------===//

def Graph_AddOp : Graph_BroadcastOp<"add", Graph_NumericTensor, Graph_NumericTensor, [Commutative]> {
  let summary = "Elementwise sum with broadcasting (ONNX Add, Sum)";
}
def Graph_SubOp : Graph_BroadcastOp<"sub", Graph_NumericTensor, Graph_NumericTensor> {
  let summary = "Elementwise difference with broadcasting (ONNX Sub)";
}
def Graph_MulOp : Graph_BroadcastOp<"mul", Graph_NumericTensor, Graph_NumericTensor, [Commutative]> {
  let summary = "Elementwise product with broadcasting (ONNX Mul)";
}
def Graph_DivOp : Graph_BroadcastOp<"div", Graph_NumericTensor, Graph_NumericTensor> {
  let summary = "Elementwise quotient with broadcasting (ONNX Div)";
  let description = [{
    Integer division truncates toward zero.
  }];
}
def Graph_PowOp : Graph_BroadcastOp<"pow", Graph_NumericTensor, Graph_NumericTensor> {
  let summary = "Elementwise power with broadcasting (ONNX Pow)";
  let description = [{
    Base and exponent share the element type (the importer casts ONNX's
    exponent of another type to the base's).
  }];
}
def Graph_MinOp : Graph_BroadcastOp<"min", Graph_NumericTensor, Graph_NumericTensor, [Commutative]> {
  let summary = "Elementwise minimum, NaN-propagating (ONNX Min)";
}
def Graph_MaxOp : Graph_BroadcastOp<"max", Graph_NumericTensor, Graph_NumericTensor, [Commutative]> {
  let summary = "Elementwise maximum, NaN-propagating (ONNX Max)";
}

def Graph_AndOp : Graph_BroadcastOp<"and", Graph_BoolTensor, Graph_BoolTensor, [Commutative]> {
  let summary = "Logical and with broadcasting (ONNX And)";
}
def Graph_OrOp : Graph_BroadcastOp<"or", Graph_BoolTensor, Graph_BoolTensor, [Commutative]> {
  let summary = "Logical or with broadcasting (ONNX Or)";
}
def Graph_XorOp : Graph_BroadcastOp<"xor", Graph_BoolTensor, Graph_BoolTensor, [Commutative]> {
  let summary = "Logical exclusive or with broadcasting (ONNX Xor)";
}

// Comparisons produce booleans; unsigned element types compare unsigned.
def Graph_EqualOp : Graph_BroadcastOp<"equal", Graph_Tensor, Graph_BoolTensor, [Commutative]> {
  let summary = "x == y with broadcasting (ONNX Equal)";
}
def Graph_LessOp : Graph_BroadcastOp<"less", Graph_NumericTensor, Graph_BoolTensor> {
  let summary = "x < y with broadcasting (ONNX Less)";
}
def Graph_LessOrEqualOp : Graph_BroadcastOp<"less_or_equal", Graph_NumericTensor, Graph_BoolTensor> {
  let summary = "x <= y with broadcasting (ONNX LessOrEqual)";
}
def Graph_GreaterOp : Graph_BroadcastOp<"greater", Graph_NumericTensor, Graph_BoolTensor> {
  let summary = "x > y with broadcasting (ONNX Greater)";
}
def Graph_GreaterOrEqualOp : Graph_BroadcastOp<"greater_or_equal", Graph_NumericTensor, Graph_BoolTensor> {
  let summary = "x >= y with broadcasting (ONNX GreaterOrEqual)";
}

//===----------------------------------------------------------------------===//
// Select
//===----------------------------------------------------------------------===//

def Graph_WhereOp : Graph_InferredOp<"where"> {
  let summary = "cond ? x : y with three-way broadcasting (ONNX Where)";
  let arguments = (ins Graph_BoolTensor:$condition, Graph_Tensor:$lhs,
                   Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$condition `,` $lhs `,` $rhs attr-dict `:` "
                       "functional-type(operands, results)";
  let hasFolder = 1;
}

#endif // DLC_DIALECT_GRAPH_GRAPHELEMENTWISEOPS_TD

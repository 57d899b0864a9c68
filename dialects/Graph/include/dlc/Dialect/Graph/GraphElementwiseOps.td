//===- GraphElementwiseOps.td - elementwise ops ------------*- tablegen -*-===//
//
// Unary math and activations, binary arithmetic, remainders, shifts and
// comparisons with numpy broadcasting, logic on booleans and integers, select (Where), clamping (Clip) and
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

// Trigonometric, hyperbolic and rounding functions (Round: halves to even)
// and the smooth activations; folded through double precision as above.
def Graph_AcosOp : Graph_FloatMathOp<"acos", "Arc cosine (ONNX Acos)">;
def Graph_AcoshOp
    : Graph_FloatMathOp<"acosh", "Inverse hyperbolic cosine (ONNX Acosh)">;
def Graph_AsinOp : Graph_FloatMathOp<"asin", "Arc sine (ONNX Asin)">;
def Graph_AsinhOp
    : Graph_FloatMathOp<"asinh", "Inverse hyperbolic sine (ONNX Asinh)">;
def Graph_AtanOp : Graph_FloatMathOp<"atan", "Arc tangent (ONNX Atan)">;
def Graph_AtanhOp
    : Graph_FloatMathOp<"atanh", "Inverse hyperbolic tangent (ONNX Atanh)">;
def Graph_CosOp : Graph_FloatMathOp<"cos", "Cosine (ONNX Cos)">;
def Graph_CoshOp : Graph_FloatMathOp<"cosh", "Hyperbolic cosine (ONNX Cosh)">;
def Graph_SinOp : Graph_FloatMathOp<"sin", "Sine (ONNX Sin)">;
def Graph_SinhOp : Graph_FloatMathOp<"sinh", "Hyperbolic sine (ONNX Sinh)">;
def Graph_TanOp : Graph_FloatMathOp<"tan", "Tangent (ONNX Tan)">;
def Graph_CeilOp
    : Graph_FloatMathOp<"ceil", "Smallest integer not below x (ONNX Ceil)">;
def Graph_FloorOp
    : Graph_FloatMathOp<"floor", "Largest integer not above x (ONNX Floor)">;
def Graph_RoundOp
    : Graph_FloatMathOp<"round",
                        "Nearest integer, halves to even (ONNX Round)">;
def Graph_SoftplusOp
    : Graph_FloatMathOp<"softplus", "log(e^x + 1) (ONNX Softplus)">;
def Graph_SoftsignOp
    : Graph_FloatMathOp<"softsign", "x / (1 + |x|) (ONNX Softsign)">;
def Graph_MishOp
    : Graph_FloatMathOp<"mish", "x * tanh(log(e^x + 1)) (ONNX Mish)">;

def Graph_SignOp : Graph_UnaryOp<"sign", Graph_NumericTensor> {
  let summary = "-1, 0 or 1 by the sign of x; NaN stays NaN (ONNX Sign)";
  let hasFolder = 1;
}

def Graph_BitwiseNotOp : Graph_UnaryOp<"bitwise_not", Graph_IntTensor> {
  let summary = "Bitwise complement (ONNX BitwiseNot)";
  let hasFolder = 1;
}

// Float classification; the result has the input's shape and is boolean.
def Graph_IsNaNOp : Graph_InferredOp<"is_nan"> {
  let summary = "x is NaN (ONNX IsNaN)";
  let arguments = (ins Graph_FloatTensor:$input);
  let results = (outs Graph_BoolTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Graph_IsInfOp : Graph_InferredOp<"is_inf"> {
  let summary = "x is an infinity of a detected sign (ONNX IsInf)";
  let arguments = (ins Graph_FloatTensor:$input, BoolAttr:$detect_negative,
                   BoolAttr:$detect_positive);
  let results = (outs Graph_BoolTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Graph_SeluOp : Graph_Op<"selu", [Pure, SameOperandsAndResultType]> {
  let summary = "gamma * (x > 0 ? x : alpha * (e^x - 1)) (ONNX Selu)";
  let arguments = (ins Graph_FloatTensor:$input, F32Attr:$alpha,
                   F32Attr:$gamma);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

def Graph_CeluOp : Graph_Op<"celu", [Pure, SameOperandsAndResultType]> {
  let summary = "max(0, x) + min(0, alpha * (e^(x / alpha) - 1)) (ONNX Celu)";
  let arguments = (ins Graph_FloatTensor:$input, F32Attr:$alpha);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def Graph_ThresholdedReluOp : Graph_Op<"thresholded_relu",
    [Pure, SameOperandsAndResultType]> {
  let summary = "x > alpha ? x : 0 (ONNX ThresholdedRelu)";
  let arguments = (ins Graph_FloatTensor:$input, F32Attr:$alpha);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

def Graph_ShrinkOp : Graph_Op<"shrink", [Pure, SameOperandsAndResultType]> {
  let summary =
      "x < -lambd ? x + bias : x > lambd ? x - bias : 0 (ONNX Shrink)";
  let arguments = (ins Graph_FloatTensor:$input, F32Attr:$bias,
                   F32Attr:$lambd);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

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
// Casts to float8 and float4 round to nearest even; out-of-range values
// saturate to the largest finite value unless `saturate` is false (then
// infinity for f8E5M2, NaN for the others). `round_mode` ("up", "down",
// "nearest") rounds casts to f8E8M0FNU.
def Graph_CastOp : Graph_Op<"cast", [Pure]> {
  let summary = "Element type conversion (ONNX Cast, CastLike)";
  let arguments = (ins Graph_Tensor:$input, OptionalAttr<BoolAttr>:$saturate,
                       OptionalAttr<StrAttr>:$round_mode);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

// Reinterpretation of each element's bits as another type of the same
// width (bool counts as its byte: 0 or 1).
def Graph_BitCastOp : Graph_Op<"bitcast", [Pure]> {
  let summary = "Bit reinterpretation (ONNX BitCast)";
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
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

def Graph_PReluOp : Graph_BroadcastOp<"prelu", Graph_SignedNumericTensor, Graph_SignedNumericTensor> {
  let summary = "x < 0 ? slope * x : x with broadcasting (ONNX PRelu)";
}
def Graph_ModOp : Graph_BroadcastOp<"mod", Graph_IntTensor, Graph_IntTensor> {
  let summary = "Integer remainder with the sign of the divisor (ONNX Mod)";
  let description = [{
    The floored remainder: lhs - floor(lhs / rhs) * rhs, zero or of the
    sign of rhs (ONNX Mod with fmod = 0). A zero divisor is undefined.
  }];
}
def Graph_FModOp : Graph_BroadcastOp<"fmod", Graph_NumericTensor, Graph_NumericTensor> {
  let summary = "Remainder with the sign of the dividend (ONNX Mod, fmod = 1)";
  let description = [{
    The truncated remainder (C's fmod, and % on integers). An integer zero
    divisor is undefined.
  }];
}
def Graph_ShiftLeftOp : Graph_BroadcastOp<"shift_left", Graph_IntTensor, Graph_IntTensor> {
  let summary = "lhs << rhs, 0 from a shift by the width on (ONNX BitShift)";
}
def Graph_ShiftRightOp : Graph_BroadcastOp<"shift_right", Graph_IntTensor, Graph_IntTensor> {
  let summary = "Logical lhs >> rhs, 0 from a shift by the width on (ONNX BitShift)";
}
def Graph_BitwiseAndOp : Graph_BroadcastOp<"bitwise_and", Graph_IntTensor, Graph_IntTensor, [Commutative]> {
  let summary = "Bitwise and with broadcasting (ONNX BitwiseAnd)";
}
def Graph_BitwiseOrOp : Graph_BroadcastOp<"bitwise_or", Graph_IntTensor, Graph_IntTensor, [Commutative]> {
  let summary = "Bitwise or with broadcasting (ONNX BitwiseOr)";
}
def Graph_BitwiseXorOp : Graph_BroadcastOp<"bitwise_xor", Graph_IntTensor, Graph_IntTensor, [Commutative]> {
  let summary = "Bitwise exclusive or with broadcasting (ONNX BitwiseXor)";
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

//===- ElementwiseOps.cpp - ONNX elementwise ops --------------------------===//
//
// Unary math and activations, binary arithmetic, remainders, shifts,
// comparisons and logic (boolean and bitwise),
// Where, Clip, Cast/CastLike, the variadic Sum/Mean/Min/Max (chains of
// binary graph ops) and inference-mode Dropout (the identity).
//
//===----------------------------------------------------------------------===//

#include "../OpTable.h"
#include "../TensorImport.h"
#include "llvm/Support/Error.h"

using namespace mlir;
using namespace dlc;

namespace {

/// Element kinds an ONNX op accepts in dlc.
enum Kinds : unsigned {
  kFloat = 1,
  kSigned = 2,
  kUnsigned = 4,
  kBool = 8,
  kInt = kSigned | kUnsigned,
  kNumeric = kFloat | kInt,
  kAny = kNumeric | kBool,
};

unsigned kindOf(Type element) {
  if (isa<FloatType>(element))
    return kFloat;
  if (element.isInteger(1))
    return kBool;
  return element.isUnsignedInteger() ? kUnsigned : kSigned;
}

/// Checks that each present input among the first `count` has an element
/// type of the allowed kinds.
LogicalResult checkKinds(NodeImporter &n, unsigned allowed, size_t count) {
  for (size_t i = 0; i < std::min(count, n.numInputs()); ++i) {
    if (!n.hasInput(i))
      continue;
    Type element = n.inputType(i).getElementType();
    if (!(kindOf(element) & allowed))
      return n.emitError() << "input element type " << element
                           << " is not supported by " << n.node().op_type();
  }
  return success();
}

template <typename OpTy, unsigned Allowed>
LogicalResult importUnary(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)) || failed(checkKinds(n, Allowed, 1)))
    return failure();
  FailureOr<Value> v = n.create<OpTy>(n.input(0));
  return failed(v) ? failure() : n.setResult(*v);
}

template <typename OpTy, unsigned Allowed>
LogicalResult importBinary(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)) || failed(checkKinds(n, Allowed, 2)))
    return failure();
  // Opsets before 7 used an explicit 'broadcast' attribute; from 7 on it is
  // numpy-style, which is what graph ops implement.
  FailureOr<Value> v = n.create<OpTy>(ValueRange{n.input(0), n.input(1)});
  return failed(v) ? failure() : n.setResult(*v);
}

/// Sum, Min, Max: a left-to-right chain of the binary op (one input is the
/// identity). Mean divides the sum by the input count.
template <typename OpTy, unsigned Allowed, bool IsMean = false>
LogicalResult importVariadic(NodeImporter &n) {
  if (failed(n.checkInputCount(1, std::numeric_limits<size_t>::max())) ||
      failed(checkKinds(n, Allowed, n.numInputs())))
    return failure();
  FailureOr<Value> acc = n.requireInput(0);
  if (failed(acc))
    return failure();
  for (size_t i = 1; i < n.numInputs(); ++i) {
    FailureOr<Value> next = n.requireInput(i);
    if (failed(next))
      return failure();
    acc = n.create<OpTy>(ValueRange{*acc, *next});
    if (failed(acc))
      return failure();
  }
  if (IsMean && n.numInputs() > 1) {
    Value count = n.scalarConstant(n.inputType(0).getElementType(),
                                   static_cast<double>(n.numInputs()));
    acc = n.create<graph::DivOp>(ValueRange{*acc, count});
    if (failed(acc))
      return failure();
  }
  return n.setResult(*acc);
}

/// Activations with float attributes, defaults as in ONNX.
LogicalResult importLeakyRelu(NodeImporter &n) {
  FailureOr<double> alpha = n.getFloat("alpha", 0.01);
  if (failed(alpha) || failed(n.checkInputCount(1, 1)) ||
      failed(checkKinds(n, kFloat, 1)))
    return failure();
  FailureOr<Value> v =
      n.create<graph::LeakyReluOp>(n.input(0), {n.f32Attr("alpha", *alpha)});
  return failed(v) ? failure() : n.setResult(*v);
}

LogicalResult importElu(NodeImporter &n) {
  FailureOr<double> alpha = n.getFloat("alpha", 1.0);
  if (failed(alpha) || failed(n.checkInputCount(1, 1)) ||
      failed(checkKinds(n, kFloat, 1)))
    return failure();
  FailureOr<Value> v =
      n.create<graph::EluOp>(n.input(0), {n.f32Attr("alpha", *alpha)});
  return failed(v) ? failure() : n.setResult(*v);
}

LogicalResult importHardSigmoid(NodeImporter &n) {
  FailureOr<double> alpha = n.getFloat("alpha", 0.2);
  FailureOr<double> beta = n.getFloat("beta", 0.5);
  if (failed(alpha) || failed(beta) || failed(n.checkInputCount(1, 1)) ||
      failed(checkKinds(n, kFloat, 1)))
    return failure();
  FailureOr<Value> v = n.create<graph::HardSigmoidOp>(
      n.input(0), {n.f32Attr("alpha", *alpha), n.f32Attr("beta", *beta)});
  return failed(v) ? failure() : n.setResult(*v);
}

LogicalResult importGelu(NodeImporter &n) {
  FailureOr<std::string> approximate =
      n.getString("approximate", StringRef("none"));
  if (failed(approximate) || failed(n.checkInputCount(1, 1)) ||
      failed(checkKinds(n, kFloat, 1)))
    return failure();
  if (*approximate != "none" && *approximate != "tanh")
    return n.emitError() << "Gelu approximate must be \"none\" or \"tanh\", "
                            "got \""
                         << *approximate << "\"";
  FailureOr<Value> v = n.create<graph::GeluOp>(
      n.input(0), {n.strAttr("approximate", *approximate)});
  return failed(v) ? failure() : n.setResult(*v);
}

/// A rank-0 constant holding the lowest (or highest) value of `element`.
Value limitConstant(NodeImporter &n, Type element, bool highest) {
  Attribute value;
  if (auto f = dyn_cast<FloatType>(element)) {
    value = FloatAttr::get(
        f, APFloat::getLargest(f.getFloatSemantics(), /*Negative=*/!highest));
  } else {
    unsigned width = element.getIntOrFloatBitWidth();
    APInt v = element.isUnsignedInteger()
                  ? (highest ? APInt::getMaxValue(width)
                             : APInt::getMinValue(width))
                  : (highest ? APInt::getSignedMaxValue(width)
                             : APInt::getSignedMinValue(width));
    value = IntegerAttr::get(element, v);
  }
  return n.constant(
      DenseElementsAttr::get(RankedTensorType::get({}, element), value));
}

LogicalResult importClip(NodeImporter &n) {
  unsigned allowed = n.opset() >= 12 ? kNumeric : kFloat;
  if (failed(checkKinds(n, allowed, 1)))
    return failure();
  Type element;
  Value bounds[2];
  if (n.opset() < 11) {
    if (failed(n.checkInputCount(1, 1)))
      return failure();
    element = n.inputType(0).getElementType();
    const char *names[2] = {"min", "max"};
    for (int i = 0; i < 2; ++i) {
      if (!n.hasAttr(names[i]))
        continue;
      FailureOr<double> v = n.getFloat(names[i]);
      if (failed(v))
        return failure();
      bounds[i] = n.scalarConstant(element, *v);
    }
  } else {
    if (failed(n.checkInputCount(1, 3)))
      return failure();
    element = n.inputType(0).getElementType();
    const char *names[2] = {"min", "max"};
    for (int i = 0; i < 2; ++i) {
      if (!n.hasInput(i + 1))
        continue;
      RankedTensorType type = n.inputType(i + 1);
      if (type.getElementType() != element)
        return n.emitError() << "Clip " << names[i] << " has element type "
                             << type.getElementType() << ", the input "
                             << element;
      Value bound = n.input(i + 1);
      if (type.getRank() != 0) {
        // Some exporters write a one-element 1-D bound.
        if (type.getNumElements() != 1)
          return n.emitError()
                 << "Clip " << names[i] << " must be a scalar, got " << type;
        FailureOr<Value> reshaped = n.create<graph::ReshapeOp>(
            bound, {}, TypeRange{RankedTensorType::get({}, element)});
        if (failed(reshaped))
          return failure();
        bound = *reshaped;
      }
      bounds[i] = bound;
    }
  }
  for (int i = 0; i < 2; ++i)
    if (!bounds[i])
      bounds[i] = limitConstant(n, element, /*highest=*/i == 1);
  FailureOr<Value> v = n.create<graph::ClipOp>(
      ValueRange{n.input(0), bounds[0], bounds[1]}, {},
      TypeRange{n.inputType(0)});
  return failed(v) ? failure() : n.setResult(*v);
}

/// Casts `value` to `element` (no op when it already has it).
FailureOr<Value> castTo(NodeImporter &n, Value value, Type element,
                        ArrayRef<NamedAttribute> attrs = {}) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() == element)
    return value;
  return n.create<graph::CastOp>(value, attrs, TypeRange{type.clone(element)});
}

/// Cast's saturate (opset 19) and round_mode (opset 25) attributes.
FailureOr<SmallVector<NamedAttribute>> castAttrs(NodeImporter &n) {
  SmallVector<NamedAttribute> attrs;
  FailureOr<int64_t> saturate = n.getInt("saturate", 1);
  FailureOr<std::string> round = n.getString("round_mode", "up");
  if (failed(saturate) || failed(round))
    return failure();
  if (*round != "up" && *round != "down" && *round != "nearest")
    return n.emitError() << "round_mode must be 'up', 'down' or 'nearest', "
                            "got '"
                         << *round << "'";
  if (!*saturate)
    attrs.push_back(n.boolAttr("saturate", false));
  if (*round != "up")
    attrs.push_back(n.strAttr("round_mode", *round));
  return attrs;
}

LogicalResult importCast(NodeImporter &n) {
  FailureOr<int64_t> to = n.getInt("to");
  if (failed(to) || failed(n.checkInputCount(1, 1)))
    return failure();
  if (*to < std::numeric_limits<int32_t>::min() ||
      *to > std::numeric_limits<int32_t>::max())
    return n.emitError() << "Cast 'to' is not a data type: " << *to;
  llvm::Expected<Type> element =
      convertElementType(n.context(), static_cast<int32_t>(*to));
  if (!element)
    return n.emitError() << "Cast to " << llvm::toString(element.takeError());
  FailureOr<SmallVector<NamedAttribute>> attrs = castAttrs(n);
  if (failed(attrs))
    return failure();
  FailureOr<Value> v = castTo(n, n.input(0), *element, *attrs);
  return failed(v) ? failure() : n.setResult(*v);
}

LogicalResult importCastLike(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<SmallVector<NamedAttribute>> attrs = castAttrs(n);
  if (failed(attrs))
    return failure();
  FailureOr<Value> v =
      castTo(n, n.input(0), n.inputType(1).getElementType(), *attrs);
  return failed(v) ? failure() : n.setResult(*v);
}

LogicalResult importBitCast(NodeImporter &n) {
  FailureOr<int64_t> to = n.getInt("to");
  if (failed(to) || failed(n.checkInputCount(1, 1)))
    return failure();
  if (*to < std::numeric_limits<int32_t>::min() ||
      *to > std::numeric_limits<int32_t>::max())
    return n.emitError() << "BitCast 'to' is not a data type: " << *to;
  llvm::Expected<Type> element =
      convertElementType(n.context(), static_cast<int32_t>(*to));
  if (!element)
    return n.emitError() << "BitCast to "
                         << llvm::toString(element.takeError());
  RankedTensorType in = n.inputType(0);
  if (in.getElementType() == *element)
    return n.setResult(n.input(0));
  FailureOr<Value> v =
      n.create<graph::BitCastOp>(n.input(0), {}, TypeRange{in.clone(*element)});
  return failed(v) ? failure() : n.setResult(*v);
}

LogicalResult importPow(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)) ||
      failed(checkKinds(n, n.opset() >= 12 ? kNumeric : kFloat, 2)))
    return failure();
  // From opset 12 the exponent may have another type than the base; the
  // graph op takes both in the base's type.
  FailureOr<Value> exponent =
      castTo(n, n.input(1), n.inputType(0).getElementType());
  if (failed(exponent))
    return failure();
  FailureOr<Value> v = n.create<graph::PowOp>(ValueRange{n.input(0), *exponent});
  return failed(v) ? failure() : n.setResult(*v);
}

LogicalResult importWhere(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 3)))
    return failure();
  if (!n.inputType(0).getElementType().isInteger(1))
    return n.emitError() << "Where condition must be bool, got "
                         << n.inputType(0).getElementType();
  FailureOr<Value> v =
      n.create<graph::WhereOp>(ValueRange{n.input(0), n.input(1), n.input(2)});
  return failed(v) ? failure() : n.setResult(*v);
}

/// Dropout at inference: the output is the input and the optional mask is
/// all true. Training mode (opset 12+, a constant true `training_mode`
/// input) is not supported.
LogicalResult importDropout(NodeImporter &n) {
  if (failed(n.checkInputCount(1, n.opset() >= 12 ? 3 : 1)))
    return failure();
  if (n.opset() >= 12 && n.hasInput(2)) {
    DenseElementsAttr mode = n.constantInput(2);
    if (!mode || mode.getNumElements() != 1 ||
        !mode.getElementType().isInteger(1))
      return n.emitError()
             << "Dropout training_mode must be a constant bool scalar";
    if (*mode.getValues<bool>().begin())
      return n.emitError() << "Dropout in training mode is not supported";
  }
  SmallVector<Value> results{n.input(0)};
  if (n.numOutputs() > 1 && !n.node().output(1).empty()) {
    auto maskType =
        n.inputType(0).clone(IntegerType::get(n.context(), 1));
    results.push_back(n.constant(DenseElementsAttr::get(maskType, true)));
  }
  return n.setResults(results);
}

LogicalResult importSelu(NodeImporter &n) {
  FailureOr<double> alpha = n.getFloat("alpha", 1.67326319217681884765625);
  FailureOr<double> gamma = n.getFloat("gamma", 1.05070102214813232421875);
  if (failed(alpha) || failed(gamma) || failed(n.checkInputCount(1, 1)) ||
      failed(checkKinds(n, kFloat, 1)))
    return failure();
  FailureOr<Value> v = n.create<graph::SeluOp>(
      n.input(0), {n.f32Attr("alpha", *alpha), n.f32Attr("gamma", *gamma)});
  return failed(v) ? failure() : n.setResult(*v);
}

LogicalResult importCelu(NodeImporter &n) {
  FailureOr<double> alpha = n.getFloat("alpha", 1.0);
  if (failed(alpha) || failed(n.checkInputCount(1, 1)) ||
      failed(checkKinds(n, kFloat, 1)))
    return failure();
  if (*alpha == 0.0)
    return n.emitError() << "Celu alpha must not be 0";
  FailureOr<Value> v =
      n.create<graph::CeluOp>(n.input(0), {n.f32Attr("alpha", *alpha)});
  return failed(v) ? failure() : n.setResult(*v);
}

LogicalResult importThresholdedRelu(NodeImporter &n) {
  FailureOr<double> alpha = n.getFloat("alpha", 1.0);
  if (failed(alpha) || failed(n.checkInputCount(1, 1)) ||
      failed(checkKinds(n, kFloat, 1)))
    return failure();
  FailureOr<Value> v = n.create<graph::ThresholdedReluOp>(
      n.input(0), {n.f32Attr("alpha", *alpha)});
  return failed(v) ? failure() : n.setResult(*v);
}

LogicalResult importShrink(NodeImporter &n) {
  FailureOr<double> bias = n.getFloat("bias", 0.0);
  FailureOr<double> lambd = n.getFloat("lambd", 0.5);
  if (failed(bias) || failed(lambd) || failed(n.checkInputCount(1, 1)) ||
      failed(checkKinds(n, kFloat, 1)))
    return failure();
  FailureOr<Value> v = n.create<graph::ShrinkOp>(
      n.input(0), {n.f32Attr("bias", *bias), n.f32Attr("lambd", *lambd)});
  return failed(v) ? failure() : n.setResult(*v);
}

LogicalResult importIsInf(NodeImporter &n) {
  FailureOr<int64_t> negative = n.getInt("detect_negative", 1);
  FailureOr<int64_t> positive = n.getInt("detect_positive", 1);
  if (failed(negative) || failed(positive) ||
      failed(n.checkInputCount(1, 1)) || failed(checkKinds(n, kFloat, 1)))
    return failure();
  FailureOr<Value> v = n.create<graph::IsInfOp>(
      n.input(0), {n.boolAttr("detect_negative", *negative != 0),
                   n.boolAttr("detect_positive", *positive != 0)});
  return failed(v) ? failure() : n.setResult(*v);
}

/// PRelu: the slope broadcasts into X's shape (unidirectionally).
LogicalResult importPRelu(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)) ||
      failed(checkKinds(n, n.opset() >= 9 ? kFloat | kSigned : kFloat, 2)))
    return failure();
  if (n.inputType(1).getElementType() != n.inputType(0).getElementType())
    return n.emitError() << "PRelu slope has element type "
                         << n.inputType(1).getElementType() << ", X "
                         << n.inputType(0).getElementType();
  FailureOr<Value> v =
      n.create<graph::PReluOp>(ValueRange{n.input(0), n.input(1)});
  if (failed(v))
    return failure();
  if (v->getType() != n.inputType(0))
    return n.emitError() << "PRelu slope " << n.inputType(1)
                         << " does not broadcast to X " << n.inputType(0);
  return n.setResult(*v);
}

/// Mod: fmod = 1 is the truncated remainder (C's fmod), fmod = 0 the
/// floored one (integers only, as in ONNX).
LogicalResult importMod(NodeImporter &n) {
  FailureOr<int64_t> fmod = n.getInt("fmod", 0);
  if (failed(fmod) || failed(n.checkInputCount(2, 2)) ||
      failed(checkKinds(n, kNumeric, 2)))
    return failure();
  if (*fmod != 0 && *fmod != 1)
    return n.emitError() << "Mod fmod must be 0 or 1, got " << *fmod;
  if (*fmod == 0 && isa<FloatType>(n.inputType(0).getElementType()))
    return n.emitError() << "Mod of floats needs fmod = 1";
  SmallVector<Value, 2> operands{n.input(0), n.input(1)};
  FailureOr<Value> v = *fmod ? n.create<graph::FModOp>(operands)
                             : n.create<graph::ModOp>(operands);
  return failed(v) ? failure() : n.setResult(*v);
}

LogicalResult importBitShift(NodeImporter &n) {
  FailureOr<std::string> direction = n.getString("direction");
  if (failed(direction) || failed(n.checkInputCount(2, 2)) ||
      failed(checkKinds(n, kUnsigned, 2)))
    return failure();
  SmallVector<Value, 2> operands{n.input(0), n.input(1)};
  FailureOr<Value> v;
  if (*direction == "LEFT")
    v = n.create<graph::ShiftLeftOp>(operands);
  else if (*direction == "RIGHT")
    v = n.create<graph::ShiftRightOp>(operands);
  else
    return n.emitError() << "BitShift direction must be \"LEFT\" or "
                            "\"RIGHT\", got \""
                         << *direction << "\"";
  return failed(v) ? failure() : n.setResult(*v);
}

} // namespace

void dlc::registerElementwiseOps(OpTable &t) {
  // Unary math and activations.
  t.add("Relu", 6, 13, importUnary<graph::ReluOp, kFloat>);
  t.add("Relu", 14, kMaxOpset, importUnary<graph::ReluOp, kFloat | kSigned>);
  t.add("Neg", 6, kMaxOpset, importUnary<graph::NegOp, kFloat | kSigned>);
  t.add("Abs", 6, kMaxOpset, importUnary<graph::AbsOp, kNumeric>);
  t.add("Sqrt", 6, kMaxOpset, importUnary<graph::SqrtOp, kFloat>);
  t.add("Reciprocal", 6, kMaxOpset, importUnary<graph::ReciprocalOp, kFloat>);
  t.add("Exp", 6, kMaxOpset, importUnary<graph::ExpOp, kFloat>);
  t.add("Log", 6, kMaxOpset, importUnary<graph::LogOp, kFloat>);
  t.add("Erf", 9, kMaxOpset, importUnary<graph::ErfOp, kFloat>);
  t.add("Tanh", 6, kMaxOpset, importUnary<graph::TanhOp, kFloat>);
  t.add("Sigmoid", 6, kMaxOpset, importUnary<graph::SigmoidOp, kFloat>);
  t.add("HardSwish", 14, kMaxOpset, importUnary<graph::HardSwishOp, kFloat>);
  t.add("LeakyRelu", 6, kMaxOpset, importLeakyRelu);
  t.add("Elu", 6, kMaxOpset, importElu);
  t.add("HardSigmoid", 6, kMaxOpset, importHardSigmoid);
  t.add("Gelu", 20, kMaxOpset, importGelu);
  t.add("Acos", 7, kMaxOpset, importUnary<graph::AcosOp, kFloat>);
  t.add("Acosh", 9, kMaxOpset, importUnary<graph::AcoshOp, kFloat>);
  t.add("Asin", 7, kMaxOpset, importUnary<graph::AsinOp, kFloat>);
  t.add("Asinh", 9, kMaxOpset, importUnary<graph::AsinhOp, kFloat>);
  t.add("Atan", 7, kMaxOpset, importUnary<graph::AtanOp, kFloat>);
  t.add("Atanh", 9, kMaxOpset, importUnary<graph::AtanhOp, kFloat>);
  t.add("Cos", 7, kMaxOpset, importUnary<graph::CosOp, kFloat>);
  t.add("Cosh", 9, kMaxOpset, importUnary<graph::CoshOp, kFloat>);
  t.add("Sin", 7, kMaxOpset, importUnary<graph::SinOp, kFloat>);
  t.add("Sinh", 9, kMaxOpset, importUnary<graph::SinhOp, kFloat>);
  t.add("Tan", 7, kMaxOpset, importUnary<graph::TanOp, kFloat>);
  t.add("Ceil", 6, kMaxOpset, importUnary<graph::CeilOp, kFloat>);
  t.add("Floor", 6, kMaxOpset, importUnary<graph::FloorOp, kFloat>);
  t.add("Round", 11, kMaxOpset, importUnary<graph::RoundOp, kFloat>);
  t.add("Sign", 9, kMaxOpset, importUnary<graph::SignOp, kNumeric>);
  t.add("IsNaN", 9, kMaxOpset, importUnary<graph::IsNaNOp, kFloat>);
  t.add("IsInf", 10, kMaxOpset, importIsInf);
  t.add("Softplus", 1, kMaxOpset, importUnary<graph::SoftplusOp, kFloat>);
  t.add("Softsign", 1, kMaxOpset, importUnary<graph::SoftsignOp, kFloat>);
  t.add("Mish", 18, kMaxOpset, importUnary<graph::MishOp, kFloat>);
  t.add("Selu", 6, kMaxOpset, importSelu);
  t.add("Celu", 12, kMaxOpset, importCelu);
  t.add("ThresholdedRelu", 10, kMaxOpset, importThresholdedRelu);
  t.add("Shrink", 9, kMaxOpset, importShrink);
  t.add("PRelu", 7, kMaxOpset, importPRelu);
  t.add("Clip", 6, kMaxOpset, importClip);
  t.add("Cast", 6, kMaxOpset, importCast);
  t.add("CastLike", 15, kMaxOpset, importCastLike);
  t.add("BitCast", 26, kMaxOpset, importBitCast);
  t.add("Dropout", 7, kMaxOpset, importDropout);

  // Binary arithmetic.
  t.add("Add", 7, kMaxOpset, importBinary<graph::AddOp, kNumeric>);
  t.add("Sub", 7, kMaxOpset, importBinary<graph::SubOp, kNumeric>);
  t.add("Mul", 7, kMaxOpset, importBinary<graph::MulOp, kNumeric>);
  t.add("Div", 7, kMaxOpset, importBinary<graph::DivOp, kNumeric>);
  t.add("Pow", 7, kMaxOpset, importPow);
  t.add("Mod", 10, kMaxOpset, importMod);

  // Bits of unsigned (shifts) and any integers (bitwise logic).
  t.add("BitShift", 11, kMaxOpset, importBitShift);
  t.add("BitwiseNot", 18, kMaxOpset, importUnary<graph::BitwiseNotOp, kInt>);
  t.add("BitwiseAnd", 18, kMaxOpset,
        importBinary<graph::BitwiseAndOp, kInt>);
  t.add("BitwiseOr", 18, kMaxOpset, importBinary<graph::BitwiseOrOp, kInt>);
  t.add("BitwiseXor", 18, kMaxOpset,
        importBinary<graph::BitwiseXorOp, kInt>);
  t.add("Sum", 6, kMaxOpset, importVariadic<graph::AddOp, kNumeric>);
  t.add("Mean", 6, kMaxOpset, importVariadic<graph::AddOp, kFloat, true>);
  t.add("Min", 6, 11, importVariadic<graph::MinOp, kFloat>);
  t.add("Min", 12, kMaxOpset, importVariadic<graph::MinOp, kNumeric>);
  t.add("Max", 6, 11, importVariadic<graph::MaxOp, kFloat>);
  t.add("Max", 12, kMaxOpset, importVariadic<graph::MaxOp, kNumeric>);

  // Comparisons and logic.
  t.add("Equal", 7, kMaxOpset, importBinary<graph::EqualOp, kAny>);
  t.add("Less", 7, kMaxOpset, importBinary<graph::LessOp, kNumeric>);
  t.add("LessOrEqual", 12, kMaxOpset,
        importBinary<graph::LessOrEqualOp, kNumeric>);
  t.add("Greater", 7, kMaxOpset, importBinary<graph::GreaterOp, kNumeric>);
  t.add("GreaterOrEqual", 12, kMaxOpset,
        importBinary<graph::GreaterOrEqualOp, kNumeric>);
  t.add("Not", 1, kMaxOpset, importUnary<graph::NotOp, kBool>);
  t.add("And", 7, kMaxOpset, importBinary<graph::AndOp, kBool>);
  t.add("Or", 7, kMaxOpset, importBinary<graph::OrOp, kBool>);
  t.add("Xor", 7, kMaxOpset, importBinary<graph::XorOp, kBool>);
  t.add("Where", 9, kMaxOpset, importWhere);
}

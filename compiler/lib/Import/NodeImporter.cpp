//===- NodeImporter.cpp - what an op handler sees of one ONNX node --------===//

#include "NodeImporter.h"
#include "TensorImport.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace llvm;

namespace dlc {

FailureOr<Value> NodeImporter::requireInput(size_t i) {
  if (!hasInput(i)) {
    emitError() << "missing required input #" << i;
    return failure();
  }
  return inputs_[i];
}

LogicalResult NodeImporter::checkInputCount(size_t min, size_t max) {
  // Trailing omitted optional inputs do not count.
  size_t n = inputs_.size();
  while (n > 0 && !inputs_[n - 1])
    --n;
  if (n < min || n > max) {
    InFlightDiagnostic diag = emitError() << "expected ";
    if (min == max)
      diag << min;
    else
      diag << min << " to " << max;
    diag << " inputs, got " << n;
    return failure();
  }
  for (size_t i = 0; i < min; ++i)
    if (!inputs_[i])
      return emitError() << "missing required input #" << i;
  return success();
}

DenseElementsAttr NodeImporter::constantInput(size_t i) const {
  Attribute attr;
  if (!hasInput(i) || !matchPattern(inputs_[i], m_Constant(&attr)))
    return nullptr;
  return dyn_cast<DenseElementsAttr>(attr);
}

FailureOr<SmallVector<int64_t>> NodeImporter::constantInts(size_t i,
                                                           StringRef what) {
  if (!hasInput(i)) {
    emitError() << "missing input '" << what << "'";
    return failure();
  }
  DenseElementsAttr value = constantInput(i);
  if (!value) {
    emitError() << "input '" << what
                << "' must be a constant (an initializer or computed from "
                   "static shapes); dlc needs it at compile time";
    return failure();
  }
  auto type = value.getType();
  if (!isa<IntegerType>(type.getElementType()) ||
      type.getElementType().isInteger(1) || type.getRank() > 1) {
    emitError() << "input '" << what
                << "' must be an integer tensor of rank 0 or 1, got "
                << type;
    return failure();
  }
  SmallVector<int64_t> out;
  for (const APInt &v : value.getValues<APInt>())
    out.push_back(type.getElementType().isUnsignedInteger() ? v.getZExtValue()
                                                            : v.getSExtValue());
  return out;
}

FailureOr<double> NodeImporter::constantScalar(size_t i, StringRef what,
                                               std::optional<double> def) {
  if (!hasInput(i)) {
    if (def)
      return *def;
    emitError() << "missing input '" << what << "'";
    return failure();
  }
  DenseElementsAttr value = constantInput(i);
  if (!value || value.getNumElements() != 1) {
    emitError() << "input '" << what
                << "' must be a constant scalar; dlc needs it at compile time";
    return failure();
  }
  Type element = value.getElementType();
  if (isa<FloatType>(element))
    return (*value.getValues<APFloat>().begin()).convertToDouble();
  APInt v = *value.getValues<APInt>().begin();
  if (element.isUnsignedInteger() || element.isInteger(1))
    return static_cast<double>(v.getZExtValue());
  return static_cast<double>(v.getSExtValue());
}

LogicalResult NodeImporter::setResults(ValueRange values) {
  if (values.size() > numOutputs())
    return emitError() << "produces " << values.size()
                       << " results but the node names only " << numOutputs()
                       << " outputs";
  for (size_t i = values.size(); i < numOutputs(); ++i)
    if (!node_.output(i).empty())
      return emitError() << "output #" << i << " ('" << node_.output(i)
                         << "') is not supported by dlc";
  results_.assign(values.begin(), values.end());
  return success();
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *NodeImporter::findAttr(StringRef name) const {
  for (const onnx::AttributeProto &attr : node_.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

bool NodeImporter::hasAttr(StringRef name) const {
  return findAttr(name) != nullptr;
}

LogicalResult NodeImporter::attrTypeError(const onnx::AttributeProto &attr,
                                          StringRef expected) {
  return emitError() << "attribute '" << attr.name() << "' must be "
                     << expected << " (got "
                     << onnx::AttributeProto::AttributeType_Name(attr.type())
                     << ")";
}

LogicalResult NodeImporter::missingAttr(StringRef name) {
  return emitError() << "missing required attribute '" << name << "'";
}

FailureOr<int64_t> NodeImporter::getInt(StringRef name,
                                        std::optional<int64_t> def) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    if (def)
      return *def;
    return missingAttr(name);
  }
  if (attr->type() != onnx::AttributeProto::INT)
    return attrTypeError(*attr, "an integer");
  return attr->i();
}

FailureOr<double> NodeImporter::getFloat(StringRef name,
                                         std::optional<double> def) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    if (def)
      return *def;
    return missingAttr(name);
  }
  if (attr->type() != onnx::AttributeProto::FLOAT)
    return attrTypeError(*attr, "a float");
  return static_cast<double>(attr->f());
}

FailureOr<std::string> NodeImporter::getString(StringRef name,
                                               std::optional<StringRef> def) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    if (def)
      return def->str();
    return missingAttr(name);
  }
  if (attr->type() != onnx::AttributeProto::STRING)
    return attrTypeError(*attr, "a string");
  return attr->s();
}

FailureOr<SmallVector<int64_t>>
NodeImporter::getInts(StringRef name, std::optional<ArrayRef<int64_t>> def) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    if (def)
      return SmallVector<int64_t>(def->begin(), def->end());
    return missingAttr(name);
  }
  if (attr->type() != onnx::AttributeProto::INTS)
    return attrTypeError(*attr, "a list of integers");
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

FailureOr<SmallVector<double>>
NodeImporter::getFloats(StringRef name, std::optional<ArrayRef<double>> def) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    if (def)
      return SmallVector<double>(def->begin(), def->end());
    return missingAttr(name);
  }
  if (attr->type() != onnx::AttributeProto::FLOATS)
    return attrTypeError(*attr, "a list of floats");
  return SmallVector<double>(attr->floats().begin(), attr->floats().end());
}

FailureOr<DenseElementsAttr> NodeImporter::getTensor(StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return missingAttr(name);
  if (attr->type() != onnx::AttributeProto::TENSOR)
    return attrTypeError(*attr, "a tensor");
  Expected<DenseElementsAttr> value =
      convertTensor(context(), attr->t(), modelDir_);
  if (!value) {
    emitError() << "attribute '" << name
                << "': " << toString(value.takeError());
    return failure();
  }
  return *value;
}

//===----------------------------------------------------------------------===//
// Building ops
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<Value>>
NodeImporter::createGeneric(StringRef opName, ValueRange operands,
                            ArrayRef<NamedAttribute> attrs,
                            ArrayRef<Type> types) {
  if (types.empty()) {
    emitError() << "internal error: no result type for '" << opName << "'";
    return failure();
  }
  OperationState state(loc_, opName);
  state.addOperands(operands);
  state.addAttributes(attrs);
  state.addTypes(types);
  Operation *op = builder_.create(state);
  if (failed(mlir::verify(op))) {
    op->erase();
    return failure();
  }
  SmallVector<Value> folded;
  if (succeeded(builder_.tryFold(op, folded)) && !folded.empty()) {
    op->erase();
    return folded;
  }
  return SmallVector<Value>(op->getResults());
}

Value NodeImporter::constant(DenseElementsAttr value) {
  return graph::ConstantOp::create(builder_, loc_, value.getType(), value);
}

Value NodeImporter::scalarConstant(Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute element;
  if (auto f = dyn_cast<FloatType>(elementType))
    element = FloatAttr::get(f, value);
  else if (elementType.isInteger(1))
    element = builder_.getBoolAttr(value != 0);
  else
    element = IntegerAttr::get(elementType, static_cast<int64_t>(value));
  return constant(DenseElementsAttr::get(type, element));
}

} // namespace dlc

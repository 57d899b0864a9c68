//===- NodeImporter.h - what an op handler sees of one ONNX node -*- C++ -*-===//
//
// Each supported ONNX op has a handler `LogicalResult fn(NodeImporter &)`
// that reads the node's inputs and attributes, builds graph ops and sets the
// node's outputs. Errors go through emitError(); the importer prefixes them
// with the node's name, op type and opset.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_COMPILER_IMPORT_NODEIMPORTER_H
#define DLC_COMPILER_IMPORT_NODEIMPORTER_H

#include "dlc/Dialect/Graph/GraphOps.h"
#include "onnx/onnx_pb.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"

namespace dlc {

class NodeImporter {
public:
  NodeImporter(const onnx::NodeProto &node, int64_t opset,
               mlir::OpBuilder &builder, mlir::Location loc,
               llvm::SmallVector<mlir::Value> inputs, llvm::StringRef modelDir)
      : node_(node), opset_(opset), builder_(builder), loc_(loc),
        inputs_(std::move(inputs)), modelDir_(modelDir) {}

  const onnx::NodeProto &node() const { return node_; }
  int64_t opset() const { return opset_; }
  mlir::Location loc() const { return loc_; }
  mlir::OpBuilder &builder() { return builder_; }
  mlir::MLIRContext *context() { return builder_.getContext(); }
  llvm::StringRef modelDir() const { return modelDir_; }

  //===--------------------------------------------------------------------===//
  // Inputs and outputs
  //===--------------------------------------------------------------------===//

  /// Number of inputs as written in the node, counting empty (omitted
  /// optional) names.
  size_t numInputs() const { return inputs_.size(); }
  /// True if input `i` is present (not omitted).
  bool hasInput(size_t i) const { return i < inputs_.size() && inputs_[i]; }
  /// Input `i`, or null when omitted.
  mlir::Value input(size_t i) const { return hasInput(i) ? inputs_[i] : nullptr; }
  /// Input `i`; emits "missing required input" when omitted.
  mlir::FailureOr<mlir::Value> requireInput(size_t i);
  /// Type of a present input.
  mlir::RankedTensorType inputType(size_t i) const {
    return mlir::cast<mlir::RankedTensorType>(inputs_[i].getType());
  }
  /// Checks numInputs() is within [min, max]; emits an error otherwise.
  mlir::LogicalResult checkInputCount(size_t min, size_t max);
  size_t numOutputs() const { return node_.output_size(); }

  /// The value of input `i` when it is a constant (an initializer, a
  /// Constant node, or something folded at import), else null.
  mlir::DenseElementsAttr constantInput(size_t i) const;
  /// Input `i` as a list of integers; emits an error naming `what` when it
  /// is not a constant integer tensor of rank <= 1.
  mlir::FailureOr<llvm::SmallVector<int64_t>> constantInts(size_t i,
                                                           llvm::StringRef what);
  /// Input `i` as a scalar float constant (or `def` when omitted).
  mlir::FailureOr<double> constantScalar(size_t i, llvm::StringRef what,
                                         std::optional<double> def);

  /// Sets the node's outputs in order. Fewer values than outputs is allowed
  /// only when the remaining output names are empty or unused.
  mlir::LogicalResult setResults(mlir::ValueRange values);
  mlir::LogicalResult setResult(mlir::Value value) {
    return setResults(mlir::ValueRange(value));
  }
  llvm::ArrayRef<mlir::Value> results() const { return results_; }

  //===--------------------------------------------------------------------===//
  // Attributes
  //===--------------------------------------------------------------------===//

  bool hasAttr(llvm::StringRef name) const;
  /// Integer attribute; without `def` a missing attribute is an error.
  mlir::FailureOr<int64_t> getInt(llvm::StringRef name,
                                  std::optional<int64_t> def = std::nullopt);
  mlir::FailureOr<double> getFloat(llvm::StringRef name,
                                   std::optional<double> def = std::nullopt);
  mlir::FailureOr<std::string>
  getString(llvm::StringRef name,
            std::optional<llvm::StringRef> def = std::nullopt);
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  getInts(llvm::StringRef name,
          std::optional<llvm::ArrayRef<int64_t>> def = std::nullopt);
  mlir::FailureOr<llvm::SmallVector<double>>
  getFloats(llvm::StringRef name,
            std::optional<llvm::ArrayRef<double>> def = std::nullopt);
  mlir::FailureOr<mlir::DenseElementsAttr> getTensor(llvm::StringRef name);

  //===--------------------------------------------------------------------===//
  // Building ops
  //===--------------------------------------------------------------------===//

  /// Builds `OpTy` with the given operands and attributes. The result types
  /// come from the op's type inference unless `resultTypes` is given. The op
  /// is verified and folded; on failure the diagnostics explain why.
  template <typename OpTy>
  mlir::FailureOr<mlir::Value>
  create(mlir::ValueRange operands,
         llvm::ArrayRef<mlir::NamedAttribute> attrs = {},
         mlir::TypeRange resultTypes = {}) {
    mlir::FailureOr<llvm::SmallVector<mlir::Value>> results =
        createMulti<OpTy>(operands, attrs, resultTypes);
    if (mlir::failed(results))
      return mlir::failure();
    if (results->size() != 1) {
      emitError() << "internal error: '" << OpTy::getOperationName()
                  << "' does not have one result";
      return mlir::failure();
    }
    return results->front();
  }

  /// Like create() for ops with several results (e.g. Split).
  template <typename OpTy>
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  createMulti(mlir::ValueRange operands,
              llvm::ArrayRef<mlir::NamedAttribute> attrs = {},
              mlir::TypeRange resultTypes = {}) {
    llvm::SmallVector<mlir::Type> types(resultTypes.begin(),
                                        resultTypes.end());
    if (types.empty()) {
      if constexpr (OpTy::template hasTrait<
                        mlir::InferTypeOpInterface::Trait>()) {
        if (mlir::failed(OpTy::inferReturnTypes(
                context(), loc_, operands,
                mlir::DictionaryAttr::get(context(), attrs),
                mlir::OpaqueProperties(nullptr), mlir::RegionRange(), types)))
          return mlir::failure();
      }
    }
    return createGeneric(OpTy::getOperationName(), operands, attrs, types);
  }

  /// A graph.constant holding `value`.
  mlir::Value constant(mlir::DenseElementsAttr value);
  /// A scalar (rank 0) constant of `elementType`.
  mlir::Value scalarConstant(mlir::Type elementType, double value);

  /// Emits an error located at the node.
  mlir::InFlightDiagnostic emitError() { return mlir::emitError(loc_); }

  /// Convenience attribute builders.
  mlir::NamedAttribute attr(llvm::StringRef name, mlir::Attribute value) {
    return builder_.getNamedAttr(name, value);
  }
  mlir::NamedAttribute i64Attr(llvm::StringRef name, int64_t v) {
    return attr(name, builder_.getI64IntegerAttr(v));
  }
  mlir::NamedAttribute f32Attr(llvm::StringRef name, double v) {
    return attr(name, builder_.getF32FloatAttr(v));
  }
  mlir::NamedAttribute boolAttr(llvm::StringRef name, bool v) {
    return attr(name, builder_.getBoolAttr(v));
  }
  mlir::NamedAttribute strAttr(llvm::StringRef name, llvm::StringRef v) {
    return attr(name, builder_.getStringAttr(v));
  }
  mlir::NamedAttribute i64ArrayAttr(llvm::StringRef name,
                                    llvm::ArrayRef<int64_t> v) {
    return attr(name, builder_.getDenseI64ArrayAttr(v));
  }

private:
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  createGeneric(llvm::StringRef opName, mlir::ValueRange operands,
                llvm::ArrayRef<mlir::NamedAttribute> attrs,
                llvm::ArrayRef<mlir::Type> types);
  const onnx::AttributeProto *findAttr(llvm::StringRef name) const;
  mlir::LogicalResult attrTypeError(const onnx::AttributeProto &attr,
                                    llvm::StringRef expected);
  mlir::LogicalResult missingAttr(llvm::StringRef name);

  const onnx::NodeProto &node_;
  int64_t opset_;
  mlir::OpBuilder &builder_;
  mlir::Location loc_;
  llvm::SmallVector<mlir::Value> inputs_;
  llvm::StringRef modelDir_;
  llvm::SmallVector<mlir::Value> results_;
};

} // namespace dlc

#endif // DLC_COMPILER_IMPORT_NODEIMPORTER_H

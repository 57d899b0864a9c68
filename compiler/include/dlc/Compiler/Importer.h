//===- Importer.h - ONNX model importer -------------------------*- C++ -*-===//
//
// Reads an ONNX model (binary protobuf or the ONNX text format) and builds
// a module with one func.func holding graph dialect ops.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_COMPILER_IMPORTER_H
#define DLC_COMPILER_IMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

namespace dlc {

/// The lowest and highest default-domain opset the importer accepts.
constexpr int64_t kMinOpset = 1;
constexpr int64_t kMaxOpset = 27;

struct ImportOptions {
  /// Static shapes for graph inputs, by input name (`--input-shape`).
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Graph inputs replaced by constants read from TensorProto files
  /// (`--freeze-input NAME=FILE.pb`), by input name.
  llvm::StringMap<std::string> frozenInputs;
  /// Name of the generated function.
  std::string funcName = "main";
};

/// Parses "NAME=1x3x224x224" (several separated by ',' are allowed when the
/// dims use 'x'). Returns an error message on failure.
llvm::Error parseInputShape(llvm::StringRef spec, ImportOptions &options);

/// Imports the model at `path`. Errors are reported through the context's
/// diagnostic engine; returns null on failure.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(llvm::StringRef path,
                                                 mlir::MLIRContext &context,
                                                 const ImportOptions &options);

/// Reads a serialized ONNX TensorProto (the backend tests' input_N.pb /
/// output_N.pb) into a constant; `name` receives the tensor's name.
llvm::Expected<mlir::DenseElementsAttr>
readTensorFile(llvm::StringRef path, mlir::MLIRContext &context,
               std::string *name = nullptr);

/// Registers the dialects the importer produces.
void registerImporterDialects(mlir::DialectRegistry &registry);

} // namespace dlc

#endif // DLC_COMPILER_IMPORTER_H

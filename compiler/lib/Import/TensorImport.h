//===- TensorImport.h - ONNX tensors to MLIR attributes ---------*- C++ -*-===//

#ifndef DLC_COMPILER_IMPORT_TENSORIMPORT_H
#define DLC_COMPILER_IMPORT_TENSORIMPORT_H

#include "onnx/onnx_pb.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/Error.h"

namespace dlc {

/// Largest tensor the importer accepts, in bytes.
constexpr uint64_t kMaxTensorBytes = uint64_t(8) << 30;

/// ONNX data types newer than the onnx headers dlc builds against.
enum : int32_t {
  kOnnxFloat8E4M3FN = 17,
  kOnnxFloat8E4M3FNUZ = 18,
  kOnnxFloat8E5M2 = 19,
  kOnnxFloat8E5M2FNUZ = 20,
  kOnnxUint4 = 21,
  kOnnxInt4 = 22,
  kOnnxFloat4E2M1 = 23,
  kOnnxFloat8E8M0 = 24,
  kOnnxUint2 = 25,
  kOnnxInt2 = 26,
};

/// The MLIR element type of an ONNX TensorProto data type, or an error
/// naming the unsupported type.
llvm::Expected<mlir::Type> convertElementType(mlir::MLIRContext *context,
                                              int32_t onnxType);

/// Name of an ONNX data type for messages ("FLOAT", "INT64", ...).
std::string onnxTypeName(int32_t onnxType);

/// Converts an initializer or a tensor attribute. The payload must match
/// the dims and data type exactly. External data is read relative to
/// `modelDir`.
llvm::Expected<mlir::DenseElementsAttr>
convertTensor(mlir::MLIRContext *context, const onnx::TensorProto &tensor,
              llvm::StringRef modelDir);

} // namespace dlc

#endif // DLC_COMPILER_IMPORT_TENSORIMPORT_H

//===- TensorIO.h - dlc-run's tensors and their files -----------*- C++ -*-===//
//
// Host tensors as dense row-major bytes, read from and written to NumPy
// .npy files and ONNX TensorProto .pb files (the backend tests' layout).
//
//===----------------------------------------------------------------------===//

#ifndef DLC_TOOLS_DLC_RUN_TENSORIO_H
#define DLC_TOOLS_DLC_RUN_TENSORIO_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <string>
#include <vector>

namespace dlc::run {

/// A tensor as dense row-major bytes (booleans one byte each).
struct HostTensor {
  std::string name;
  int32_t dtype = 0; ///< dlc_dtype (the ONNX TensorProto data type)
  std::vector<int64_t> shape;
  std::vector<char> bytes;
};

/// The runtime's dtype of an MLIR element type, 0 when it has none.
int32_t dtypeOf(mlir::Type t);

/// The bytes of a constant as a tensor named `name`.
llvm::Expected<HostTensor> fromAttr(mlir::DenseElementsAttr attr,
                                    llvm::StringRef name);

/// Reads a serialized ONNX TensorProto.
llvm::Expected<HostTensor> readPb(llvm::StringRef path,
                                  mlir::MLIRContext &context);

/// Reads a NumPy .npy file (format 1.0/2.0, little-endian, C order).
llvm::Expected<HostTensor> readNpy(llvm::StringRef path, llvm::StringRef name);

/// Writes `t` as a NumPy .npy file (format 1.0); bfloat16 has no NumPy
/// dtype and is an error. Written atomically.
llvm::Error writeNpy(llvm::StringRef path, const HostTensor &t);

/// Writes `t` as a serialized ONNX TensorProto (name, dims, data_type,
/// raw_data). Written atomically.
llvm::Error writePb(llvm::StringRef path, const HostTensor &t);

/// Element `i` of `t` as a double.
double elementAsDouble(const HostTensor &t, size_t i);

/// `t`'s float32 values as float16 or bfloat16 (round to nearest even),
/// or its float16/bfloat16 values as float32 (exact); `dtype` is the new
/// element type.
void convertFloats(HostTensor &t, int32_t dtype);
/// The semantics of the float8 and float4 dtypes; null for the others.
const llvm::fltSemantics *smallFloatSemantics(int32_t dtype);

/// "[1,3,224,224]".
std::string shapeString(llvm::ArrayRef<int64_t> shape);

/// A file name from a tensor name: letters, digits, '.', '-' and '_' kept,
/// everything else '_'; never empty, never "." or "..", never hidden.
std::string sanitizeFileName(llvm::StringRef name);

} // namespace dlc::run

#endif // DLC_TOOLS_DLC_RUN_TENSORIO_H

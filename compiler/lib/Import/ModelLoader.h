//===- ModelLoader.h - read ONNX files --------------------------*- C++ -*-===//

#ifndef DLC_COMPILER_IMPORT_MODELLOADER_H
#define DLC_COMPILER_IMPORT_MODELLOADER_H

#include "onnx/onnx_pb.h"
#include "llvm/Support/Error.h"
#include <string>

namespace dlc {

/// Reads `path` as a binary ModelProto, or as the ONNX text format when the
/// file name ends in `.onnxtxt`/`.txt` or the text starts with '<'.
llvm::Error loadModel(llvm::StringRef path, onnx::ModelProto &model);

/// Reads a binary TensorProto (the ONNX test-data .pb layout).
llvm::Error loadTensor(llvm::StringRef path, onnx::TensorProto &tensor);

/// Reads `length` bytes at `offset` of an external-data file named by
/// `location`, relative to `modelDir`. Rejects absolute paths, '..',
/// symbolic links, files outside the folder and ranges beyond the file.
/// `length` < 0 means "to the end of the file".
llvm::Error readExternalData(llvm::StringRef modelDir,
                             llvm::StringRef location, int64_t offset,
                             int64_t length, std::string &out);

} // namespace dlc

#endif // DLC_COMPILER_IMPORT_MODELLOADER_H

//===- Kernels.h - classifying the ops of kernel groups ---------*- C++ -*-===//

#ifndef DLC_PASSES_KERNELS_H
#define DLC_PASSES_KERNELS_H

#include "mlir/IR/Operation.h"
#include <string>

namespace dlc {

/// A linalg op on tensors that only permutes its input (linalg.transpose,
/// or a generic that yields its input read through a permutation).
bool isPermutationCopy(mlir::Operation *op);

/// A product or convolution: a linalg op with reduction loops computing
/// out + a * b (or a named contraction / convolution).
bool isContractionKernel(mlir::Operation *op);

/// The kernel kind of a group rooted at `op`: contraction, convolution,
/// reduction, pooling, elementwise or data-movement.
std::string kernelKindOf(mlir::Operation *op);

} // namespace dlc

#endif // DLC_PASSES_KERNELS_H

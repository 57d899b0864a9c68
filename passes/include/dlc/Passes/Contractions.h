//===- Contractions.h - recognizing contraction payloads --------*- C++ -*-===//

#ifndef DLC_PASSES_CONTRACTIONS_H
#define DLC_PASSES_CONTRACTIONS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace dlc {

/// Whether a generic with two inputs and one output computes
/// out + a * b (f32), the payload of every product and convolution.
bool isMulAddPayload(mlir::linalg::GenericOp op);
/// The same with a and / or b widened first (arith.extf from f16 or bf16 to
/// the output type): the payload of a mixed-precision product.
bool isWideningMulAddPayload(mlir::linalg::GenericOp op);

} // namespace dlc

#endif // DLC_PASSES_CONTRACTIONS_H

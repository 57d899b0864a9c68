//===- Explain.h - dlc --explain: the kernels of one inference --*- C++ -*-===//

#ifndef DLC_TOOLS_EXPLAIN_H
#define DLC_TOOLS_EXPLAIN_H

#include "dlc/Codegen/CPUTarget.h"
#include "llvm/Support/raw_ostream.h"

namespace dlc::tool {

/// Prints the kernels of `sig` as text or JSON: per kernel the ONNX nodes,
/// kind, precision, strategy, tiles, FLOPs, bytes and the time at
/// `peakGflops`. Returns 0.
/// The kernel list of `sig` for `target`; `peakGflops` <= 0 leaves out
/// the times at peak (GPU targets).
int printExplanation(llvm::raw_ostream &os,
                     const dlc::codegen::ModelSignature &sig, bool json,
                     double peakGflops, llvm::StringRef target = "cpu");

} // namespace dlc::tool

#endif // DLC_TOOLS_EXPLAIN_H

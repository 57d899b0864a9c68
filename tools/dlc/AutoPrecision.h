//===- AutoPrecision.h - choosing products' precision by measurement -*- C++ -*-===//
//
// dlc --precision=auto: which products may compute in fp16 / bf16 while
// every output's relative L2 error against the fp32 compile stays within a
// budget, measured by compiling and running candidates on the host with
// dlc-run (installed next to dlc).
//
//===----------------------------------------------------------------------===//

#ifndef DLC_TOOLS_AUTOPRECISION_H
#define DLC_TOOLS_AUTOPRECISION_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <string>
#include <vector>

namespace dlc::tool {

/// One product that may be demoted: the ONNX nodes it computes (several
/// when products were merged).
struct Candidate {
  std::vector<std::string> nodes;
};

/// The products of `module` (the imported graph; not changed) that
/// --precision=LOW would demote, in program order.
llvm::Expected<std::vector<Candidate>>
demotableProducts(mlir::ModuleOp module, llvm::StringRef low,
                  bool mergeProducts);

struct AutoPrecisionRequest {
  std::string dlcRun;      ///< the dlc-run executable
  std::string model;       ///< the model file
  std::string low;         ///< fp16 or bf16
  double maxRelError = 0;  ///< the budget (relative L2 error per output)
  std::string calibration; ///< folder of input_N.pb / NAME.npy, or ""
  /// Flags passed to every dlc-run (--input-shape=..., --freeze-input=...).
  std::vector<std::string> flags;
  std::vector<Candidate> candidates;
};

struct AutoPrecisionResult {
  std::vector<bool> demoted; ///< per candidate
  double error = 0;          ///< measured with that choice
  unsigned runs = 0;         ///< compiles measured
};

/// Greedy by measured sensitivity: every candidate demoted if that meets
/// the budget; else the candidates in up to 6 groups in program order,
/// each group's error measured alone, groups added from the least
/// sensitive while the budget holds, then the halves of rejected groups.
/// Progress goes to `log`.
llvm::Expected<AutoPrecisionResult>
choosePrecision(const AutoPrecisionRequest &request, llvm::raw_ostream &log);

} // namespace dlc::tool

#endif // DLC_TOOLS_AUTOPRECISION_H

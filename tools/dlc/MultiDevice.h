//===- MultiDevice.h - dlc's libraries for several device kinds -*- C++ -*-===//
//
// --target=cpu,cuda:sm_80,sm_90,rocm:gfx942: the model is compiled once per
// device kind (symbol prefixes NAME_cpu, NAME_cuda, NAME_hip) and the
// objects go into one libNAME.a with a header whose NAME_create picks the
// code for the device it is given.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_TOOLS_DLC_MULTIDEVICE_H
#define DLC_TOOLS_DLC_MULTIDEVICE_H

#include "dlc/Codegen/CPUTarget.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace dlc::tool {

/// One device kind's model of a multi-device library.
struct LibraryPart {
  codegen::ModelSignature signature;
  std::vector<char> object;
};

/// Splits a --target list into one target per device kind: "cpu",
/// "cuda:sm_80,sm_90", "rocm:gfx942" (an architecture without a kind joins
/// the GPU target before it). One element for a single-kind target; an
/// error for a kind given twice or an architecture with no kind before it.
llvm::Expected<std::vector<std::string>>
splitDeviceTargets(llvm::StringRef target);

/// The symbol suffix of a single-kind target: cpu, cuda or hip.
std::string deviceSuffix(llvm::StringRef target);

/// Writes DIR/libNAME.a (every part's object), DIR/NAME.h and the parts'
/// external weights; nothing is left behind on a failure. Returns the
/// paths written, for the summary line.
llvm::Expected<std::string>
writeMultiDeviceLibrary(llvm::StringRef dir, llvm::StringRef name,
                        llvm::ArrayRef<LibraryPart> parts,
                        llvm::StringRef modelPath);

} // namespace dlc::tool

#endif // DLC_TOOLS_DLC_MULTIDEVICE_H

//===- MultiDevice.h - one library for several device kinds -----*- C++ -*-===//
//
// A library compiled for several device kinds (--target=cpu,cuda:...,
// rocm:...) holds one model per kind, each under its own symbol prefix
// (NAME_cpu, NAME_cuda, NAME_hip); its header dispatches NAME_create on
// the kind of the device it is given.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CODEGEN_MULTIDEVICE_H
#define DLC_CODEGEN_MULTIDEVICE_H

#include "dlc/Codegen/CPUTarget.h"

namespace dlc::codegen {

/// The header of a multi-device library `name` whose per-kind models are
/// `parts` (same inputs and outputs; part names NAME_cpu, ...).
std::string generateMultiDeviceHeader(llvm::StringRef name,
                                      llvm::ArrayRef<ModelSignature> parts,
                                      llvm::StringRef modelPath);

} // namespace dlc::codegen

#endif // DLC_CODEGEN_MULTIDEVICE_H

//===- Passes.h - dlc pass registration -------------------------*- C++ -*-===//

#ifndef DLC_PASSES_PASSES_H
#define DLC_PASSES_PASSES_H

namespace dlc {

/// Registers dlc's passes and the upstream passes dlc pipelines use, so that
/// dlc-opt can reproduce any step of a compile.
void registerDLCPasses();

} // namespace dlc

#endif // DLC_PASSES_PASSES_H

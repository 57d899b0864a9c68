//===- KernelDialect.h - kernel dialect -------------------------*- C++ -*-===//

#ifndef DLC_DIALECT_KERNEL_KERNELDIALECT_H
#define DLC_DIALECT_KERNEL_KERNELDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dlc/Dialect/Kernel/KernelDialect.h.inc"

#endif // DLC_DIALECT_KERNEL_KERNELDIALECT_H

//===- KernelOps.h - kernel dialect operations ------------------*- C++ -*-===//

#ifndef DLC_DIALECT_KERNEL_KERNELOPS_H
#define DLC_DIALECT_KERNEL_KERNELOPS_H

#include "dlc/Dialect/Kernel/KernelDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dlc/Dialect/Kernel/KernelOps.h.inc"

#endif // DLC_DIALECT_KERNEL_KERNELOPS_H

//===- GraphOps.h - graph dialect operations --------------------*- C++ -*-===//

#ifndef DLC_DIALECT_GRAPH_GRAPHOPS_H
#define DLC_DIALECT_GRAPH_GRAPHOPS_H

#include "dlc/Dialect/Graph/GraphDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dlc/Dialect/Graph/GraphOps.h.inc"

#endif // DLC_DIALECT_GRAPH_GRAPHOPS_H

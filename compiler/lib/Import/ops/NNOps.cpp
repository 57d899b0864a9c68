//===- NNOps.cpp - ONNX matmul, convolution, pooling, ... -----------------===//

#include "../OpTable.h"

using namespace mlir;
using namespace dlc;

static LogicalResult importMatMul(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<Value> v =
      n.create<graph::MatMulOp>(ValueRange{n.input(0), n.input(1)});
  return failed(v) ? failure() : n.setResult(*v);
}

void dlc::registerNNOps(OpTable &t) {
  t.add("MatMul", 1, kMaxOpset, importMatMul);
}

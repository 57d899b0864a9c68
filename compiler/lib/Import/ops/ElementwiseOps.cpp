//===- ElementwiseOps.cpp - ONNX elementwise ops --------------------------===//

#include "../OpTable.h"

using namespace mlir;
using namespace dlc;

namespace {

template <typename OpTy>
LogicalResult importUnary(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<Value> v = n.create<OpTy>(n.input(0));
  return failed(v) ? failure() : n.setResult(*v);
}

template <typename OpTy>
LogicalResult importBinary(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  // Opsets before 7 used an explicit 'broadcast' attribute; from 7 on it is
  // numpy-style, which is what graph ops implement.
  FailureOr<Value> v = n.create<OpTy>(ValueRange{n.input(0), n.input(1)});
  return failed(v) ? failure() : n.setResult(*v);
}

} // namespace

void dlc::registerElementwiseOps(OpTable &t) {
  t.add("Relu", 6, kMaxOpset, importUnary<graph::ReluOp>);
  t.add("Add", 7, kMaxOpset, importBinary<graph::AddOp>);
}

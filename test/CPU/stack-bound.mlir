// The CPU back end's LLVM lowering ends with the stack frame check: a
// problem-sized temporary on the stack is a compile error naming the ONNX
// node; small fixed temporaries pass.
// RUN: not dlc-opt %s --split-input-file --dlc-cpu-lower-to-llvm=func=forward 2>&1 | FileCheck %s

// CHECK: error: loc("scores"): node 'scores' (memref.alloca): a stack allocation of 9000000 bytes exceeds the bound of 65536 bytes per frame
func.func @forward(%out: memref<1500x1500xf32>) {
  %cst = arith.constant 0.0 : f32
  %t = memref.alloca() : memref<1500x1500xf32> loc("scores")
  linalg.fill ins(%cst : f32) outs(%t : memref<1500x1500xf32>)
  linalg.copy ins(%t : memref<1500x1500xf32>) outs(%out : memref<1500x1500xf32>)
  return
}

// -----

// The same at the LLVM level: an alloca made after the memref lowering.
// CHECK: error: loc("tmp"): node 'tmp' (llvm.alloca): a stack allocation of 4000000 bytes exceeds the bound of 65536 bytes per frame
func.func @forward(%out: memref<4xf32>, %i: index) {
  %c = llvm.mlir.constant(1000000 : i64) : i64
  %p = llvm.alloca %c x f32 : (i64) -> !llvm.ptr loc("tmp")
  %v = memref.load %out[%i] : memref<4xf32>
  llvm.store %v, %p : f32, !llvm.ptr
  return
}

// -----

// CHECK-LABEL: llvm.func @forward(
// CHECK: llvm.alloca
func.func @forward(%out: memref<64xf32>) {
  %cst = arith.constant 1.0 : f32
  %t = memref.alloca() : memref<64xf32> loc("small")
  linalg.fill ins(%cst : f32) outs(%t : memref<64xf32>)
  linalg.copy ins(%t : memref<64xf32>) outs(%out : memref<64xf32>)
  return
}

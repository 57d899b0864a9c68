// RUN: dlc-opt %s --split-input-file --verify-diagnostics --dlc-check-stack-frames | FileCheck %s

// Small fixed allocations at the top of a function pass unchanged.
// CHECK-LABEL: func.func @small(
// CHECK: memref.alloca() : memref<16x16xf32>
// CHECK: llvm.alloca %{{.+}} x !llvm.array<64 x i64>
func.func @small(%i: index) -> f32 {
  %c1 = llvm.mlir.constant(1 : i64) : i64
  %a = memref.alloca() : memref<16x16xf32>
  %b = llvm.alloca %c1 x !llvm.array<64 x i64> : (i64) -> !llvm.ptr
  %v = memref.load %a[%i, %i] : memref<16x16xf32>
  return %v : f32
}

// -----

// A problem-sized buffer (the scores of one attention head) on the stack.
func.func @scores() {
  // expected-error @below {{'memref.alloca': a stack allocation of 9000000 bytes exceeds the bound of 65536 bytes per frame; buffers this large belong in the arena or on the heap}}
  %a = memref.alloca() : memref<1500x1500xf32>
  return
}

// -----

func.func @dynamic(%n: index) {
  // expected-error @below {{'memref.alloca': a stack allocation of dynamic size}}
  %a = memref.alloca(%n) : memref<?xf32>
  return
}

// -----

// Re-executed in a loop, even a small allocation grows the frame.
func.func @in_loop(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    // expected-error @below {{'memref.alloca': a stack allocation inside a loop grows the frame on every iteration}}
    %a = memref.alloca() : memref<64xf32>
    scf.reduce
  }
  return
}

// -----

// An alloca_scope frees its allocations at every iteration.
// CHECK-LABEL: func.func @scoped(
// CHECK: memref.alloca_scope
func.func @scoped(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    memref.alloca_scope {
      %a = memref.alloca() : memref<64xf32>
    }
  }
  return
}

// -----

// The allocations of one function add up.
func.func @sum() {
  %a = memref.alloca() : memref<16384xf32>
  // expected-error @below {{'memref.alloca': the stack allocations of this function take 65540 bytes, over the bound of 65536 bytes per frame}}
  %b = memref.alloca() : memref<1xf32>
  return
}

// -----

// The LLVM level: the element type's size times a constant count.
llvm.func @llvm_large() {
  %c = llvm.mlir.constant(2 : i64) : i64
  // expected-error @below {{'llvm.alloca': a stack allocation of 80000 bytes exceeds the bound of 65536 bytes per frame}}
  %a = llvm.alloca %c x !llvm.array<10000 x f32> : (i64) -> !llvm.ptr
  llvm.return
}

// -----

llvm.func @llvm_dynamic(%n: i64) {
  // expected-error @below {{'llvm.alloca': a stack allocation of dynamic size}}
  %a = llvm.alloca %n x f32 : (i64) -> !llvm.ptr
  llvm.return
}

// -----

// Outside the entry block LLVM allocates at every execution.
llvm.func @llvm_not_entry(%n: i64) {
  %c = llvm.mlir.constant(1 : i64) : i64
  llvm.br ^loop
^loop:
  // expected-error @below {{'llvm.alloca': a stack allocation inside a loop grows the frame on every iteration}}
  %a = llvm.alloca %c x f32 : (i64) -> !llvm.ptr
  llvm.br ^loop
}

// -----

// Kernels of the GPU targets are not host code.
// CHECK-LABEL: gpu.module @kernels
// CHECK: memref.alloca() : memref<1500x1500xf32>
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @k() kernel {
      %a = memref.alloca() : memref<1500x1500xf32>
      gpu.return
    }
  }
}

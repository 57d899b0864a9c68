// RUN: dlc-opt %s --split-input-file --verify-diagnostics --dlc-gpu-launch-to-loops | FileCheck %s

// Blocks become a parallel loop over the grid, threads serial loops over
// the block (x innermost); ids and sizes are replaced by the loop
// variables and the launch sizes; the body is unchanged.
// CHECK-LABEL: func.func @f(
// CHECK-DAG: %[[G:.+]] = arith.constant 4 : index
// CHECK-DAG: %[[B:.+]] = arith.constant 32 : index
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK: scf.parallel (%[[BX:.+]], %{{.+}}, %{{.+}}) = (%[[C0]], %[[C0]], %[[C0]]) to (%[[G]], %c1{{[_0-9]*}}, %c1{{[_0-9]*}}) step (%c1{{[_0-9]*}}, %c1{{[_0-9]*}}, %c1{{[_0-9]*}})
// CHECK: scf.for %{{.+}} = %[[C0]] to %c1{{[_0-9]*}} step %c1
// CHECK: scf.for %{{.+}} = %[[C0]] to %c1{{[_0-9]*}} step %c1
// CHECK: scf.for %[[TX:.+]] = %[[C0]] to %[[B]] step %c1
// CHECK: %[[M:.+]] = arith.muli %[[BX]], %[[B]] : index
// CHECK: %[[L:.+]] = arith.addi %[[M]], %[[TX]] : index
// CHECK: memref.load %{{.+}}[%[[L]]]
// CHECK-NOT: gpu.
func.func @f(%a: memref<128xf32>) {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c4, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    %m = arith.muli %bx, %sx : index
    %l = arith.addi %m, %tx : index
    %v = memref.load %a[%l] : memref<128xf32>
    %w = arith.addf %v, %v : f32
    memref.store %w, %a[%l] : memref<128xf32>
    gpu.terminator
  }
  return
}

// -----

// A serial loop over threads cannot honour a barrier.
func.func @f(%a: memref<128xf32>) {
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    // expected-error @below {{a kernel with barriers cannot run its threads as a serial loop}}
    gpu.barrier
    gpu.terminator
  }
  return
}

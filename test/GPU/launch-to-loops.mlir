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

// Barriers split the body into phases, each a loop over the threads; a
// barrier inside a uniform loop keeps that loop at block level. Workgroup
// memory is one heap buffer per block, private memory one slot per thread
// (a subview at the linear thread id), both allocated at the start of the
// block and freed at its end (never on the stack), and index values
// computed before a barrier are recomputed after it.
// CHECK-LABEL: func.func @f(
// CHECK: scf.parallel
// CHECK-NOT: memref.alloca
// CHECK: %[[SH:.+]] = memref.alloc() {alignment = 64 : i64} : memref<32xf32>
// CHECK: %[[PR:.+]] = memref.alloc() {alignment = 64 : i64} : memref<32x2xf32>
// Phase 1: every thread writes its slot of shared memory.
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for %[[T1:.+]] = %{{.+}} to %c32
// CHECK: memref.subview %[[PR]][%{{.+}}, 0] [1, 2] [1, 1]
// CHECK: memref.store %{{.+}}, %[[SH]][%[[T1]]]
// The uniform loop with a barrier stays outside the thread loops.
// CHECK: scf.for %[[K:.+]] = %c0{{.*}} to %c3
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for %[[T2:.+]] = %{{.+}} to %c32
// CHECK: %[[R:.+]] = arith.subi %c31{{.*}}, %[[T2]]
// CHECK: memref.load %[[SH]][%[[R]]]
// CHECK: %[[K1:.+]] = arith.remui %[[K]], %c3
// CHECK: memref.store %{{.+}}, %subview[%[[K1]]] : memref<2xf32, strided<[1], offset: ?>>
// Phase 3: after the loop.
// CHECK: scf.for %[[T3:.+]] = %{{.+}} to %c32
// CHECK: memref.store %{{.+}}, %arg0[%[[T3]]]
// CHECK: memref.dealloc %[[SH]]
// CHECK: memref.dealloc %[[PR]]
// CHECK-NEXT: scf.reduce
func.func @f(%a: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c31 = arith.constant 31 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1)
             workgroup(%sh : memref<32xf32, #gpu.address_space<workgroup>>)
             private(%pr : memref<2xf32, #gpu.address_space<private>>) {
    %rev = arith.subi %c31, %tx : index
    %v = memref.load %a[%tx] : memref<32xf32>
    memref.store %v, %sh[%tx] : memref<32xf32, #gpu.address_space<workgroup>>
    scf.for %k = %c0 to %c3 step %c1 {
      gpu.barrier
      %w = memref.load %sh[%rev] : memref<32xf32, #gpu.address_space<workgroup>>
      %k1 = arith.remui %k, %c3 : index
      memref.store %w, %pr[%k1] : memref<2xf32, #gpu.address_space<private>>
    }
    gpu.barrier
    %x = memref.load %pr[%c0] : memref<2xf32, #gpu.address_space<private>>
    memref.store %x, %a[%tx] : memref<32xf32>
    gpu.terminator
  }
  return
}

// -----

// A loaded value cannot cross a barrier: each thread would need its own
// copy.
func.func @f(%a: memref<128xf32>) {
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    // expected-error @below {{a value computed before a barrier is used after it}}
    %v = memref.load %a[%tx] : memref<128xf32>
    gpu.barrier
    memref.store %v, %a[%tx] : memref<128xf32>
    gpu.terminator
  }
  return
}

// -----

// The slots of a subgroup reduction inside a block-level loop are heap
// buffers allocated once per block, before the loop, and freed after it.
// CHECK-LABEL: func.func @reduce_in_loop(
// CHECK: scf.parallel
// CHECK: %[[IN:.+]] = memref.alloc() {alignment = 64 : i64} : memref<32xf32>
// CHECK: %[[OUT:.+]] = memref.alloc() {alignment = 64 : i64} : memref<32xf32>
// CHECK: scf.for
// CHECK-NOT: memref.alloc
// CHECK: memref.store %{{.+}}, %[[IN]][%{{.+}}]
// CHECK: memref.load %[[OUT]][%{{.+}}]
// CHECK: memref.dealloc %[[IN]]
// CHECK: memref.dealloc %[[OUT]]
// CHECK-NEXT: scf.reduce
func.func @reduce_in_loop(%a: memref<4x32xf32>, %o: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    scf.for %r = %c0 to %c4 step %c1 {
      gpu.barrier
      %v = memref.load %a[%r, %tx] : memref<4x32xf32>
      %s = gpu.subgroup_reduce add %v uniform cluster(size = 32) : (f32) -> f32
      memref.store %s, %o[%r] : memref<4xf32>
    }
    gpu.terminator
  }
  return
}

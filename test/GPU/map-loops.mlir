// RUN: dlc-opt %s --split-input-file --verify-diagnostics --dlc-gpu-map-loops="func=f" | FileCheck %s
// RUN: dlc-opt %s --split-input-file --verify-diagnostics --dlc-gpu-map-loops="func=f block-size=64" | FileCheck %s --check-prefix=B64

// A 2-D elementwise loop with a lower bound and a step: 5 x 3 = 15
// iterations in one block of 32 threads (whole warps), the last dimension
// varying fastest, a tail guard, and the body cloned with the recovered
// induction variables.
// CHECK-LABEL: func.func @f(
// CHECK: %[[C32:.+]] = arith.constant 32 : index
// CHECK: gpu.launch blocks(%[[BX:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %c1{{[_0-9]*}}, %{{.+}} = %c1{{[_0-9]*}}, %{{.+}} = %c1{{[_0-9]*}}) threads(%[[TX:.+]], %{{.+}}, %{{.+}}) in (%[[BD:.+]] = %[[C32]], %{{.+}} = %c1{{[_0-9]*}}, %{{.+}} = %c1{{[_0-9]*}})
// CHECK: %[[M:.+]] = arith.muli %[[BX]], %c32{{[_0-9]*}}
// CHECK: %[[LIN:.+]] = arith.addi %[[M]], %[[TX]]
// CHECK: %[[IN:.+]] = arith.cmpi ult, %[[LIN]], %{{.+}} : index
// CHECK: scf.if %[[IN]]
// CHECK: %[[J:.+]] = arith.remui %[[LIN]], %[[N3:.+]] : index
// CHECK: %[[I:.+]] = arith.divui %[[LIN]], %[[N3]] : index
// CHECK-DAG: %[[J2:.+]] = arith.muli %[[J]], %{{.+}} : index
// CHECK-DAG: %[[J3:.+]] = arith.addi %[[J2]], %{{.+}} : index
// CHECK-DAG: %[[I2:.+]] = arith.addi %[[I]], %{{.+}} : index
// CHECK: %[[V:.+]] = memref.load %{{.+}}[%[[I2]], %[[J3]]]
// CHECK: math.exp %[[V]]
// CHECK: memref.store
// CHECK: gpu.terminator
// CHECK-NOT: scf.parallel
// B64: threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c64
func.func @f(%a: memref<8x6xf32>, %b: memref<8x6xf32>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c6 = arith.constant 6 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i, %j) = (%c3, %c1) to (%c8, %c6) step (%c1, %c2) {
    %v = memref.load %a[%i, %j] : memref<8x6xf32>
    %e = math.exp %v : f32
    memref.store %e, %b[%i, %j] : memref<8x6xf32>
    scf.reduce
  }
  return
}

// -----

// 1000 x 100 iterations with a reduction loop inside each: the cost model
// gives per-thread reductions 128 threads per block, so 782 blocks; the
// reduction loop runs inside the thread.
// CHECK-LABEL: func.func @f(
// CHECK-DAG: %[[G:.+]] = arith.constant 782 : index
// CHECK-DAG: %[[T:.+]] = arith.constant 128 : index
// CHECK: gpu.launch blocks({{.+}}) in (%{{.+}} = %[[G]], {{.+}}) threads({{.+}}) in (%{{.+}} = %[[T]],
// CHECK: scf.if
// CHECK: scf.for
// B64: gpu.terminator
// B64: arith.constant 1563 : index
func.func @f(%a: memref<1000x16xf32>, %b: memref<16x100xf32>, %c: memref<1000x100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c100 = arith.constant 100 : index
  %c1000 = arith.constant 1000 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c1000, %c100) step (%c1, %c1) {
    scf.for %k = %c0 to %c16 step %c1 {
      %x = memref.load %a[%i, %k] : memref<1000x16xf32>
      %y = memref.load %b[%k, %j] : memref<16x100xf32>
      %z = memref.load %c[%i, %j] : memref<1000x100xf32>
      %m = arith.mulf %x, %y : f32
      %s = arith.addf %z, %m : f32
      memref.store %s, %c[%i, %j] : memref<1000x100xf32>
    }
    scf.reduce
  }
  return
}

// -----

// Scalar work at the top level (a 0-d result) runs in a launch of one
// thread together with the pure ops computing from it; views stay on the
// host; a whole-buffer copy becomes one thread per 4 consecutive elements
// (an innermost dimension of 4: 3 threads, each loading then storing 4).
// CHECK-LABEL: func.func @f(
// CHECK: %[[VIEW:.+]] = memref.view
// CHECK: gpu.launch blocks({{.+}}) in (%{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}) threads({{.+}}) in (%{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}})
// CHECK-NEXT: memref.load
// CHECK-NEXT: arith.addf
// CHECK-NEXT: memref.store
// CHECK-NEXT: gpu.terminator
// CHECK: gpu.launch
// CHECK: arith.cmpi ult, %{{.+}}, %c3
// CHECK-COUNT-4: memref.load %{{.+}} : memref<3x4xf32>
// CHECK-COUNT-4: memref.store %{{.+}} : memref<3x4xf32>
// CHECK-NOT: memref.copy
func.func @f(%a: memref<f32>, %arena: memref<64xi8>, %src: memref<3x4xf32>, %dst: memref<3x4xf32>) {
  %c0 = arith.constant 0 : index
  %view = memref.view %arena[%c0][] : memref<64xi8> to memref<f32>
  %x = memref.load %a[] : memref<f32>
  %y = arith.addf %x, %x : f32
  memref.store %y, %view[] : memref<f32>
  memref.copy %src, %dst : memref<3x4xf32> to memref<3x4xf32>
  return
}

// -----

// Buffers must be in the arena: GPU kernels cannot reach host allocations.
func.func @f(%a: memref<4xf32>) {
  // expected-error @+1 {{a buffer outside the arena cannot live in GPU memory}}
  %b = memref.alloc() : memref<4xf32>
  memref.copy %a, %b : memref<4xf32> to memref<4xf32>
  return
}

// -----

func.func @f(%a: memref<4xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{loop dimension 0 has non-constant bounds}}
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %v = memref.load %a[%i] : memref<4xf32>
    memref.store %v, %a[%i] : memref<4xf32>
    scf.reduce
  }
  return
}

// RUN: dlc-opt %s --dlc-outline-parallel | FileCheck %s

// The first loop runs its batch dimension once, so its second dimension
// (8 iterations) is distributed; the second loop has 1 iteration only and
// stays inline.
// CHECK-LABEL: func.func private @__dlc_par_0(%{{.+}}: index, %{{.+}}: index, %{{.+}}: memref<1x8xf32>, %{{.+}}: memref<1x8xf32>)
// CHECK: arith.minsi
// CHECK: scf.parallel
// CHECK: arith.mulf
// CHECK: func.func private @__dlc_launch_0(memref<0xi8>, index, memref<1x8xf32>, memref<1x8xf32>)
// CHECK: func.func @main([[X:%[a-z0-9]+]]: memref<1x8xf32>, [[Y:%[a-z0-9]+]]: memref<1x8xf32>, [[CTX:%[a-z0-9]+]]: memref<0xi8>)
// CHECK: %cst = arith.constant
// CHECK-NEXT: [[N:%[a-z0-9_]+]] = arith.constant 8 : index
// CHECK-NEXT: call @__dlc_launch_0([[CTX]], [[N]], [[X]], [[Y]])
// CHECK-NOT: call @__dlc_launch_1
// CHECK: scf.parallel
func.func @main(%x: memref<1x8xf32>, %y: memref<1x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %two = arith.constant 2.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c1, %c8) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<1x8xf32>
    %w = arith.mulf %v, %two : f32
    memref.store %w, %y[%i, %j] : memref<1x8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    %v = memref.load %y[%i, %c0] : memref<1x8xf32>
    memref.store %v, %x[%i, %c0] : memref<1x8xf32>
    scf.reduce
  }
  return
}

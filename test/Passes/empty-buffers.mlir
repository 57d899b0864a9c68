// Model tensors without elements: loops without iterations are erased, and
// an argument of rank > 1 with no elements becomes memref<0xT> (a bare
// pointer upstream's calling convention accepts), its uses reading a
// zero-sized stack buffer of the original type. Other arguments stay.
// RUN: dlc-opt %s --dlc-empty-buffers=func=m_forward | FileCheck %s
// RUN: dlc-opt %s --dlc-empty-buffers=func=m_forward --convert-func-to-llvm=use-bare-ptr-memref-call-conv=1 | FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func @m_forward(
// CHECK-SAME: %[[X:.+]]: memref<0xf32>, %[[Y:.+]]: memref<2x1x4xf32>, %[[Z:.+]]: memref<0xf32>, %[[W:.+]]: memref<0xi8>)
// CHECK: %[[S:.+]] = memref.alloca() : memref<2x0x4xf32>
// CHECK: %[[T:.+]] = memref.alloca() : memref<3x0xf32>
// CHECK-NOT: scf.parallel
// CHECK: scf.for
// CHECK: memref.store %{{.+}}, %[[Y]]
// CHECK: memref.copy %[[S]], %[[S]]
// CHECK: memref.copy %[[T]], %[[T]]
// LLVM: llvm.func @m_forward(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr)
func.func @m_forward(%x: memref<2x0x4xf32>, %y: memref<2x1x4xf32>, %z: memref<3x0xf32>, %w: memref<0xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  // No iterations (the middle dimension is empty): erased.
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c2, %c0, %c4) step (%c1, %c1, %c1) {
    %v = memref.load %x[%i, %j, %k] : memref<2x0x4xf32>
    memref.store %v, %y[%i, %c0, %k] : memref<2x1x4xf32>
  }
  // Iterations: kept.
  scf.for %i = %c0 to %c2 step %c1 {
    memref.store %zero, %y[%i, %c0, %c0] : memref<2x1x4xf32>
  }
  memref.copy %x, %x : memref<2x0x4xf32> to memref<2x0x4xf32>
  memref.copy %z, %z : memref<3x0xf32> to memref<3x0xf32>
  return
}

// RUN: dlc-opt %s --dlc-plan-memory | FileCheck %s
// RUN: dlc-opt %s --dlc-plan-memory=external-weights=1 | FileCheck %s --check-prefix=EXT

// Three 64-byte temporaries: %a dies at the second op, so %c reuses its
// bytes; %b overlaps both and gets its own. The arena is 128 bytes.
// CHECK: module attributes {dlc.arena_bytes = 128 : i64, dlc.weight_bytes = 0 : i64}
// CHECK: func.func @main(%[[X:.+]]: memref<16xf32>, %[[Y:.+]]: memref<16xf32>, %[[ARENA:.+]]: memref<128xi8>, %{{.+}}: memref<0xi8>)
// CHECK-NOT: memref.alloc
// CHECK: %[[A:.+]] = memref.view %[[ARENA]][%{{.+}}][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[B:.+]] = memref.view %[[ARENA]][%{{.+}}][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[C:.+]] = memref.view %[[ARENA]][%{{.+}}][] : memref<128xi8> to memref<16xf32>
// CHECK-NOT: memref.dealloc

// EXT: module attributes {dlc.arena_bytes = 128 : i64, dlc.weight_bytes = 64 : i64}
// EXT: memref.global "private" constant @w : memref<16xf32> = dense<1.000000e+00> {alignment = 64 : i64, dlc.weights_offset = 0 : i64}
// EXT: func.func @main(%{{.+}}: memref<16xf32>, %{{.+}}: memref<16xf32>, %{{.+}}: memref<128xi8>, %[[W:.+]]: memref<64xi8>)
// EXT-NOT: memref.get_global
// EXT: memref.view %[[W]][%{{.+}}][] : memref<64xi8> to memref<16xf32>
memref.global "private" constant @w : memref<16xf32> = dense<1.0> {alignment = 64 : i64}
func.func @main(%x: memref<16xf32>, %y: memref<16xf32>) {
  %w = memref.get_global @w : memref<16xf32>
  %a = memref.alloc() : memref<16xf32>
  linalg.add ins(%x, %w : memref<16xf32>, memref<16xf32>) outs(%a : memref<16xf32>)
  %b = memref.alloc() : memref<16xf32>
  linalg.add ins(%a, %a : memref<16xf32>, memref<16xf32>) outs(%b : memref<16xf32>)
  %c = memref.alloc() : memref<16xf32>
  linalg.add ins(%b, %b : memref<16xf32>, memref<16xf32>) outs(%c : memref<16xf32>)
  memref.copy %c, %y : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  return
}

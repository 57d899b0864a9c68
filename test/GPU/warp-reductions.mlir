// RUN: dlc-opt %s --split-input-file --dlc-gpu-warp-reductions | FileCheck %s

// A sum over rows of 200: 12 outputs, one 32-lane warp each (8 warps per
// block of 256, so 2 blocks); lane l starts at element l and strides by
// 32; the lanes are combined by a subgroup reduction; lane 0 of an active
// warp adds the total to the output.
// CHECK-LABEL: func.func @f(
// CHECK: gpu.launch blocks({{.+}}) in (%{{.+}} = %c2{{.*}}, {{.+}}) threads({{.+}}) in (%{{.+}} = %c256
// CHECK: %[[WARP:.+]] = arith.divui %{{.+}}, %c32{{[_0-9]*}}
// CHECK: %[[LANE:.+]] = arith.remui %{{.+}}, %c32{{[_0-9]*}}
// CHECK: %[[ACTIVE:.+]] = arith.cmpi ult, %[[WARP]], %c12
// CHECK: %[[W:.+]] = arith.minui %[[WARP]], %c11
// CHECK: %[[K:.+]] = affine.apply #map2(%{{.+}}, %{{.+}}, %[[LANE]])
// CHECK: %[[FIRST:.+]] = memref.load %arg0[%{{.+}}, %{{.+}}, %[[K]]]
// CHECK: %[[START:.+]] = arith.addi %[[LANE]], %c32
// CHECK: %[[PART:.+]] = scf.for %{{.+}} = %[[START]] to %c200{{.*}} step %c32{{.*}} iter_args(%{{.+}} = %[[FIRST]])
// CHECK: %[[TOTAL:.+]] = gpu.subgroup_reduce add %[[PART]] uniform cluster(size = 32) : (f32) -> f32
// CHECK: %[[L0:.+]] = arith.cmpi eq, %[[LANE]], %c0{{[_0-9]*}}
// CHECK: %[[GO:.+]] = arith.andi %[[ACTIVE]], %[[L0]]
// CHECK: scf.if %[[GO]]
// CHECK: %[[OLD:.+]] = memref.load %arg1
// CHECK: arith.addf %[[OLD]], %[[TOTAL]]
// CHECK-NOT: linalg.generic
#in = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#out = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @f(%a: memref<3x4x200xf32>, %o: memref<3x4xf32>) {
  linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a : memref<3x4x200xf32>) outs(%o : memref<3x4xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %acc, %x : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Short rows (fewer than two elements per lane) and non-associative
// payloads keep the thread-per-output mapping.
// CHECK-LABEL: func.func @f(
// CHECK-NOT: gpu.launch
// CHECK: linalg.generic
// CHECK: linalg.generic
#in = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
func.func @f(%a: memref<8x40xf32>, %o: memref<8xf32>, %b: memref<8x400xf32>) {
  linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction"]}
      ins(%a : memref<8x40xf32>) outs(%o : memref<8xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %acc, %x : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction"]}
      ins(%b : memref<8x400xf32>) outs(%o : memref<8xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.subf %acc, %x : f32
    linalg.yield %s : f32
  }
  return
}

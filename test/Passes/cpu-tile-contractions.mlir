// The CPU contraction kernels: packing, in-place panels, epilogues, windows.
// RUN: dlc-opt %s --split-input-file --dlc-cpu-tile-contractions=vector-registers=16 | FileCheck %s --check-prefixes=CHECK,R16
// RUN: dlc-opt %s --split-input-file --dlc-cpu-tile-contractions=vector-registers=32 | FileCheck %s --check-prefixes=CHECK,R32
// RUN: dlc-opt %s --split-input-file --dlc-cpu-tile-contractions="fuse-epilogues=0" | FileCheck %s --check-prefix=NOFUSE

// -----

// Weights packed at compile time into [K][nr] panels, zero beyond N.
memref.global "private" constant @__constant_w : memref<3x10xf32> = dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], [11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0], [21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0]]>
func.func @packed_weights(%a: memref<4x3xf32>, %out: memref<4x10xf32>) {
  %cst = arith.constant 0.000000e+00 : f32
  %w = memref.get_global @__constant_w : memref<3x10xf32>
  linalg.fill ins(%cst : f32) outs(%out : memref<4x10xf32>)
  linalg.matmul ins(%a, %w : memref<4x3xf32>, memref<3x10xf32>) outs(%out : memref<4x10xf32>)
  return
}

// CHECK: memref.global "private" constant @__constant_dlc_k0_0 : memref<48xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00, 9.000000e+00, 1.000000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.100000e+01,
// CHECK-NOT: @__constant_w
// CHECK-LABEL: func.func @packed_weights
// CHECK: scf.parallel
// CHECK: memref.get_global @__constant_dlc_k0_0
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK: %[[B:.+]] = vector.load %{{.+}}[%{{.+}}] : memref<48xf32>, vector<8xf32>
// CHECK: %[[S:.+]] = vector.broadcast %{{.+}} : f32 to vector<8xf32>
// CHECK: vector.fma %[[S]], %[[B]], %{{.+}} : vector<8xf32>
// CHECK-NOT: linalg.matmul
// CHECK: dlc.kind = "contraction", dlc.strategy = "register tile 4x16 {{.*}} M=4 N=10 K=3; S read in place, V packed at compile time{{.*}}", dlc.tiles = array<i64: 4, 16, 1, 1>

// -----

// Two computed operands, N a multiple of the panel: read in place.
func.func @in_place(%a: memref<64x32xf32>, %b: memref<32x64xf32>, %out: memref<64x64xf32>) {
  %cst = arith.constant 0.000000e+00 : f32
  linalg.fill ins(%cst : f32) outs(%out : memref<64x64xf32>)
  linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x64xf32>) outs(%out : memref<64x64xf32>)
  return
}

// CHECK-LABEL: func.func @in_place
// CHECK: scf.parallel
// CHECK: vector.fma
// CHECK-NOT: vector.gather
// R16: register tile 4x24 {{.*}} V panels 2 in place / 1 gathered
// R16-SAME: dlc.tiles = array<i64: 4, 24, 1, 4>
// R32: register tile 5x32 {{.*}} V panels 2 in place / 0 gathered
// R32-SAME: dlc.tiles = array<i64: 5, 32, 1, 5>

// -----

// The bias-and-Relu consumer runs on the registers; C disappears.
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @epilogue(%a: memref<64x32xf32>, %b: memref<32x64xf32>, %bias: memref<64xf32>, %out: memref<64x64xf32>) {
  %cst = arith.constant 0.000000e+00 : f32
  %c = memref.alloc() : memref<64x64xf32>
  linalg.fill ins(%cst : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x64xf32>) outs(%c : memref<64x64xf32>)
  linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<64x64xf32>, memref<64xf32>) outs(%out : memref<64x64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %r = arith.maximumf %s, %cst : f32
    linalg.yield %r : f32
  }
  return
}

// CHECK-LABEL: func.func @epilogue
// CHECK-NOT: memref.alloc() : memref<64x64xf32>
// CHECK: scf.parallel
// CHECK: %[[SUM:.+]] = arith.addf %{{.+}}, %{{.+}} : vector<8xf32>
// CHECK: %[[RELU:.+]] = arith.maximumf %[[SUM]], %{{.+}} : vector<8xf32>
// CHECK: vector.store %[[RELU]], %{{.+}}[%{{.+}}] : memref<4096xf32>, vector<8xf32>
// CHECK-NOT: linalg.generic
// CHECK: epilogue fused
// NOFUSE-LABEL: func.func @epilogue
// NOFUSE: scf.parallel
// NOFUSE: linalg.generic

// -----

// Without a zero fill the product is left to the loops.
func.func @no_fill(%a: memref<8x8xf32>, %b: memref<8x8xf32>, %out: memref<8x8xf32>) {
  linalg.matmul ins(%a, %b : memref<8x8xf32>, memref<8x8xf32>) outs(%out : memref<8x8xf32>)
  return
}

// CHECK-LABEL: func.func @no_fill
// CHECK-NEXT: linalg.matmul

// -----

// A 3x3 window over a padded 1x2x10x10 input: rows computed 10 wide so
// that panels read the input in place; a stride-2 window gathers.
#x = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, c, oh + kh, ow + kw)>
#w = affine_map<(n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw)>
#o = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>
#x2 = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, c, oh * 2 + kh, ow * 2 + kw)>
memref.global "private" constant @__constant_k : memref<4x2x3x3xf32> = dense<1.0>
func.func @window(%x: memref<1x2x10x10xf32>, %out: memref<1x4x8x8xf32>, %out2: memref<1x4x4x4xf32>) {
  %cst = arith.constant 0.000000e+00 : f32
  %k = memref.get_global @__constant_k : memref<4x2x3x3xf32>
  linalg.fill ins(%cst : f32) outs(%out : memref<1x4x8x8xf32>)
  linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %k : memref<1x2x10x10xf32>, memref<4x2x3x3xf32>) outs(%out : memref<1x4x8x8xf32>) {
  ^bb0(%i: f32, %j: f32, %acc: f32):
    %m = arith.mulf %i, %j : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%cst : f32) outs(%out2 : memref<1x4x4x4xf32>)
  linalg.generic {indexing_maps = [#x2, #w, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %k : memref<1x2x10x10xf32>, memref<4x2x3x3xf32>) outs(%out2 : memref<1x4x4x4xf32>) {
  ^bb0(%i: f32, %j: f32, %acc: f32):
    %m = arith.mulf %i, %j : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// CHECK-LABEL: func.func @window
// CHECK: scf.parallel
// CHECK: vector.gather
// R16: dlc.kind = "convolution", {{.*}}M=4 N=80 K=18; S packed at compile time, V panels 4 in place / 1 gathered (rows computed 10 wide for in-place reads)
// R32: dlc.kind = "convolution", {{.*}}M=4 N=80 K=18; S packed at compile time, V panels 2 in place / 1 gathered (rows computed 10 wide for in-place reads)
// CHECK: scf.parallel
// CHECK: vector.gather
// CHECK: dlc.kind = "convolution", {{.*}}M=4 N=16 K=18; S packed at compile time, V panels 0 in place / 1 gathered;

// -----

// A bool epilogue input (a causal mask) is read one byte per lane: a
// vector<8xi1> load would read 8 packed bits.
#id2 = affine_map<(d0, d1) -> (d0, d1)>
memref.global "private" constant @__constant_mask : memref<32x32xi1> = dense<true>
func.func @bool_epilogue(%a: memref<32x32xf32>, %b: memref<32x32xf32>, %out: memref<32x32xf32>) {
  %cst = arith.constant 0.000000e+00 : f32
  %min = arith.constant -1.000000e+04 : f32
  %m = memref.get_global @__constant_mask : memref<32x32xi1>
  %c = memref.alloc() : memref<32x32xf32>
  linalg.fill ins(%cst : f32) outs(%c : memref<32x32xf32>)
  linalg.matmul ins(%a, %b : memref<32x32xf32>, memref<32x32xf32>) outs(%c : memref<32x32xf32>)
  linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%m, %c : memref<32x32xi1>, memref<32x32xf32>) outs(%out : memref<32x32xf32>) {
  ^bb0(%k: i1, %x: f32, %o: f32):
    %r = arith.select %k, %x, %min : f32
    linalg.yield %r : f32
  }
  return
}

// CHECK-LABEL: func.func @bool_epilogue
// CHECK: scf.parallel
// CHECK-NOT: vector.load {{.*}} vector<8xi1>
// CHECK: memref.load %{{.+}}[%{{.+}}] : memref<1024xi1>
// CHECK: vector.from_elements {{.*}} : vector<8xi1>
// CHECK: arith.select %{{.+}}, %{{.+}}, %{{.+}} : vector<8xi1>, vector<8xf32>
// CHECK: epilogue fused

// RUN: dlc-opt %s --split-input-file --dlc-gpu-tile-contractions="tensor-cores=mfma" | FileCheck %s

// A 100x90 (K = 40) fp16 product on the AMD matrix cores: a 2 x 2 grid of
// 64x64 tiles, four waves of 64 lanes (256 threads), A as [m][k] and B as
// [n][k] in padded workgroup slices of depth 32 (rows of 36), 2 x 2 mfma
// tiles of 4 accumulators per lane, two barriers per K step, and per step
// 2 (k) x 4 (tiles) mfma 16x16x16 on 4-element fragments; C += acc at the
// end with edge guards.
// CHECK-LABEL: func.func @f(
// CHECK: gpu.launch blocks({{.*}}) in (%{{.+}} = %c2{{.*}}, %{{.+}} = %c2{{.*}}, %{{.+}} = %c1{{.*}}) threads({{.*}}) in (%{{.+}} = %c256{{.*}}, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}) workgroup(%[[AS:.+]] : memref<64x36xf16, #gpu.address_space<workgroup>>, %[[BS:.+]] : memref<64x36xf16, #gpu.address_space<workgroup>>) private(%[[ACC:.+]] : memref<2x2x4xf32, #gpu.address_space<private>>)
// CHECK: scf.for
// CHECK: memref.store %{{.+}}, %[[AS]]
// CHECK: memref.store %{{.+}}, %[[BS]]
// CHECK: gpu.barrier
// CHECK: vector.load %[[AS]][{{.*}}] : memref<64x36xf16, #gpu.address_space<workgroup>>, vector<4xf16>
// CHECK: vector.load %[[BS]][{{.*}}] : memref<64x36xf16, #gpu.address_space<workgroup>>, vector<4xf16>
// CHECK-COUNT-8: amdgpu.mfma 16x16x16 {{.*}} blgp = none : vector<4xf16>, vector<4xf16>, vector<4xf32>
// CHECK: gpu.barrier
// CHECK: memref.load %arg2[
// CHECK: arith.addf
// CHECK: memref.store %{{.+}}, %arg2[
// CHECK: dlc.tensor_cores = "mfma"
// CHECK-NOT: linalg.matmul
func.func @f(%a: memref<100x40xf16>, %b: memref<40x90xf16>, %c: memref<100x90xf32>) {
  linalg.matmul ins(%a, %b : memref<100x40xf16>, memref<40x90xf16>) outs(%c : memref<100x90xf32>)
  return
}

// -----

// f32 inputs keep the SIMT kernel.
// CHECK-LABEL: func.func @f32(
// CHECK-NOT: amdgpu.mfma
// CHECK: math.fma
func.func @f32(%a: memref<100x40xf32>, %b: memref<40x90xf32>, %c: memref<100x90xf32>) {
  linalg.matmul ins(%a, %b : memref<100x40xf32>, memref<40x90xf32>) outs(%c : memref<100x90xf32>)
  return
}

// -----

// A product with at least as many 128x128 tiles as the smallest CDNA GPU
// has compute units (8 x 14 >= 104): 128x128 block tiles, waves of 64x64
// (4 x 4 mfma tiles, 64 accumulators a lane).
// CHECK-LABEL: func.func @large(
// CHECK: gpu.launch blocks({{.*}}) in (%{{.+}} = %c14{{.*}}, %{{.+}} = %c8{{.*}}, %{{.+}} = %c1{{.*}}) threads({{.*}}) in (%{{.+}} = %c256{{.*}}, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}) workgroup(%{{.+}} : memref<128x36xbf16, #gpu.address_space<workgroup>>, %{{.+}} : memref<128x36xbf16, #gpu.address_space<workgroup>>) private(%{{.+}} : memref<4x4x4xf32, #gpu.address_space<private>>)
// CHECK-COUNT-32: amdgpu.mfma 16x16x16
// CHECK-NOT: amdgpu.mfma
// CHECK: dlc.tensor_cores = "mfma"
func.func @large(%a: memref<1000x48xbf16>, %b: memref<48x1680xbf16>, %c: memref<1000x1680xf32>) {
  linalg.matmul ins(%a, %b : memref<1000x48xbf16>, memref<48x1680xbf16>) outs(%c : memref<1000x1680xf32>)
  return
}

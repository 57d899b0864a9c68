// RUN: dlc-opt %s --split-input-file --dlc-gpu-tile-contractions | FileCheck %s

// A 100x90 (K = 70) product: a 2 x 2 grid of 64x64 tiles, 256 threads,
// A and B slices of depth 16 in workgroup memory, a 4x4 accumulator per
// thread, two barriers per K step, C += acc at the end with edge guards.
// The K loop stays rolled (its body is unrolled already; unrolling it too
// runs out of registers).
// CHECK: #[[$UNROLL:.+]] = #llvm.loop_unroll<disable = true>
// CHECK: #[[$ANN:.+]] = #llvm.loop_annotation<unroll = #[[$UNROLL]]>
// CHECK-LABEL: func.func @f(
// CHECK: gpu.launch blocks(%[[BX:.+]], %[[BY:.+]], %[[BZ:.+]]) in (%{{.+}} = %c2{{.*}}, %{{.+}} = %c2{{.*}}, %{{.+}} = %c1{{.*}}) threads(%[[TX:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %c256{{.*}}, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}) workgroup(%[[AS:.+]] : memref<16x64xf32, #gpu.address_space<workgroup>>, %[[BS:.+]] : memref<16x64xf32, #gpu.address_space<workgroup>>) private(%[[ACC:.+]] : memref<4x4xf32, #gpu.address_space<private>>)
// CHECK: memref.store %{{.+}}, %[[ACC]]
// CHECK: scf.for %[[K0:.+]] = %c0{{.*}} to %c70{{.*}} step %c16
// CHECK: memref.load %arg0[
// CHECK: memref.store %{{.+}}, %[[AS]]
// CHECK: memref.load %arg1[
// CHECK: memref.store %{{.+}}, %[[BS]]
// CHECK: gpu.barrier
// CHECK: memref.load %[[AS]]
// CHECK: memref.load %[[BS]]
// CHECK: math.fma
// CHECK: gpu.barrier
// CHECK: } {loop_annotation = #[[$ANN]]}
// CHECK: memref.load %arg2[
// CHECK: arith.addf
// CHECK: memref.store %{{.+}}, %arg2[
// CHECK-NOT: linalg.matmul
func.func @f(%a: memref<100x70xf32>, %b: memref<70x90xf32>, %c: memref<100x90xf32>) {
  linalg.matmul ins(%a, %b : memref<100x70xf32>, memref<70x90xf32>) outs(%c : memref<100x90xf32>)
  return
}

// -----

// A batched contraction written as linalg.generic with a broadcast A
// (constant batch index): d0 indexes only B and C, so it joins N (one
// product with N = 3 x 65 = 195, sharing A's tiles), 4 column tiles, 3 row
// tiles of 16 for 40 rows.
#a = affine_map<(d0, d1, d2, d3) -> (0, d1, d3)>
#b = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
#c = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @f(
// CHECK: gpu.launch blocks({{.+}}) in (%{{.+}} = %c4{{.*}}, %{{.+}} = %c3{{.*}}, %{{.+}} = %c1{{.*}}) threads
// CHECK-SAME: workgroup(%{{.+}} : memref<16x16xf32, #gpu.address_space<workgroup>>, %{{.+}} : memref<16x64xf32, #gpu.address_space<workgroup>>) private(%{{.+}} : memref<1x4xf32, #gpu.address_space<private>>)
// CHECK: %[[ZERO:.+]] = affine.apply #{{.+}}(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}})
// CHECK: memref.load %arg0[%[[ZERO]], %{{.+}}, %{{.+}}] : memref<1x40x33xf32>
func.func @f(%a: memref<1x40x33xf32>, %b: memref<3x33x65xf32>, %c: memref<3x40x65xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<1x40x33xf32>, memref<3x33x65xf32>) outs(%c : memref<3x40x65xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Too thin for a tile (a matrix-vector product), or not f32: left alone.
// (Convolutions: test/GPU/emu-conv.test.)
// CHECK-LABEL: func.func @f(
// CHECK-NOT: gpu.launch
// CHECK: linalg.matmul
// CHECK: linalg.matmul
func.func @f(%a: memref<1x512xf32>, %b: memref<512x1000xf32>, %c: memref<1x1000xf32>,
             %d: memref<64x64xf16>, %e: memref<64x64xf16>) {
  linalg.matmul ins(%a, %b : memref<1x512xf32>, memref<512x1000xf32>) outs(%c : memref<1x1000xf32>)
  linalg.matmul ins(%d, %d : memref<64x64xf16>, memref<64x64xf16>) outs(%e : memref<64x64xf16>)
  return
}

// -----

// The epilogue: a bias + ReLU consumer of the product's own zero-filled
// buffer is applied to the accumulators and stored into its output; the
// fill, the consumer and the product's buffer disappear.
// CHECK-LABEL: func.func @epilogue(
// CHECK-NOT: memref.alloc
// CHECK-NOT: linalg.fill
// CHECK: gpu.launch
// CHECK: math.fma
// CHECK: %[[ACC:.+]] = memref.load %{{.+}}[%{{.+}}, %{{.+}}] : memref<4x4xf32, #gpu.address_space<private>>
// CHECK: %[[V:.+]] = arith.addf %{{.+}}, %[[ACC]] : f32
// CHECK: %[[B:.+]] = memref.load %arg2[%{{.+}}] : memref<90xf32>
// CHECK: %[[S:.+]] = arith.addf %[[V]], %[[B]] : f32
// CHECK: %[[R:.+]] = arith.maximumf %[[S]], %{{.+}} : f32
// CHECK: memref.store %[[R]], %arg3[
// CHECK-NOT: linalg.generic
// CHECK: return
#i2 = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @epilogue(%a: memref<100x70xf32>, %b: memref<70x90xf32>, %bias: memref<90xf32>, %out: memref<100x90xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<100x90xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<100x90xf32>)
  linalg.matmul ins(%a, %b : memref<100x70xf32>, memref<70x90xf32>) outs(%c : memref<100x90xf32>)
  linalg.generic {indexing_maps = [#i2, #col, #i2], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<100x90xf32>, memref<90xf32>) outs(%out : memref<100x90xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A consumer whose output may share bytes with a product input (the memory
// plan ran before: here both are views of one arena at the same offset)
// stays a kernel of its own.
// CHECK-LABEL: func.func @epilogue_aliasing(
// CHECK: gpu.launch
// CHECK: memref.store %{{.+}}, %[[C:.+]][
// CHECK: linalg.generic
#i2b = affine_map<(d0, d1) -> (d0, d1)>
func.func @epilogue_aliasing(%arena: memref<131072xi8>, %b: memref<70x90xf32>) {
  %zero = arith.constant 0.0 : f32
  %o0 = arith.constant 0 : index
  %o1 = arith.constant 65536 : index
  %a = memref.view %arena[%o0][] : memref<131072xi8> to memref<100x70xf32>
  %c = memref.view %arena[%o1][] : memref<131072xi8> to memref<100x90xf32>
  %out = memref.view %arena[%o0][] : memref<131072xi8> to memref<100x90xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<100x90xf32>)
  linalg.matmul ins(%a, %b : memref<100x70xf32>, memref<70x90xf32>) outs(%c : memref<100x90xf32>)
  linalg.generic {indexing_maps = [#i2b, #i2b], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<100x90xf32>) outs(%out : memref<100x90xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A mixed-precision product (f16 inputs widened in the payload, f32
// output): the tiles in workgroup memory are f16, out-of-range elements
// staged as an f16 zero, each value widened to f32 before the fma, and the
// accumulators and C stay f32.
#a16 = affine_map<(d0, d1, d2) -> (d0, d2)>
#b16 = affine_map<(d0, d1, d2) -> (d2, d1)>
#c16 = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @f16_inputs(
// CHECK: gpu.launch
// CHECK-SAME: workgroup(%[[AS:.+]] : memref<16x64xf16, #gpu.address_space<workgroup>>, %[[BS:.+]] : memref<16x64xf16, #gpu.address_space<workgroup>>) private(%[[ACC:.+]] : memref<4x4xf32, #gpu.address_space<private>>)
// CHECK: %[[Z16:.+]] = arith.constant 0.000000e+00 : f16
// CHECK: memref.load %arg0[{{.+}}] : memref<100x70xf16>
// CHECK: scf.yield %[[Z16]] : f16
// CHECK: memref.store %{{.+}}, %[[AS]]{{.+}} : memref<16x64xf16, #gpu.address_space<workgroup>>
// CHECK: memref.store %{{.+}}, %[[BS]]{{.+}} : memref<16x64xf16, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
// CHECK: %[[A:.+]] = memref.load %[[AS]]{{.+}} : memref<16x64xf16, #gpu.address_space<workgroup>>
// CHECK: %[[AW:.+]] = arith.extf %[[A]] : f16 to f32
// CHECK: %[[B:.+]] = memref.load %[[BS]]{{.+}} : memref<16x64xf16, #gpu.address_space<workgroup>>
// CHECK: %[[BW:.+]] = arith.extf %[[B]] : f16 to f32
// CHECK: %[[C:.+]] = memref.load %[[ACC]]
// CHECK: math.fma %[[AW]], %[[BW]], %[[C]] : f32
// CHECK: gpu.barrier
// CHECK: memref.load %arg2[{{.+}}] : memref<100x90xf32>
// CHECK: arith.addf %{{.+}}, %{{.+}} : f32
// CHECK-NOT: linalg.generic
func.func @f16_inputs(%a: memref<100x70xf16>, %b: memref<70x90xf16>, %c: memref<100x90xf32>) {
  linalg.generic {indexing_maps = [#a16, #b16, #c16], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<100x70xf16>, memref<70x90xf16>) outs(%c : memref<100x90xf32>) {
  ^bb0(%x: f16, %y: f16, %z: f32):
    %xw = arith.extf %x : f16 to f32
    %yw = arith.extf %y : f16 to f32
    %m = arith.mulf %xw, %yw : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// bf16 inputs with the fused epilogue (bias + ReLU): bf16 tiles, extf
// before the fma, the epilogue applied to the f32 accumulators.
#abf = affine_map<(d0, d1, d2) -> (d0, d2)>
#bbf = affine_map<(d0, d1, d2) -> (d2, d1)>
#cbf = affine_map<(d0, d1, d2) -> (d0, d1)>
#i2bf = affine_map<(d0, d1) -> (d0, d1)>
#colbf = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @bf16_epilogue(
// CHECK-NOT: linalg.fill
// CHECK: gpu.launch
// CHECK-SAME: workgroup(%[[AS:.+]] : memref<16x64xbf16, #gpu.address_space<workgroup>>, %[[BS:.+]] : memref<16x64xbf16, #gpu.address_space<workgroup>>) private(%{{.+}} : memref<4x4xf32, #gpu.address_space<private>>)
// CHECK: gpu.barrier
// CHECK: %[[A:.+]] = memref.load %[[AS]]
// CHECK: %[[AW:.+]] = arith.extf %[[A]] : bf16 to f32
// CHECK: %[[B:.+]] = memref.load %[[BS]]
// CHECK: %[[BW:.+]] = arith.extf %[[B]] : bf16 to f32
// CHECK: math.fma %[[AW]], %[[BW]], %{{.+}} : f32
// CHECK: gpu.barrier
// CHECK: %[[ACC:.+]] = memref.load %{{.+}}[%{{.+}}, %{{.+}}] : memref<4x4xf32, #gpu.address_space<private>>
// CHECK: %[[V:.+]] = arith.addf %{{.+}}, %[[ACC]] : f32
// CHECK: %[[BIAS:.+]] = memref.load %arg2[%{{.+}}] : memref<90xf32>
// CHECK: %[[S:.+]] = arith.addf %[[V]], %[[BIAS]] : f32
// CHECK: %[[R:.+]] = arith.maximumf %[[S]], %{{.+}} : f32
// CHECK: memref.store %[[R]], %arg3[
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @bf16_epilogue(%a: memref<100x70xbf16>, %b: memref<70x90xbf16>, %bias: memref<90xf32>, %out: memref<100x90xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<100x90xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<100x90xf32>)
  linalg.generic {indexing_maps = [#abf, #bbf, #cbf], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<100x70xbf16>, memref<70x90xbf16>) outs(%c : memref<100x90xf32>) {
  ^bb0(%x: bf16, %y: bf16, %z: f32):
    %xw = arith.extf %x : bf16 to f32
    %yw = arith.extf %y : bf16 to f32
    %m = arith.mulf %xw, %yw : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#i2bf, #colbf, #i2bf], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<100x90xf32>, memref<90xf32>) outs(%out : memref<100x90xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  return
}

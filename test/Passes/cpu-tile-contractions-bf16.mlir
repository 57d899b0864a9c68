// The CPU contraction kernels of 16-bit operands with an f32 accumulator:
// bf16 on AVX512_BF16 dot products of k pairs, else widened in registers.
// RUN: dlc-opt %s --split-input-file --dlc-cpu-tile-contractions="vector-registers=32 bf16-dot=1" | FileCheck %s --check-prefixes=CHECK,DOT
// RUN: dlc-opt %s --split-input-file --dlc-cpu-tile-contractions="vector-registers=32 bf16-dot=0" | FileCheck %s --check-prefixes=CHECK,WIDEN

// -----

// bf16 weights packed as k pairs ([K/2][nr][2], the odd K's last pair half
// zero); S read in place, its last k alone (the tail step).
memref.global "private" constant @__constant_w : memref<3x10xbf16> = dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], [11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0], [21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0]]>
func.func @packed_bf16(%a: memref<4x3xbf16>, %out: memref<4x10xf32>) {
  %cst = arith.constant 0.000000e+00 : f32
  %w = memref.get_global @__constant_w : memref<3x10xbf16>
  linalg.fill ins(%cst : f32) outs(%out : memref<4x10xf32>)
  linalg.matmul ins(%a, %w : memref<4x3xbf16>, memref<3x10xbf16>) outs(%out : memref<4x10xf32>)
  return
}

// DOT: memref.global "private" constant @__constant_dlc_k0_0 : memref<64xbf16> = dense<[1.000000e+00, 1.100000e+01, 2.000000e+00, 1.200000e+01, 3.000000e+00, 1.300000e+01, 4.000000e+00, 1.400000e+01, 5.000000e+00, 1.500000e+01, 6.000000e+00, 1.600000e+01, 7.000000e+00, 1.700000e+01, 8.000000e+00, 1.800000e+01, 9.000000e+00, 1.900000e+01, 1.000000e+01, 2.000000e+01, 0.000000e+00, {{.*}}, 2.100000e+01, 0.000000e+00, 2.200000e+01, 0.000000e+00, 2.300000e+01, 0.000000e+00
// WIDEN: memref.global "private" constant @__constant_dlc_k0_0 : memref<48xbf16> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00, 9.000000e+00, 1.000000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.100000e+01,
// CHECK-NOT: @__constant_w
// CHECK-LABEL: func.func @packed_bf16
// CHECK: scf.parallel
// DOT: scf.for {{.*}} iter_args
// DOT: %[[V:.+]] = vector.load %{{.+}}[%{{.+}}] : memref<64xbf16>, vector<16xbf16>
// DOT: %[[P:.+]] = vector.load %{{.+}}[%{{.+}}] : memref<12xbf16>, vector<2xbf16>
// DOT: vector.bitcast %[[P]] : vector<2xbf16> to vector<1xi32>
// DOT: %[[S:.+]] = vector.bitcast %{{.+}} : vector<8xi32> to vector<16xbf16>
// DOT: x86vector.avx512.dot %{{.+}}, %[[V]], %[[S]] : vector<16xbf16> -> vector<8xf32>
// DOT: scf.yield
// The tail: k = 2 with a zero partner.
// DOT: %[[S2:.+]] = memref.load %{{.+}}[%{{.+}}] : memref<12xbf16>
// DOT-NEXT: vector.from_elements %[[S2]], %{{.+}} : vector<2xbf16>
// DOT: x86vector.avx512.dot
// DOT-NOT: vector.fma
// WIDEN: scf.for {{.*}} iter_args
// WIDEN: %[[B:.+]] = vector.load %{{.+}}[%{{.+}}] : memref<48xbf16>, vector<8xbf16>
// WIDEN: %[[BF:.+]] = arith.extf %[[B]] : vector<8xbf16> to vector<8xf32>
// WIDEN: %[[S1:.+]] = arith.extf %{{.+}} : bf16 to f32
// WIDEN: %[[SB:.+]] = vector.broadcast %[[S1]] : f32 to vector<8xf32>
// WIDEN: vector.fma %[[SB]], %[[BF]], %{{.+}} : vector<8xf32>
// WIDEN-NOT: x86vector
// CHECK-NOT: linalg.matmul
// DOT: dlc.strategy = "register tile {{.*}} K=3; S read in place, V packed at compile time{{.*}}; bf16 dot products of k pairs (AVX512_BF16)
// WIDEN: dlc.strategy = "register tile {{.*}} K=3; S read in place, V packed at compile time{{.*}}; bf16 operands widened to f32 in registers

// -----

// Both operands computed, the widening payload of dlc-assign-precision:
// rows k and k + 1 of V interleaved in registers, S's pairs contiguous
// (one 32-bit load).
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @in_place_bf16(%x: memref<16x6xbf16>, %y: memref<6x32xbf16>, %out: memref<16x32xf32>) {
  %cst = arith.constant 0.000000e+00 : f32
  linalg.fill ins(%cst : f32) outs(%out : memref<16x32xf32>)
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %y : memref<16x6xbf16>, memref<6x32xbf16>) outs(%out : memref<16x32xf32>) {
  ^bb0(%p: bf16, %q: bf16, %o: f32):
    %pf = arith.extf %p : bf16 to f32
    %qf = arith.extf %q : bf16 to f32
    %m = arith.mulf %pf, %qf : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  return
}

// CHECK-LABEL: func.func @in_place_bf16
// DOT: scf.for %{{.+}} = %{{.+}} to %c3 step
// DOT: %[[LO:.+]] = vector.load %{{.+}} : memref<192xbf16>, vector<8xbf16>
// DOT-NEXT: %[[HI:.+]] = vector.load %{{.+}} : memref<192xbf16>, vector<8xbf16>
// DOT-NEXT: vector.shuffle %[[LO]], %[[HI]] [0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15] : vector<8xbf16>, vector<8xbf16>
// DOT: vector.load %{{.+}} : memref<96xbf16>, vector<2xbf16>
// DOT: x86vector.avx512.dot
// DOT-NOT: vector.from_elements
// WIDEN: arith.extf %{{.+}} : vector<8xbf16> to vector<8xf32>
// WIDEN: vector.fma
// CHECK-NOT: linalg.generic

// -----

// f16 operands are always widened (F16C), also with bf16-dot.
func.func @f16(%x: memref<8x40xf16>, %y: memref<40x16xf16>, %out: memref<8x16xf32>) {
  %cst = arith.constant 0.000000e+00 : f32
  linalg.fill ins(%cst : f32) outs(%out : memref<8x16xf32>)
  linalg.matmul ins(%x, %y : memref<8x40xf16>, memref<40x16xf16>) outs(%out : memref<8x16xf32>)
  return
}

// CHECK-LABEL: func.func @f16
// CHECK: arith.extf %{{.+}} : vector<8xf16> to vector<8xf32>
// CHECK: vector.fma
// CHECK-NOT: x86vector
// CHECK: f16 operands widened to f32 in registers

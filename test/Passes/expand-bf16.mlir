// bf16 conversions as integer code (round to nearest even) for CPUs
// without AVX512_BF16; other float ops are left alone.
// RUN: dlc-opt %s --dlc-expand-bf16 | FileCheck %s

// CHECK-LABEL: func.func @convert
// CHECK-NOT: arith.truncf
// CHECK-NOT: arith.extf
// Narrowing: the f32 bits, plus 0x7FFF and the lowest kept bit, shifted
// down 16.
// CHECK: arith.bitcast %{{.+}} : vector<8xf32> to vector<8xi32>
// CHECK: arith.shrui
// CHECK: arith.trunci %{{.+}} : vector<8xi32> to vector<8xi16>
// CHECK: arith.bitcast %{{.+}} : vector<8xi16> to vector<8xbf16>
// Widening: the bits shifted up 16.
// CHECK: arith.bitcast %{{.+}} : bf16 to i16
// CHECK: arith.extui %{{.+}} : i16 to i32
// CHECK: arith.shli
// CHECK: arith.bitcast %{{.+}} : i32 to f32
// CHECK: arith.maximumf
func.func @convert(%v: vector<8xf32>, %s: bf16, %a: f32) -> (vector<8xbf16>, f32) {
  %t = arith.truncf %v : vector<8xf32> to vector<8xbf16>
  %e = arith.extf %s : bf16 to f32
  %m = arith.maximumf %e, %a : f32
  return %t, %m : vector<8xbf16>, f32
}

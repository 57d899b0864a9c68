// RUN: dlc-opt %s --dlc-describe-kernels=func=main | FileCheck %s
// RUN: dlc-opt %s --dlc-describe-kernels="func=main instrument=1" | FileCheck %s --check-prefix=TIMERS

// Every computing top-level op is one kernel, in order, with its nodes,
// kind, precision (recorded by a strategy, or the type written) and
// estimates; views and constants are not kernels.

// CHECK: module attributes {dlc.kernels = [
// CHECK-SAME: {bytes = 256 : i64, flops = 0 : i64, id = 0 : i64, kind = "data movement", nodes = ["fill"], precision = "fp32", strategy = "loops (LLVM-vectorized)"}
// CHECK-SAME: {bytes = 768 : i64, flops = 1024 : i64, id = 1 : i64, kind = "contraction", nodes = ["mm"], precision = "fp32", strategy = "loops (LLVM-vectorized)"}
// CHECK-SAME: {bytes = 512 : i64, flops = 64 : i64, id = 2 : i64, kind = "elementwise", nodes = ["relu"], precision = "fp32", strategy = "loops (LLVM-vectorized)"}
// CHECK-SAME: {bytes = 100 : i64, flops = 7 : i64, id = 3 : i64, kind = "convolution", nodes = ["conv", "bias"], precision = "bf16", strategy = "tiled", tiles = array<i64: 4, 8>}]}

// TIMERS-DAG: func.func private @dlc_profile_enter(i32)
// TIMERS-DAG: func.func private @dlc_profile_exit(i32)
// TIMERS-LABEL: func.func @main
// TIMERS: %[[ID0:.+]] = arith.constant 0 : i32
// TIMERS-NEXT: call @dlc_profile_enter(%[[ID0]])
// TIMERS-NEXT: linalg.fill
// TIMERS-NEXT: call @dlc_profile_exit(%[[ID0]])
// TIMERS: call @dlc_profile_enter
// TIMERS-NEXT: linalg.matmul
// TIMERS: %[[ID3:.+]] = arith.constant 3 : i32
// TIMERS-NEXT: call @dlc_profile_enter(%[[ID3]])
// TIMERS-NEXT: scf.parallel
// TIMERS: call @dlc_profile_exit(%[[ID3]])
// TIMERS-NEXT: return

#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @main(%a: memref<8x8xf32>, %b: memref<8x8xf32>, %out: memref<8x8xf32>) {
  %cst = arith.constant 0.000000e+00 : f32
  %v = memref.collapse_shape %out [[0, 1]] : memref<8x8xf32> into memref<64xf32>
  linalg.fill ins(%cst : f32) outs(%out : memref<8x8xf32>) loc("fill")
  linalg.matmul ins(%a, %b : memref<8x8xf32>, memref<8x8xf32>) outs(%out : memref<8x8xf32>) loc("mm")
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<8x8xf32>) outs(%out : memref<8x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %cst : f32
    linalg.yield %r : f32
  } loc("relu")
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    scf.reduce
  } {dlc.kind = "convolution", dlc.strategy = "tiled", dlc.flops = 7 : i64,
     dlc.bytes = 100 : i64, dlc.tiles = array<i64: 4, 8>, dlc.precision = "bf16"} loc(fused["conv", "bias"])
  return
}

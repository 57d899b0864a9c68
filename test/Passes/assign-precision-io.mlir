// --io-precision: the f32 tensor inputs and results of @main take the low
// type; inputs are widened after entry, results narrowed before the return.
// RUN: dlc-opt %s --split-input-file --dlc-assign-precision="precision=bf16 io-precision=bf16" --canonicalize | FileCheck %s --check-prefix=SAME
// RUN: dlc-opt %s --split-input-file --dlc-assign-precision="precision=fp32 io-precision=fp16" --canonicalize | FileCheck %s --check-prefix=IOONLY
// RUN: not dlc-opt %s --split-input-file --dlc-assign-precision="io-precision=fp8" 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: unknown io-precision 'fp8' (expected model, fp16 or bf16)

// A product in the interface's own type reads the argument itself (no
// widen-then-narrow pair); the integer input keeps its type; the result is
// narrowed from the f32 accumulator.
// SAME-LABEL: func.func @main
// SAME-SAME: (%[[X:.+]]: tensor<4x64xbf16>, %[[I:.+]]: tensor<4xi64>) -> (tensor<4x8xbf16>, tensor<4xi64>)
// SAME-NOT: arith.extf %{{.*}} : bf16 to f32
// SAME: linalg.generic {{.*}} ins(%[[X]], %{{.+}} : tensor<4x64xbf16>, tensor<64x8xbf16>) outs(%{{.*}} : tensor<4x8xf32>) attrs = {dlc.precision = "bf16"}
// SAME: %[[Y:.+]] = linalg.generic {{.*}} ins(%{{.+}} : tensor<4x8xf32>) outs(%{{.+}} : tensor<4x8xbf16>)
// SAME: arith.truncf %{{.*}} : f32 to bf16
// SAME: return %[[Y]], %[[I]] : tensor<4x8xbf16>, tensor<4xi64>
// Only the interface: the input is widened, the product stays f32.
// IOONLY-LABEL: func.func @main
// IOONLY-SAME: (%[[X:.+]]: tensor<4x64xf16>, %{{.+}}: tensor<4xi64>) -> (tensor<4x8xf16>, tensor<4xi64>)
// IOONLY: %[[W:.+]] = linalg.generic {{.*}} ins(%[[X]] : tensor<4x64xf16>) outs(%{{.+}} : tensor<4x64xf32>)
// IOONLY: arith.extf %{{.*}} : f16 to f32
// IOONLY: linalg.matmul ins(%[[W]], %{{.+}} : tensor<4x64xf32>, tensor<64x8xf32>)
// IOONLY: arith.truncf %{{.*}} : f32 to f16
func.func @main(%x: tensor<4x64xf32>, %i: tensor<4xi64>) -> (tensor<4x8xf32>, tensor<4xi64>) {
  %w = arith.constant dense<0.5> : tensor<64x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r, %i : tensor<4x8xf32>, tensor<4xi64>
}

// RUN: dlc-opt %s --dlc-assign-precision="precision=bf16 keep-fp32=pinned min-reduction-terms=1" --canonicalize | FileCheck %s --check-prefix=KEEP

// A node named in keep-fp32 keeps its product in f32; the others demote.
// KEEP-LABEL: func @pinned
// KEEP: linalg.matmul ins(%arg0, %{{.*}} : tensor<4x2xf32>, tensor<2x2xf32>)
// KEEP: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<4x2xbf16>, tensor<2x2xbf16>) {{.*}} attrs = {dlc.precision = "bf16"}
// KEEP-NOT: linalg.matmul
func.func @pinned(%x: tensor<4x2xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %w = arith.constant dense<[[1.0, 3.0], [0.5, -2.0]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %r = linalg.matmul ins(%x, %w : tensor<4x2xf32>, tensor<2x2xf32>) outs(%init : tensor<4x2xf32>) -> tensor<4x2xf32> loc("pinned")
  %s = linalg.matmul ins(%x, %w : tensor<4x2xf32>, tensor<2x2xf32>) outs(%init : tensor<4x2xf32>) -> tensor<4x2xf32> loc("free")
  return %r, %s : tensor<4x2xf32>, tensor<4x2xf32>
}

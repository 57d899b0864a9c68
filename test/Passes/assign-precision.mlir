// RUN: dlc-opt %s --split-input-file --dlc-assign-precision="precision=bf16 min-reduction-terms=1" --canonicalize | FileCheck %s --check-prefix=BF16
// RUN: dlc-opt %s --split-input-file --dlc-assign-precision="precision=fp16 min-reduction-terms=1" --canonicalize | FileCheck %s --check-prefix=FP16
// RUN: dlc-opt %s --split-input-file --dlc-assign-precision="precision=tf32 min-reduction-terms=1" | FileCheck %s --check-prefix=TF32
// RUN: not dlc-opt %s --split-input-file --dlc-assign-precision=precision=fp8 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not dlc-opt %s --split-input-file --dlc-assign-precision="precision=fp16 keep-fp32=nosuch" 2>&1 | FileCheck %s --check-prefix=MISSING

// BAD: unknown precision 'fp8' (expected fp32, tf32, fp16 or bf16)
// MISSING: --keep-fp32: the model has no node named 'nosuch'

// A product with a constant weight: the weight becomes a bf16 constant at
// compile time (1.0 -> 0x3F80, 3.0 -> 0x4040, 1/3 rounds to 0x3EAB, i.e.
// 0.333984375), the activation is cast by an elementwise truncf, the
// product widens both in its body and accumulates in f32.
// BF16-LABEL: func @weight
// BF16-DAG: %[[W:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 3.000000e+00], [3.339840e-01, -2.000000e+00]]> : tensor<2x2xbf16>
// BF16: %[[X:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<4x2xf32>) outs(%{{.*}} : tensor<4x2xbf16>)
// BF16: arith.truncf %{{.*}} : f32 to bf16
// BF16: linalg.generic {{.*}} ins(%[[X]], %[[W]] : tensor<4x2xbf16>, tensor<2x2xbf16>) outs(%{{.*}} : tensor<4x2xf32>) attrs = {dlc.precision = "bf16"}
// BF16: arith.extf %{{.*}} : bf16 to f32
// BF16: arith.extf %{{.*}} : bf16 to f32
// BF16: arith.mulf
// BF16: arith.addf
// BF16-NOT: linalg.matmul
// FP16-LABEL: func @weight
// FP16-DAG: arith.constant dense<{{\[}}[1.000000e+00, 3.000000e+00], [3.332520e-01, -2.000000e+00]]> : tensor<2x2xf16>
// FP16: arith.truncf %{{.*}} : f32 to f16
// FP16: attrs = {dlc.precision = "fp16"}
// TF32-LABEL: func @weight
// TF32: linalg.matmul {dlc.precision = "tf32"}
// TF32-NOT: bf16
func.func @weight(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, 3.0], [0.33333334, -2.0]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %r = linalg.matmul ins(%x, %w : tensor<4x2xf32>, tensor<2x2xf32>) outs(%init : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}

// -----

// The cast goes above the transpose and the reshape feeding the product
// (they move bf16), and one cast of %a serves both products reading it.
// Elementwise ops and reductions stay f32.
// BF16-LABEL: func @chain
// BF16: %[[C:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<2x3xf32>) outs(%{{.*}} : tensor<2x3xbf16>)
// BF16: %[[T:.*]] = linalg.transpose ins(%[[C]] : tensor<2x3xbf16>) outs(%{{.*}} : tensor<3x2xbf16>) permutation = [1, 0]
// BF16: %[[E:.*]] = tensor.expand_shape %[[T]] {{.*}} : tensor<3x2xbf16> into tensor<1x3x2xbf16>
// BF16: %[[P:.*]] = linalg.generic {{.*}} ins(%[[E]], %[[E]] : tensor<1x3x2xbf16>, tensor<1x3x2xbf16>) outs(%{{.*}} : tensor<1x3x3xf32>) attrs = {dlc.precision = "bf16"}
// BF16: linalg.generic {{.*}} ins(%[[P]] : tensor<1x3x3xf32>)
// BF16: math.exp %{{.*}} : f32
// BF16-NOT: bf16
#id3 = affine_map<(b, m, n, k) -> (b, m, k)>
#rhs = affine_map<(b, m, n, k) -> (b, n, k)>
#out = affine_map<(b, m, n, k) -> (b, m, n)>
#ew = affine_map<(b, m, n) -> (b, m, n)>
func.func @chain(%a: tensor<2x3xf32>) -> tensor<1x3x3xf32> {
  %e = tensor.empty() : tensor<3x2xf32>
  %t = linalg.transpose ins(%a : tensor<2x3xf32>) outs(%e : tensor<3x2xf32>) permutation = [1, 0]
  %x = tensor.expand_shape %t [[0, 1], [2]] output_shape [1, 3, 2] : tensor<3x2xf32> into tensor<1x3x2xf32>
  %zero = arith.constant 0.0 : f32
  %pe = tensor.empty() : tensor<1x3x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%pe : tensor<1x3x3xf32>) -> tensor<1x3x3xf32>
  %p = linalg.generic {indexing_maps = [#id3, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %x : tensor<1x3x2xf32>, tensor<1x3x2xf32>) outs(%init : tensor<1x3x3xf32>) {
  ^bb0(%l: f32, %r: f32, %acc: f32):
    %m = arith.mulf %l, %r : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x3x3xf32>
  %ee = tensor.empty() : tensor<1x3x3xf32>
  %exp = linalg.generic {indexing_maps = [#ew, #ew], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%p : tensor<1x3x3xf32>) outs(%ee : tensor<1x3x3xf32>) {
  ^bb0(%v: f32, %o: f32):
    %y = math.exp %v : f32
    linalg.yield %y : f32
  } -> tensor<1x3x3xf32>
  return %exp : tensor<1x3x3xf32>
}


// -----

// With the default bound, a product of 2 terms per output (like a
// depthwise convolution's 9) stays f32.
// RUN: dlc-opt %s --split-input-file --dlc-assign-precision=precision=bf16 | FileCheck %s --check-prefix=SHORT
// BF16-LABEL: func @short
// SHORT-LABEL: func @short
// SHORT: linalg.matmul ins(%arg0, %{{.*}} : tensor<4x2xf32>, tensor<2x2xf32>)
// SHORT-NOT: bf16
func.func @short(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, 3.0], [0.5, -2.0]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %r = linalg.matmul ins(%x, %w : tensor<4x2xf32>, tensor<2x2xf32>) outs(%init : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}

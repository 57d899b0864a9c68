// RUN: dlc-opt %s --split-input-file --dlc-merge-products | FileCheck %s

// Three products of one activation with bias adds (attention's Q, K, V)
// become one product over the concatenated weights, one bias add and three
// slices of the last axis.
// CHECK-LABEL: func @qkv
// CHECK: %[[W:.*]] = graph.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00, 5.000000e+00, 7.000000e+00], [1.100000e+01, 1.300000e+01, 1.700000e+01, 1.900000e+01, 2.300000e+01]]> : tensor<2x5xf32>
// CHECK: %[[P:.*]] = graph.matmul %arg0, %[[W]] : (tensor<3x2xf32>, tensor<2x5xf32>) -> tensor<3x5xf32>
// CHECK: %[[B:.*]] = graph.constant dense<[1.000000e-01, 2.000000e-01, 3.000000e-01, 4.000000e-01, 5.000000e-01]> : tensor<5xf32>
// CHECK: %[[A:.*]] = graph.add %[[P]], %[[B]]
// CHECK: graph.slice %[[A]] {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<3x5xf32>) -> tensor<3x1xf32>
// CHECK: graph.slice %[[A]] {axes = array<i64: 1>, ends = array<i64: 3>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<3x5xf32>) -> tensor<3x2xf32>
// CHECK: graph.slice %[[A]] {axes = array<i64: 1>, ends = array<i64: 5>, starts = array<i64: 3>, steps = array<i64: 1>} : (tensor<3x5xf32>) -> tensor<3x2xf32>
// CHECK-NOT: graph.matmul
func.func @qkv(%x: tensor<3x2xf32>) -> (tensor<3x1xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
  %wq = graph.constant dense<[[1.0], [11.0]]> : tensor<2x1xf32>
  %wk = graph.constant dense<[[2.0, 3.0], [13.0, 17.0]]> : tensor<2x2xf32>
  %wv = graph.constant dense<[[5.0, 7.0], [19.0, 23.0]]> : tensor<2x2xf32>
  %bq = graph.constant dense<[0.1]> : tensor<1xf32>
  %bk = graph.constant dense<[0.2, 0.3]> : tensor<2xf32>
  %bv = graph.constant dense<[0.4, 0.5]> : tensor<2xf32>
  %q0 = graph.matmul %x, %wq : (tensor<3x2xf32>, tensor<2x1xf32>) -> tensor<3x1xf32>
  %q = graph.add %q0, %bq : (tensor<3x1xf32>, tensor<1xf32>) -> tensor<3x1xf32>
  %k0 = graph.matmul %x, %wk : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %k = graph.add %k0, %bk : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %v0 = graph.matmul %x, %wv : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %v = graph.add %bv, %v0 : (tensor<2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %q, %k, %v : tensor<3x1xf32>, tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// Without a bias on every product, only the products merge; a product of
// another input stays alone.
// CHECK-LABEL: func @partial_bias
// CHECK: %[[P:.*]] = graph.matmul %arg0, %{{.*}} : (tensor<3x2xf32>, tensor<2x4xf32>) -> tensor<3x4xf32>
// CHECK: graph.slice %[[P]] {{.*}} -> tensor<3x2xf32>
// CHECK: graph.slice %[[P]] {{.*}} -> tensor<3x2xf32>
// CHECK: graph.add
// CHECK: graph.matmul %arg1
func.func @partial_bias(%x: tensor<3x2xf32>, %y: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
  %w = graph.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = graph.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %a0 = graph.matmul %x, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %a = graph.add %a0, %b : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %c = graph.matmul %x, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %d = graph.matmul %y, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  return %a, %c, %d : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>
}

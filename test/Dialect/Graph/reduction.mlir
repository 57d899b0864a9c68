// RUN: dlc-opt %s --split-input-file | dlc-opt | FileCheck %s

// CHECK-LABEL: func @reduce_sum_keepdims
// CHECK: graph.reduce_sum %{{.*}} {axes = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
func.func @reduce_sum_keepdims(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xf32> {
  %0 = graph.reduce_sum %x {axes = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  return %0 : tensor<2x1x4xf32>
}

// -----

// CHECK-LABEL: func @reduce_mean_drop
// CHECK: graph.reduce_mean %{{.*}} {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
func.func @reduce_mean_drop(%x: tensor<2x3x4xf32>) -> tensor<3xf32> {
  %0 = graph.reduce_mean %x {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// All axes without keepdims gives a rank-0 result.
// CHECK-LABEL: func @reduce_prod_all
// CHECK: graph.reduce_prod %{{.*}} {axes = array<i64: 0, 1>, keepdims = false} : (tensor<2x3xi64>) -> tensor<i64>
func.func @reduce_prod_all(%x: tensor<2x3xi64>) -> tensor<i64> {
  %0 = graph.reduce_prod %x {axes = array<i64: 0, 1>, keepdims = false} : (tensor<2x3xi64>) -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

// CHECK-LABEL: func @reduce_max_bool
// CHECK: graph.reduce_max %{{.*}} {axes = array<i64: 1>} : (tensor<2x3xi1>) -> tensor<2x1xi1>
func.func @reduce_max_bool(%x: tensor<2x3xi1>) -> tensor<2x1xi1> {
  %0 = graph.reduce_max %x {axes = array<i64: 1>} : (tensor<2x3xi1>) -> tensor<2x1xi1>
  return %0 : tensor<2x1xi1>
}

// -----

// CHECK-LABEL: func @reduce_min_ui8
// CHECK: graph.reduce_min %{{.*}} {axes = array<i64: 0>, keepdims = false} : (tensor<4xui8>) -> tensor<ui8>
func.func @reduce_min_ui8(%x: tensor<4xui8>) -> tensor<ui8> {
  %0 = graph.reduce_min %x {axes = array<i64: 0>, keepdims = false} : (tensor<4xui8>) -> tensor<ui8>
  return %0 : tensor<ui8>
}

// -----

// A zero-sized reduced dimension is allowed (the result is the empty-set value).
// CHECK-LABEL: func @reduce_l1_empty_set
// CHECK: graph.reduce_l1 %{{.*}} {axes = array<i64: 1>} : (tensor<2x0x4xf32>) -> tensor<2x1x4xf32>
func.func @reduce_l1_empty_set(%x: tensor<2x0x4xf32>) -> tensor<2x1x4xf32> {
  %0 = graph.reduce_l1 %x {axes = array<i64: 1>} : (tensor<2x0x4xf32>) -> tensor<2x1x4xf32>
  return %0 : tensor<2x1x4xf32>
}

// -----

// CHECK-LABEL: func @reduce_l2
// CHECK: graph.reduce_l2 %{{.*}} {axes = array<i64: 2>} : (tensor<2x3x4xf16>) -> tensor<2x3x1xf16>
func.func @reduce_l2(%x: tensor<2x3x4xf16>) -> tensor<2x3x1xf16> {
  %0 = graph.reduce_l2 %x {axes = array<i64: 2>} : (tensor<2x3x4xf16>) -> tensor<2x3x1xf16>
  return %0 : tensor<2x3x1xf16>
}

// -----

// No axes: only the elementwise square remains.
// CHECK-LABEL: func @reduce_sum_square_no_axes
// CHECK: graph.reduce_sum_square %{{.*}} {axes = array<i64>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @reduce_sum_square_no_axes(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.reduce_sum_square %x {axes = array<i64>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @reduce_log_sum
// CHECK: graph.reduce_log_sum %{{.*}} {axes = array<i64: 0>} : (tensor<3x2xbf16>) -> tensor<1x2xbf16>
func.func @reduce_log_sum(%x: tensor<3x2xbf16>) -> tensor<1x2xbf16> {
  %0 = graph.reduce_log_sum %x {axes = array<i64: 0>} : (tensor<3x2xbf16>) -> tensor<1x2xbf16>
  return %0 : tensor<1x2xbf16>
}

// -----

// CHECK-LABEL: func @reduce_log_sum_exp
// CHECK: graph.reduce_log_sum_exp %{{.*}} {axes = array<i64: 1>, keepdims = false} : (tensor<3x2xf64>) -> tensor<3xf64>
func.func @reduce_log_sum_exp(%x: tensor<3x2xf64>) -> tensor<3xf64> {
  %0 = graph.reduce_log_sum_exp %x {axes = array<i64: 1>, keepdims = false} : (tensor<3x2xf64>) -> tensor<3xf64>
  return %0 : tensor<3xf64>
}

// -----

// CHECK-LABEL: func @argmax
// CHECK: graph.argmax %{{.*}} {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x1xi64>
func.func @argmax(%x: tensor<2x3xf32>) -> tensor<2x1xi64> {
  %0 = graph.argmax %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

// CHECK-LABEL: func @argmin_last_drop
// CHECK: graph.argmin %{{.*}} {axis = 0 : i64, keepdims = false, select_last_index = true} : (tensor<2x3xi32>) -> tensor<3xi64>
func.func @argmin_last_drop(%x: tensor<2x3xi32>) -> tensor<3xi64> {
  %0 = graph.argmin %x {axis = 0 : i64, keepdims = false, select_last_index = true} : (tensor<2x3xi32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// CHECK-LABEL: func @cumsum
// CHECK: graph.cumsum %{{.*}} {axis = 1 : i64, exclusive = true, reverse = true} : tensor<2x3xf32>
func.func @cumsum(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.cumsum %x {axis = 1 : i64, exclusive = true, reverse = true} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @softmax
// CHECK: graph.softmax %{{.*}} {axis = 2 : i64} : tensor<2x3x4xf32>
func.func @softmax(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = graph.softmax %x {axis = 2 : i64} : tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func @log_softmax
// CHECK: graph.log_softmax %{{.*}} {axis = 0 : i64} : tensor<5xf16>
func.func @log_softmax(%x: tensor<5xf16>) -> tensor<5xf16> {
  %0 = graph.log_softmax %x {axis = 0 : i64} : tensor<5xf16>
  return %0 : tensor<5xf16>
}

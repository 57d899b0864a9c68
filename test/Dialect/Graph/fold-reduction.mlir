// RUN: dlc-opt %s --split-input-file --canonicalize | FileCheck %s

// CHECK-LABEL: func @fold_sum_i64
// CHECK: %[[C:.+]] = graph.constant dense<{{\[}}[6], [15]]> : tensor<2x1xi64>
// CHECK-NEXT: return %[[C]]
func.func @fold_sum_i64() -> tensor<2x1xi64> {
  %a = graph.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %0 = graph.reduce_sum %a {axes = array<i64: 1>} : (tensor<2x3xi64>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

// The element count of a shape, as exports compute it.
// CHECK-LABEL: func @fold_prod_shape
// CHECK: %[[C:.+]] = graph.constant dense<24> : tensor<i64>
// CHECK-NEXT: return %[[C]]
func.func @fold_prod_shape() -> tensor<i64> {
  %a = graph.constant dense<[2, 3, 4]> : tensor<3xi64>
  %0 = graph.reduce_prod %a {axes = array<i64: 0>, keepdims = false} : (tensor<3xi64>) -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

// CHECK-LABEL: func @fold_max_min_i32
// CHECK-DAG: %[[MAX:.+]] = graph.constant dense<[7, 2]> : tensor<2xi32>
// CHECK-DAG: %[[MIN:.+]] = graph.constant dense<[1, -5]> : tensor<2xi32>
// CHECK: return %[[MAX]], %[[MIN]]
func.func @fold_max_min_i32() -> (tensor<2xi32>, tensor<2xi32>) {
  %a = graph.constant dense<[[1, -5], [7, 2]]> : tensor<2x2xi32>
  %0 = graph.reduce_max %a {axes = array<i64: 0>, keepdims = false} : (tensor<2x2xi32>) -> tensor<2xi32>
  %1 = graph.reduce_min %a {axes = array<i64: 0>, keepdims = false} : (tensor<2x2xi32>) -> tensor<2xi32>
  return %0, %1 : tensor<2xi32>, tensor<2xi32>
}

// -----

// Unsigned elements compare as unsigned: 200 > 100.
// CHECK-LABEL: func @fold_max_min_ui8
// CHECK-DAG: %[[MAX:.+]] = graph.constant dense<200> : tensor<ui8>
// CHECK-DAG: %[[MIN:.+]] = graph.constant dense<100> : tensor<ui8>
// CHECK: return %[[MAX]], %[[MIN]]
func.func @fold_max_min_ui8() -> (tensor<ui8>, tensor<ui8>) {
  %a = graph.constant dense<[200, 100]> : tensor<2xui8>
  %0 = graph.reduce_max %a {axes = array<i64: 0>, keepdims = false} : (tensor<2xui8>) -> tensor<ui8>
  %1 = graph.reduce_min %a {axes = array<i64: 0>, keepdims = false} : (tensor<2xui8>) -> tensor<ui8>
  return %0, %1 : tensor<ui8>, tensor<ui8>
}

// -----

// Booleans: max is "any", min is "all".
// CHECK-LABEL: func @fold_max_min_bool
// CHECK-DAG: %[[MAX:.+]] = graph.constant dense<[true, false]> : tensor<2xi1>
// CHECK-DAG: %[[MIN:.+]] = graph.constant dense<false> : tensor<2xi1>
// CHECK: return %[[MAX]], %[[MIN]]
func.func @fold_max_min_bool() -> (tensor<2xi1>, tensor<2xi1>) {
  %a = graph.constant dense<[[false, true], [false, false]]> : tensor<2x2xi1>
  %0 = graph.reduce_max %a {axes = array<i64: 1>, keepdims = false} : (tensor<2x2xi1>) -> tensor<2xi1>
  %1 = graph.reduce_min %a {axes = array<i64: 1>, keepdims = false} : (tensor<2x2xi1>) -> tensor<2xi1>
  return %0, %1 : tensor<2xi1>, tensor<2xi1>
}

// -----

// The integer mean does not wrap in the element width (100 + 100 + 101
// overflows i8) and truncates toward zero (-7 / 3 = -2).
// CHECK-LABEL: func @fold_mean_i8
// CHECK: %[[C:.+]] = graph.constant dense<[100, -2]> : tensor<2xi8>
// CHECK-NEXT: return %[[C]]
func.func @fold_mean_i8() -> tensor<2xi8> {
  %a = graph.constant dense<[[100, 100, 101], [-7, 0, 0]]> : tensor<2x3xi8>
  %0 = graph.reduce_mean %a {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xi8>) -> tensor<2xi8>
  return %0 : tensor<2xi8>
}

// -----

// CHECK-LABEL: func @fold_mean_f32
// CHECK: %[[C:.+]] = graph.constant dense<{{\[}}[1.500000e+00], [4.000000e+00]]> : tensor<2x1xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_mean_f32() -> tensor<2x1xf32> {
  %a = graph.constant dense<[[1.0, 2.0], [3.0, 5.0]]> : tensor<2x2xf32>
  %0 = graph.reduce_mean %a {axes = array<i64: 1>} : (tensor<2x2xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

// Reducing a zero-sized dimension yields the empty-set value.
// CHECK-LABEL: func @fold_empty_set
// CHECK-DAG: %[[SUM:.+]] = graph.constant dense<0.000000e+00> : tensor<2x1xf32>
// CHECK-DAG: %[[PROD:.+]] = graph.constant dense<1> : tensor<2x1xi32>
// CHECK-DAG: %[[MAXF:.+]] = graph.constant dense<0xFF800000> : tensor<2x1xf32>
// CHECK-DAG: %[[MAXI:.+]] = graph.constant dense<-2147483648> : tensor<2x1xi32>
// CHECK-DAG: %[[MINI:.+]] = graph.constant dense<2147483647> : tensor<2x1xi32>
// CHECK: return %[[SUM]], %[[PROD]], %[[MAXF]], %[[MAXI]], %[[MINI]]
func.func @fold_empty_set() -> (tensor<2x1xf32>, tensor<2x1xi32>, tensor<2x1xf32>, tensor<2x1xi32>, tensor<2x1xi32>) {
  %f = graph.constant dense<> : tensor<2x0xf32>
  %i = graph.constant dense<> : tensor<2x0xi32>
  %0 = graph.reduce_sum %f {axes = array<i64: 1>} : (tensor<2x0xf32>) -> tensor<2x1xf32>
  %1 = graph.reduce_prod %i {axes = array<i64: 1>} : (tensor<2x0xi32>) -> tensor<2x1xi32>
  %2 = graph.reduce_max %f {axes = array<i64: 1>} : (tensor<2x0xf32>) -> tensor<2x1xf32>
  %3 = graph.reduce_max %i {axes = array<i64: 1>} : (tensor<2x0xi32>) -> tensor<2x1xi32>
  %4 = graph.reduce_min %i {axes = array<i64: 1>} : (tensor<2x0xi32>) -> tensor<2x1xi32>
  return %0, %1, %2, %3, %4 : tensor<2x1xf32>, tensor<2x1xi32>, tensor<2x1xf32>, tensor<2x1xi32>, tensor<2x1xi32>
}

// -----

// Reducing nothing (no axes, or only size-1 dims kept) is the identity.
// CHECK-LABEL: func @fold_no_reduction
// CHECK-SAME: (%[[X:.+]]: tensor<2x1xf32>)
// CHECK-NOT: graph.reduce
// CHECK: return %[[X]], %[[X]]
func.func @fold_no_reduction(%x: tensor<2x1xf32>) -> (tensor<2x1xf32>, tensor<2x1xf32>) {
  %0 = graph.reduce_sum %x {axes = array<i64>} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %1 = graph.reduce_max %x {axes = array<i64: 1>} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  return %0, %1 : tensor<2x1xf32>, tensor<2x1xf32>
}

// -----

// Composite reductions keep their elementwise step when reducing nothing.
// CHECK-LABEL: func @no_fold_sum_square_no_axes
// CHECK: %[[R:.+]] = graph.reduce_sum_square
// CHECK: return %[[R]]
func.func @no_fold_sum_square_no_axes(%x: tensor<2x1xf32>) -> tensor<2x1xf32> {
  %0 = graph.reduce_sum_square %x {axes = array<i64>} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

// Ties give the first index, or the last one with select_last_index.
// CHECK-LABEL: func @fold_argmax
// CHECK-DAG: %[[FIRST:.+]] = graph.constant dense<{{\[}}[1], [0]]> : tensor<2x1xi64>
// CHECK-DAG: %[[LAST:.+]] = graph.constant dense<2> : tensor<2x1xi64>
// CHECK: return %[[FIRST]], %[[LAST]]
func.func @fold_argmax() -> (tensor<2x1xi64>, tensor<2x1xi64>) {
  %a = graph.constant dense<[[1.0, 3.0, 3.0], [5.0, 0.0, 5.0]]> : tensor<2x3xf32>
  %0 = graph.argmax %a {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  %1 = graph.argmax %a {axis = 1 : i64, select_last_index = true} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  return %0, %1 : tensor<2x1xi64>, tensor<2x1xi64>
}

// -----

// CHECK-LABEL: func @fold_argmin_axis0_ui8
// CHECK: %[[C:.+]] = graph.constant dense<[1, 0]> : tensor<2xi64>
// CHECK-NEXT: return %[[C]]
func.func @fold_argmin_axis0_ui8() -> tensor<2xi64> {
  %a = graph.constant dense<[[200, 5], [100, 7]]> : tensor<2x2xui8>
  %0 = graph.argmin %a {axis = 0 : i64, keepdims = false} : (tensor<2x2xui8>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// CHECK-LABEL: func @fold_cumsum
// CHECK-DAG: %[[INC:.+]] = graph.constant dense<[1, 3, 6, 10]> : tensor<4xi64>
// CHECK-DAG: %[[EXC:.+]] = graph.constant dense<[0, 1, 3, 6]> : tensor<4xi64>
// CHECK-DAG: %[[REV:.+]] = graph.constant dense<[10, 9, 7, 4]> : tensor<4xi64>
// CHECK-DAG: %[[REVEXC:.+]] = graph.constant dense<[9, 7, 4, 0]> : tensor<4xi64>
// CHECK: return %[[INC]], %[[EXC]], %[[REV]], %[[REVEXC]]
func.func @fold_cumsum() -> (tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>) {
  %a = graph.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %0 = graph.cumsum %a {axis = 0 : i64} : tensor<4xi64>
  %1 = graph.cumsum %a {axis = 0 : i64, exclusive = true} : tensor<4xi64>
  %2 = graph.cumsum %a {axis = 0 : i64, reverse = true} : tensor<4xi64>
  %3 = graph.cumsum %a {axis = 0 : i64, exclusive = true, reverse = true} : tensor<4xi64>
  return %0, %1, %2, %3 : tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>
}

// -----

// CHECK-LABEL: func @fold_cumsum_2d_f32
// CHECK: %[[C:.+]] = graph.constant dense<{{\[}}[1.000000e+00, 2.500000e+00], [3.000000e+00, 7.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_cumsum_2d_f32() -> tensor<2x2xf32> {
  %a = graph.constant dense<[[1.0, 1.5], [3.0, 4.0]]> : tensor<2x2xf32>
  %0 = graph.cumsum %a {axis = 1 : i64} : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

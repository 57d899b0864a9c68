// RUN: dlc-opt %s --split-input-file --canonicalize | FileCheck %s

// CHECK-LABEL: func @fold_add
// CHECK: %[[C:.+]] = graph.constant dense<[1.500000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_add() -> tensor<2xf32> {
  %a = graph.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %b = graph.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %0 = graph.add %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// CHECK-LABEL: func @fold_relu_int
// CHECK: graph.constant dense<[0, 3]> : tensor<2xi32>
func.func @fold_relu_int() -> tensor<2xi32> {
  %a = graph.constant dense<[-2, 3]> : tensor<2xi32>
  %0 = graph.relu %a : tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

// Integer arithmetic as it appears in exported shape computations.
// CHECK-LABEL: func @fold_int_arith
// CHECK-DAG: graph.constant dense<[3, -3]> : tensor<2xi64>
// CHECK-DAG: graph.constant dense<[8, 12]> : tensor<2xi64>
// CHECK-DAG: graph.constant dense<[3, -3, 0]> : tensor<3xi64>
// CHECK-NOT: graph.sub
// CHECK-NOT: graph.mul
func.func @fold_int_arith() -> (tensor<2xi64>, tensor<2xi64>, tensor<3xi64>) {
  %a = graph.constant dense<[5, 7]> : tensor<2xi64>
  %b = graph.constant dense<[2, 10]> : tensor<2xi64>
  %c = graph.constant dense<4> : tensor<1xi64>
  %d = graph.constant dense<[2, 3]> : tensor<2xi64>
  %e = graph.constant dense<[7, -7, 1]> : tensor<3xi64>
  %f = graph.constant dense<2> : tensor<i64>
  %0 = graph.sub %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %1 = graph.mul %d, %c : (tensor<2xi64>, tensor<1xi64>) -> tensor<2xi64>
  // Integer division truncates toward zero.
  %2 = graph.div %e, %f : (tensor<3xi64>, tensor<i64>) -> tensor<3xi64>
  return %0, %1, %2 : tensor<2xi64>, tensor<2xi64>, tensor<3xi64>
}

// -----

// CHECK-LABEL: func @no_fold_div_by_zero
// CHECK: graph.div
func.func @no_fold_div_by_zero() -> tensor<2xi32> {
  %a = graph.constant dense<[1, 2]> : tensor<2xi32>
  %b = graph.constant dense<[1, 0]> : tensor<2xi32>
  %0 = graph.div %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

// CHECK-LABEL: func @fold_float_math
// CHECK-DAG: graph.constant dense<[4.000000e+00, 9.000000e+00]> : tensor<2xf32>
// CHECK-DAG: graph.constant dense<[2.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK-DAG: graph.constant dense<[1.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK-DAG: graph.constant dense<[0.000000e+00, 5.000000e-01, 1.000000e+00]> : tensor<3xf32>
func.func @fold_float_math() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<3xf32>) {
  %a = graph.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %two = graph.constant dense<2.0> : tensor<f32>
  %0 = graph.pow %a, %two : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  %1 = graph.sqrt %0 : tensor<2xf32>
  %b = graph.constant dense<[1.0, 5.0]> : tensor<2xf32>
  %2 = graph.min %b, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %x = graph.constant dense<[-5.0, 0.5, 9.0]> : tensor<3xf32>
  %lo = graph.constant dense<0.0> : tensor<f32>
  %hi = graph.constant dense<1.0> : tensor<f32>
  %3 = graph.clip %x, %lo, %hi : (tensor<3xf32>, tensor<f32>, tensor<f32>) -> tensor<3xf32>
  return %0, %1, %2, %3 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func @fold_compare
// CHECK-DAG: graph.constant dense<[true, false, true]> : tensor<3xi1>
// Unsigned operands compare unsigned: 200 > 100.
// CHECK-DAG: graph.constant dense<[false, true]> : tensor<2xi1>
// CHECK-NOT: graph.equal
// CHECK-NOT: graph.less
func.func @fold_compare() -> (tensor<3xi1>, tensor<2xi1>) {
  %a = graph.constant dense<[1, 2, 3]> : tensor<3xi64>
  %b = graph.constant dense<[1, 5, 3]> : tensor<3xi64>
  %0 = graph.equal %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi1>
  %c = graph.constant dense<[200, 1]> : tensor<2xui8>
  %d = graph.constant dense<[100, 2]> : tensor<2xui8>
  %1 = graph.less %c, %d : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xi1>
  return %0, %1 : tensor<3xi1>, tensor<2xi1>
}

// -----

// CHECK-LABEL: func @fold_logic_where
// CHECK-DAG: graph.constant dense<[true, false]> : tensor<2xi1>
// CHECK-DAG: graph.constant dense<[1, 20]> : tensor<2xi64>
// CHECK-NOT: graph.where
func.func @fold_logic_where() -> (tensor<2xi1>, tensor<2xi64>) {
  %t = graph.constant dense<[true, false]> : tensor<2xi1>
  %f = graph.constant dense<[true, true]> : tensor<2xi1>
  %0 = graph.and %t, %f : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  %x = graph.constant dense<[1, 2]> : tensor<2xi64>
  %y = graph.constant dense<[10, 20]> : tensor<2xi64>
  %1 = graph.where %0, %x, %y : (tensor<2xi1>, tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0, %1 : tensor<2xi1>, tensor<2xi64>
}

// -----

// A uniform constant condition selects a non-constant side.
// CHECK-LABEL: func @fold_where_splat
// CHECK-SAME: (%[[X:.+]]: tensor<2xf32>, %[[Y:.+]]: tensor<2xf32>)
// CHECK-NEXT: return %[[Y]]
func.func @fold_where_splat(%x: tensor<2xf32>, %y: tensor<2xf32>) -> tensor<2xf32> {
  %c = graph.constant dense<false> : tensor<2xi1>
  %0 = graph.where %c, %x, %y : (tensor<2xi1>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// CHECK-LABEL: func @fold_cast
// Float to integer rounds toward zero.
// CHECK-DAG: graph.constant dense<[1, -2]> : tensor<2xi32>
// Integer narrowing wraps: 300 mod 256 = 44.
// CHECK-DAG: graph.constant dense<[44, 255]> : tensor<2xui8>
// CHECK-DAG: graph.constant dense<[false, true]> : tensor<2xi1>
// CHECK-DAG: graph.constant dense<[3.000000e+00, -1.000000e+00]> : tensor<2xf16>
// CHECK-NOT: graph.cast
func.func @fold_cast() -> (tensor<2xi32>, tensor<2xui8>, tensor<2xi1>, tensor<2xf16>) {
  %a = graph.constant dense<[1.7, -2.5]> : tensor<2xf32>
  %0 = graph.cast %a : tensor<2xf32> -> tensor<2xi32>
  %b = graph.constant dense<[300, 255]> : tensor<2xi64>
  %1 = graph.cast %b : tensor<2xi64> -> tensor<2xui8>
  %c = graph.constant dense<[0.0, 2.0]> : tensor<2xf32>
  %2 = graph.cast %c : tensor<2xf32> -> tensor<2xi1>
  %d = graph.constant dense<[3, -1]> : tensor<2xi64>
  %3 = graph.cast %d : tensor<2xi64> -> tensor<2xf16>
  return %0, %1, %2, %3 : tensor<2xi32>, tensor<2xui8>, tensor<2xi1>, tensor<2xf16>
}

// -----

// CHECK-LABEL: func @fold_cast_identity
// CHECK-SAME: (%[[X:.+]]: tensor<2xf32>)
// CHECK-NEXT: return %[[X]]
func.func @fold_cast_identity(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = graph.cast %x : tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// CHECK-LABEL: func @fold_unary
// CHECK-DAG: graph.constant dense<[2, -3]> : tensor<2xi32>
// CHECK-DAG: graph.constant dense<[false, true]> : tensor<2xi1>
// CHECK-DAG: graph.constant dense<1.000000e+00> : tensor<f32>
func.func @fold_unary() -> (tensor<2xi32>, tensor<2xi1>, tensor<f32>) {
  %a = graph.constant dense<[-2, 3]> : tensor<2xi32>
  %0 = graph.neg %a : tensor<2xi32>
  %b = graph.constant dense<[true, false]> : tensor<2xi1>
  %1 = graph.not %b : tensor<2xi1>
  %z = graph.constant dense<0.0> : tensor<f32>
  %2 = graph.exp %z : tensor<f32>
  return %0, %1, %2 : tensor<2xi32>, tensor<2xi1>, tensor<f32>
}

// -----

// CHECK-LABEL: func.func @fold_sign_mod_shift
// CHECK-DAG: graph.constant dense<[-1, 1, 0]> : tensor<3xi32>
// CHECK-DAG: graph.constant dense<[2, -2, 0]> : tensor<3xi32>
// CHECK-DAG: graph.constant dense<[4, 0, 128]> : tensor<3xui8>
func.func @fold_sign_mod_shift() -> (tensor<3xi32>, tensor<3xi32>, tensor<3xui8>) {
  %a = graph.constant dense<[-7, 7, 0]> : tensor<3xi32>
  %b = graph.constant dense<[3, -3, 3]> : tensor<3xi32>
  %s = graph.sign %a : tensor<3xi32>
  %m = graph.mod %a, %b : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  %x = graph.constant dense<[1, 1, 1]> : tensor<3xui8>
  %y = graph.constant dense<[2, 8, 7]> : tensor<3xui8>
  %l = graph.shift_left %x, %y : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  return %s, %m, %l : tensor<3xi32>, tensor<3xi32>, tensor<3xui8>
}

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

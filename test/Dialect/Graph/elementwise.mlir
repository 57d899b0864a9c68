// RUN: dlc-opt %s --split-input-file | dlc-opt | FileCheck %s

// CHECK-LABEL: func @relu
// CHECK: graph.relu %{{.*}} : tensor<2x3xf32>
func.func @relu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.relu %x : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @add_broadcast
// CHECK: graph.add %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @add_broadcast(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = graph.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @unary_math
// CHECK: graph.neg %{{.*}} : tensor<4xf16>
// CHECK: graph.abs %{{.*}} : tensor<4xf16>
// CHECK: graph.sqrt %{{.*}} : tensor<4xf16>
// CHECK: graph.reciprocal %{{.*}} : tensor<4xf16>
// CHECK: graph.exp %{{.*}} : tensor<4xf16>
// CHECK: graph.log %{{.*}} : tensor<4xf16>
// CHECK: graph.erf %{{.*}} : tensor<4xf16>
// CHECK: graph.tanh %{{.*}} : tensor<4xf16>
// CHECK: graph.sigmoid %{{.*}} : tensor<4xf16>
// CHECK: graph.hard_swish %{{.*}} : tensor<4xf16>
func.func @unary_math(%x: tensor<4xf16>) -> tensor<4xf16> {
  %0 = graph.neg %x : tensor<4xf16>
  %1 = graph.abs %0 : tensor<4xf16>
  %2 = graph.sqrt %1 : tensor<4xf16>
  %3 = graph.reciprocal %2 : tensor<4xf16>
  %4 = graph.exp %3 : tensor<4xf16>
  %5 = graph.log %4 : tensor<4xf16>
  %6 = graph.erf %5 : tensor<4xf16>
  %7 = graph.tanh %6 : tensor<4xf16>
  %8 = graph.sigmoid %7 : tensor<4xf16>
  %9 = graph.hard_swish %8 : tensor<4xf16>
  return %9 : tensor<4xf16>
}

// -----

// CHECK-LABEL: func @activations
// CHECK: graph.leaky_relu %{{.*}} {alpha = 1.000000e-01 : f32} : tensor<2x3xbf16>
// CHECK: graph.elu %{{.*}} {alpha = 2.000000e+00 : f32} : tensor<2x3xbf16>
// CHECK: graph.hard_sigmoid %{{.*}} {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32} : tensor<2x3xbf16>
// CHECK: graph.gelu %{{.*}} {approximate = "tanh"} : tensor<2x3xbf16>
func.func @activations(%x: tensor<2x3xbf16>) -> tensor<2x3xbf16> {
  %0 = graph.leaky_relu %x {alpha = 0.1 : f32} : tensor<2x3xbf16>
  %1 = graph.elu %0 {alpha = 2.0 : f32} : tensor<2x3xbf16>
  %2 = graph.hard_sigmoid %1 {alpha = 0.2 : f32, beta = 0.5 : f32} : tensor<2x3xbf16>
  %3 = graph.gelu %2 {approximate = "tanh"} : tensor<2x3xbf16>
  return %3 : tensor<2x3xbf16>
}

// -----

// CHECK-LABEL: func @clip_cast
// CHECK: graph.clip %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xi64>, tensor<i64>, tensor<i64>) -> tensor<2x3xi64>
// CHECK: graph.cast %{{.*}} : tensor<2x3xi64> -> tensor<2x3xf64>
func.func @clip_cast(%x: tensor<2x3xi64>, %lo: tensor<i64>, %hi: tensor<i64>) -> tensor<2x3xf64> {
  %0 = graph.clip %x, %lo, %hi : (tensor<2x3xi64>, tensor<i64>, tensor<i64>) -> tensor<2x3xi64>
  %1 = graph.cast %0 : tensor<2x3xi64> -> tensor<2x3xf64>
  return %1 : tensor<2x3xf64>
}

// -----

// CHECK-LABEL: func @binary
// CHECK: graph.sub %{{.*}}, %{{.*}} : (tensor<2x1xi32>, tensor<3xi32>) -> tensor<2x3xi32>
// CHECK: graph.mul %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
// CHECK: graph.div %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<2x1xi32>) -> tensor<2x3xi32>
// CHECK: graph.pow %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
// CHECK: graph.min %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
// CHECK: graph.max %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
func.func @binary(%x: tensor<2x1xi32>, %y: tensor<3xi32>) -> tensor<2x3xi32> {
  %0 = graph.sub %x, %y : (tensor<2x1xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  %1 = graph.mul %0, %y : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  %2 = graph.div %1, %x : (tensor<2x3xi32>, tensor<2x1xi32>) -> tensor<2x3xi32>
  %3 = graph.pow %2, %y : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  %4 = graph.min %3, %y : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  %5 = graph.max %4, %y : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  return %5 : tensor<2x3xi32>
}

// -----

// CHECK-LABEL: func @compare_logic_where
// CHECK: graph.equal %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
// CHECK: graph.less %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
// CHECK: graph.less_or_equal %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
// CHECK: graph.greater %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
// CHECK: graph.greater_or_equal %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
// CHECK: graph.and %{{.*}}, %{{.*}} : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
// CHECK: graph.or %{{.*}}, %{{.*}} : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
// CHECK: graph.xor %{{.*}}, %{{.*}} : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
// CHECK: graph.not %{{.*}} : tensor<2x3xi1>
// CHECK: graph.where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
func.func @compare_logic_where(%x: tensor<2x3xf32>, %y: tensor<f32>) -> tensor<2x3xf32> {
  %0 = graph.equal %x, %y : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  %1 = graph.less %x, %y : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  %2 = graph.less_or_equal %x, %y : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  %3 = graph.greater %x, %y : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  %4 = graph.greater_or_equal %x, %y : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  %5 = graph.and %0, %1 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %6 = graph.or %5, %2 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %7 = graph.xor %6, %3 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %8 = graph.not %7 : tensor<2x3xi1>
  %9 = graph.where %8, %x, %y : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %9 : tensor<2x3xf32>
}

// RUN: dlc-opt %s --split-input-file | dlc-opt --split-input-file | FileCheck %s

// CHECK-LABEL: func @reshape
// CHECK: graph.reshape %{{.*}} : (tensor<2x3xf32>) -> tensor<3x2xf32>
func.func @reshape(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = graph.reshape %x : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func @flatten
// CHECK: graph.flatten %{{.*}} {axis = 2 : i64} : (tensor<2x3x4x5xf32>) -> tensor<6x20xf32>
func.func @flatten(%x: tensor<2x3x4x5xf32>) -> tensor<6x20xf32> {
  %0 = graph.flatten %x {axis = 2 : i64} : (tensor<2x3x4x5xf32>) -> tensor<6x20xf32>
  return %0 : tensor<6x20xf32>
}

// -----

// CHECK-LABEL: func @transpose
// CHECK: graph.transpose %{{.*}} {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf16>) -> tensor<4x2x3xf16>
func.func @transpose(%x: tensor<2x3x4xf16>) -> tensor<4x2x3xf16> {
  %0 = graph.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf16>) -> tensor<4x2x3xf16>
  return %0 : tensor<4x2x3xf16>
}

// -----

// CHECK-LABEL: func @squeeze_all
// CHECK: graph.squeeze %{{.*}} : (tensor<1x3x1xi1>) -> tensor<3xi1>
func.func @squeeze_all(%x: tensor<1x3x1xi1>) -> tensor<3xi1> {
  %0 = graph.squeeze %x : (tensor<1x3x1xi1>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

// CHECK-LABEL: func @squeeze_axes
// CHECK: graph.squeeze %{{.*}} {axes = array<i64: -1>} : (tensor<1x3x1xf32>) -> tensor<1x3xf32>
func.func @squeeze_axes(%x: tensor<1x3x1xf32>) -> tensor<1x3xf32> {
  %0 = graph.squeeze %x {axes = array<i64: -1>} : (tensor<1x3x1xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

// CHECK-LABEL: func @unsqueeze
// CHECK: graph.unsqueeze %{{.*}} {axes = array<i64: 3, 0>} : (tensor<2x3xi64>) -> tensor<1x2x3x1xi64>
func.func @unsqueeze(%x: tensor<2x3xi64>) -> tensor<1x2x3x1xi64> {
  %0 = graph.unsqueeze %x {axes = array<i64: 3, 0>} : (tensor<2x3xi64>) -> tensor<1x2x3x1xi64>
  return %0 : tensor<1x2x3x1xi64>
}

// -----

// CHECK-LABEL: func @concat
// CHECK: graph.concat %{{.*}}, %{{.*}} {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
func.func @concat(%x: tensor<2x3xf32>, %y: tensor<2x1xf32>) -> tensor<2x4xf32> {
  %0 = graph.concat %x, %y {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func @split
// CHECK: graph.split %{{.*}} {axis = 1 : i64, split = array<i64: 2, 2, 1>} : (tensor<3x5xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x1xf32>)
func.func @split(%x: tensor<3x5xf32>) -> (tensor<3x2xf32>, tensor<3x1xf32>) {
  %0:3 = graph.split %x {axis = 1 : i64, split = array<i64: 2, 2, 1>} : (tensor<3x5xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x1xf32>)
  return %0#1, %0#2 : tensor<3x2xf32>, tensor<3x1xf32>
}

// -----

// Negative step from the end: rows 3, 1 of axis 0; columns 1..2 of axis 1.
// CHECK-LABEL: func @slice
// CHECK: graph.slice %{{.*}} {axes = array<i64: 0, -1>, ends = array<i64: -9223372036854775808, 3>, starts = array<i64: -1, 1>, steps = array<i64: -2, 1>} : (tensor<4x5xf32>) -> tensor<2x2xf32>
func.func @slice(%x: tensor<4x5xf32>) -> tensor<2x2xf32> {
  %0 = graph.slice %x {starts = array<i64: -1, 1>, ends = array<i64: -9223372036854775808, 3>, axes = array<i64: 0, -1>, steps = array<i64: -2, 1>} : (tensor<4x5xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func @gather
// CHECK: graph.gather %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<3x4x5xf32>, tensor<2x6xi32>) -> tensor<3x2x6x5xf32>
func.func @gather(%x: tensor<3x4x5xf32>, %i: tensor<2x6xi32>) -> tensor<3x2x6x5xf32> {
  %0 = graph.gather %x, %i {axis = 1 : i64} : (tensor<3x4x5xf32>, tensor<2x6xi32>) -> tensor<3x2x6x5xf32>
  return %0 : tensor<3x2x6x5xf32>
}

// -----

// CHECK-LABEL: func @gather_scalar_index
// CHECK: graph.gather %{{.*}}, %{{.*}} : (tensor<3x4xbf16>, tensor<i64>) -> tensor<4xbf16>
func.func @gather_scalar_index(%x: tensor<3x4xbf16>, %i: tensor<i64>) -> tensor<4xbf16> {
  %0 = graph.gather %x, %i : (tensor<3x4xbf16>, tensor<i64>) -> tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

// CHECK-LABEL: func @expand
// CHECK: graph.expand %{{.*}} {shape = array<i64: 2, 1, 1>} : (tensor<3x1xf32>) -> tensor<2x3x1xf32>
func.func @expand(%x: tensor<3x1xf32>) -> tensor<2x3x1xf32> {
  %0 = graph.expand %x {shape = array<i64: 2, 1, 1>} : (tensor<3x1xf32>) -> tensor<2x3x1xf32>
  return %0 : tensor<2x3x1xf32>
}

// -----

// CHECK-LABEL: func @tile
// CHECK: graph.tile %{{.*}} {repeats = array<i64: 2, 3>} : (tensor<2x3xui8>) -> tensor<4x9xui8>
func.func @tile(%x: tensor<2x3xui8>) -> tensor<4x9xui8> {
  %0 = graph.tile %x {repeats = array<i64: 2, 3>} : (tensor<2x3xui8>) -> tensor<4x9xui8>
  return %0 : tensor<4x9xui8>
}

// -----

// CHECK-LABEL: func @pad_constant
// CHECK: graph.pad %{{.*}} {pads = array<i64: 1, 0, 2, -1>, value = 1.500000e+00 : f32} : (tensor<3x4xf32>) -> tensor<6x3xf32>
func.func @pad_constant(%x: tensor<3x4xf32>) -> tensor<6x3xf32> {
  %0 = graph.pad %x {pads = array<i64: 1, 0, 2, -1>, mode = "constant", value = 1.5 : f32} : (tensor<3x4xf32>) -> tensor<6x3xf32>
  return %0 : tensor<6x3xf32>
}

// -----

// CHECK-LABEL: func @pad_reflect
// CHECK: graph.pad %{{.*}} {mode = "reflect", pads = array<i64: 0, 2, 0, 1>} : (tensor<3x4xi32>) -> tensor<3x7xi32>
func.func @pad_reflect(%x: tensor<3x4xi32>) -> tensor<3x7xi32> {
  %0 = graph.pad %x {pads = array<i64: 0, 2, 0, 1>, mode = "reflect"} : (tensor<3x4xi32>) -> tensor<3x7xi32>
  return %0 : tensor<3x7xi32>
}

// -----

// CHECK-LABEL: func @trilu
// CHECK: graph.trilu %{{.*}} {k = -1 : i64, upper = false} : tensor<2x3x4xf32>
func.func @trilu(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = graph.trilu %x {k = -1 : i64, upper = false} : tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func @shape_and_size
// CHECK: graph.shape %{{.*}} {end = -1 : i64, start = 1 : i64} : (tensor<2x3x4x5xf32>) -> tensor<2xi64>
// CHECK: graph.size %{{.*}} : (tensor<2x3x4x5xf32>) -> tensor<i64>
func.func @shape_and_size(%x: tensor<2x3x4x5xf32>) -> (tensor<2xi64>, tensor<i64>) {
  %0 = graph.shape %x {start = 1 : i64, end = -1 : i64} : (tensor<2x3x4x5xf32>) -> tensor<2xi64>
  %1 = graph.size %x : (tensor<2x3x4x5xf32>) -> tensor<i64>
  return %0, %1 : tensor<2xi64>, tensor<i64>
}

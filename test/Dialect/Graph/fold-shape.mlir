// RUN: dlc-opt %s --split-input-file --canonicalize | FileCheck %s

// CHECK-LABEL: func @fold_transpose_i64
// CHECK: %[[C:.+]] = graph.constant dense<{{\[}}[1, 4], [2, 5], [3, 6]]> : tensor<3x2xi64>
// CHECK-NEXT: return %[[C]]
func.func @fold_transpose_i64() -> tensor<3x2xi64> {
  %a = graph.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %0 = graph.transpose %a {perm = array<i64: 1, 0>} : (tensor<2x3xi64>) -> tensor<3x2xi64>
  return %0 : tensor<3x2xi64>
}

// -----

// CHECK-LABEL: func @fold_transpose_identity
// CHECK-SAME: %[[X:.+]]: tensor<2x3xf32>
// CHECK-NOT: graph.transpose
// CHECK: return %[[X]]
func.func @fold_transpose_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.transpose %x {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @fold_transpose_splat
// CHECK: %[[C:.+]] = graph.constant dense<2.500000e+00> : tensor<300x200xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_transpose_splat() -> tensor<300x200xf32> {
  %a = graph.constant dense<2.5> : tensor<200x300xf32>
  %0 = graph.transpose %a {perm = array<i64: 1, 0>} : (tensor<200x300xf32>) -> tensor<300x200xf32>
  return %0 : tensor<300x200xf32>
}

// -----

// CHECK-LABEL: func @fold_concat_f32_axis1
// CHECK: %[[C:.+]] = graph.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 5.000000e+00], [3.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_concat_f32_axis1() -> tensor<2x3xf32> {
  %a = graph.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = graph.constant dense<[[5.0], [6.0]]> : tensor<2x1xf32>
  %0 = graph.concat %a, %b {axis = -1 : i64} : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @no_fold_concat_operand
// CHECK: graph.concat
func.func @no_fold_concat_operand(%x: tensor<2xi64>) -> tensor<3xi64> {
  %a = graph.constant dense<7> : tensor<1xi64>
  %0 = graph.concat %x, %a {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// CHECK-LABEL: func @fold_gather_axis1
// CHECK: %[[C:.+]] = graph.constant dense<{{\[}}[3.000000e+00, 1.000000e+00], [6.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_gather_axis1() -> tensor<2x2xf32> {
  %a = graph.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %i = graph.constant dense<[-1, 0]> : tensor<2xi32>
  %0 = graph.gather %a, %i {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2xi32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// An index outside [-3, 3) is not folded.
// CHECK-LABEL: func @no_fold_gather_out_of_range
// CHECK: graph.gather
func.func @no_fold_gather_out_of_range() -> tensor<i64> {
  %a = graph.constant dense<[10, 20, 30]> : tensor<3xi64>
  %i = graph.constant dense<3> : tensor<i64>
  %0 = graph.gather %a, %i : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

// The PyTorch export pattern: Shape -> Gather -> Unsqueeze -> Concat.
// CHECK-LABEL: func @fold_shape_chain
// CHECK: %[[C:.+]] = graph.constant dense<[2, 12]> : tensor<2xi64>
// CHECK-NEXT: return %[[C]]
func.func @fold_shape_chain(%x: tensor<2x3x4xf32>) -> tensor<2xi64> {
  %s = graph.shape %x : (tensor<2x3x4xf32>) -> tensor<3xi64>
  %i = graph.constant dense<0> : tensor<i64>
  %d = graph.gather %s, %i : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %u = graph.unsqueeze %d {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %c = graph.constant dense<12> : tensor<1xi64>
  %0 = graph.concat %u, %c {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// CHECK-LABEL: func @fold_shape_size
// CHECK-DAG: %[[S:.+]] = graph.constant dense<[3, 4]> : tensor<2xi64>
// CHECK-DAG: %[[N:.+]] = graph.constant dense<24> : tensor<i64>
// CHECK: return %[[S]], %[[N]]
func.func @fold_shape_size(%x: tensor<2x3x4xf32>) -> (tensor<2xi64>, tensor<i64>) {
  %0 = graph.shape %x {start = -2 : i64} : (tensor<2x3x4xf32>) -> tensor<2xi64>
  %1 = graph.size %x : (tensor<2x3x4xf32>) -> tensor<i64>
  return %0, %1 : tensor<2xi64>, tensor<i64>
}

// -----

// Backwards from the last element with step -3 down to (clamped) -inf.
// CHECK-LABEL: func @fold_slice_negative_step
// CHECK: %[[C:.+]] = graph.constant dense<[9, 6, 3, 0]> : tensor<4xi32>
// CHECK-NEXT: return %[[C]]
func.func @fold_slice_negative_step() -> tensor<4xi32> {
  %a = graph.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]> : tensor<10xi32>
  %0 = graph.slice %a {starts = array<i64: -1>, ends = array<i64: -9223372036854775808>, axes = array<i64: 0>, steps = array<i64: -3>} : (tensor<10xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// Rows 1..end (clamped from INT64_MAX), columns 0 and 2.
// CHECK-LABEL: func @fold_slice_2d
// CHECK: %[[C:.+]] = graph.constant dense<{{\[}}[4, 6], [7, 9]]> : tensor<2x2xi8>
// CHECK-NEXT: return %[[C]]
func.func @fold_slice_2d() -> tensor<2x2xi8> {
  %a = graph.constant dense<[[1, 2, 3], [4, 5, 6], [7, 8, 9]]> : tensor<3x3xi8>
  %0 = graph.slice %a {starts = array<i64: 1, 0>, ends = array<i64: 9223372036854775807, 3>, axes = array<i64: 0, 1>, steps = array<i64: 1, 2>} : (tensor<3x3xi8>) -> tensor<2x2xi8>
  return %0 : tensor<2x2xi8>
}

// -----

// CHECK-LABEL: func @fold_slice_full
// CHECK-SAME: %[[X:.+]]: tensor<4xf32>
// CHECK: return %[[X]]
func.func @fold_slice_full(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.slice %x {starts = array<i64: -100>, ends = array<i64: 100>, axes = array<i64: 0>, steps = array<i64: 1>} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @fold_squeeze_unsqueeze_flatten
// CHECK-DAG: %[[A:.+]] = graph.constant dense<7> : tensor<1x1xi64>
// CHECK-DAG: %[[B:.+]] = graph.constant dense<[5, 6]> : tensor<2xi64>
// CHECK-DAG: %[[C:.+]] = graph.constant dense<{{\[}}[1, 2, 3, 4]]> : tensor<1x4xi16>
// CHECK: return %[[A]], %[[B]], %[[C]]
func.func @fold_squeeze_unsqueeze_flatten() -> (tensor<1x1xi64>, tensor<2xi64>, tensor<1x4xi16>) {
  %s = graph.constant dense<7> : tensor<i64>
  %0 = graph.unsqueeze %s {axes = array<i64: 0, -1>} : (tensor<i64>) -> tensor<1x1xi64>
  %v = graph.constant dense<[[5], [6]]> : tensor<2x1xi64>
  %1 = graph.squeeze %v : (tensor<2x1xi64>) -> tensor<2xi64>
  %m = graph.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi16>
  %2 = graph.flatten %m {axis = 0 : i64} : (tensor<2x2xi16>) -> tensor<1x4xi16>
  return %0, %1, %2 : tensor<1x1xi64>, tensor<2xi64>, tensor<1x4xi16>
}

// -----

// CHECK-LABEL: func @fold_expand_f16
// CHECK: %[[C:.+]] = graph.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [1.000000e+00, 2.000000e+00], [1.000000e+00, 2.000000e+00]]> : tensor<3x2xf16>
// CHECK-NEXT: return %[[C]]
func.func @fold_expand_f16() -> tensor<3x2xf16> {
  %a = graph.constant dense<[1.0, 2.0]> : tensor<2xf16>
  %0 = graph.expand %a {shape = array<i64: 3, 1>} : (tensor<2xf16>) -> tensor<3x2xf16>
  return %0 : tensor<3x2xf16>
}

// -----

// CHECK-LABEL: func @fold_tile_i1
// CHECK: %[[C:.+]] = graph.constant dense<{{\[}}[true, false, true, false]]> : tensor<1x4xi1>
// CHECK-NEXT: return %[[C]]
func.func @fold_tile_i1() -> tensor<1x4xi1> {
  %a = graph.constant dense<[[true, false]]> : tensor<1x2xi1>
  %0 = graph.tile %a {repeats = array<i64: 1, 2>} : (tensor<1x2xi1>) -> tensor<1x4xi1>
  return %0 : tensor<1x4xi1>
}

// -----

// CHECK-LABEL: func @fold_split
// CHECK-DAG: %[[A:.+]] = graph.constant dense<[1, 2]> : tensor<2xi64>
// CHECK-DAG: %[[B:.+]] = graph.constant dense<[3, 4, 5]> : tensor<3xi64>
// CHECK: return %[[A]], %[[B]]
func.func @fold_split() -> (tensor<2xi64>, tensor<3xi64>) {
  %a = graph.constant dense<[1, 2, 3, 4, 5]> : tensor<5xi64>
  %0:2 = graph.split %a {axis = 0 : i64, split = array<i64: 2, 3>} : (tensor<5xi64>) -> (tensor<2xi64>, tensor<3xi64>)
  return %0#0, %0#1 : tensor<2xi64>, tensor<3xi64>
}

// -----

// CHECK-LABEL: func @fold_split_2d_axis1
// CHECK-DAG: %[[A:.+]] = graph.constant dense<{{\[}}[1.000000e+00], [4.000000e+00]]> : tensor<2x1xf64>
// CHECK-DAG: %[[B:.+]] = graph.constant dense<{{\[}}[2.000000e+00, 3.000000e+00], [5.000000e+00, 6.000000e+00]]> : tensor<2x2xf64>
// CHECK: return %[[A]], %[[B]]
func.func @fold_split_2d_axis1() -> (tensor<2x1xf64>, tensor<2x2xf64>) {
  %a = graph.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf64>
  %0:2 = graph.split %a {axis = 1 : i64, split = array<i64: 1, 2>} : (tensor<2x3xf64>) -> (tensor<2x1xf64>, tensor<2x2xf64>)
  return %0#0, %0#1 : tensor<2x1xf64>, tensor<2x2xf64>
}

// -----

// CHECK-LABEL: func @fold_pad_modes
// CHECK-DAG: %[[K:.+]] = graph.constant dense<[9, 1, 2, 9, 9]> : tensor<5xi32>
// CHECK-DAG: %[[R:.+]] = graph.constant dense<[3, 2, 1, 2, 3, 2]> : tensor<6xi32>
// CHECK-DAG: %[[E:.+]] = graph.constant dense<[1, 1, 2, 2]> : tensor<4xi32>
// CHECK-DAG: %[[W:.+]] = graph.constant dense<[2, 3, 1, 2, 3, 1]> : tensor<6xi32>
// CHECK-DAG: %[[C:.+]] = graph.constant dense<2> : tensor<1xi32>
// CHECK: return %[[K]], %[[R]], %[[E]], %[[W]], %[[C]]
func.func @fold_pad_modes() -> (tensor<5xi32>, tensor<6xi32>, tensor<4xi32>, tensor<6xi32>, tensor<1xi32>) {
  %a = graph.constant dense<[1, 2]> : tensor<2xi32>
  %b = graph.constant dense<[1, 2, 3]> : tensor<3xi32>
  %0 = graph.pad %a {pads = array<i64: 1, 2>, value = 9 : i32} : (tensor<2xi32>) -> tensor<5xi32>
  %1 = graph.pad %b {pads = array<i64: 2, 1>, mode = "reflect"} : (tensor<3xi32>) -> tensor<6xi32>
  %2 = graph.pad %a {pads = array<i64: 1, 1>, mode = "edge"} : (tensor<2xi32>) -> tensor<4xi32>
  %3 = graph.pad %b {pads = array<i64: 2, 1>, mode = "wrap"} : (tensor<3xi32>) -> tensor<6xi32>
  %4 = graph.pad %b {pads = array<i64: -1, -1>} : (tensor<3xi32>) -> tensor<1xi32>
  return %0, %1, %2, %3, %4 : tensor<5xi32>, tensor<6xi32>, tensor<4xi32>, tensor<6xi32>, tensor<1xi32>
}

// -----

// CHECK-LABEL: func @fold_trilu
// CHECK-DAG: %[[U:.+]] = graph.constant dense<{{\[}}[0.000000e+00, 2.000000e+00, 3.000000e+00], [0.000000e+00, 0.000000e+00, 6.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<3x3xf32>
// CHECK-DAG: %[[L:.+]] = graph.constant dense<{{\[}}[0.000000e+00, 0.000000e+00, 0.000000e+00], [4.000000e+00, 0.000000e+00, 0.000000e+00], [7.000000e+00, 8.000000e+00, 0.000000e+00]]> : tensor<3x3xf32>
// CHECK: return %[[U]], %[[L]]
func.func @fold_trilu() -> (tensor<3x3xf32>, tensor<3x3xf32>) {
  %a = graph.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]> : tensor<3x3xf32>
  %0 = graph.trilu %a {k = 1 : i64} : tensor<3x3xf32>
  %1 = graph.trilu %a {k = -1 : i64, upper = false} : tensor<3x3xf32>
  return %0, %1 : tensor<3x3xf32>, tensor<3x3xf32>
}

// RUN: dlc-opt %s --split-input-file --verify-diagnostics

func.func @reshape_count(%x: tensor<2x3xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{cannot reshape 6 elements into 'tensor<4xf32>'}}
  %0 = graph.reshape %x : (tensor<2x3xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @flatten_axis(%x: tensor<2x3xf32>) -> tensor<6x1xf32> {
  // expected-error@+2 {{axis 3 is out of range [-2, 2]}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.flatten %x {axis = 3 : i64} : (tensor<2x3xf32>) -> tensor<6x1xf32>
  return %0 : tensor<6x1xf32>
}

// -----

func.func @transpose_not_permutation(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  // expected-error@+2 {{perm is not a permutation of [0, 2)}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.transpose %x {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @transpose_wrong_length(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error@+2 {{perm has 3 entries but the input has rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @squeeze_not_one(%x: tensor<1x3xf32>) -> tensor<1xf32> {
  // expected-error@+2 {{cannot squeeze axis 1 of size 3}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.squeeze %x {axes = array<i64: 1>} : (tensor<1x3xf32>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

func.func @unsqueeze_duplicate(%x: tensor<3xf32>) -> tensor<1x1x3xf32> {
  // expected-error@+2 {{axis -3 is listed twice}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.unsqueeze %x {axes = array<i64: 0, -3>} : (tensor<3xf32>) -> tensor<1x1x3xf32>
  return %0 : tensor<1x1x3xf32>
}

// -----

func.func @concat_mismatch(%x: tensor<2x3xf32>, %y: tensor<3x3xf32>) -> tensor<2x6xf32> {
  // expected-error@+2 {{concat operand #1 ('tensor<3x3xf32>') differs from operand #0 ('tensor<2x3xf32>') in dimension 0}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.concat %x, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_scalars(%x: tensor<f32>, %y: tensor<f32>) -> tensor<2xf32> {
  // expected-error@+2 {{concat operands must have rank >= 1}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.concat %x, %y {axis = 0 : i64} : (tensor<f32>, tensor<f32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @split_sum(%x: tensor<5xf32>) -> tensor<2xf32> {
  // expected-error@+2 {{split sizes sum to 4 but dimension 0 has size 5}}
  // expected-error@+1 {{failed to infer returned types}}
  %0:2 = graph.split %x {axis = 0 : i64, split = array<i64: 2, 2>} : (tensor<5xf32>) -> (tensor<2xf32>, tensor<2xf32>)
  return %0#0 : tensor<2xf32>
}

// -----

func.func @slice_zero_step(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+2 {{slice step must not be 0}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.slice %x {starts = array<i64: 0>, ends = array<i64: 4>, axes = array<i64: 0>, steps = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @slice_lengths(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+2 {{slice 'starts', 'ends', 'axes' and 'steps' must have the same length}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.slice %x {starts = array<i64: 0, 0>, ends = array<i64: 4>, axes = array<i64: 0>, steps = array<i64: 1>} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @slice_wrong_result(%x: tensor<10xf32>) -> tensor<4xf32> {
  // 2, 5, 8 -> three elements.
  // expected-error@+2 {{inferred type(s) 'tensor<3xf32>' are incompatible with return type(s) of operation 'tensor<4xf32>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.slice %x {starts = array<i64: 2>, ends = array<i64: 100>, axes = array<i64: 0>, steps = array<i64: 3>} : (tensor<10xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @gather_axis(%x: tensor<3x4xf32>, %i: tensor<2xi64>) -> tensor<3x2xf32> {
  // expected-error@+2 {{axis 2 is out of range for rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.gather %x, %i {axis = 2 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @gather_float_indices(%x: tensor<3x4xf32>, %i: tensor<2xf32>) -> tensor<2x4xf32> {
  // expected-error@+1 {{operand #1 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = graph.gather %x, %i : (tensor<3x4xf32>, tensor<2xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @expand_incompatible(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error@+2 {{cannot expand 'tensor<3xf32>' to shape [2, 4]}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.expand %x {shape = array<i64: 2, 4>} : (tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @tile_rank(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error@+2 {{repeats has 1 entries but the input has rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.tile %x {repeats = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @pad_reflect_too_wide(%x: tensor<3xf32>) -> tensor<6xf32> {
  // expected-error@+2 {{reflect pads of dimension 0 must be smaller than its size 3}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.pad %x {pads = array<i64: 3, 0>, mode = "reflect"} : (tensor<3xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

func.func @pad_mode(%x: tensor<3xf32>) -> tensor<4xf32> {
  // expected-error@+2 {{unknown pad mode 'mirror' (expected constant, reflect, edge or wrap)}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.pad %x {pads = array<i64: 1, 0>, mode = "mirror"} : (tensor<3xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @pad_value_type(%x: tensor<3xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'value' must be a 'f32' scalar attribute, got 1 : i64}}
  %0 = graph.pad %x {pads = array<i64: 1, 0>, value = 1 : i64} : (tensor<3xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @pad_crop_below_zero(%x: tensor<3xf32>) -> tensor<0xf32> {
  // expected-error@+2 {{pads -2 and -2 crop dimension 0 of size 3 below zero}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.pad %x {pads = array<i64: -2, -2>} : (tensor<3xf32>) -> tensor<0xf32>
  return %0 : tensor<0xf32>
}

// -----

func.func @trilu_rank(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{expects a tensor of rank >= 2, got 'tensor<3xf32>'}}
  %0 = graph.trilu %x : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @size_wrong_result(%x: tensor<2x3xf32>) -> tensor<1xi64> {
  // expected-error@+2 {{inferred type(s) 'tensor<i64>' are incompatible with return type(s) of operation 'tensor<1xi64>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.size %x : (tensor<2x3xf32>) -> tensor<1xi64>
  return %0 : tensor<1xi64>
}

// RUN: dlc-opt %s --split-input-file --verify-diagnostics

func.func @reduce_axis_out_of_range(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error@+2 {{reduction axis 2 is out of range for rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.reduce_sum %x {axes = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @reduce_negative_axis(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error@+2 {{reduction axis -1 is out of range for rank 2}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.reduce_max %x {axes = array<i64: -1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @reduce_axes_unsorted(%x: tensor<2x3xf32>) -> tensor<1x1xf32> {
  // expected-error@+2 {{reduction axes must be sorted and unique}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.reduce_mean %x {axes = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @reduce_axes_repeated(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error@+2 {{reduction axes must be sorted and unique}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.reduce_min %x {axes = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @reduce_missing_axes(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error@+1 {{requires attribute 'axes'}}
  %0 = graph.reduce_prod %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @reduce_wrong_result(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error@+2 {{inferred type(s) 'tensor<2x1xf32>' are incompatible with return type(s) of operation 'tensor<2xf32>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.reduce_sum %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @reduce_l2_int(%x: tensor<2x3xi32>) -> tensor<2x1xi32> {
  // expected-error@+1 {{operand #0 must be statically shaped tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %0 = graph.reduce_l2 %x {axes = array<i64: 1>} : (tensor<2x3xi32>) -> tensor<2x1xi32>
  return %0 : tensor<2x1xi32>
}

// -----

func.func @reduce_sum_bool(%x: tensor<2x3xi1>) -> tensor<2x1xi1> {
  // expected-error@+1 {{operand #0 must be statically shaped tensor of}}
  %0 = graph.reduce_sum %x {axes = array<i64: 1>} : (tensor<2x3xi1>) -> tensor<2x1xi1>
  return %0 : tensor<2x1xi1>
}

// -----

func.func @argmax_axis_out_of_range(%x: tensor<2x3xf32>) -> tensor<2x1xi64> {
  // expected-error@+2 {{axis -1 is out of range for rank 2 (expected a normalized axis in [0, rank))}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.argmax %x {axis = -1 : i64} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

func.func @argmin_empty_axis(%x: tensor<2x0xf32>) -> tensor<2x1xi64> {
  // expected-error@+2 {{arg-reduction over the empty axis 1 is undefined}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.argmin %x {axis = 1 : i64} : (tensor<2x0xf32>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

func.func @argmax_scalar(%x: tensor<f32>) -> tensor<i64> {
  // expected-error@+2 {{axis 0 is out of range for rank 0}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.argmax %x {axis = 0 : i64} : (tensor<f32>) -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

func.func @argmax_wrong_result_type(%x: tensor<2x3xf32>) -> tensor<2x1xi32> {
  // expected-error@+1 {{result #0 must be statically shaped tensor of 64-bit signless integer values}}
  %0 = graph.argmax %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x1xi32>
  return %0 : tensor<2x1xi32>
}

// -----

func.func @cumsum_axis_out_of_range(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error@+1 {{axis 2 is out of range for rank 2}}
  %0 = graph.cumsum %x {axis = 2 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @cumsum_scalar(%x: tensor<f32>) -> tensor<f32> {
  // expected-error@+1 {{axis 0 is out of range for rank 0}}
  %0 = graph.cumsum %x {axis = 0 : i64} : tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @softmax_negative_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error@+1 {{axis -1 is out of range for rank 2 (expected a normalized axis in [0, rank))}}
  %0 = graph.softmax %x {axis = -1 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @log_softmax_int(%x: tensor<2x3xi32>) -> tensor<2x3xi32> {
  // expected-error@+1 {{operand #0 must be statically shaped tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %0 = graph.log_softmax %x {axis = 1 : i64} : tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

func.func @argmax_axis_not_i64(%x: tensor<2x3xf32>) -> tensor<2x1xi64> {
  // expected-error@+1 {{attribute 'axis' failed to satisfy constraint: 64-bit signless integer attribute}}
  %0 = graph.argmax %x {axis = 1 : i8} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

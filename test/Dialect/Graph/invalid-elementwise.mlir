// RUN: dlc-opt %s --split-input-file --verify-diagnostics

func.func @add_bad_broadcast(%x: tensor<2x3xf32>, %y: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error@+2 {{operand shapes are not broadcast-compatible}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.add %x, %y : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @add_wrong_result(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<3x3xf32> {
  // expected-error@+2 {{inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3x3xf32>'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @compare_wrong_result(%x: tensor<2xf32>, %y: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{result #0 must be statically shaped tensor of 1-bit signless integer values, but got 'tensor<2xf32>'}}
  %0 = graph.less %x, %y : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @sub_mixed_types(%x: tensor<2xf32>, %y: tensor<2xf16>) -> tensor<2xf32> {
  // expected-error@+2 {{operand element types differ}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.sub %x, %y : (tensor<2xf32>, tensor<2xf16>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @sqrt_int(%x: tensor<2xi32>) -> tensor<2xi32> {
  // expected-error@+1 {{must be statically shaped tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %0 = graph.sqrt %x : tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @and_float(%x: tensor<2xf32>) -> tensor<2xi1> {
  // expected-error@+1 {{must be statically shaped tensor of 1-bit signless integer values}}
  %0 = graph.and %x, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @gelu_bad_mode(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{approximate must be "none" or "tanh", got "erf"}}
  %0 = graph.gelu %x {approximate = "erf"} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @leaky_relu_no_alpha(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{requires attribute 'alpha'}}
  %0 = graph.leaky_relu %x : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @clip_vector_bound(%x: tensor<2xf32>, %lo: tensor<1xf32>, %hi: tensor<f32>) -> tensor<2xf32> {
  // expected-error@+1 {{bounds must be rank-0 tensors of 'f32', got 'tensor<1xf32>'}}
  %0 = graph.clip %x, %lo, %hi : (tensor<2xf32>, tensor<1xf32>, tensor<f32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @clip_bound_type(%x: tensor<2xf32>, %lo: tensor<f16>, %hi: tensor<f32>) -> tensor<2xf32> {
  // expected-error@+1 {{bounds must be rank-0 tensors of 'f32', got 'tensor<f16>'}}
  %0 = graph.clip %x, %lo, %hi : (tensor<2xf32>, tensor<f16>, tensor<f32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @clip_result_type(%x: tensor<2xf32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<3xf32> {
  // expected-error@+1 {{result type 'tensor<3xf32>' differs from the input type 'tensor<2xf32>'}}
  %0 = graph.clip %x, %lo, %hi : (tensor<2xf32>, tensor<f32>, tensor<f32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @cast_shape(%x: tensor<2x3xf32>) -> tensor<6xi32> {
  // expected-error@+1 {{result shape differs from the input shape}}
  %0 = graph.cast %x : tensor<2x3xf32> -> tensor<6xi32>
  return %0 : tensor<6xi32>
}

// -----

func.func @where_not_bool(%c: tensor<2xi32>, %x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{must be statically shaped tensor of 1-bit signless integer values}}
  %0 = graph.where %c, %x, %x : (tensor<2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @where_mixed(%c: tensor<2xi1>, %x: tensor<2xf32>, %y: tensor<2xi64>) -> tensor<2xf32> {
  // expected-error@+2 {{where operand element types differ: 'f32' vs 'i64'}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.where %c, %x, %y : (tensor<2xi1>, tensor<2xf32>, tensor<2xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @where_bad_broadcast(%c: tensor<3xi1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+2 {{where operand shapes are not broadcast-compatible}}
  // expected-error@+1 {{failed to infer returned types}}
  %0 = graph.where %c, %x, %x : (tensor<3xi1>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @celu_zero_alpha(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{alpha must not be 0}}
  %0 = graph.celu %x {alpha = 0.0 : f32} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// RUN: dlc-opt %s --split-input-file --verify-diagnostics

func.func @scatter_rank(%d: tensor<2x3xf32>, %o: tensor<2xi64>, %u: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error@+1 {{'graph.scatter' op data, offsets and updates must be 1-D, got 'tensor<2x3xf32>', 'tensor<2xi64>' and 'tensor<2xf32>'}}
  %0 = graph.scatter %d, %o, %u : (tensor<2x3xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @scatter_count(%d: tensor<6xf32>, %o: tensor<2xi64>, %u: tensor<3xf32>) -> tensor<6xf32> {
  // expected-error@+1 {{'graph.scatter' op has 3 updates for 2 offsets}}
  %0 = graph.scatter %d, %o, %u : (tensor<6xf32>, tensor<2xi64>, tensor<3xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

func.func @scatter_element(%d: tensor<6xf32>, %o: tensor<2xi64>, %u: tensor<2xf16>) -> tensor<6xf32> {
  // expected-error@+1 {{'graph.scatter' op updates element type 'f16' differs from the data's 'f32'}}
  %0 = graph.scatter %d, %o, %u : (tensor<6xf32>, tensor<2xi64>, tensor<2xf16>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

func.func @scatter_reduction(%d: tensor<6xf32>, %o: tensor<2xi64>, %u: tensor<2xf32>) -> tensor<6xf32> {
  // expected-error@+1 {{'graph.scatter' op reduction must be none, add, mul, max or min, got 'sub'}}
  %0 = graph.scatter %d, %o, %u {reduction = "sub"} : (tensor<6xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

func.func @scatter_bool_add(%d: tensor<6xi1>, %o: tensor<2xi64>, %u: tensor<2xi1>) -> tensor<6xi1> {
  // expected-error@+1 {{'graph.scatter' op reduction 'add' needs numeric data, got i1}}
  %0 = graph.scatter %d, %o, %u {reduction = "add"} : (tensor<6xi1>, tensor<2xi64>, tensor<2xi1>) -> tensor<6xi1>
  return %0 : tensor<6xi1>
}

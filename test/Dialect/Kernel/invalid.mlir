// RUN: dlc-opt %s --split-input-file --verify-diagnostics

func.func @unknown_kind(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{unknown kernel kind 'fancy'}}
  %0 = kernel.group "fancy" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    %e = tensor.empty() {kernel.root} : tensor<4xf32>
    kernel.yield %e : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @no_root(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{must mark exactly one op with 'kernel.root' (found 0)}}
  %0 = kernel.group "elementwise" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    kernel.yield %in : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @two_roots(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{must mark exactly one op with 'kernel.root' (found 2)}}
  %0 = kernel.group "elementwise" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    %a = tensor.empty() {kernel.root} : tensor<4xf32>
    %b = tensor.empty() {kernel.root} : tensor<4xf32>
    kernel.yield %a : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @arg_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{operand 0 has type 'tensor<4xf32>' but its block argument has type 'tensor<8xf32>'}}
  %0 = kernel.group "elementwise" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<8xf32>):
    %a = tensor.empty() {kernel.root} : tensor<4xf32>
    kernel.yield %a : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @yield_types(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{yields 1 values whose types do not match its results}}
  %0 = kernel.group "elementwise" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%in: tensor<4xf32>):
    %a = tensor.empty() {kernel.root} : tensor<8xf32>
    kernel.yield %a : tensor<8xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @isolated(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note @+1 {{required by region isolation constraints}}
  %0 = kernel.group "elementwise" () : () -> tensor<4xf32> {
    // expected-error @+1 {{using value defined outside the region}}
    %a = tensor.insert_slice %x into %x[0] [4] [1] {kernel.root} : tensor<4xf32> into tensor<4xf32>
    kernel.yield %a : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

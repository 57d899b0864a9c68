// RUN: dlc-opt %s | dlc-opt | FileCheck %s

// CHECK-LABEL: func @relu_kernel
// CHECK: %[[G:.*]] = kernel.group "elementwise"(%{{.*}}) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
// CHECK: ^bb0(%[[A:.*]]: tensor<4x8xf32>):
// CHECK: linalg.generic {{.*}} ins(%[[A]] : tensor<4x8xf32>) {{.*}} attrs = {kernel.root}
// CHECK: kernel.yield %{{.*}} : tensor<4x8xf32>
// CHECK: return %[[G]]
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @relu_kernel(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = kernel.group "elementwise" (%x) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
  ^bb0(%in: tensor<4x8xf32>):
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<4x8xf32>
    %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%in : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) attrs = {kernel.root} {
    ^bb0(%a: f32, %o: f32):
      %m = arith.maximumf %a, %zero : f32
      linalg.yield %m : f32
    } -> tensor<4x8xf32>
    kernel.yield %r : tensor<4x8xf32>
  }
  return %0 : tensor<4x8xf32>
}

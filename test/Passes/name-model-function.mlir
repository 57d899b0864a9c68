// RUN: dlc-opt %s --split-input-file --dlc-name-model-function=model-name=mlp | FileCheck %s

// @main becomes @mlp_forward without its argument and result attributes.
// CHECK-LABEL: func.func @mlp_forward(
// CHECK-SAME: %{{.+}}: tensor<2xf32>) -> tensor<2xf32> {
func.func @main(%x: tensor<2xf32> {graph.name = "X"}) -> (tensor<2xf32> {graph.name = "Y"}) {
  return %x : tensor<2xf32>
}

// -----

// Without @main the module stays as it is.
// CHECK-LABEL: func.func @other(
// CHECK-SAME: {graph.name = "X"}
func.func @other(%x: tensor<2xf32> {graph.name = "X"}) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}

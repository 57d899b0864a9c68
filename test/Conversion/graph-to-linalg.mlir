// RUN: dlc-opt %s --split-input-file --convert-graph-to-linalg | FileCheck %s

// Broadcasting binary op: the size-1 and missing dimensions read index 0 or
// are dropped from the operand's indexing map.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK: func.func @add_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[COL]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x1xf32>, tensor<3xf32>) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK: arith.addf
func.func @add_broadcast(%x: tensor<2x1xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = graph.add %x, %y : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Unsigned operands become signless and compare unsigned; the function
// keeps the original element types in graph.dtype.
// CHECK-LABEL: func.func @less_unsigned
// CHECK-SAME: (%{{.*}}: tensor<4xi8> {graph.dtype = ui8}, %{{.*}}: tensor<4xi8> {graph.dtype = ui8}) -> (tensor<4xi1> {graph.dtype = i1})
// CHECK: arith.cmpi ult
func.func @less_unsigned(%x: tensor<4xui8>, %y: tensor<4xui8>) -> tensor<4xi1> {
  %0 = graph.less %x, %y : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @less_signed
// CHECK: arith.cmpi slt
func.func @less_signed(%x: tensor<4xi32>, %y: tensor<4xi32>) -> tensor<4xi1> {
  %0 = graph.less %x, %y : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @matmul_2d
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<2x5xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3x5xf32>) outs(%[[INIT]] : tensor<2x5xf32>)
func.func @matmul_2d(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) -> tensor<2x5xf32> {
  %0 = graph.matmul %a, %b : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Batched matmul with a broadcast batch: dims (b, m, n, k), k reduced.
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[B:.+]] = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
// CHECK-DAG: #[[C:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK: func.func @matmul_batched
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @matmul_batched(%a: tensor<4x2x3xf32>, %b: tensor<3x5xf32>) -> tensor<4x2x5xf32> {
  %0 = graph.matmul %a, %b : (tensor<4x2x3xf32>, tensor<3x5xf32>) -> tensor<4x2x5xf32>
  return %0 : tensor<4x2x5xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_mean_keepdims
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.addf
// CHECK: %[[N:.+]] = arith.constant 3.000000e+00 : f32
// CHECK: arith.divf %{{.*}}, %[[N]]
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [2, 1] : tensor<2xf32> into tensor<2x1xf32>
func.func @reduce_mean_keepdims(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %0 = graph.reduce_mean %x {axes = array<i64: 1>, keepdims = true} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

// Softmax subtracts the row maximum before exponentiating.
// CHECK-LABEL: func.func @softmax
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: arith.maximumf
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.softmax %x {axis = 1 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @cast_float_to_unsigned
// CHECK: arith.fptoui %{{.*}} : f32 to i8
func.func @cast_float_to_unsigned(%x: tensor<4xf32>) -> tensor<4xui8> {
  %0 = graph.cast %x : tensor<4xf32> -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @reshape_transpose
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<2x6xf32> into tensor<12xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1, 2]] output_shape [3, 2, 2] : tensor<12xf32> into tensor<3x2x2xf32>
// CHECK: linalg.transpose ins(%{{.*}} : tensor<3x2x2xf32>) outs(%{{.*}} : tensor<2x2x3xf32>) permutation = [2, 1, 0]
func.func @reshape_transpose(%x: tensor<2x6xf32>) -> tensor<2x2x3xf32> {
  %0 = graph.reshape %x : (tensor<2x6xf32>) -> tensor<3x2x2xf32>
  %1 = graph.transpose %0 {perm = array<i64: 2, 1, 0>} : (tensor<3x2x2xf32>) -> tensor<2x2x3xf32>
  return %1 : tensor<2x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @slice_concat
// CHECK: tensor.extract_slice %{{.*}}[0, 1] [4, 2] [1, 2] : tensor<4x5xf32> to tensor<4x2xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [4, 2] [1, 1] : tensor<4x2xf32> into tensor<4x7xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 2] [4, 5] [1, 1] : tensor<4x5xf32> into tensor<4x7xf32>
func.func @slice_concat(%x: tensor<4x5xf32>) -> tensor<4x7xf32> {
  %0 = graph.slice %x {starts = array<i64: 1>, ends = array<i64: 5>, axes = array<i64: 1>, steps = array<i64: 2>} : (tensor<4x5xf32>) -> tensor<4x2xf32>
  %1 = graph.concat %0, %x {axis = 1 : i64} : (tensor<4x2xf32>, tensor<4x5xf32>) -> tensor<4x7xf32>
  return %1 : tensor<4x7xf32>
}

// -----

// Gather wraps negative indices.
// CHECK-LABEL: func.func @gather
// CHECK: linalg.generic
// CHECK: arith.index_cast
// CHECK: arith.cmpi slt
// CHECK: arith.select
// CHECK: tensor.extract
func.func @gather(%x: tensor<5x3xf32>, %i: tensor<2xi64>) -> tensor<2x3xf32> {
  %0 = graph.gather %x, %i {axis = 0 : i64} : (tensor<5x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Trigonometric and rounding functions map to the math dialect (Round to
// roundeven: halves to even).
// CHECK-LABEL: func.func @math_functions
// CHECK: math.acos
// CHECK: math.sinh
// CHECK: math.roundeven
func.func @math_functions(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.acos %x : tensor<4xf32>
  %1 = graph.sinh %0 : tensor<4xf32>
  %2 = graph.round %1 : tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// Unsigned Sign is 0 or 1; signed also -1.
// CHECK-LABEL: func.func @sign_unsigned
// CHECK: arith.cmpi ne
// CHECK-NOT: arith.cmpi slt
// CHECK: linalg.yield
func.func @sign_unsigned(%x: tensor<4xui8>) -> tensor<4xui8> {
  %0 = graph.sign %x : tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// The floored remainder adds the divisor when the truncated remainder is
// non-zero and its sign differs from the divisor's. The divisor is 1 where
// it is 0 or the quotient is INT_MIN / -1, so that nothing traps.
// CHECK-LABEL: func.func @mod_signed
// CHECK: linalg.generic
// CHECK: ^bb0(%[[A:.+]]: i32, %[[B:.+]]: i32, %{{.+}}: i32):
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0 : i32
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1 : i32
// CHECK: %[[ISZ:.+]] = arith.cmpi eq, %[[B]], %[[ZERO]] : i32
// CHECK-DAG: %[[MIN:.+]] = arith.constant -2147483648 : i32
// CHECK-DAG: %[[M1:.+]] = arith.constant -1 : i32
// CHECK: %[[XMIN:.+]] = arith.cmpi eq, %[[A]], %[[MIN]] : i32
// CHECK: %[[DM1:.+]] = arith.cmpi eq, %[[B]], %[[M1]] : i32
// CHECK: %[[OVF:.+]] = arith.andi %[[XMIN]], %[[DM1]] : i1
// CHECK: %[[BAD:.+]] = arith.ori %[[ISZ]], %[[OVF]] : i1
// CHECK: %[[D:.+]] = arith.select %[[BAD]], %[[ONE]], %[[B]] : i32
// CHECK: %[[R:.+]] = arith.remsi %[[A]], %[[D]] : i32
// CHECK: %[[SUM:.+]] = arith.addi %[[R]], %[[B]] : i32
// CHECK: arith.select %{{.+}}, %[[SUM]], %[[R]] : i32
func.func @mod_signed(%x: tensor<4xi32>, %y: tensor<4xi32>) -> tensor<4xi32> {
  %0 = graph.mod %x, %y : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// Integer division by zero gives 0 instead of a trap.
// CHECK-LABEL: func.func @div_signed
// CHECK: ^bb0(%[[A:.+]]: i32, %[[B:.+]]: i32, %{{.+}}: i32):
// CHECK: %[[ISZ:.+]] = arith.cmpi eq, %[[B]], %{{.+}} : i32
// CHECK: %[[D:.+]] = arith.select %{{.+}}, %{{.+}}, %[[B]] : i32
// CHECK: %[[Q:.+]] = arith.divsi %[[A]], %[[D]] : i32
// CHECK: arith.select %[[ISZ]], %{{.+}}, %[[Q]] : i32
func.func @div_signed(%x: tensor<4xi32>, %y: tensor<4xi32>) -> tensor<4xi32> {
  %0 = graph.div %x, %y : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// A shift by the width or more gives 0 instead of LLVM's poison.
// CHECK-LABEL: func.func @shift_left
// CHECK-DAG: %[[W:.+]] = arith.constant 8 : i8
// CHECK: %[[IN:.+]] = arith.cmpi ult, %{{.+}}, %[[W]] : i8
// CHECK: %[[S:.+]] = arith.shli
// CHECK: arith.select %[[IN]], %[[S]], %{{.+}} : i8
func.func @shift_left(%x: tensor<4xui8>, %y: tensor<4xui8>) -> tensor<4xui8> {
  %0 = graph.shift_left %x, %y : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// IsInf compares with the detected infinities only.
// CHECK-LABEL: func.func @is_inf_positive
// CHECK: arith.constant 0x7F800000 : f32
// CHECK-NOT: 0xFF800000
// CHECK: arith.cmpf oeq
func.func @is_inf_positive(%x: tensor<4xf32>) -> tensor<4xi1> {
  %0 = graph.is_inf %x {detect_negative = false, detect_positive = true} : tensor<4xf32> -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// f16 products accumulate in f32 and round once.
// CHECK-LABEL: func.func @matmul_f16
// CHECK: %[[P:.+]] = linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<2x3xf16>, tensor<3x4xf16>) outs(%{{.+}} : tensor<2x4xf32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[P]] : tensor<2x4xf32>)
// CHECK: arith.truncf %{{.+}} : f32 to f16
func.func @matmul_f16(%x: tensor<2x3xf16>, %y: tensor<3x4xf16>) -> tensor<2x4xf16> {
  %0 = graph.matmul %x, %y : (tensor<2x3xf16>, tensor<3x4xf16>) -> tensor<2x4xf16>
  return %0 : tensor<2x4xf16>
}

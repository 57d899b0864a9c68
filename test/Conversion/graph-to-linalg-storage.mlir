// RUN: dlc-opt %s --split-input-file --convert-graph-to-linalg | FileCheck %s

// Storage types become i8 containers; the function keeps the original
// element types in graph.dtype. A cast to f8E4M3FN rounds the f32 mantissa
// to 3 bits (bias 2^19 - 1 plus the kept bit), rebiases the exponent by
// (127 - 7) << 3 = 960, and saturates codes above 0x7E (448) to 126.
// CHECK-LABEL: func.func @cast_to_e4m3fn
// CHECK-SAME: (%{{.*}}: tensor<4xf32> {graph.dtype = f32}) -> (tensor<4xi8> {graph.dtype = f8E4M3FN})
// CHECK: linalg.generic
// CHECK: arith.bitcast %{{.+}} : f32 to i32
// CHECK-DAG: arith.constant 524287 : i32
// CHECK-DAG: arith.constant 960 : i32
// CHECK: math.roundeven
// CHECK: %[[MAX:.+]] = arith.constant 126 : i32
// CHECK: %[[OVER:.+]] = arith.cmpi sgt, %{{.+}}, %[[MAX]] : i32
// CHECK: %[[SAT:.+]] = arith.constant 126 : i32
// CHECK: arith.select %[[OVER]], %[[SAT]]
// CHECK: arith.trunci %{{.+}} : i32 to i8
func.func @cast_to_e4m3fn(%x: tensor<4xf32>) -> tensor<4xf8E4M3FN> {
  %0 = graph.cast %x : tensor<4xf32> -> tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// -----

// Without saturation an E5M2 overflow becomes infinity (0x7C = 124).
// CHECK-LABEL: func.func @cast_to_e5m2_no_saturate
// CHECK: %[[MAX:.+]] = arith.constant 123 : i32
// CHECK: %[[OVER:.+]] = arith.cmpi sgt, %{{.+}}, %[[MAX]] : i32
// CHECK: %[[INF:.+]] = arith.constant 124 : i32
// CHECK: arith.select %[[OVER]], %[[INF]]
func.func @cast_to_e5m2_no_saturate(%x: tensor<4xf32>) -> tensor<4xf8E5M2> {
  %0 = graph.cast %x {saturate = false} : tensor<4xf32> -> tensor<4xf8E5M2>
  return %0 : tensor<4xf8E5M2>
}

// -----

// An int4 container is sign-extended from its low 4 bits before use
// (shift left by 28, arithmetic shift right by 28).
// CHECK-LABEL: func.func @cast_from_int4
// CHECK-SAME: (%{{.*}}: tensor<4xi8> {graph.dtype = i4}) -> (tensor<4xf32> {graph.dtype = f32})
// CHECK: %[[W:.+]] = arith.extui %{{.+}} : i8 to i32
// CHECK: %[[S1:.+]] = arith.constant 28 : i32
// CHECK: %[[UP:.+]] = arith.shli %[[W]], %[[S1]]
// CHECK: %[[S2:.+]] = arith.constant 28 : i32
// CHECK: %[[V:.+]] = arith.shrsi %[[UP]], %[[S2]]
// CHECK: arith.sitofp %[[V]] : i32 to f32
func.func @cast_from_int4(%x: tensor<4xi4>) -> tensor<4xf32> {
  %0 = graph.cast %x : tensor<4xi4> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A float4 constant becomes an i8 constant of its bits (-6.0 is 0xF).
// CHECK-LABEL: func.func @constant_f4
// CHECK: arith.constant dense<[1, 15]> : tensor<2xi8>
func.func @constant_f4() -> tensor<2xf4E2M1FN> {
  %0 = graph.constant dense<[0.5, -6.0]> : tensor<2xf4E2M1FN>
  return %0 : tensor<2xf4E2M1FN>
}

// -----

// BitCast: same-width reinterpretation; bool is its byte.
// CHECK-LABEL: func.func @bitcast
// CHECK: arith.bitcast %{{.+}} : f32 to i32
// CHECK: arith.extui %{{.+}} : i1 to i8
func.func @bitcast(%x: tensor<4xf32>, %b: tensor<4xi1>) -> (tensor<4xi32>, tensor<4xui8>) {
  %0 = graph.bitcast %x : tensor<4xf32> -> tensor<4xi32>
  %1 = graph.bitcast %b : tensor<4xi1> -> tensor<4xui8>
  return %0, %1 : tensor<4xi32>, tensor<4xui8>
}

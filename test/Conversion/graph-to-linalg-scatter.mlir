// RUN: dlc-opt %s --split-input-file --convert-graph-to-linalg | FileCheck %s

// graph.scatter: a parallel copy of the data, then a sequential loop over
// the updates that skips offsets outside [0, size) and combines with the
// value already written (unsigned max for ui8).
// CHECK-LABEL: func.func @scatter_max
// CHECK-SAME: (%[[D:.+]]: tensor<6xi8> {graph.dtype = ui8}, %[[O:.+]]: tensor<3xi64> {graph.dtype = i64}, %[[U:.+]]: tensor<3xi8> {graph.dtype = ui8})
// CHECK: %[[E:.+]] = tensor.empty() : tensor<6xi8>
// CHECK: %[[C:.+]] = linalg.copy ins(%[[D]] : tensor<6xi8>) outs(%[[E]] : tensor<6xi8>)
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[C3:.+]] = arith.constant 3 : index
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK: %[[R:.+]] = scf.for %[[I:.+]] = %[[C0]] to %[[C3]] step %[[C1]] iter_args(%[[T:.+]] = %[[C]]) -> (tensor<6xi8>)
// CHECK: %[[OFF64:.+]] = tensor.extract %[[O]][%[[I]]] : tensor<3xi64>
// CHECK: %[[OFF:.+]] = arith.index_cast %[[OFF64]] : i64 to index
// CHECK: %[[C6:.+]] = arith.constant 6 : index
// CHECK: %[[IN:.+]] = arith.cmpi ult, %[[OFF]], %[[C6]] : index
// CHECK: %[[NEW:.+]] = scf.if %[[IN]] -> (tensor<6xi8>)
// CHECK: %[[UV:.+]] = tensor.extract %[[U]][%[[I]]] : tensor<3xi8>
// CHECK: %[[OLD:.+]] = tensor.extract %[[T]][%[[OFF]]] : tensor<6xi8>
// CHECK: %[[M:.+]] = arith.maxui %[[OLD]], %[[UV]] : i8
// CHECK: %[[INS:.+]] = tensor.insert %[[M]] into %[[T]][%[[OFF]]] : tensor<6xi8>
// CHECK: scf.yield %[[INS]]
// CHECK: } else {
// CHECK: scf.yield %[[T]]
// CHECK: scf.yield %[[NEW]]
// CHECK: return %[[R]]
func.func @scatter_max(%d: tensor<6xui8>, %o: tensor<3xi64>, %u: tensor<3xui8>) -> tensor<6xui8> {
  %0 = graph.scatter %d, %o, %u {reduction = "max"} : (tensor<6xui8>, tensor<3xi64>, tensor<3xui8>) -> tensor<6xui8>
  return %0 : tensor<6xui8>
}

// -----

// Without a reduction the update is stored as it is.
// CHECK-LABEL: func.func @scatter_none
// CHECK: scf.for
// CHECK: scf.if
// CHECK-NOT: arith.addf
// CHECK: %[[UV:.+]] = tensor.extract %{{.+}} : tensor<2xf32>
// CHECK-NEXT: tensor.insert %[[UV]] into
func.func @scatter_none(%d: tensor<4xf32>, %o: tensor<2xi64>, %u: tensor<2xf32>) -> tensor<4xf32> {
  %0 = graph.scatter %d, %o, %u : (tensor<4xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @scatter_mul_f16
// CHECK: arith.mulf %{{.+}}, %{{.+}} : f16
func.func @scatter_mul_f16(%d: tensor<4xf16>, %o: tensor<2xi64>, %u: tensor<2xf16>) -> tensor<4xf16> {
  %0 = graph.scatter %d, %o, %u {reduction = "mul"} : (tensor<4xf16>, tensor<2xi64>, tensor<2xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

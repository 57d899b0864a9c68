// RUN: dlc-opt %s --split-input-file --convert-graph-to-linalg | FileCheck %s

// graph.scatter with a reduction: a parallel copy of the data, then a
// sequential loop over the updates that skips offsets outside [0, size)
// and combines with the value already written (unsigned max for ui8).
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

// Without a reduction the writes are independent (ONNX leaves duplicate
// indices undefined): an scf.forall inserts each update into a copy of the
// data with a spare last element, where out-of-range offsets write.
// CHECK-LABEL: func.func @scatter_none
// CHECK-SAME: (%[[D:.+]]: tensor<4xf32> {graph.dtype = f32}, %[[O:.+]]: tensor<2xi64> {graph.dtype = i64}, %[[U:.+]]: tensor<2xf32> {graph.dtype = f32})
// CHECK: %[[E:.+]] = tensor.empty() : tensor<5xf32>
// CHECK: %[[W:.+]] = tensor.insert_slice %[[D]] into %[[E]][0] [4] [1] : tensor<4xf32> into tensor<5xf32>
// CHECK: %[[R:.+]] = scf.forall (%[[I:.+]]) in (2) shared_outs(%[[T:.+]] = %[[W]]) -> (tensor<5xf32>)
// CHECK: %[[OFF64:.+]] = tensor.extract %[[O]][%[[I]]] : tensor<2xi64>
// CHECK: %[[OFF:.+]] = arith.index_cast %[[OFF64]] : i64 to index
// CHECK: %[[C4:.+]] = arith.constant 4 : index
// CHECK: %[[IN:.+]] = arith.cmpi ult, %[[OFF]], %[[C4]] : index
// CHECK: %[[AT:.+]] = arith.select %[[IN]], %[[OFF]], %[[C4]] : index
// CHECK: %[[UV:.+]] = tensor.extract_slice %[[U]][%[[I]]] [1] [1] : tensor<2xf32> to tensor<1xf32>
// CHECK: scf.forall.in_parallel
// CHECK-NEXT: tensor.parallel_insert_slice %[[UV]] into %[[T]][%[[AT]]] [1] [1] : tensor<1xf32> into tensor<5xf32>
// CHECK: %[[Y:.+]] = tensor.extract_slice %[[R]][0] [4] [1] : tensor<5xf32> to tensor<4xf32>
// CHECK: return %[[Y]]
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

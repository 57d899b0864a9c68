// RUN: dlc-opt %s --split-input-file --dlc-form-kernels | FileCheck %s
// RUN: dlc-opt %s --split-input-file --dlc-form-kernels --dlc-lower-kernels | FileCheck %s --check-prefix=LOWER

// Layer normalization: two row reductions and the elementwise ops between
// them form one "normalization" kernel; the unit-dimension expand_shapes
// are folded into the indexing maps. Lowered, it is one scf.forall over
// tiles of 4 rows (the cost model: 768 floats a row, half of L1) with
// every op inside.
// CHECK-LABEL: func @layer_norm
// CHECK-NOT: tensor.expand_shape
// CHECK: kernel.group "normalization"(%arg0, %arg1, %arg2)
// CHECK-COUNT-2: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: math.rsqrt
// CHECK: attrs =  {kernel.root}
// CHECK: kernel.yield
// CHECK-NEXT: }
// CHECK-NEXT: return
// LOWER-LABEL: func @layer_norm
// LOWER-NOT: kernel.group
// LOWER: scf.forall {{.*}} to (1, 128) step (1, 4)
// LOWER-COUNT-2: ins(%{{.*}} : tensor<1x4x768xf32>) outs(%{{.*}} : tensor<1x4xf32>)
// LOWER: dlc.kind = "normalization"
// LOWER-SAME: dlc.tiles = array<i64: 1, 4, 0>
// LOWER: tensor.parallel_insert_slice
#map = affine_map<(d0, d1, d2) -> (d0, d1)>
#map1 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map4 = affine_map<(d0, d1) -> (d0, d1)>
#map5 = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
#map6 = affine_map<(d0, d1, d2) -> (d2)>
func.func @layer_norm(%11: tensor<1x128x768xf32>, %g: tensor<768xf32>, %bt: tensor<768xf32>) -> tensor<1x128x768xf32> {
    %cst_2 = arith.constant 0.0 : f32
    %cst_3 = arith.constant 768.0 : f32
    %cst_1 = arith.constant 1.0e-12 : f32
    %12 = tensor.empty() : tensor<1x128xf32>
    %13 = linalg.fill ins(%cst_2 : f32) outs(%12 : tensor<1x128xf32>) -> tensor<1x128xf32>
    %14 = linalg.generic {indexing_maps = [#map1, #map], iterator_types = ["parallel", "parallel", "reduction"]} ins(%11 : tensor<1x128x768xf32>) outs(%13 : tensor<1x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %1261 = arith.addf %out, %in : f32
      linalg.yield %1261 : f32
    } -> tensor<1x128xf32>
    %15 = tensor.empty() : tensor<1x128xf32>
    %16 = linalg.generic {indexing_maps = [#map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%14 : tensor<1x128xf32>) outs(%15 : tensor<1x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %1261 = arith.divf %in, %cst_3 : f32
      linalg.yield %1261 : f32
    } -> tensor<1x128xf32>
    %expanded_88 = tensor.expand_shape %16 [[0], [1, 2]] output_shape [1, 128, 1] : tensor<1x128xf32> into tensor<1x128x1xf32>
    %17 = tensor.empty() : tensor<1x128x768xf32>
    %18 = linalg.generic {indexing_maps = [#map1, #map5, #map1], iterator_types = ["parallel", "parallel", "parallel"]} ins(%11, %expanded_88 : tensor<1x128x768xf32>, tensor<1x128x1xf32>) outs(%17 : tensor<1x128x768xf32>) {
    ^bb0(%in: f32, %in_256: f32, %out: f32):
      %1261 = arith.subf %in, %in_256 : f32
      %1262 = arith.mulf %1261, %1261 : f32
      linalg.yield %1262 : f32
    } -> tensor<1x128x768xf32>
    %19 = tensor.empty() : tensor<1x128xf32>
    %20 = linalg.fill ins(%cst_2 : f32) outs(%19 : tensor<1x128xf32>) -> tensor<1x128xf32>
    %21 = linalg.generic {indexing_maps = [#map1, #map], iterator_types = ["parallel", "parallel", "reduction"]} ins(%18 : tensor<1x128x768xf32>) outs(%20 : tensor<1x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %1261 = arith.addf %out, %in : f32
      linalg.yield %1261 : f32
    } -> tensor<1x128xf32>
    %22 = tensor.empty() : tensor<1x128xf32>
    %23 = linalg.generic {indexing_maps = [#map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%21 : tensor<1x128xf32>) outs(%22 : tensor<1x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %1261 = arith.divf %in, %cst_3 : f32
      linalg.yield %1261 : f32
    } -> tensor<1x128xf32>
    %expanded_89 = tensor.expand_shape %23 [[0], [1, 2]] output_shape [1, 128, 1] : tensor<1x128xf32> into tensor<1x128x1xf32>
    %24 = tensor.empty() : tensor<1x128x1xf32>
    %25 = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel", "parallel"]} ins(%expanded_89 : tensor<1x128x1xf32>) outs(%24 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %1261 = arith.addf %in, %cst_1 : f32
      %1262 = math.rsqrt %1261 : f32
      linalg.yield %1262 : f32
    } -> tensor<1x128x1xf32>
    %26 = tensor.empty() : tensor<1x128x768xf32>
    %27 = linalg.generic {indexing_maps = [#map1, #map5, #map5, #map6, #map6, #map1], iterator_types = ["parallel", "parallel", "parallel"]} ins(%11, %expanded_88, %25, %g, %bt : tensor<1x128x768xf32>, tensor<1x128x1xf32>, tensor<1x128x1xf32>, tensor<768xf32>, tensor<768xf32>) outs(%26 : tensor<1x128x768xf32>) {
    ^bb0(%in: f32, %in_256: f32, %in_257: f32, %in_258: f32, %in_259: f32, %out: f32):
      %1261 = arith.subf %in, %in_256 : f32
      %1262 = arith.mulf %1261, %in_257 : f32
      %1263 = arith.mulf %1262, %in_258 : f32
      %1264 = arith.addf %1263, %in_259 : f32
      linalg.yield %1264 : f32
    } -> tensor<1x128x768xf32>
    return %27 : tensor<1x128x768xf32>
}

// -----

// A batched product: the transposes that feed it and its bias add join its
// group; lowered, the transposes are part of the product's indexing maps
// and the bias add stays right after it (the epilogue).
// CHECK-LABEL: func @attention_scores
// CHECK: kernel.group "contraction"(%arg0, %arg1, %arg2)
// CHECK-COUNT-2: linalg.transpose
// CHECK: linalg.fill
// CHECK: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: kernel.root
// CHECK: arith.addf
// CHECK: kernel.yield
// CHECK-NOT: kernel.group
// LOWER-LABEL: func @attention_scores
// LOWER-NOT: linalg.transpose
// LOWER: linalg.generic {indexing_maps = [#[[Q:.*]], #[[K:.*]], #[[C:.*]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%arg0, %arg1 : tensor<4x2x3xf32>, tensor<5x2x3xf32>)
// LOWER-NEXT: ^bb0
// LOWER-NEXT: arith.mulf
// LOWER-NEXT: arith.addf
// LOWER: linalg.generic
// LOWER: arith.addf
#m3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#ma = affine_map<(b, m, n, k) -> (b, m, k)>
#mb = affine_map<(b, m, n, k) -> (b, n, k)>
#mc = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @attention_scores(%q: tensor<4x2x3xf32>, %k: tensor<5x2x3xf32>, %bias: tensor<2x4x5xf32>) -> tensor<2x4x5xf32> {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<2x4x3xf32>
  %qt = linalg.transpose ins(%q : tensor<4x2x3xf32>) outs(%e0 : tensor<2x4x3xf32>) permutation = [1, 0, 2]
  %e1 = tensor.empty() : tensor<2x5x3xf32>
  %kt = linalg.transpose ins(%k : tensor<5x2x3xf32>) outs(%e1 : tensor<2x5x3xf32>) permutation = [1, 0, 2]
  %e2 = tensor.empty() : tensor<2x4x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  %s = linalg.generic {indexing_maps = [#ma, #mb, #mc], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%qt, %kt : tensor<2x4x3xf32>, tensor<2x5x3xf32>) outs(%f : tensor<2x4x5xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<2x4x5xf32>
  %e3 = tensor.empty() : tensor<2x4x5xf32>
  %y = linalg.generic {indexing_maps = [#m3, #m3, #m3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%s, %bias : tensor<2x4x5xf32>, tensor<2x4x5xf32>) outs(%e3 : tensor<2x4x5xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x4x5xf32>
  return %y : tensor<2x4x5xf32>
}

// -----

// A row maximum that the function also returns is not fused into the rows
// that read it (it would be computed twice): every op is a kernel of its own.
// CHECK-LABEL: func @shared_max
// CHECK: kernel.group "reduction"
// CHECK: kernel.group "elementwise"
// CHECK-NOT: kernel.group
// CHECK: return
// Lowered, the maximum with its fill is one row-tiled kernel; the
// elementwise op stays a plain linalg op.
// LOWER-LABEL: func @shared_max
// LOWER: scf.forall
// LOWER: dlc.kind = "reduction"
// LOWER: scf.forall.in_parallel
// LOWER-NOT: scf.forall
// LOWER: math.exp
#r2 = affine_map<(d0, d1) -> (d0, d1)>
#r1 = affine_map<(d0, d1) -> (d0)>
func.func @shared_max(%x: tensor<6x10xf32>) -> (tensor<6x10xf32>, tensor<6xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %e0 = tensor.empty() : tensor<6xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e0 : tensor<6xf32>) -> tensor<6xf32>
  %m = linalg.generic {indexing_maps = [#r2, #r1], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<6x10xf32>) outs(%f : tensor<6xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<6xf32>
  %e1 = tensor.empty() : tensor<6x10xf32>
  %y = linalg.generic {indexing_maps = [#r2, #r1, #r2], iterator_types = ["parallel", "parallel"]}
      ins(%x, %m : tensor<6x10xf32>, tensor<6xf32>) outs(%e1 : tensor<6x10xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.subf %a, %b : f32
    %r = math.exp %d : f32
    linalg.yield %r : f32
  } -> tensor<6x10xf32>
  return %y, %m : tensor<6x10xf32>, tensor<6xf32>
}

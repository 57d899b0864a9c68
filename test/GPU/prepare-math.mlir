// RUN: dlc-opt %s --split-input-file --verify-diagnostics --dlc-gpu-prepare-math | FileCheck %s

// Inside kernels, transcendental functions become polynomials (no call to
// a device library remains), f16 math runs in f32, powf is expanded, and
// sqrt calls the LLVM intrinsic (which the GPU back ends select natively);
// math outside kernels is left to the host's lowering.
// CHECK-LABEL: func.func @f(
// CHECK: gpu.launch
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK-NOT: math.powf
// CHECK-NOT: math.erf
// CHECK: llvm.call_intrinsic "llvm.sqrt.f32"(%{{.+}}) : (f32) -> f32
// CHECK: arith.extf %{{.+}} : f16 to f32
// CHECK: arith.truncf %{{.+}} : f32 to f16
// CHECK: gpu.terminator
// CHECK: math.exp %{{.+}} : f32
// CHECK-NEXT: return
func.func @f(%a: memref<4xf32>, %h: memref<4xf16>, %x: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %a[%c0] : memref<4xf32>
    %e = math.exp %v : f32
    %t = math.tanh %e : f32
    %p = math.powf %t, %v : f32
    %r = math.erf %p : f32
    %s = math.sqrt %r : f32
    memref.store %s, %a[%c0] : memref<4xf32>
    %hv = memref.load %h[%c0] : memref<4xf16>
    %he = math.exp %hv : f16
    memref.store %he, %h[%c0] : memref<4xf16>
    gpu.terminator
  }
  %host = math.exp %x : f32
  return %host : f32
}


// -----

// f64 transcendental math has no polynomial here: a clear error.
func.func @f(%a: memref<4xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %a[%c0] : memref<4xf64>
    // expected-error @below {{'math.sin' on 'f64' is not supported by the GPU targets yet}}
    %e = math.sin %v : f64
    memref.store %e, %a[%c0] : memref<4xf64>
    gpu.terminator
  }
  return
}

// RUN: dlc-opt %s --split-input-file --verify-diagnostics --dlc-gpu-launch-to-loops | FileCheck %s

// amdgpu.mfma 16x16x16 ends a phase: each thread stores its 4-element
// operand vectors into per-thread slots [threads][4], the op runs once per
// 64-lane wave on the slots (16 x 16 outputs, 16 terms each; one private
// function per form and types, called from each site), and the next phase
// reads the thread's result slot.
// CHECK-LABEL: func.func @mfma
// CHECK-NOT: amdgpu.mfma
// CHECK: memref.alloc() {{.*}}: memref<128x4xf16>
// CHECK: memref.alloc() {{.*}}: memref<128x4xf16>
// CHECK: memref.alloc() {{.*}}: memref<128x4xf32>
// CHECK: memref.alloc() {{.*}}: memref<128x4xf32>
// CHECK: call @__dlc_emu_mfma_16x16x16_{{.*}}(%{{.*}}) :
// CHECK: vector.from_elements {{.*}} : vector<4xf32>
// CHECK-NOT: amdgpu.mfma
// CHECK: func.func private @__dlc_emu_mfma_16x16x16_
// CHECK: math.fma
func.func @mfma(%a: memref<128x4xf16>, %b: memref<128x4xf16>,
                %c: memref<128x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c128, %sy = %c1, %sz = %c1) {
    %va = vector.load %a[%tx, %c0] : memref<128x4xf16>, vector<4xf16>
    %vb = vector.load %b[%tx, %c0] : memref<128x4xf16>, vector<4xf16>
    %vc = vector.load %c[%tx, %c0] : memref<128x4xf32>, vector<4xf32>
    %d = amdgpu.mfma 16x16x16 %va * %vb + %vc blgp = none : vector<4xf16>, vector<4xf16>, vector<4xf32>
    vector.store %d, %c[%tx, %c0] : memref<128x4xf32>, vector<4xf32>
    gpu.terminator
  }
  return
}

// -----

// The blocks must be whole 64-lane waves.
func.func @half_wave(%a: memref<32x4xf16>, %c: memref<32x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    %va = vector.load %a[%tx, %c0] : memref<32x4xf16>, vector<4xf16>
    %vc = vector.load %c[%tx, %c0] : memref<32x4xf32>, vector<4xf32>
    // expected-error @below {{need blocks of whole warps (64 lanes)}}
    %d = amdgpu.mfma 16x16x16 %va * %va + %vc blgp = none : vector<4xf16>, vector<4xf16>, vector<4xf32>
    vector.store %d, %c[%tx, %c0] : memref<32x4xf32>, vector<4xf32>
    gpu.terminator
  }
  return
}

// -----

// Other mfma shapes are not emulated.
func.func @other_shape(%a: memref<64x4xf16>, %c: memref<64x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c64, %sy = %c1, %sz = %c1) {
    %va = vector.load %a[%tx, %c0] : memref<64x4xf16>, vector<4xf16>
    %vc = vector.load %c[%tx, %c0] : memref<64x16xf32>, vector<16xf32>
    // expected-error @below {{only amdgpu.mfma 16x16x16 with f16 or bf16 inputs}}
    %d = amdgpu.mfma 32x32x8 %va * %va + %vc blgp = none : vector<4xf16>, vector<4xf16>, vector<16xf32>
    vector.store %d, %c[%tx, %c0] : memref<64x16xf32>, vector<16xf32>
    gpu.terminator
  }
  return
}

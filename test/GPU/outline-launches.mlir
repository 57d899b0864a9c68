// RUN: dlc-opt %s --gpu-kernel-outlining --dlc-gpu-merge-modules --dlc-gpu-lower-launches="func=f" | FileCheck %s

// Two launches: after upstream outlining (one gpu.module each) the kernels
// are gathered into @dlc_kernels with unique names and 16-byte aligned
// pointers, the module lists them in launch order, and each launch becomes
// a call of __dlc_gpu_launch_<index>(ctx, grid, block, args) with the
// runtime's context as the function's new last argument.
// CHECK: module attributes {dlc.gpu_kernels = ["f_kernel", "f_kernel_0"], gpu.container_module}
// CHECK: func.func private @__dlc_gpu_launch_0(memref<0xi8>, index, index, index, index, index, index, memref<64xf32>)
// CHECK: func.func private @__dlc_gpu_launch_1(memref<0xi8>, index, index, index, index, index, index, f32, memref<64xf32>)
// CHECK: func.func @f(%[[A:.+]]: memref<64xf32>, %[[X:.+]]: f32, %[[CTX:.+]]: memref<0xi8>)
// CHECK: call @__dlc_gpu_launch_0(%[[CTX]], %c2, %c1, %c1, %c32, %c1, %c1, %[[A]])
// CHECK: call @__dlc_gpu_launch_1(%[[CTX]], %c1, %c1, %c1, %c64, %c1, %c1, %[[X]], %[[A]])
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.module @dlc_kernels
// CHECK: gpu.func @f_kernel(%{{.+}}: memref<64xf32> {llvm.align = 16 : i64}) kernel
// CHECK: gpu.func @f_kernel_0(%{{.+}}: f32, %{{.+}}: memref<64xf32> {llvm.align = 16 : i64}) kernel
// CHECK-NOT: gpu.module
func.func @f(%a: memref<64xf32>, %x: f32) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    %i = arith.addi %bx, %tx : index
    %v = memref.load %a[%i] : memref<64xf32>
    %w = arith.addf %v, %v : f32
    memref.store %w, %a[%i] : memref<64xf32>
    gpu.terminator
  }
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c64, %sy = %c1, %sz = %c1) {
    memref.store %x, %a[%tx] : memref<64xf32>
    gpu.terminator
  }
  return
}
